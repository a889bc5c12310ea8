"""Announcements: a site-wide notice per locale, shown between an optional start and end.

The section was added as the demonstration that a new payload section is one registry entry
plus its model and builder: caching, purging, ?sections=, the refresh API, API v2, the
translation status and the roles all picked it up from the registry."""

import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cms.cache.engine import payload_cache
from cms.delivery.keys import WHOLE, cache_key
from cms.editorial.translation_status import status_for
from tests.factories import ARABIC_TEAM, AnnouncementFactory, UserFactory, publish, translate

from .conftest import get_data

pytestmark = pytest.mark.django_db


def shown(client, locale="en"):
    announcement = get_data(client, f"?locale={locale}&sections=announcement")["announcement"]
    return announcement and announcement["message"]


def test_no_announcement_is_null(client, site):
    assert get_data(client)["announcement"] is None


def test_it_shows_only_between_its_start_and_its_end(client, site):
    now = timezone.now()
    publish(AnnouncementFactory(message="Over", ends_at=now - timedelta(hours=1)))
    publish(AnnouncementFactory(message="Later", starts_at=now + timedelta(hours=1)))
    publish(
        AnnouncementFactory(
            message="Now", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1)
        )
    )
    assert shown(client) == "Now"


def test_the_first_shown_in_editors_order_wins(client, site):
    publish(AnnouncementFactory(message="First"))
    publish(AnnouncementFactory(message="Second"))
    assert shown(client) == "First"


def test_arabic_shows_its_translation_or_falls_back_to_english(
    client, site, ar, django_capture_on_commit_callbacks
):
    notice = publish(AnnouncementFactory(message="Closed on Friday"))
    assert shown(client, "ar") == "Closed on Friday"
    assert get_data(client, "?locale=ar")["announcement"]["fallback_locale"] == "en"
    with django_capture_on_commit_callbacks(execute=True):
        translate(notice, ar, message="مغلق يوم الجمعة")
    assert shown(client, "ar") == "مغلق يوم الجمعة"


def test_the_payload_carries_its_link_tone_and_times(client, site):
    ends = timezone.now().replace(microsecond=0) + timedelta(days=2)
    publish(
        AnnouncementFactory(
            message="Sale", tone="warning", link_label="Shop", link_url="/shop", ends_at=ends
        )
    )
    announcement = get_data(client)["announcement"]
    assert announcement["tone"] == "warning"
    assert announcement["link"] == {"label": "Shop", "url": "/shop", "is_external": False}
    assert announcement["ends_at"] == ends.isoformat().replace("+00:00", "Z")
    assert announcement["starts_at"] is None


def test_the_cache_keeps_it_no_longer_than_until_it_ends(client, site):
    publish(
        AnnouncementFactory(message="Soon over", ends_at=timezone.now() + timedelta(seconds=40))
    )
    response = client.get("/api/website-data/?locale=en")
    raw = payload_cache.store.client
    assert 0 < raw.ttl(cache_key("en", "announcement")) <= 40
    assert 0 < raw.ttl(cache_key("en", WHOLE)) <= 40
    max_age = int(response["Cache-Control"].split("max-age=")[1].split(",")[0])
    assert max_age <= 40


def test_it_appears_when_it_starts_without_anyone_publishing(client, site):
    publish(
        AnnouncementFactory(message="Starting", starts_at=timezone.now() + timedelta(seconds=2))
    )
    assert shown(client) is None
    assert client.get("/api/website-data/?sections=announcement")["X-Cache"] == "HIT"
    time.sleep(3)  # past its start: the cached payload has expired by itself
    assert shown(client) == "Starting"


def test_publishing_one_purges_the_announcement_section(
    client, site, django_capture_on_commit_callbacks
):
    get_data(client)
    with django_capture_on_commit_callbacks(execute=True):
        publish(AnnouncementFactory(message="Fresh"))
    assert shown(client) == "Fresh"


def test_the_end_must_come_after_the_start():
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        AnnouncementFactory.build(starts_at=now, ends_at=now).full_clean()
    assert "ends_at" in error.value.message_dict


def test_a_link_needs_a_label_and_a_label_a_link():
    with pytest.raises(ValidationError) as error:
        AnnouncementFactory.build(link_url="/shop").full_clean()
    assert "link_label" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        AnnouncementFactory.build(link_label="Shop").full_clean()
    assert "link_url" in error.value.message_dict


def test_the_api_v2_has_an_endpoint_for_it(client, site):
    publish(AnnouncementFactory(message="Hello"))
    items = client.get("/api/v2/announcements/?locale=ar").json()["items"]
    assert [(item["message"], item["meta"]["locale"]) for item in items] == [("Hello", "en")]


def test_it_can_be_asked_for_and_refreshed_by_name(client, site, settings):
    assert list(get_data(client, "?sections=announcement")) == [
        "locale",
        "direction",
        "version",
        "announcement",
    ]
    settings.CMS_CACHE_REFRESH_TOKEN = "token"
    response = client.post(
        "/api/update-redis/",
        '{"sections": ["announcement"]}',
        content_type="application/json",
        headers={"Authorization": "Bearer token"},
    )
    assert {item["key"] for item in response.json()["data"]["refreshed"]} == {
        "announcement",
        WHOLE,
    }


def test_the_translation_status_counts_announcements(site):
    publish(AnnouncementFactory(message="Untranslated"))
    assert status_for("ar")["kinds"]["announcement"]["missing"] == ["Untranslated"]


def test_publishers_create_and_publish_one_in_the_admin(client, site):
    client.force_login(UserFactory(groups=["Editors", "Publishers"]))
    url = reverse("wagtailsnippets_sitecontent_announcement:add")
    response = client.post(
        url,
        {
            "message": "Offices closed",
            "tone": "info",
            "link_label": "",
            "link_page": "",
            "link_url": "",
            "starts_at": "",
            "ends_at": "",
            "action-publish": "action-publish",
        },
    )
    assert response.status_code == 302, response.content
    assert shown(client) == "Offices closed"


def test_translators_may_translate_but_not_reorder_announcements(site):
    translator = UserFactory(groups=["Translators", ARABIC_TEAM])
    assert translator.has_perm("sitecontent.change_announcement")
    assert not translator.has_perm("sitecontent.reorder_announcement")
    assert UserFactory(groups=["Publishers"]).has_perm("sitecontent.reorder_announcement")
