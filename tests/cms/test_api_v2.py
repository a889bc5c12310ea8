"""Wagtail API v2 (/api/v2/): live content per locale, renditions, and Wagtail's 400s."""

import pytest

from tests.factories import HeroFactory

pytestmark = pytest.mark.django_db


def items(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json()["items"]


@pytest.mark.parametrize(
    "endpoint",
    ["pages", "images", "documents", "menu-items", "heroes", "partners", "footer-links"],
)
def test_every_endpoint_answers(client, site, endpoint):
    assert client.get(f"/api/v2/{endpoint}/").status_code == 200


def test_snippet_endpoints_filter_by_locale_and_serve_only_live_rows(client, site):
    HeroFactory(title="Draft")
    english = [hero["title"] for hero in items(client, "/api/v2/heroes/?locale=en")]
    arabic = [hero["title"] for hero in items(client, "/api/v2/heroes/?locale=ar")]
    assert english == ["Clean power", "English only hero"]
    assert arabic == ["طاقة نظيفة"]


def test_snippets_carry_resolved_links_and_their_locale(client, site):
    menu = items(client, "/api/v2/menu-items/?locale=ar")
    home = next(item for item in menu if item["label"] == "الرئيسية")
    assert (home["url"], home["is_external"], home["locale"]) == ("/ar/", False, "ar")
    team = next(item for item in menu if item["label"] == "الفريق")
    assert team["parent"] == next(i["id"] for i in menu if i["label"] == "من نحن")


def test_images_come_as_renditions_with_size_and_alt(client, site):
    hero = items(client, "/api/v2/heroes/?locale=en")[0]
    assert set(hero["background_image"]) >= {"url", "width", "height", "alt"}
    assert hero["background_image"]["alt"] == site["hero"].background_image.description
    assert set(hero["background_image_mobile"]) >= {"url", "width", "height"}
    partner = items(client, "/api/v2/partners/?locale=en")[0]
    assert partner["logo"]["url"].endswith(".png")


def test_pages_filter_by_locale(client, site):
    pages = items(client, "/api/v2/pages/?locale=ar&type=home.HomePage&fields=heading")
    assert [(page["meta"]["locale"], page["heading"]) for page in pages] == [("ar", "Welcome")]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/v2/heroes/?locale=fr", "Unsupported locale 'fr'"),
        ("/api/v2/pages/?locale=fr", "Unsupported locale 'fr'"),
        ("/api/v2/heroes/?limit=1000", "limit cannot be higher than 100"),
        (
            "/api/v2/heroes/?colour=red",
            "query parameter is not an operation or a recognised field",
        ),
        ("/api/v2/pages/?limit=-1", "limit must be a positive integer"),
    ],
)
def test_bad_queries_are_wagtails_400_in_the_envelope(client, site, path, message):
    response = client.get(path)
    body = response.json()
    assert response.status_code == 400
    assert body["status"] == "error"
    assert message in body["message"]


def test_an_unknown_object_is_a_404_in_the_envelope(client, site):
    response = client.get("/api/v2/heroes/999999/")
    assert response.status_code == 404
    assert response.json()["status"] == "error"


def test_the_v2_api_is_anonymous_and_sets_no_cookie(client, site, editor):
    client.force_login(editor)
    response = client.get("/api/v2/heroes/")
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies
