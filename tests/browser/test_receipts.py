"""The publish receipt in a real Chromium: an editor publishes a hero, the worker tells the
frontend, and the editor sees where the publish stands, on the hero and on the dashboard."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, publish_in_editor

# A live server needs committed data; serialized_rollback restores what migrations created.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def frontend(settings):
    """A frontend on loopback with its webhook endpoint (as tests/webhooks/conftest.py)."""
    from cms.webhooks.models import WebhookEndpoint
    from tests.webhooks.receiver import Receiver

    settings.CMS_WEBHOOK_ALLOW_PRIVATE = True
    settings.CMS_WEBHOOK_COALESCE_MS = 0
    receiver = Receiver().start()
    receiver.secrets = [WebhookEndpoint.objects.create(name="www", url=receiver.url).secret]
    yield receiver
    receiver.stop()


def test_a_publisher_publishes_a_hero_and_sees_it_live_everywhere(page, publisher_user, frontend):
    from cms.webhooks.models import PublishReceipt
    from cms.webhooks.tasks import dispatch
    from tests.factories import HeroFactory, publish

    hero = publish(HeroFactory(title="Clean power"))
    edit = f"/admin/snippets/sitecontent/hero/edit/{hero.pk}/"
    log_in(page, publisher_user)

    page.goto(edit)
    page.fill("#id_title", "Cleaner power")
    publish_in_editor(page)
    receipt = PublishReceipt.objects.get(user=publisher_user)
    assert receipt.items.get().object_id == str(hero.pk)

    # Before the worker runs, the hero's status panel says the frontend is still to be told.
    page.goto(edit)
    page.get_by_role("button", name="Toggle status").click()
    last_publish = page.locator("[data-publish-receipt]")
    expect(last_publish).to_have_text(re.compile(r"Last publish:\s*Frontend www not told yet"))

    dispatch.call()  # one event per locale showing it: English, and Arabic by fallback
    assert sorted(d.event["data"]["locale"] for d in frontend.received) == ["ar", "en"]
    assert all(receipt.pk in d.event["data"]["receipts"] for d in frontend.received)

    page.reload()
    page.get_by_role("button", name="Toggle status").click()
    expect(last_publish).to_be_visible()
    expect(last_publish).to_have_text(
        re.compile(r"Last publish:\s*Live everywhere \d+\.\d s after publishing")
    )

    # The dashboard lists it, with who published what; its link opens every stage.
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Recent publishes")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Cleaner power")
    expect(row).to_contain_text("publisher")
    expect(row).to_contain_text(re.compile(r"Live everywhere \d+\.\d s after publishing"))
    row.get_by_role("link").first.click()
    page.wait_for_url(f"**/admin/publish-receipts/{receipt.pk}/")
    expect(page.get_by_role("row").filter(has_text="Redis purged")).to_contain_text("Done")
    expect(page.get_by_role("row").filter(has_text="Frontend www reached")).to_contain_text("Done")
