"""The TypeScript client (clients/typescript) held to what the stack really sends. Its real
responses through nginx, in both locales (the payload, a section subset, a 304, an error, a
preview, every v2 section listing, one with `fields`, a detail, a refused field), and one
delivery of every webhook event kind, signed by the real worker, are recorded as a frontend
receives them; then the client's own `npm ci && npm test` runs on those recordings: `tsc`
checks each one against the types generated from the committed OpenAPI document, and the
runtime tests drive the client with them. A server change that the committed types do not
describe fails here.

CMS_RECORD_CLIENT_FIXTURES=1 also writes the recordings to clients/typescript/test/recorded/,
which `npm test` uses on its own."""

import json
import os
import shutil
import subprocess
import time

import pytest

from cms.api.openapi import openapi_document
from tests.stack.clients import Publisher
from tests.stack.conftest import ROOT
from tests.stack.test_webhooks import Worker, endpoint_for, hero_title, manage_shell
from tests.webhooks.receiver import Receiver

CLIENT = ROOT / "clients" / "typescript"
COMMITTED = CLIENT / "test" / "recorded"
V2_SECTIONS = ["announcements", "menu-items", "heroes", "partners", "footer-links"]

LAUNCH_A_RELEASE = """
from django.contrib.auth import get_user_model
from cms.delivery import propagation
from cms.releases import membership
from cms.releases.models import Release
from sitecontent.models import Hero
admin = get_user_model().objects.get(username="admin")
hero = Hero.objects.filter(locale__language_code="ar", live=True).order_by("sort_order")[0]
hero.title = "إطلاق العميل"
hero.save_revision(user=admin)
release = Release.objects.create(name="TypeScript client", live=False)
membership.add(release, [hero], admin)
with propagation.one_change():
    release.publish(release.save_revision(user=admin), user=admin)
"""
REFRESH = """
from cms.delivery import propagation
from cms.delivery.payload import refresh
from cms.delivery.sections import SECTIONS
with propagation.one_change():
    refresh(["en"], SECTIONS)
"""
PING = """
from cms.webhooks.models import WebhookEndpoint
from cms.webhooks.tasks import ping
ping(WebhookEndpoint.objects.get(name="typescript client"))
"""


def record(directory, name, stack, path, headers=None):
    response = stack.curl(path, headers=headers)
    assert response.status, response.body
    document = {
        "request": {"method": "GET", "path": path, "headers": headers or {}},
        "status": response.status,
        "headers": response.headers,
        "body": json.loads(response.body) if response.body else None,
    }
    (directory / f"{name}.json").write_text(json.dumps(document, indent=2, ensure_ascii=False))
    return response


def record_responses(stack, directory):
    preview_token = manage_shell(
        stack.env,
        "from cms.editorial.preview import issue_token;from sitecontent.models import Hero;"
        "print(issue_token(Hero.objects.filter(locale__language_code='ar', live=True)"
        ".order_by('sort_order')[0]).token)",
    )
    payloads = {
        locale: record(
            directory, f"website-data.{locale}", stack, f"/api/website-data/?locale={locale}"
        )
        for locale in ("en", "ar")
    }
    for locale in ("en", "ar"):
        for endpoint in V2_SECTIONS:
            record(
                directory, f"v2.{endpoint}.{locale}", stack, f"/api/v2/{endpoint}/?locale={locale}"
            )
    record(
        directory,
        "website-data.ar.not-modified",
        stack,
        "/api/website-data/?locale=ar",
        headers={"if-none-match": payloads["ar"].headers["etag"]},
    )
    record(
        directory,
        "website-data.ar.sections",
        stack,
        "/api/website-data/?locale=ar&sections=menu,heroes",
    )
    record(directory, "website-data.error", stack, "/api/website-data/?locale=fr")
    record(directory, "preview.ar", stack, f"/api/website-data/?preview={preview_token}&locale=ar")
    record(directory, "v2.heroes.ar.fields", stack, "/api/v2/heroes/?locale=ar&fields=_,title")
    hero = json.loads((directory / "v2.heroes.ar.json").read_text())["body"]["items"][0]["id"]
    record(directory, "v2.heroes.ar.detail", stack, f"/api/v2/heroes/{hero}/?locale=ar")
    record(directory, "v2.heroes.error", stack, "/api/v2/heroes/?locale=ar&fields=nope")


def record_webhooks(stack, directory):
    """One delivery of each event kind, as the worker signs and sends it."""
    env = {**stack.env, "CMS_WEBHOOK_ALLOW_PRIVATE": "true"}  # the receiver is on loopback
    receiver = Receiver().start()
    endpoint_for(env, receiver, "typescript client")
    worker = Worker(env)
    worker.start()
    publisher = Publisher(env)
    try:
        original = hero_title(env, "ar")
        publisher.publish("ar", "عنوان من العميل")
        manage_shell(env, LAUNCH_A_RELEASE)
        manage_shell(env, REFRESH)
        manage_shell(env, PING)
        wanted = set(openapi_document()["webhooks"])
        deadline = time.monotonic() + 30
        while {d.event["type"] for d in receiver.received} < wanted:
            assert time.monotonic() < deadline, [d.event["type"] for d in receiver.received]
            time.sleep(0.2)
        publisher.publish("ar", original)  # the seeded title again, for the modules after
    finally:
        publisher.close()
        worker.stop()
        receiver.stop()
        manage_shell(
            env,
            "from cms.webhooks.models import WebhookEndpoint;"
            "WebhookEndpoint.objects.filter(name='typescript client').delete()",
        )
    for kind in wanted:
        delivery = next(d for d in receiver.received if d.event["type"] == kind)
        assert delivery.verified
        recorded = {
            "secret": receiver.secrets[0],
            "headers": {
                name: delivery.headers[name]
                for name in (
                    "webhook-id",
                    "webhook-timestamp",
                    "webhook-signature",
                    "content-type",
                )
            },
            "body": delivery.body.decode(),
        }
        (directory / f"webhook.{kind}.json").write_text(json.dumps(recorded, indent=2))


@pytest.fixture(scope="module")
def recordings(stack, tmp_path_factory):
    directory = tmp_path_factory.mktemp("recorded")
    record_responses(stack, directory)
    record_webhooks(stack, directory)
    if os.environ.get("CMS_RECORD_CLIENT_FIXTURES"):
        shutil.rmtree(COMMITTED, ignore_errors=True)
        shutil.copytree(directory, COMMITTED)
    return directory


def npm(*args, env=None):
    run = subprocess.run(
        ["npm", *args],
        cwd=CLIENT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )
    return run.returncode, run.stdout[-6000:] + run.stderr[-6000:]


def test_every_response_kind_and_webhook_event_is_recorded(recordings):
    names = {path.stem for path in recordings.iterdir()}
    assert {f"webhook.{kind}" for kind in openapi_document()["webhooks"]} <= names
    assert {
        f"v2.{endpoint}.{locale}" for endpoint in V2_SECTIONS for locale in ("en", "ar")
    } <= names
    not_modified = json.loads((recordings / "website-data.ar.not-modified.json").read_text())
    assert (not_modified["status"], not_modified["body"]) == (304, None)


def test_the_client_type_checks_and_passes_its_tests_on_the_live_responses(recordings):
    status, output = npm("ci", "--no-audit", "--no-fund")
    assert status == 0, output
    status, output = npm("test", env={"CMS_RECORDED": str(recordings)})
    print(output)
    assert status == 0, output
