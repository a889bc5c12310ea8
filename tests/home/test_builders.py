"""The home section of the website-data payload: each language's version of the home page
(hreflang alternates), kept in step in every locale's payload."""

import pytest

from tests.factories import publish

pytestmark = pytest.mark.django_db


def home_section(client, locale):
    response = client.get(f"/api/website-data/?locale={locale}&sections=home")
    assert response.status_code == 200
    return response.json()["data"]["home"]


@pytest.fixture
def arabic_home(home_page, ar):
    publish(home_page)
    return publish(home_page.copy_for_translation(ar))


def test_alternates_name_each_language_of_the_home_page_then_x_default(client, arabic_home):
    expected = [
        {"hreflang": "en", "url": "/en/"},
        {"hreflang": "ar", "url": "/ar/"},
        {"hreflang": "x-default", "url": "/en/"},
    ]
    assert home_section(client, "en")["alternates"] == expected
    assert home_section(client, "ar")["alternates"] == expected


def test_a_language_without_a_live_home_page_has_no_alternate(client, home_page, ar):
    publish(home_page)
    publish(home_page.copy_for_translation(ar)).unpublish()
    arabic = home_section(client, "ar")
    assert arabic["fallback_locale"] == "en"  # the English home page, served in its place
    assert arabic["alternates"] == [
        {"hreflang": "en", "url": "/en/"},
        {"hreflang": "x-default", "url": "/en/"},
    ]


def test_publishing_a_translation_adds_it_to_every_languages_alternates_at_once(
    client, home_page, ar, django_capture_on_commit_callbacks
):
    publish(home_page)
    assert [a["hreflang"] for a in home_section(client, "en")["alternates"]] == [
        "en",
        "x-default",
    ]  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        arabic = publish(home_page.copy_for_translation(ar))
    assert [a["hreflang"] for a in home_section(client, "en")["alternates"]] == [
        "en",
        "ar",
        "x-default",
    ]

    with django_capture_on_commit_callbacks(execute=True):
        arabic.unpublish()
    assert [a["hreflang"] for a in home_section(client, "en")["alternates"]] == [
        "en",
        "x-default",
    ]
