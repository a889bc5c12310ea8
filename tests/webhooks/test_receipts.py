"""The publish receipt: where a publish stands (Redis, the shared caches, each frontend), as the
API gives it and the admin shows it (the item's status side panel, the dashboard, the receipt's
own page). Against the real receiver on loopback; the worker's task runs in the test."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator

from cms.api.openapi import openapi_document
from cms.delivery import shared_caches
from cms.delivery.models import PendingEdgePurge
from cms.webhooks import receipts, tasks
from cms.webhooks.models import PublishReceipt, WebhookEvent
from cms.webhooks.tasks import dispatch
from sitecontent.models import Hero
from tests.factories import publish

pytestmark = pytest.mark.django_db

TOKEN = "receipts-test-token"
LIVE_EVERYWHERE = re.compile(r"^Live everywhere (\d+\.\d) s after publishing$")


@pytest.fixture
def publishing(django_capture_on_commit_callbacks):
    """Publish a hero the way a scheduled publish does, with what runs on commit run; returns
    the publish's receipt."""

    def publish_title(title):
        hero = Hero.objects.get(locale__language_code="en", title=title)
        hero.title = f"{title}!"
        with django_capture_on_commit_callbacks(execute=True):
            publish(hero)
        return PublishReceipt.objects.latest("created_at")

    return publish_title


@pytest.fixture
def unreachable_nginx(settings):
    settings.CMS_EDGE_CACHES = [
        {"BACKEND": "cms.delivery.shared_caches.NginxCache", "URL": "http://127.0.0.1:9"}
    ]
    settings.CMS_EDGE_SETTLE_MS = 1


def progress_of(receipt):
    return receipts.progress(receipts.find(receipt.pk))


def stage(progress, kind):
    [found] = [s for s in progress.stages if s.kind == kind]
    return found


def test_before_the_worker_runs_the_frontend_is_waiting(site, endpoint, publishing):
    progress = progress_of(publishing("Clean power"))
    assert [s.kind for s in progress.stages] == ["redis", "webhook"]
    assert stage(progress, "redis").state == "done"
    assert stage(progress, "webhook").state == "waiting"
    assert progress.state == "waiting"
    assert progress.summary == "Frontend www not told yet"
    assert progress.live_after_seconds is None


def test_once_delivered_it_is_live_everywhere_with_the_seconds_it_took(
    site, endpoint, frontend, publishing
):
    receipt = publishing("Clean power")
    dispatch.call()

    progress = progress_of(receipt)
    event = WebhookEvent.objects.get()
    assert progress.state == "done"
    delivered = stage(progress, "webhook")
    assert (delivered.summary, delivered.at) == ("Frontend www reached", event.delivered_at)
    took = (event.delivered_at - receipt.redis_purged_at).total_seconds()
    assert progress.live_after_seconds == pytest.approx(took)
    assert LIVE_EVERYWHERE.match(progress.summary)
    assert progress.summary == f"Live everywhere {took:.1f} s after publishing"


def test_a_frontend_answering_500_is_not_reached_yet_and_retried(
    site, endpoint, frontend, publishing
):
    frontend.status = 500
    receipt = publishing("Clean power")
    dispatch.call()

    progress = progress_of(receipt)
    retrying = stage(progress, "webhook")
    event = WebhookEvent.objects.get()
    assert progress.summary == "Frontend www not reached yet, retrying"
    assert retrying.state == "waiting"
    assert retrying.error == "It answered 500."
    assert retrying.next_attempt_at == event.next_attempt_at
    assert retrying.at is not None  # when it was last tried

    frontend.status = 204
    WebhookEvent.objects.update(next_attempt_at=timezone.now())
    dispatch.call()
    assert LIVE_EVERYWHERE.match(progress_of(receipt).summary)


def test_a_frontend_given_up_on_is_a_failed_stage(site, endpoint, frontend, publishing):
    frontend.status = 410  # gone: given up at once
    receipt = publishing("Clean power")
    dispatch.call()
    progress = progress_of(receipt)
    assert progress.state == stage(progress, "webhook").state == "failed"
    assert progress.summary == "Frontend www not reached, gave up"


def test_an_endpoint_that_does_not_want_the_change_is_not_a_stage(site, endpoint, publishing):
    endpoint.locales = ["ar"]
    endpoint.save()
    receipt = publishing("Clean power")  # English only
    assert [s.kind for s in progress_of(receipt).stages] == ["redis"]
    dispatch.call()
    assert progress_of(receipt).summary.startswith("Live everywhere")


def test_an_unreachable_cache_is_waiting_until_its_kept_purges_get_through(
    site, publishing, unreachable_nginx, settings
):
    receipt = publishing("Clean power")
    dispatch.call()
    assert PendingEdgePurge.objects.exists()

    progress = progress_of(receipt)
    nginx = stage(progress, "cache")
    assert (nginx.name, nginx.state) == ("nginx http://127.0.0.1:9", "waiting")
    assert "127.0.0.1:9" in nginx.error
    assert progress.summary == "nginx http://127.0.0.1:9 not purged yet, retrying"

    assert shared_caches.retry_pending() is False  # still unreachable: still waiting
    assert progress_of(receipt).state == "waiting"

    settings.CMS_EDGE_CACHES = []  # …no longer in front: its kept purges are dropped
    assert shared_caches.retry_pending() is True
    progress = progress_of(receipt)
    assert stage(progress, "cache").state == "done"
    assert progress.summary == "Live everywhere"  # the retry's time is not recorded


def test_a_reachable_cache_is_done_when_the_publish_purged_it(site, publishing, settings):
    settings.CMS_EDGE_CACHES = [{"BACKEND": "cms.delivery.shared_caches.FrontendCache"}]
    settings.CMS_EDGE_SETTLE_MS = 1
    receipt = publishing("Clean power")
    cache = stage(progress_of(receipt), "cache")
    assert (cache.state, cache.at) == ("done", receipt.edges_purged_at)
    assert LIVE_EVERYWHERE.match(progress_of(receipt).summary)


def test_the_newest_receipt_of_an_item_is_found_by_the_item(site, publishing):
    first = publishing("Clean power")
    second = publishing("Clean power!")
    hero = Hero.objects.get(title="Clean power!!")
    assert receipts.latest_for(hero) == second != first
    assert receipts.latest_for(Hero.objects.get(title="English only hero")) is None
    assert [p.receipt for p in receipts.recent(1)] == [second]


# The API


def valid_for(schema, body):
    document = openapi_document()
    validator = Draft202012Validator({**schema, "components": document["components"]})
    return sorted(f"{list(e.path)}: {e.message}" for e in validator.iter_errors(body))


def documented_response(status):
    operation = openapi_document()["paths"]["/api/publish-receipts/{id}/"]["get"]
    return operation["responses"][str(status)]["content"]["application/json"]["schema"]


def test_the_api_gives_the_receipt_with_the_bearer_token(
    site, endpoint, frontend, publishing, client, settings
):
    settings.CMS_CACHE_REFRESH_TOKEN = TOKEN
    receipt = publishing("Clean power")
    dispatch.call()
    url = f"/api/publish-receipts/{receipt.pk}/"

    response = client.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert valid_for(documented_response(200), body) == []
    data = body["data"]
    assert data == receipts.as_json(receipts.find(receipt.pk))
    assert LIVE_EVERYWHERE.match(data["summary"])
    assert [(s["kind"], s["name"], s["state"]) for s in data["stages"]] == [
        ("redis", "Redis", "done"),
        ("webhook", "www", "done"),
    ]
    assert data["items"] == [
        {
            "type": "sitecontent.hero",
            "id": str(receipt.items.get().object_id),
            "title": "Clean power!",
            "locale": "en",
        }
    ]
    # The id the frontend was given in its webhook is this receipt's.
    assert frontend.received[0].event["data"]["receipts"] == [receipt.pk]


def test_the_api_refuses_without_the_token_and_answers_404_for_unknown_ids(
    site, publishing, client, settings
):
    settings.CMS_CACHE_REFRESH_TOKEN = TOKEN
    receipt = publishing("Clean power")
    auth = {"Authorization": f"Bearer {TOKEN}"}

    refused = client.get(f"/api/publish-receipts/{receipt.pk}/")
    assert refused.status_code == 401
    assert refused.json()["data"] is None
    for unknown in (receipt.pk + 1, 2**70):
        response = client.get(f"/api/publish-receipts/{unknown}/", headers=auth)
        assert response.status_code == 404
        assert response.json()["status"] == "error"
        assert valid_for(documented_response(404), response.json()) == []


def test_the_webhooks_sent_match_the_documented_webhooks(site, endpoint, frontend, publishing):
    publishing("Clean power")
    tasks.ping(endpoint)
    dispatch.call()
    webhooks = openapi_document()["webhooks"]
    by_type = {delivery.event["type"]: delivery for delivery in frontend.received}
    assert set(by_type) == {"content.published", "ping"}
    for kind, delivery in by_type.items():
        operation = webhooks[kind]["post"]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        assert valid_for(schema, delivery.event) == []
        headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        assert all(name in delivery.headers for name in headers)


# The admin


def test_the_dashboard_lists_recent_publishes_linking_to_each_receipt(
    site, endpoint, frontend, publishing, editor, editor_client
):
    receipt = publishing("Clean power")
    PublishReceipt.objects.filter(pk=receipt.pk).update(user=editor)
    before = editor_client.get(reverse("wagtailadmin_home")).text
    assert "Recent publishes" in before and "Frontend www not told yet" in before
    dispatch.call()

    page = editor_client.get(reverse("wagtailadmin_home")).text
    detail = reverse("cms_publish_receipt", args=[receipt.pk])
    assert f'href="{detail}"' in page
    assert "Clean power!" in page and editor.get_username() in page
    assert re.search(r"Live everywhere \d+\.\d s after publishing", page)

    stages = editor_client.get(detail).text
    assert "Redis purged" in stages and "Frontend www reached" in stages
    event = WebhookEvent.objects.get()
    assert timezone.localtime(event.delivered_at).strftime("%Y-%m-%d %H:%M:%S") in stages


def test_the_receipt_page_needs_a_login_and_an_existing_receipt(
    site, publishing, client, admin_client
):
    receipt = publishing("Clean power")
    detail = reverse("cms_publish_receipt", args=[receipt.pk])
    response = client.get(detail)
    assert response.status_code == 302 and "/admin/login/" in response.url
    # (a 404 outside the locale prefixes is first redirected under one, by LocaleMiddleware)
    unknown = admin_client.get(reverse("cms_publish_receipt", args=[receipt.pk + 1]), follow=True)
    assert unknown.status_code == 404
    assert admin_client.get(detail).status_code == 200


def test_the_snippet_edit_page_shows_the_last_publish_in_its_status_panel(
    site, endpoint, frontend, publishing, editor_client
):
    hero = Hero.objects.get(title="English only hero")
    edit = reverse("wagtailsnippets_sitecontent_hero:edit", args=[hero.pk])
    assert "Last publish:" not in editor_client.get(edit).text  # never published through here

    receipt = publishing("English only hero")
    page = editor_client.get(edit).text
    assert "Last publish:" in page and "Frontend www not told yet" in page
    dispatch.call()
    page = editor_client.get(edit).text
    assert re.search(r"Last publish:\s*<a href=\"[^\"]+\">Live everywhere \d+\.\d s after", page)
    assert reverse("cms_publish_receipt", args=[receipt.pk]) in page


def test_the_page_edit_page_shows_the_last_publish_too(
    site, django_capture_on_commit_callbacks, editor_client
):
    home = site["home"]
    home.heading = "Welcome back"
    with django_capture_on_commit_callbacks(execute=True):
        publish(home)
    # (outside a request, the menu items linking to it are a receipt of their own)
    receipt = PublishReceipt.objects.get(items__content_type__model="homepage")
    assert receipts.latest_for(home) == receipt
    page = editor_client.get(reverse("wagtailadmin_pages:edit", args=[home.pk])).text
    assert "Last publish:" in page
    assert reverse("cms_publish_receipt", args=[receipt.pk]) in page
