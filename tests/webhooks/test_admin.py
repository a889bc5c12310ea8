"""Settings → Webhooks: who may manage endpoints, what the form refuses, the secret shown once,
and the delivery log with its ping and redeliver actions, against the loopback receiver."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from cms.webhooks.models import WebhookAttempt, WebhookEndpoint, WebhookEvent
from cms.webhooks.tasks import dispatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(django_user_model):
    """A client of its own, so a test can use it beside `editor_client`."""
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    return client


def url(view_name, *args):
    return reverse(f"webhooks:{view_name}", args=args)


def form_data(**overrides):
    return {
        "name": "www",
        "url": "http://127.0.0.1:9/hooks/cms",
        "description": "",
        "locales": ["ar"],
        "sections": ["heroes", "menu"],
        "is_active": "on",
        **overrides,
    }


def test_creating_an_endpoint_shows_its_secret_once_and_never_on_the_edit_page(
    superuser_client, settings
):
    settings.CMS_WEBHOOK_ALLOW_PRIVATE = True
    response = superuser_client.post(url("add"), form_data(), follow=True)

    endpoint = WebhookEndpoint.objects.get(name="www")
    assert (endpoint.locales, endpoint.sections) == (["ar"], ["heroes", "menu"])
    assert response.redirect_chain == [(url("secret", endpoint.pk), 302)]
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in response.content.decode()
    assert "Standard Webhooks" in response.content.decode()

    again = superuser_client.get(url("secret", endpoint.pk), follow=True)
    assert again.redirect_chain == [(url("edit", endpoint.pk), 302)]
    assert endpoint.secret not in again.content.decode()
    edit = superuser_client.get(url("edit", endpoint.pk))
    assert edit.status_code == 200
    assert endpoint.secret not in edit.content.decode()
    assert endpoint.secret not in superuser_client.get(url("index")).content.decode()


def test_a_loopback_url_is_refused_unless_private_addresses_are_allowed(
    superuser_client, settings
):
    settings.CMS_WEBHOOK_ALLOW_PRIVATE = False
    response = superuser_client.post(url("add"), form_data())
    assert response.status_code == 200
    assert "internal address" in str(response.context["form"].errors["url"])
    assert not WebhookEndpoint.objects.exists()

    settings.CMS_WEBHOOK_ALLOW_PRIVATE = True
    response = superuser_client.post(url("add"), form_data())
    assert response.status_code == 302
    assert WebhookEndpoint.objects.filter(name="www").exists()


def test_the_index_lists_each_endpoint_with_its_state_and_last_delivery(
    superuser_client, endpoint
):
    endpoint.is_active = False
    endpoint.disabled_reason = "It answered 410 Gone on 2030-01-01 00:00."
    endpoint.save()
    event = WebhookEvent.objects.create(endpoint=endpoint, type="ping")
    WebhookAttempt.objects.create(event=event, status_code=410)

    page = superuser_client.get(url("index")).content.decode()
    assert endpoint.url in page
    assert "Disabled: It answered 410 Gone on 2030-01-01 00:00." in page
    assert "410 (" in page
    assert url("log", endpoint.pk) in page


def test_reactivating_a_disabled_endpoint_clears_why_it_was_disabled(superuser_client, endpoint):
    endpoint.is_active = False
    endpoint.disabled_reason = "It answered 410 Gone."
    endpoint.save()
    response = superuser_client.post(url("edit", endpoint.pk), form_data(url=endpoint.url))
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.disabled_reason) == (True, "")


def test_rotating_shows_the_new_secret_once_and_both_sign_during_the_grace(
    superuser_client, endpoint, frontend, settings
):
    settings.CMS_WEBHOOK_SECRET_GRACE_HOURS = 6
    old = endpoint.secret
    assert superuser_client.get(url("rotate_secret", endpoint.pk)).status_code == 405

    response = superuser_client.post(url("rotate_secret", endpoint.pk), follow=True)
    endpoint.refresh_from_db()
    page = response.content.decode()
    assert endpoint.secret != old
    assert endpoint.secret in page
    assert old not in page
    assert "valid for 6 more hours" in page
    assert endpoint.signing_secrets() == [endpoint.secret, old]

    superuser_client.post(url("ping", endpoint.pk))
    dispatch.call()
    [delivery] = frontend.received
    assert delivery.verified_by(old)
    assert delivery.verified_by(endpoint.secret)


def test_rotating_needs_a_csrf_token(endpoint, django_user_model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    assert client.post(url("rotate_secret", endpoint.pk)).status_code == 403
    assert WebhookEndpoint.objects.get().secret == endpoint.secret


def test_a_ping_reaches_the_frontend_and_the_log_lists_its_answer(
    superuser_client, endpoint, frontend
):
    response = superuser_client.post(url("ping", endpoint.pk))
    assert response.status_code == 302
    assert response["Location"] == url("log", endpoint.pk)
    event = WebhookEvent.objects.get(endpoint=endpoint, type="ping")

    dispatch.call()
    [delivery] = frontend.received
    assert delivery.event["type"] == "ping"
    assert delivery.webhook_id == event.webhook_id

    log = superuser_client.get(url("log", endpoint.pk))
    assert log.status_code == 200
    [attempt] = log.context["page_obj"].object_list
    assert (attempt.event_id, attempt.status_code) == (event.pk, 204)
    page = log.content.decode()
    assert event.webhook_id in page
    assert ">204<" in page


def test_failures_only_lists_the_attempts_that_were_not_acknowledged(superuser_client, endpoint):
    answers = {
        "ok": {"status_code": 204},
        "refused": {"status_code": 500},
        "unreachable": {"status_code": None, "error": "Connection refused"},
    }
    attempts = {
        name: WebhookAttempt.objects.create(
            event=WebhookEvent.objects.create(
                endpoint=endpoint, type="ping", status=WebhookEvent.Status.FAILED
            ),
            **answer,
        )
        for name, answer in answers.items()
    }

    every = superuser_client.get(url("log", endpoint.pk))
    assert set(every.context["page_obj"].object_list) == set(attempts.values())
    failures = superuser_client.get(url("log", endpoint.pk), {"failed": "1"})
    listed = set(failures.context["page_obj"].object_list)
    assert listed == {attempts["refused"], attempts["unreachable"]}
    page = failures.content.decode()
    assert attempts["ok"].event.webhook_id not in page
    assert attempts["refused"].event.webhook_id in page
    assert "Connection refused" in page


def test_the_log_shows_the_events_still_waiting(superuser_client, endpoint):
    waiting = WebhookEvent.objects.create(
        endpoint=endpoint,
        type="content.published",
        locale="ar",
        status=WebhookEvent.Status.RETRYING,
        attempts=2,
        last_error="It answered 503.",
    )
    log = superuser_client.get(url("log", endpoint.pk))
    assert list(log.context["waiting"]) == [waiting]
    assert "It answered 503." in log.content.decode()


def test_redeliver_sends_a_delivered_event_again_with_the_same_webhook_id(
    superuser_client, endpoint, frontend
):
    superuser_client.post(url("ping", endpoint.pk))
    dispatch.call()
    event = WebhookEvent.objects.get(endpoint=endpoint)
    assert event.status == WebhookEvent.Status.DELIVERED

    response = superuser_client.post(url("redeliver", endpoint.pk, event.pk))
    assert response["Location"] == url("log", endpoint.pk)
    event.refresh_from_db()
    assert (event.status, event.lease_until) == (WebhookEvent.Status.PENDING, None)

    dispatch.call()
    first, again = frontend.received
    assert again.webhook_id == first.webhook_id == event.webhook_id
    assert again.body == first.body
    assert again.verified


def test_redeliver_refuses_an_event_of_another_endpoint(superuser_client, endpoint):
    other = WebhookEndpoint.objects.create(name="other", url=endpoint.url)
    event = WebhookEvent.objects.create(
        endpoint=other, type="ping", status=WebhookEvent.Status.DELIVERED
    )
    for event_id in (event.pk, uuid.uuid4()):
        response = superuser_client.post(url("redeliver", endpoint.pk, event_id), follow=True)
        assert response.status_code == 404
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.DELIVERED


def test_an_editor_without_the_permission_has_no_menu_item_and_is_refused(
    superuser_client, editor_client, endpoint
):
    assert url("index") in superuser_client.get(reverse("wagtailadmin_home")).content.decode()

    assert url("index") not in editor_client.get(reverse("wagtailadmin_home")).content.decode()
    for page in (url("index"), url("add"), url("edit", endpoint.pk), url("log", endpoint.pk)):
        assert editor_client.get(page).status_code in (302, 403), page
    for action in (url("ping", endpoint.pk), url("rotate_secret", endpoint.pk)):
        assert editor_client.post(action).status_code in (302, 403), action
    assert not WebhookEvent.objects.exists()
    assert WebhookEndpoint.objects.get().secret == endpoint.secret


def test_an_endpoint_whose_address_is_now_refused_can_still_be_disabled(
    admin_client, settings, frontend
):
    endpoint = WebhookEndpoint.objects.create(name="old", url=frontend.url)  # once allowed
    settings.CMS_WEBHOOK_ALLOW_PRIVATE = False
    edit = reverse("webhooks:edit", args=[endpoint.pk])
    response = admin_client.post(
        edit, {"name": "old", "url": frontend.url, "description": "", "is_active": ""}
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.is_active
