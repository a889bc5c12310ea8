"""Scheduled publishing with the real workers (`manage.py cms_worker`, as compose runs it, two
of them) on the stack's PostgreSQL, read through nginx as a frontend reads it: heroes, menu
items and the home pages go live, and heroes, menu items and partners expire, in both
locales, within 5 s of their time; no item is published twice; the frontend hears of a batch
due together once per locale; and a worker killed while items were due publishes them once
it is back."""

import json
import time
from datetime import datetime

import pytest

from tests.stack.test_webhooks import Worker, endpoint_for, manage_shell
from tests.webhooks.receiver import Receiver

LEAD = 4.0  # seconds between scheduling and the go-live: the workers see it coming
ON_TIME = 5.0  # the bound on lateness

SCHEDULE = """
import json
from datetime import timedelta
from django.utils import timezone
from wagtail.models import Locale
from home.models import HomePage
from sitecontent.models import Hero, MenuItem, Partner

due = timezone.now() + timedelta(seconds={lead})
en, ar = Locale.objects.get(language_code="en"), Locale.objects.get(language_code="ar")
expected = {{"en": [], "ar": []}}

def scheduled(item):
    if item.pk is None:  # new: a draft until its time (a new snippet is live by default)
        item.live = False
        item.save()
    item.go_live_at = due
    item.save_revision().publish()

image = Hero.objects.filter(live=True)[0].background_image
for n in range({heroes}):
    hero = Hero(locale=en, title=f"Scheduled hero {tag} {{n}}", description="d",
                button_label="Go", link_url="/go", background_image=image)
    scheduled(hero)
    arabic = hero.copy_for_translation(ar)
    arabic.title = f"بطل مجدول {tag} {{n}}"
    scheduled(arabic)
    expected["en"].append(hero.title); expected["ar"].append(arabic.title)
for n in range({menus}):
    for locale, label in ((en, f"Scheduled menu {tag} {{n}}"), (ar, f"قائمة مجدولة {tag} {{n}}")):
        scheduled(MenuItem(locale=locale, label=label, link_url=f"/scheduled-{tag}-{{n}}"))
        expected[locale.language_code].append(label)
for page in HomePage.objects.filter(depth=2):
    page.heading = f"Launch {tag} {{page.locale.language_code}}"
    scheduled(page)
    expected[page.locale.language_code].append(page.heading)
gone = {{"en": [], "ar": []}}
logo = Partner.objects.filter(live=True)[0].logo

def expiring(item):
    # Live now, gone at its time: published with an expiry, as an editor sets one.
    item.expire_at = due
    item.save()
    item.save_revision().publish()
    gone[item.locale.language_code].append(str(item))

for n in range({expiries}):
    for locale in (en, ar):
        code = locale.language_code
        expiring(Hero(locale=locale, title=f"Expiring hero {tag} {{code}} {{n}}", description="d",
                      button_label="Go", link_url="/go", background_image=image))
        expiring(MenuItem(locale=locale, label=f"Expiring menu {tag} {{code}} {{n}}",
                          link_url=f"/expiring-{tag}-{{code}}-{{n}}"))
        expiring(Partner(locale=locale, name=f"Expiring partner {tag} {{code}} {{n}}", logo=logo,
                         website_url="https://partner.example.com"))
print(json.dumps({{"due": due.timestamp(), "expected": expected, "gone": gone}}))
"""

PUBLISHED_TWICE = """
from django.db.models import Count
from wagtail.models import ModelLogEntry, PageLogEntry
scheduled = "wagtail.publish.scheduled"
twice = [
    *ModelLogEntry.objects.filter(action=scheduled).values("content_type", "object_id")
    .annotate(n=Count("pk")).filter(n__gt=1),
    *PageLogEntry.objects.filter(action=scheduled).values("page", "revision")
    .annotate(n=Count("pk")).filter(n__gt=1),
]
print(len(twice))
"""


def shown(stack, locale):
    """Every title, label, heading and partner name the payload of `locale` shows, via nginx."""
    response = stack.curl(f"/api/website-data/?locale={locale}")
    assert response.status == 200, response.body[:300]
    data = json.loads(response.body)["data"]
    texts = {hero["title"] for hero in data["heroes"]}
    texts |= {item["label"] for item in data["menu"]}
    texts |= {partner["name"] for partner in data["partners"]}
    texts.add(data["home"]["heading"])
    return texts


def watch(stack, plan):
    """Read both locales through nginx until everything scheduled shows and the expired
    partner is gone; returns each one's lateness in seconds after its due time."""
    due, lateness = plan["due"], {}
    waiting = {(code, text) for code, texts in plan["expected"].items() for text in texts}
    waiting |= {(code, f"-{text}") for code, texts in plan["gone"].items() for text in texts}
    while waiting:
        if time.time() > due + 30:
            pytest.fail(f"still not live 30 s after their time: {sorted(waiting)}")
        for code in ("en", "ar"):
            texts = shown(stack, code)
            for locale, text in list(waiting):
                present = text[1:] not in texts if text.startswith("-") else text in texts
                if locale == code and present:
                    if time.time() < due:
                        pytest.fail(f"{text} was live before its time")
                    lateness[(locale, text)] = time.time() - due
                    waiting.discard((locale, text))
        time.sleep(0.1)
    return lateness


@pytest.fixture
def scheduling_env(stack):
    return {**stack.env, "CMS_WEBHOOK_ALLOW_PRIVATE": "true"}


@pytest.fixture
def two_workers(scheduling_env):
    workers = [Worker(scheduling_env), Worker(scheduling_env)]
    for worker in workers:
        worker.start()
    yield workers
    for worker in workers:
        worker.stop()


def test_two_workers_publish_and_expire_on_time_once_each_and_tell_frontends_once(
    stack, scheduling_env, two_workers
):
    receiver = Receiver().start()
    endpoint_for(scheduling_env, receiver, "scheduled")
    try:
        plan = json.loads(
            manage_shell(
                scheduling_env,
                SCHEDULE.format(lead=LEAD, tag="one", heroes=5, menus=3, expiries=1),
            )
        )
        lateness = watch(stack, plan)
        time.sleep(3)  # the webhook's coalescing window and its delivery
    finally:
        receiver.stop()

    worst = max(lateness.values())
    print(
        f"\n{len(lateness)} scheduled changes through nginx: median "
        f"{sorted(lateness.values())[len(lateness) // 2]:.2f} s, worst {worst:.2f} s late"
    )
    # Live at their time: 10 heroes, 6 menu items, the 2 home pages; gone at it: a hero, a
    # menu item and a partner in each locale.
    assert len(lateness) == 24
    assert worst <= ON_TIME
    assert manage_shell(scheduling_env, PUBLISHED_TWICE) == "0"
    locales_told = sorted(
        delivery.event["data"]["locale"]
        for delivery in receiver.received
        if delivery.event["type"] == "content.published"
        # (the expiring items were published live while the plan was made, before the time)
        and datetime.fromisoformat(delivery.event["timestamp"]).timestamp() >= plan["due"]
    )
    assert locales_told == ["ar", "en"]  # one event per locale for the whole batch


def test_items_due_while_the_worker_was_killed_go_live_once_it_is_back(stack, scheduling_env):
    worker = Worker(scheduling_env)
    worker.start()
    plan = json.loads(
        manage_shell(
            scheduling_env, SCHEDULE.format(lead=LEAD, tag="two", heroes=1, menus=1, expiries=1)
        )
    )
    worker.kill()  # SIGKILL, before their time
    time.sleep(max(0.0, plan["due"] - time.time()) + 3)  # due, and nobody runs the scheduler
    assert "Scheduled hero two 0" not in shown(stack, "en")
    worker.start()
    try:
        watch(stack, plan)
    finally:
        worker.stop()
    assert manage_shell(scheduling_env, PUBLISHED_TWICE) == "0"
