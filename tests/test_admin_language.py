"""The admin in Arabic, for a user who picks it."""

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

pytestmark = pytest.mark.django_db


def test_the_admin_renders_right_to_left_for_a_user_who_picks_arabic(editor_client, editor):
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "ar"
    profile.save()
    response = editor_client.get(reverse("wagtailsnippets_sitecontent_hero:list"))
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl"' in response.text


def test_the_admin_stays_left_to_right_in_english(editor_client):
    response = editor_client.get(reverse("wagtailadmin_home"))
    assert '<html lang="en" dir="ltr"' in response.text


def test_arabic_is_offered_in_the_account_language_choices(editor_client):
    response = editor_client.get(reverse("wagtailadmin_account"))
    assert response.status_code == 200
    assert '<option value="ar"' in response.text


def test_serving_an_arabic_page_does_not_leave_the_next_request_in_arabic(
    editor_client, home_page, ar
):
    from tests.factories import publish

    publish(home_page.copy_for_translation(ar))
    assert editor_client.get("/ar/").status_code == 200
    assert '<html lang="en" dir="ltr"' in editor_client.get(reverse("wagtailadmin_home")).text
    api_error = editor_client.get("/api/website-data/?locale=xx")
    assert "Supported locales" in api_error.json()["message"]
