"""Frontends hear of every publish: what they are sent, how it is signed, and how delivery
survives a receiver that fails, hangs, redirects, is gone, or sits on an internal address.
Against a real receiver on loopback that verifies with the `standardwebhooks` library; the
worker's task runs here in the test's process (tests/stack runs the real worker)."""

import socket
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cms.delivery import propagation
from cms.delivery.sections import find
from cms.webhooks import events, sending, tasks, upkeep
from cms.webhooks.models import PublishReceipt, WebhookAttempt, WebhookEndpoint, WebhookEvent
from cms.webhooks.tasks import dispatch
from sitecontent.models import Hero
from tests.factories import publish
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def publishing(django_capture_on_commit_callbacks):
    """Publish heroes the way a scheduled publish does (outside a request), each in its own
    transaction, with what runs on commit run."""

    def publish_title(title, code="en", new_title=None):
        hero = Hero.objects.get(locale__language_code=code, title=title)
        hero.title = new_title or f"{title}!"
        with django_capture_on_commit_callbacks(execute=True):
            publish(hero)
        return hero

    return publish_title


def test_a_publish_reaches_the_frontend_signed_as_standard_webhooks(
    site, endpoint, frontend, publishing, client
):
    publishing("Clean power", new_title="Cleaner power")
    assert dispatch.call() == 1

    [delivery] = frontend.received
    assert delivery.verified  # by the standardwebhooks library
    assert delivery.webhook_id.startswith("msg_")
    event = delivery.event
    assert event["type"] == "content.published"
    data = event["data"]
    assert (data["locale"], data["sections"]) == ("en", ["heroes"])
    response = client.get("/api/website-data/?locale=en")
    assert data["etag"] == response["ETag"]
    assert data["version"] == response.json()["data"]["version"]
    assert data["tags"] == ["cms-en", "cms-en-heroes"]  # names of the Cache-Tag header
    assert set(data["tags"]) < set(response["Cache-Tag"].split(","))
    assert [item["title"] for item in data["items"]] == ["Cleaner power"]
    assert data["items"][0]["type"] == "sitecontent.hero"


def test_a_change_shown_in_several_locales_is_one_event_per_locale(
    site, endpoint, frontend, publishing
):
    publishing("English only hero")  # Arabic falls back to it
    dispatch.call()
    assert sorted(d.event["data"]["locale"] for d in frontend.received) == ["ar", "en"]


def test_endpoints_hear_only_the_locales_and_sections_they_want(
    site, endpoint, frontend, publishing
):
    endpoint.locales = ["ar"]
    endpoint.save()
    publishing("Clean power")  # English only
    endpoint.locales, endpoint.sections = [], ["menu"]
    endpoint.save()
    publishing("English only hero")  # heroes only
    assert dispatch.call() == 0
    assert frontend.received == []


def test_publishes_within_the_window_are_one_event_per_endpoint_and_locale(
    site, endpoint, frontend, publishing, db
):
    second = Receiver().start()  # a second frontend
    try:
        hook = WebhookEndpoint.objects.create(name="app", url=second.url)
        second.secrets = [hook.secret]
        for n in range(20):  # a scheduled batch: twenty publishes, one after another
            publishing("Clean power" if n == 0 else f"Clean power{'!' * n}")
        assert PublishReceipt.objects.count() == 20
        dispatch.call()
        assert len(frontend.received) == 1 and len(second.received) == 1
        [delivery] = second.received
        assert delivery.verified
        assert len(delivery.event["data"]["receipts"]) == 20
    finally:
        second.stop()


def test_a_failed_delivery_is_retried_with_the_same_id_and_body(
    site, endpoint, frontend, publishing
):
    frontend.status = 500
    publishing("Clean power")
    dispatch.call()
    event = WebhookEvent.objects.get()
    assert (event.status, event.attempts) == ("retrying", 1)
    wait = (event.next_attempt_at - timezone.now()).total_seconds()
    assert 5 - 1 < wait <= 5 * 1.25  # the first delay (5 s), with jitter

    assert dispatch.call() == 0  # not due yet
    frontend.status = 204
    WebhookEvent.objects.update(next_attempt_at=timezone.now())
    assert dispatch.call() == 1
    first, second = frontend.received
    assert first.webhook_id == second.webhook_id and first.body == second.body
    assert second.verified
    event.refresh_from_db()
    assert (event.status, event.attempts) == ("delivered", 2)
    assert [a.status_code for a in WebhookAttempt.objects.order_by("at")] == [500, 204]


def test_retries_back_off_with_jitter_for_more_than_a_day_then_give_up(settings):
    delays = [sending.retry_delay(n) for n in range(1, len(settings.CMS_WEBHOOK_RETRY_DELAYS) + 1)]
    assert sum(delays) > 24 * 3600  # jitter only ever adds
    assert delays[:3] == sorted(delays[:3])
    assert sending.retry_delay(len(delays) + 1) is None
    spread = {round(sending.retry_delay(3), 3) for _ in range(20)}
    assert len(spread) > 1 and all(120 <= d <= 150 for d in spread)  # 120 s, + up to 25 %


def test_a_receiver_that_answers_410_disables_its_endpoint(site, endpoint, frontend, publishing):
    frontend.status = 410
    publishing("Clean power")
    dispatch.call()
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "410" in endpoint.disabled_reason
    assert WebhookEvent.objects.get().status == "failed"
    publishing("English only hero")
    assert dispatch.call() == 0
    assert len(frontend.received) == 1


def test_redirects_are_not_followed(site, endpoint, frontend, publishing):
    frontend.status, frontend.location = 302, "http://169.254.169.254/latest/meta-data/"
    publishing("Clean power")
    dispatch.call()
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code == 302
    assert WebhookEvent.objects.get().status == "retrying"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/hooks",
        "http://localhost:{port}/hooks",
        "http://[::1]:{port}/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/hooks",
        "http://[64:ff9b::a00:1]/hooks",  # NAT64 of 10.0.0.1
        "http://[2002:a00:1::]/hooks",  # 6to4 of 10.0.0.1
        "http://[::ffff:0:7f00:1]/hooks",  # IPv4-translated 127.0.0.1
    ],
)
def test_internal_addresses_are_refused_unless_allowed(
    site, endpoint, frontend, publishing, settings, url
):
    endpoint.url = url.format(port=frontend.server.server_port)
    endpoint.save()
    settings.CMS_WEBHOOK_ALLOW_PRIVATE = False
    publishing("Clean power")
    dispatch.call()
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None
    assert "internal address" in attempt.error
    assert frontend.received == []


def test_a_receiver_that_hangs_times_out_without_holding_up_the_others(
    site, endpoint, frontend, publishing, settings
):
    settings.CMS_WEBHOOK_TIMEOUT_SECONDS = 0.5
    black_hole = socket.socket()
    black_hole.bind(("127.0.0.1", 0))
    black_hole.listen()  # accepts connections, never answers
    try:
        WebhookEndpoint.objects.create(
            name="hole", url=f"http://127.0.0.1:{black_hole.getsockname()[1]}/"
        )
        publishing("Clean power")
        assert dispatch.call() == 2
        [hung] = WebhookAttempt.objects.filter(event__endpoint__name="hole")
        assert hung.status_code is None and 400 <= hung.latency_ms < 2000
        assert len(frontend.received) == 1
    finally:
        black_hole.close()


def test_an_event_a_dead_worker_was_sending_is_sent_again_once_its_lease_runs_out(
    site, endpoint, frontend, publishing
):
    publishing("Clean power")
    events.fan_out()
    event = sending.claim(WebhookEvent.objects.get().pk)  # …and the worker is killed
    assert event is not None
    assert dispatch.call() == 0  # leased: nobody else sends it
    WebhookEvent.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert dispatch.call() == 1
    assert WebhookEvent.objects.get().status == "delivered"


def test_after_a_rotation_both_secrets_verify_until_the_grace_period_ends(
    site, endpoint, frontend, publishing
):
    old = endpoint.secret
    new = endpoint.rotate_secret()
    assert new != old and new.startswith("whsec_")
    publishing("Clean power")
    dispatch.call()
    during = frontend.received[-1]
    assert during.verified_by(old) and during.verified_by(new)

    WebhookEndpoint.objects.update(previous_secret_expires_at=timezone.now())
    publishing("Clean power!", new_title="Clean power again")
    dispatch.call()
    after = frontend.received[-1]
    assert after.verified_by(new) and not after.verified_by(old)


def test_a_ping_is_sent_on_request(endpoint, frontend):
    tasks.ping(endpoint)
    dispatch.call()
    [delivery] = frontend.received
    assert delivery.verified
    assert delivery.event == {
        "type": "ping",
        "timestamp": delivery.event["timestamp"],
        "data": {"endpoint": "www"},
    }


def test_a_cache_refresh_is_announced(site, endpoint, frontend, settings, client):
    settings.CMS_CACHE_REFRESH_TOKEN = "token"
    client.post(
        "/api/update-redis/",
        {"locales": ["ar"], "sections": ["heroes"]},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer token",
    )
    dispatch.call()
    [delivery] = frontend.received
    assert delivery.event["type"] == "cache.refreshed"
    assert (delivery.event["data"]["locale"], delivery.event["data"]["sections"]) == (
        "ar",
        ["heroes"],
    )


def test_publishing_costs_the_same_queries_with_no_endpoint_and_with_ten(
    site, publishing, frontend
):
    def queries_of_a_publish(title):
        with CaptureQueriesContext(connection) as queries:
            publishing(title)
        return len(queries)

    publishing("Clean power")  # whatever a first publish costs once
    without = queries_of_a_publish("Clean power!")
    WebhookEndpoint.objects.bulk_create(
        WebhookEndpoint(name=f"frontend {n}", url=frontend.url) for n in range(10)
    )
    assert queries_of_a_publish("Clean power!!") == without


def test_old_log_rows_are_pruned(site, endpoint, frontend, publishing, settings):
    publishing("Clean power")
    dispatch.call()
    assert upkeep.prune() == 0
    long_ago = timezone.now() - timedelta(days=settings.CMS_WEBHOOK_LOG_DAYS + 1)
    WebhookAttempt.objects.update(at=long_ago)
    WebhookEvent.objects.update(created_at=long_ago)
    PublishReceipt.objects.update(created_at=long_ago)
    assert upkeep.prune() >= 3
    assert not WebhookAttempt.objects.exists() and not PublishReceipt.objects.exists()


def test_the_workers_finished_task_results_are_pruned_after_a_day(site, endpoint, publishing):
    publishing("Clean power")  # queues a dispatch
    run = DBTaskResult.objects.get(queue_name="webhooks")
    dispatch.call()
    DBTaskResult.objects.update(status="SUCCESSFUL", finished_at=timezone.now())
    upkeep.prune()
    assert DBTaskResult.objects.filter(pk=run.pk).exists()  # finished today: kept
    DBTaskResult.objects.update(finished_at=timezone.now() - timedelta(days=2))
    upkeep.prune()
    assert not DBTaskResult.objects.exists()


def test_a_burst_still_arriving_waits_for_its_end_up_to_a_limit(
    site, endpoint, frontend, publishing, settings
):
    settings.CMS_WEBHOOK_COALESCE_MS = 1000
    publishing("Clean power")
    assert dispatch.call() == 0  # the newest change is younger than the window: wait
    publishing("Clean power!")
    PublishReceipt.objects.update(created_at=timezone.now() - timedelta(seconds=2))
    assert dispatch.call() == 1  # the burst is over: one event for both
    assert len(frontend.received[0].event["data"]["receipts"]) == 2

    publishing("Clean power!!")  # a steady stream is sent anyway once the first has waited
    PublishReceipt.objects.filter(fanned_out=False).update(
        created_at=timezone.now() - events.MAX_WAIT
    )
    publishing("Clean power!!!")
    assert dispatch.call() == 1


def test_an_event_whose_body_cannot_be_built_is_a_failed_attempt_retried_on_schedule(
    site, endpoint, frontend, publishing, monkeypatch
):
    publishing("Clean power")

    def broken(event):
        raise RuntimeError("the payload could not be built")

    monkeypatch.setattr(sending, "body", broken)
    assert dispatch.call() == 1
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and "could not be built" in attempt.error
    event = WebhookEvent.objects.get()
    assert (event.status, event.lease_until) == ("retrying", None)
    assert frontend.received == []


def test_a_disabled_endpoint_is_sent_nothing_more_but_pings(site, endpoint, frontend, publishing):
    frontend.status = 500
    publishing("Clean power")
    dispatch.call()  # failed once, waiting to be retried
    WebhookEndpoint.objects.update(is_active=False)
    WebhookEvent.objects.update(next_attempt_at=timezone.now())
    assert dispatch.call() == 0
    tasks.ping(WebhookEndpoint.objects.get())
    assert dispatch.call() == 1


def test_a_hanging_endpoint_gets_at_most_two_senders_at_a_time(endpoint):
    for _ in range(5):
        WebhookEvent.objects.create(endpoint=endpoint, type="ping")
    WebhookEvent.objects.create(
        endpoint=WebhookEndpoint.objects.create(name="b", url="http://b.test/"), type="ping"
    )
    chosen = sending.due(limit=8)
    by_endpoint = WebhookEvent.objects.filter(pk__in=chosen).values_list(
        "endpoint__name", flat=True
    )
    assert sorted(by_endpoint) == ["b", "www", "www"]


def test_each_locale_hears_only_of_the_sections_that_changed_in_it(site, endpoint, frontend):
    propagation.propagate({("en", find("home")), ("ar", find("menu"))})
    dispatch.call()
    heard = {d.event["data"]["locale"]: d.event["data"]["sections"] for d in frontend.received}
    assert heard == {"en": ["home"], "ar": ["menu"]}
