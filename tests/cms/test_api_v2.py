"""Wagtail API v2 (/api/v2/): pages, images and documents as Wagtail serves them, and one
endpoint per payload section that serves the very items /api/website-data/ serves (the
item-by-item agreement over the demo content is in test_contract.py)."""

import pytest

from sitecontent.models import MenuItem
from tests.factories import HeroFactory, MenuItemFactory, publish

from .conftest import get_data

pytestmark = pytest.mark.django_db


def items(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def without_meta(item):
    return {name: value for name, value in item.items() if name != "meta"}


@pytest.mark.parametrize(
    "endpoint",
    [
        "pages",
        "images",
        "documents",
        "announcements",
        "menu-items",
        "heroes",
        "partners",
        "footer-links",
    ],
)
def test_every_endpoint_answers(client, site, endpoint):
    assert client.get(f"/api/v2/{endpoint}/").status_code == 200


def test_section_endpoints_serve_the_payloads_items_with_their_fallbacks(client, site):
    HeroFactory(title="Draft")
    english = items(client, "/api/v2/heroes/?locale=en")
    arabic = items(client, "/api/v2/heroes/?locale=ar")
    assert [hero["title"] for hero in english] == ["Clean power", "English only hero"]
    assert [hero["title"] for hero in arabic] == ["طاقة نظيفة", "English only hero"]
    assert [hero["fallback_locale"] for hero in arabic] == [None, "en"]
    assert [hero["meta"]["locale"] for hero in arabic] == ["ar", "en"]
    assert [without_meta(hero) for hero in arabic] == get_data(client, "?locale=ar")["heroes"]


def test_without_a_locale_the_default_locales_items_are_served(client, site):
    assert items(client, "/api/v2/heroes/") == items(client, "/api/v2/heroes/?locale=en")
    assert items(client, "/api/v2/heroes/?locale=AR-sa") == items(
        client, "/api/v2/heroes/?locale=ar"
    )


def test_items_carry_wagtails_meta(client, site):
    hero = items(client, "/api/v2/heroes/?locale=en")[0]
    assert hero["meta"]["type"] == "sitecontent.Hero"
    assert hero["meta"]["detail_url"].endswith(f"/api/v2/heroes/{hero['id']}/")


def test_menu_items_nest_their_children_and_resolve_links_per_locale(client, site):
    menu = items(client, "/api/v2/menu-items/?locale=ar")
    assert [(item["label"], item["url"]) for item in menu] == [
        ("من نحن", "/about"),
        ("الرئيسية", "/ar/"),
    ]
    assert [child["label"] for child in menu[0]["children"]] == ["الفريق"]


def test_a_detail_is_the_same_item_as_in_the_listing(client, site):
    menu = items(client, "/api/v2/menu-items/?locale=en")
    about, child = menu[0], menu[0]["children"][0]
    assert client.get(f"/api/v2/menu-items/{about['id']}/").json() == about
    detail = client.get(f"/api/v2/menu-items/{child['id']}/").json()
    assert without_meta(detail) == child


def test_a_detail_in_another_locale_is_the_item_as_that_locale_shows_it(client, site):
    hero = site["english_only_hero"]
    detail = client.get(f"/api/v2/heroes/{hero.pk}/?locale=ar").json()
    assert (detail["title"], detail["fallback_locale"]) == ("English only hero", "en")
    # The English hero that has an Arabic translation is not part of the Arabic payload.
    assert client.get(f"/api/v2/heroes/{site['hero'].pk}/?locale=ar").status_code == 404


def test_images_come_as_the_payloads_renditions(client, site):
    hero = items(client, "/api/v2/heroes/?locale=en")[0]
    assert set(hero["image"]["renditions"]) == {"desktop", "mobile"}
    assert hero["image"]["alt"] == site["hero"].background_image.description
    partner = items(client, "/api/v2/partners/?locale=ar")[0]
    assert partner["logo"]["alt"] == "نور"
    assert partner["logo"]["url"].endswith(".png")


def test_no_draft_or_unreachable_link_leaks_through_v2(client, site, home_page):
    draft_page = home_page.add_child(instance=type(home_page.specific)(title="Draft", live=False))
    publish(MenuItemFactory(label="To a draft page", link_url="", link_page=draft_page))
    hidden_parent = MenuItemFactory(label="Unpublished parent")
    publish(MenuItemFactory(label="Orphan", parent=hidden_parent))
    served = client.get("/api/v2/menu-items/?locale=en").content.decode()
    for label in ("To a draft page", "Unpublished parent", "Orphan"):
        assert label not in served
    orphan = MenuItem.objects.get(label="Orphan")
    assert client.get(f"/api/v2/menu-items/{orphan.pk}/").status_code == 404


def test_section_endpoints_are_publicly_cacheable_like_website_data(client, site):
    v2 = client.get("/api/v2/heroes/?locale=ar")
    website_data = client.get("/api/website-data/?locale=ar")
    assert v2["Cache-Control"] == website_data["Cache-Control"]
    assert "public" in v2["Cache-Control"]


def test_section_endpoints_read_the_cache_like_website_data(
    client, site, django_assert_num_queries
):
    client.get("/api/website-data/?locale=ar")
    with django_assert_num_queries(0):
        assert client.get("/api/v2/partners/?locale=ar").status_code == 200


def test_a_listing_pages_with_limit_and_offset(client, site):
    response = client.get("/api/v2/heroes/?locale=en&limit=1&offset=1").json()
    assert response["meta"] == {"total_count": 2}
    assert [hero["title"] for hero in response["items"]] == ["English only hero"]


def test_pages_filter_by_locale(client, site):
    pages = items(client, "/api/v2/pages/?locale=ar&type=home.HomePage&fields=heading")
    assert [(page["meta"]["locale"], page["heading"]) for page in pages] == [("ar", "Welcome")]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/v2/heroes/?locale=fr", "Unsupported locale 'fr'"),
        ("/api/v2/pages/?locale=fr", "Unsupported locale 'fr'"),
        ("/api/v2/heroes/?limit=1000", "limit cannot be higher than 100"),
        ("/api/v2/heroes/?offset=-1", "offset must be a positive integer"),
        (
            "/api/v2/heroes/?colour=red",
            "query parameter is not an operation or a recognised field",
        ),
        ("/api/v2/heroes/1/?limit=1", "query parameter is not an operation"),
        ("/api/v2/pages/?limit=-1", "limit must be a positive integer"),
    ],
)
def test_bad_queries_are_400_in_the_envelope(client, site, path, message):
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


@pytest.mark.parametrize(
    "path", ["/api/v2/pages/?locale=en", "/api/v2/images/", "/api/v2/documents/"]
)
def test_wagtails_own_endpoints_are_revalidated_by_shared_caches_each_time(client, site, path):
    """Nothing purges them by tag: a CDN must not keep them for its default TTL."""
    response = client.get(path)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
