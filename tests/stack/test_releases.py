"""Releases on the stack, read through nginx as frontends read them: sixteen readers during
twenty launches and five rollbacks, each release six items in two locales, never see part of
one; a release of twelve items is one event per endpoint and locale, and goes live in about
the time one item does; a scheduled release goes live within 5 s of its time, by the real
workers. The releases are made and launched by a process of the app's own (production
settings, the stack's database and Redis), as the admin's request would: one change."""

import json
import re
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import pytest

from tests.stack.clients import Loopback
from tests.stack.conftest import ROOT, SERVER_NAME
from tests.stack.test_webhooks import Worker, endpoint_for, manage_shell
from tests.webhooks.receiver import Receiver

ON_TIME = 5.0  # the bound on a scheduled release's lateness
TWICE = 2.0  # the bound on a release of twelve items against one item

DRIVER = """
import json, sys, time
import django
django.setup()
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Locale
from cms.delivery import propagation
from cms.releases import launch, membership
from cms.releases.models import Release
from sitecontent.models import Hero, MenuItem, Partner

admin = get_user_model().objects.get(username="admin")
locales = [Locale.objects.get(language_code=code) for code in ("en", "ar")]

def first(model, locale, n, **filters):
    live = model.objects.filter(locale=locale, live=True, **filters)
    return list(live.order_by("sort_order", "pk")[:n])

def prepare(tag, heroes=2, menus=1, partners=0):
    items = []
    for locale in locales:
        for n, hero in enumerate(first(Hero, locale, heroes)):
            hero.title = f"{tag} hero {n}"
            items.append(hero)
        for n, item in enumerate(first(MenuItem, locale, menus, parent=None)):
            item.label = f"{tag} menu {n}"
            items.append(item)
        for n, partner in enumerate(first(Partner, locale, partners)):
            partner.name = f"{tag} partner {n}"
            items.append(partner)
    for item in items:
        item.save_revision(user=admin)
    release = Release.objects.create(name=tag, live=False)
    membership.add(release, items, admin)
    release.refresh_from_db()
    return release, len(items)

def timed(change):
    began = time.monotonic()
    with propagation.one_change():  # as the admin's request is (EdgePurgeMiddleware)
        change()
    return time.monotonic() - began

for line in sys.stdin:
    command, tag = line.split()
    if command == "launch":
        release, _ = prepare(tag)
        seconds = timed(lambda: release.publish(release.save_revision(user=admin), user=admin))
        live = Release.objects.get(pk=release.pk).live
        print(json.dumps({"seconds": seconds, "live": live}), flush=True)
    elif command == "rollback":
        release = Release.objects.get(name=tag)
        seconds = timed(lambda: launch.roll_back(release, admin))
        print(json.dumps({"seconds": seconds, "live": True}), flush=True)
    elif command == "big":  # twelve items: three heroes, two menu items, a partner, per locale
        release, count = prepare(tag, heroes=3, menus=2, partners=1)
        seconds = timed(lambda: release.publish(release.save_revision(user=admin), user=admin))
        print(json.dumps({"seconds": seconds, "items": count}), flush=True)
    elif command == "one":  # one hero, published as an editor's publish
        [hero] = first(Hero, locales[0], 1)
        hero.title = f"{tag} hero 0"
        seconds = timed(lambda: hero.save_revision(user=admin).publish(user=admin))
        print(json.dumps({"seconds": seconds}), flush=True)
    elif command == "schedule":  # due in 4 s, approved (published) now
        release, _ = prepare(tag)
        release.go_live_at = timezone.now() + timedelta(seconds=4)
        release.publish(release.save_revision(user=admin), user=admin)
        print(json.dumps({"due": release.go_live_at.timestamp()}), flush=True)
"""


LIVE_REVISIONS = """
import json
from sitecontent.models import Hero, MenuItem, Partner
live = {model: model.objects.filter(live=True) for model in (Hero, MenuItem, Partner)}
print(json.dumps({model.__name__: dict(items.values_list("pk", "live_revision"))
                  for model, items in live.items()}))
"""

PUT_BACK = """
import json
from cms.delivery import propagation
from wagtail.models import Revision
from sitecontent.models import Hero, MenuItem, Partner
before = json.loads({before!r})
with propagation.one_change():
    for model in (Hero, MenuItem, Partner):
        for pk, revision in before[model.__name__].items():
            if model.objects.filter(pk=pk).exclude(live_revision=revision).exists():
                Revision.objects.get(pk=revision).publish()
"""


@pytest.fixture(scope="module", autouse=True)
def the_stack_as_it_was(stack):
    """The stack is shared by every module: what the releases here put live is put back."""
    before = manage_shell(stack.env, LIVE_REVISIONS)
    yield
    manage_shell(stack.env, PUT_BACK.format(before=before))


class Driver:
    def __init__(self, env):
        self.process = subprocess.Popen(
            [sys.executable, "-c", DRIVER],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __call__(self, command, tag):
        self.process.stdin.write(f"{command} {tag}\n")
        self.process.stdin.flush()
        for line in self.process.stdout:  # the app's log lines come this way too
            if line.startswith("{"):
                return json.loads(line)
        raise RuntimeError("the driver exited")

    def close(self):
        self.process.stdin.close()
        self.process.wait(30)


TAG = re.compile(r"^(R\d+) ")


def state_of(text):
    """Which release a title or label is from ("R7 hero 0": R7), or "before" any."""
    found = TAG.match(text)
    return found.group(1) if found else "before"


@dataclass
class ChromeReader:
    """Reads one locale's payload through nginx in a loop, noting which release each item of
    a read is from: its first two heroes and its first menu item."""

    port: int
    locale: str
    reads: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def run(self, stop):
        connection = Loopback(self.port)
        path = f"/api/website-data/?locale={self.locale}"
        while not stop.is_set():
            try:
                connection.request("GET", path, headers={"Host": SERVER_NAME})
                response = connection.getresponse()
                body = response.read()
            except OSError:
                connection.close()
                connection = Loopback(self.port)
                continue
            if response.status != 200:
                self.errors.append(response.status)
                continue
            data = json.loads(body)["data"]
            shown = [hero["title"] for hero in data["heroes"][:2]] + [data["menu"][0]["label"]]
            self.reads.append(tuple(state_of(text) for text in shown))


def test_readers_never_see_part_of_a_release_through_twenty_launches_and_five_rollbacks(stack):
    driver = Driver(stack.env)
    readers = [ChromeReader(stack.https_port, locale) for locale in ("en", "ar") * 8]
    stop = threading.Event()
    threads = [threading.Thread(target=reader.run, args=(stop,)) for reader in readers]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        for n in range(1, 21):
            assert driver("launch", f"R{n}")["live"], f"R{n} did not go live"
            if n % 4 == 0:
                driver("rollback", f"R{n}")
            time.sleep(0.2)
        time.sleep(1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
        driver.close()

    reads = [read for reader in readers for read in reader.reads]
    torn = [read for read in reads if len(set(read)) > 1]
    seen = {read[0] for read in reads}
    print(
        f"\n{len(reads)} reads by {len(readers)} readers through nginx during 20 launches and 5 "
        f"rollbacks; {len(seen)} states seen; {len(torn)} showed part of a release"
    )
    assert [reader.errors for reader in readers if reader.errors] == []  # no 5xx, no 4xx
    assert torn == []
    assert len(seen) >= 10  # the readers did see the releases come and go
    assert all(reader.reads[-1] == ("R19",) * 3 for reader in readers)  # R20 rolled back


def test_a_release_of_twelve_items_is_one_event_per_locale_in_about_the_time_of_one_item(stack):
    env = {**stack.env, "CMS_WEBHOOK_ALLOW_PRIVATE": "true"}
    receiver = Receiver().start()
    endpoint_for(env, receiver, "releases")
    worker = Worker(env)
    worker.start()
    driver = Driver(env)
    try:
        driver("one", "R90")
        time.sleep(3)  # its event goes out on its own
        receiver.received.clear()
        big = driver("big", "R91")
        deadline = time.time() + 20
        while time.time() < deadline and len(receiver.received) < 2:
            time.sleep(0.2)
        time.sleep(2)  # anything more would have come by now
        told = list(receiver.received)
        # The times, side by side: one hero, then a release of twelve, seven times over (this
        # machine is noisy: the medians are compared), each once the worker has done with the
        # one before (its events, its usage index).
        ones, releases = [], []
        for n in range(7):
            time.sleep(1.5)
            ones.append(driver("one", f"R7{n}")["seconds"])
            time.sleep(1.5)
            releases.append(driver("big", f"R8{n}")["seconds"])
    finally:
        driver.close()
        worker.stop()
        receiver.stop()
    one, twelve = statistics.median(ones), statistics.median(releases)
    print(
        f"\nPublishing one hero: {one:.3f} s; a release of {big['items']} items in 2 locales: "
        f"{twelve:.3f} s ({twelve / one:.2f}×; medians of 7, side by side)\n"
        f"one: {sorted(round(t, 3) for t in ones)}; "
        f"twelve: {sorted(round(t, 3) for t in releases)}"
    )
    events = [(d.event["type"], d.event["data"]["locale"]) for d in told]
    assert big["items"] == 12
    assert sorted(events) == [("release.published", "ar"), ("release.published", "en")]
    assert all(d.verified for d in told)
    assert {r["name"] for d in told for r in d.event["data"]["releases"]} == {"R91"}
    assert twelve <= TWICE * one


def test_a_scheduled_release_goes_live_within_5_s_of_its_time_by_the_workers(stack):
    worker = Worker(stack.env)
    worker.start()
    driver = Driver(stack.env)
    try:
        due = driver("schedule", "R95")["due"]
        lateness = {}
        while len(lateness) < 2 and time.time() < due + 30:
            for locale in ("en", "ar"):
                response = stack.curl(f"/api/website-data/?locale={locale}")
                data = response.json()["data"]
                if state_of(data["heroes"][0]["title"]) == "R95" and locale not in lateness:
                    assert time.time() >= due, "live before its time"
                    lateness[locale] = time.time() - due
            time.sleep(0.1)
    finally:
        driver.close()
        worker.stop()
    print(f"\nA scheduled release, through nginx: live {max(lateness.values()):.2f} s late")
    assert sorted(lateness) == ["ar", "en"]
    assert max(lateness.values()) <= ON_TIME
