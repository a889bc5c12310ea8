"""Scheduled publishing with the real workers (`manage.py cms_worker`, as compose runs it, two
of them) on the stack's PostgreSQL, read through nginx as a frontend reads it: heroes, menu
items and the home pages go live, and heroes, menu items, partners and the home pages
expire, in both locales, within 5 s of their time; no item is published twice; the frontend
hears of a batch due together once per locale; a worker killed while items were due
publishes them once it is back; and no read through nginx or Varnish that begins after a
scheduled go-live completed shows what was live before it."""

import json
import subprocess
import sys
import threading
import time
from datetime import datetime

import psycopg2
import pytest

from tests.stack.clients import Reader
from tests.stack.conftest import ALLOWED_ORIGIN, ROOT
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
gone = {{"en": [], "ar": []}}
for page in HomePage.objects.filter(depth=2):
    if "{pages}" == "expire":  # live now, gone at its time
        page.expire_at = due
        page.save_revision().publish()
        gone[page.locale.language_code].append(page.heading)
        continue
    page.heading = f"Launch {tag} {{page.locale.language_code}}"
    scheduled(page)
    expected[page.locale.language_code].append(page.heading)
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

HOME_PAGES_BACK = """
from home.models import HomePage
for page in HomePage.objects.filter(depth=2):
    page.expire_at = None
    page.save_revision().publish()
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
    if data["home"]:  # none while the home page is expired
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
                SCHEDULE.format(
                    lead=LEAD, tag="one", heroes=5, menus=3, expiries=1, pages="go live"
                ),
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
            scheduling_env,
            SCHEDULE.format(lead=LEAD, tag="two", heroes=1, menus=1, expiries=1, pages="expire"),
        )
    )
    worker.kill()  # SIGKILL, before their time
    time.sleep(max(0.0, plan["due"] - time.time()) + 3)  # due, and nobody runs the scheduler
    assert "Scheduled hero two 0" not in shown(stack, "en")
    worker.start()
    try:
        watch(stack, plan)  # the home pages expired too, in both locales
    finally:
        worker.stop()
        manage_shell(scheduling_env, HOME_PAGES_BACK)  # for the modules after this one
    assert manage_shell(scheduling_env, PUBLISHED_TWICE) == "0"


SCHEDULING_CLIENT = """
import sys
from datetime import timedelta
import django
django.setup()
from django.utils import timezone
from sitecontent.models import Hero
for line in sys.stdin:
    code, title = line.rstrip("\\n").split(" ", 1)
    hero = Hero.objects.filter(locale__language_code=code, live=True).order_by("sort_order")[0]
    hero.title = title
    hero.go_live_at = timezone.now() + timedelta(seconds=0.3)
    hero.save_revision().publish()  # scheduled: a worker publishes it at its time
    print("scheduled", hero.pk, hero.go_live_at.timestamp(), flush=True)
"""

COMPLETED = """
SELECT extract(epoch FROM receipt.edges_purged_at)
FROM cms_publishreceipt receipt JOIN cms_receiptitem item ON item.receipt_id = receipt.id
WHERE item.object_id = %s AND receipt.edges_purged_at IS NOT NULL
  AND receipt.created_at >= to_timestamp(%s)
ORDER BY receipt.id DESC LIMIT 1
"""


class SchedulingEditor:
    """An editor's process (production settings, the stack's database) that schedules the
    first hero's new title to go live 0.3 s later, as *Set schedule* + *Publish* does."""

    def __init__(self, env):
        self.process = subprocess.Popen(
            [sys.executable, "-c", SCHEDULING_CLIENT],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def schedule(self, code, title):
        self.process.stdin.write(f"{code} {title}\n")
        self.process.stdin.flush()
        for line in self.process.stdout:  # the app's log lines come this way too
            if line.startswith("scheduled "):
                _, pk, due = line.split()
                return pk, float(due)
        raise RuntimeError("the scheduling editor exited")

    def close(self):
        self.process.stdin.close()
        self.process.wait(30)


def completed(database, pk, due):
    """When the worker's go-live of hero `pk` due at `due` had purged every shared cache (its
    receipt's time), in seconds since the epoch."""
    deadline = time.time() + 15
    while time.time() < deadline:
        database.execute(COMPLETED, (pk, due))
        if row := database.fetchone():
            return float(row[0])
        time.sleep(0.05)
    pytest.fail(f"hero {pk}, due at {due}, never went live")


def test_no_read_that_starts_after_a_scheduled_go_live_completed_is_stale(stack, scheduling_env):
    """The freshness figure with the scheduler as the publisher: 16 scheduled go-lives of a
    hero title, alternating locales, with readers through both nginx and Varnish (with and
    without a browser's Origin); a read that begins after a go-live's purges completed never
    shows an older title. Prints what it saw."""
    nginx_a, nginx_b = (nginx.https_port for nginx in stack.nginx)
    layers = [("nginx A", nginx_a, True), ("nginx B", nginx_b, True)]
    layers.append(("varnish", stack.varnish_port, False))
    readers = [
        Reader(f"{layer} {code}", port, tls, f"/api/website-data/?locale={code}", code)
        for layer, port, tls in layers
        for code in ("en", "ar")
    ]
    readers += [
        Reader(
            f"{layer} Origin {code}",
            port,
            True,
            f"/api/website-data/?locale={code}",
            code,
            {"Origin": ALLOWED_ORIGIN},
        )
        for (layer, port, _), code in ((layers[0], "ar"), (layers[1], "en"))
    ]
    worker, editor = Worker(scheduling_env), SchedulingEditor(scheduling_env)
    worker.start()
    # Wall-clock times (the receipts') as the readers' monotonic clock.
    offset = time.time() - time.monotonic()
    published = {"en": [], "ar": []}
    stop = threading.Event()
    threads = [threading.Thread(target=reader.run, args=(stop,)) for reader in readers]
    with psycopg2.connect(stack.database_url) as connection, connection.cursor() as database:
        connection.autocommit = True
        for thread in threads:
            thread.start()
        try:
            for number in range(16):
                code = ("en", "ar")[number % 2]
                pk, due = editor.schedule(code, f"Fresh {number}")
                published[code].append((completed(database, pk, due) - offset, number))
            time.sleep(0.5)
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)
            editor.close()
            worker.stop()

    stale = []
    for reader in readers:
        history = published[reader.locale]
        for began, number in reader.reads:
            done = [n for finished, n in history if finished < began]
            if done and number < max(done):
                stale.append((reader.name, began, number, max(done)))
    reads = sum(len(reader.reads) for reader in readers)
    print(
        json.dumps(
            {
                "scheduled go-lives": 16,
                "readers": len(readers),
                "reads": reads,
                "stale": len(stale),
            }
        )
    )
    assert stale == []
    assert [reader.errors for reader in readers if reader.errors] == []
    for reader in readers:  # every reader saw the last title of its locale
        assert reader.reads[-1][1] == published[reader.locale][-1][1], reader.name
