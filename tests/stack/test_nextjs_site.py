"""The reference Next.js site (clients/nextjs-example) on the stack, as a frontend team runs
it: built with `next build`, served by `next start`, reading the CMS through nginx over TLS
with the typed client, its pages cached by Next.js under the payload's cache tags, and told of
every publish by the real worker's signed webhook. A new hero title, submitted to Marketing
approval and approved (approving publishes it), shows on the site within 2 s of the approval
returning, in both locales, because of the webhook (the cache has no timer);
no render is older than a publish that returned more than 2 s before it began; a badly signed
webhook is refused and revalidates nothing; and Chromium sees the Arabic page in Arabic, right
to left."""

import json
import os
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from playwright.sync_api import sync_playwright
from standardwebhooks.webhooks import Webhook

from scripts.loopback import free_port, wait_for_port
from tests.browser.conftest import CHROMIUM
from tests.stack.clients import Publisher
from tests.stack.conftest import ROOT, SERVER_NAME
from tests.stack.test_webhooks import Worker, hero_title, manage_shell

SITE = ROOT / "clients" / "nextjs-example"
CLIENT = ROOT / "clients" / "typescript"
FRESH_WITHIN = 2.0  # seconds after a publish returns, as the issue asks
PUBLISHES = 12  # six per locale
HERO_TITLE = re.compile(r'data-testid="hero-title"[^>]*>([^<]*)<')
LATIN = re.compile(r"[A-Za-z]")
ENDPOINT = "nextjs example"


def npm(directory, *args, timeout=900):
    run = subprocess.run(
        ["npm", *args], cwd=directory, capture_output=True, text=True, timeout=timeout
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]


def get(url, timeout=10):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def first_hero_title(html):
    found = HERO_TITLE.search(html)
    return found and found.group(1)


@dataclass
class NextSite:
    url: str
    secret: str
    env: dict
    process: subprocess.Popen = None

    def page(self, locale):
        status, html = get(f"{self.url}/{locale}")
        assert status == 200, html[-2000:]
        return html

    def post_webhook(self, body, headers):
        request = urllib.request.Request(
            f"{self.url}/api/cms-webhook", data=body.encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def set_endpoint_active(env, active):
    manage_shell(
        env,
        "from cms.webhooks.models import WebhookEndpoint as E;"
        f"E.objects.filter(name={ENDPOINT!r}).update(is_active={active})",
    )


@pytest.fixture(scope="module")
def site(stack):
    npm(CLIENT, "ci", "--no-audit", "--no-fund")
    npm(SITE, "ci", "--no-audit", "--no-fund")
    began = time.monotonic()
    npm(SITE, "run", "build")  # next build, with no CMS to read: pages render on demand
    print(f"\nnext build: {time.monotonic() - began:.1f} s")

    port = free_port()
    env = {**stack.env, "CMS_WEBHOOK_ALLOW_PRIVATE": "true"}  # the site is on loopback
    secret = manage_shell(
        env,
        "from cms.webhooks.models import WebhookEndpoint as E;"
        f"E.objects.filter(name={ENDPOINT!r}).delete();"
        f"print(E.objects.create(name={ENDPOINT!r}, "
        f"url='http://127.0.0.1:{port}/api/cms-webhook').secret)",
    )
    running = NextSite(f"http://127.0.0.1:{port}", secret, env)
    running.process = subprocess.Popen(
        ["node_modules/.bin/next", "start", "--hostname", "127.0.0.1", "--port", str(port)],
        cwd=SITE,
        env={
            "PATH": os.environ["PATH"],
            "HOME": str(stack.workdir),
            "NODE_ENV": "production",
            "CMS_URL": f"https://{SERVER_NAME}:{stack.https_port}",
            "CMS_WEBHOOK_SECRET": secret,
            # The stack's self-signed certificate, and its name on loopback (curl's --resolve).
            "NODE_EXTRA_CA_CERTS": str(stack.workdir / "tls.crt"),
            "NODE_OPTIONS": f"--require {ROOT / 'tests' / 'stack' / 'resolve_cms_test.cjs'}",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = Worker(env)
    worker.start()
    seeded = {locale: hero_title(env, locale) for locale in ("en", "ar")}
    try:
        wait_for_port(port, running.process)
        yield running
    finally:
        restoring = Publisher(env)  # the seeded titles again, for the modules after this one
        for locale, title in seeded.items():
            restoring.publish(locale, title)
        restoring.close()
        worker.stop()
        running.process.terminate()
        running.process.wait(20)
        manage_shell(
            env,
            "from cms.webhooks.models import WebhookEndpoint as E;"
            f"E.objects.filter(name={ENDPOINT!r}).delete()",
        )


@dataclass
class Watcher:
    """Reads one locale's page in a loop, noting when each read began and ended and the first
    hero's title it showed."""

    site: NextSite
    locale: str
    reads: list = field(default_factory=list)
    running: bool = True

    def run(self):
        while self.running:
            began = time.monotonic()
            title = first_hero_title(self.site.page(self.locale))
            self.reads.append((began, time.monotonic(), title))

    def seen_since(self, moment, title):
        return next((end for began, end, t in self.reads if began >= moment and t == title), None)


def test_an_approved_title_shows_within_two_seconds_by_the_webhook_and_no_render_is_older(site):
    publisher = Publisher(site.env, approved=True)
    watchers = {locale: Watcher(site, locale) for locale in ("en", "ar")}
    threads = [threading.Thread(target=w.run, daemon=True) for w in watchers.values()]
    for thread in threads:
        thread.start()
    publishes = []  # (locale, title, when the publish returned)
    try:
        for n in range(PUBLISHES):
            locale = ("en", "ar")[n % 2]
            title = publisher.publish(
                locale, f"Next {locale} {n}" if locale == "en" else f"نكست {n}"
            )
            returned = time.monotonic()
            publishes.append((locale, title, returned))
            deadline = returned + FRESH_WITHIN + 3  # seen or not, move on after a while
            while watchers[locale].seen_since(returned, title) is None:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.02)
    finally:
        for watcher in watchers.values():
            watcher.running = False
        for thread in threads:
            thread.join(15)
        publisher.close()

    lags = []
    for locale, title, returned in publishes:
        seen = watchers[locale].seen_since(returned, title)
        lags.append(seen - returned if seen else float("inf"))
    # Stale: a read that began more than 2 s after a publish returned, showing an older title.
    stale = 0
    for locale, watcher in watchers.items():
        mine = [(title, returned) for code, title, returned in publishes if code == locale]
        for began, _, shown in watcher.reads:
            due = [title for title, returned in mine if returned <= began - FRESH_WITHIN]
            if due and shown not in [title for title, _ in mine[len(due) - 1 :]]:
                stale += 1
    reads = sum(len(w.reads) for w in watchers.values())
    print(
        f"\n{PUBLISHES} approved publishes: shown on the Next.js site after "
        f"{', '.join(f'{lag:.2f}' for lag in lags)} s (max {max(lags):.2f} s); "
        f"{reads} renders read, {stale} older than a publish 2 s before"
    )
    assert max(lags) <= FRESH_WITHIN
    assert stale == 0


def test_a_badly_signed_webhook_is_refused_and_revalidates_nothing(site):
    before = first_hero_title(site.page("en"))
    set_endpoint_active(site.env, False)  # the CMS tells the site nothing of this publish
    publisher = Publisher(site.env)
    try:
        title = publisher.publish("en", "Told by no webhook")
        time.sleep(FRESH_WITHIN + 1)
        assert first_hero_title(site.page("en")) == before  # cached: no timer revalidates it

        event = {
            "type": "content.published",
            "timestamp": "2026-12-07T00:00:00+00:00",
            "data": {"locale": "en", "tags": ["cms-en", "cms-en-heroes"]},
        }
        body = json.dumps(event)
        now = datetime.now(UTC)
        headers = {
            "content-type": "application/json",
            "webhook-id": "msg_nextjs_test",
            "webhook-timestamp": str(int(now.timestamp())),
        }

        def signature(secret, signed_body):
            return {"webhook-signature": Webhook(secret).sign("msg_nextjs_test", now, signed_body)}

        other_body = body.replace("cms-en-heroes", "cms-en-menu")
        assert site.post_webhook(body, {**headers, **signature(site.secret, other_body)}) == 401
        assert site.post_webhook(body, {**headers, **signature("whsec_" + "A" * 32, body)}) == 401
        assert site.post_webhook(body, headers) == 401  # unsigned
        assert first_hero_title(site.page("en")) == before

        # The same event, signed with the endpoint's secret, revalidates at once.
        assert site.post_webhook(body, {**headers, **signature(site.secret, body)}) == 200
        assert first_hero_title(site.page("en")) == title
    finally:
        set_endpoint_active(site.env, True)
        publisher.close()


def shown(page, test_id):
    return [text.strip() for text in page.locator(f"[data-testid={test_id}]").all_text_contents()]


def test_chromium_reads_each_locale_as_its_payload_says_the_arabic_right_to_left(site, stack):
    """The page is the payload's chrome, in the payload's language and direction: the
    announcement, the menu and its children, the heroes as <picture>s with every source the
    payload gives, the partners, the footer's links."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            for locale, direction in (("ar", "rtl"), ("en", "ltr")):
                payload = stack.curl(f"/api/website-data/?locale={locale}").json()["data"]
                page.goto(f"{site.url}/{locale}")
                html = page.locator("html")
                assert (html.get_attribute("lang"), html.get_attribute("dir")) == (
                    locale,
                    direction,
                )
                assert page.evaluate("getComputedStyle(document.body).direction") == direction
                visible = page.evaluate("document.body.innerText")
                if locale == "ar":
                    assert not LATIN.search(visible), LATIN.findall(visible)[:20]

                assert payload["announcement"]["message"] in shown(page, "announcement")[0]
                menu = payload["menu"]
                assert len(shown(page, "menu-item")) == len(menu)
                children = [child["label"] for item in menu for child in item["children"]]
                assert shown(page, "menu-child") == children
                heroes = payload["heroes"]
                assert shown(page, "hero-title") == [hero["title"] for hero in heroes]
                images = [hero["image"] for hero in heroes if hero["image"]]
                assert images
                sources = page.locator("[data-testid=hero] picture source")
                assert sources.count() == sum(len(image["sources"]) for image in images)
                alts = page.locator("[data-testid=hero] picture img").evaluate_all(
                    "imgs => imgs.map(img => img.alt)"
                )
                assert alts == ["" if i["decorative"] else i["alt"] for i in images]
                assert len(shown(page, "partner")) == len(payload["partners"])
                footer = shown(page, "footer")[0]
                assert all(link["label"] in footer for link in payload["footer"])
        finally:
            browser.close()
