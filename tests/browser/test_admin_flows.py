"""Editors' and translators' flows in a real Chromium."""

import pytest
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from tests.browser.conftest import log_in

# A live server needs committed data; serialized_rollback restores what migrations created.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_admin_in_arabic_renders_right_to_left_and_site_content_works(page, editor_user):
    profile = UserProfile.get_for_user(editor_user)
    profile.preferred_language = "ar"
    profile.save()
    log_in(page, editor_user)
    page.goto("/admin/snippets/sitecontent/hero/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    page.goto("/admin/snippets/sitecontent/hero/add/?locale=ar")
    expect(page.locator("#id_title")).to_be_visible()
    assert page.locator("html").get_attribute("dir") == "rtl"


def test_refresh_website_cache_from_the_admin_shows_its_confirmation(page, editor_user):
    log_in(page, editor_user)
    page.goto("/admin/website-cache/")
    page.get_by_role("button", name="Refresh website cache").click()
    expect(page.get_by_text("The website cache was refreshed: 14 keys rebuilt")).to_be_visible()
