"""Home pages: one per locale, under locale-prefixed URLs."""

import pytest
from wagtail.models import Page

from home.models import HomePage
from tests.factories import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def arabic_home(home_page, ar):
    home_page.heading = "Welcome"
    publish(home_page)
    return publish(home_page.copy_for_translation(ar))


def test_home_page_urls_carry_the_locale(home_page, arabic_home):
    assert home_page.url == "/en/"
    assert arabic_home.url == "/ar/"
    assert arabic_home.translation_key == home_page.translation_key


def test_each_locale_serves_its_home_page_with_its_direction(client, home_page, arabic_home):
    english = client.get("/en/")
    arabic = client.get("/ar/")
    assert english.status_code == arabic.status_code == 200
    assert '<html lang="en" dir="ltr">' in english.text
    assert '<html lang="ar" dir="rtl">' in arabic.text


def test_a_second_home_page_in_the_same_locale_cannot_be_created(home_page):
    root = Page.get_first_root_node()
    assert not HomePage.can_create_at(root)


def test_seo_title_falls_back_to_the_page_title(home_page):
    home_page.seo_title = ""
    assert home_page.get_seo_title() == home_page.title
    home_page.seo_title = "Oasis Energy – Clean solar power"
    assert home_page.get_seo_title() == "Oasis Energy – Clean solar power"
