"""GET /api/website-data/: what a frontend gets for one locale, and how bad input is answered."""

import io
import json

import pytest
from django.core.files.images import ImageFile

from cms.cache.engine import payload_cache
from cms.delivery.keys import WHOLE, cache_key
from sitecontent.models import Hero
from tests.cms.conftest import get_data
from tests.factories import HeroFactory, ImageFactory, image_bytes, publish

pytestmark = pytest.mark.django_db


def test_the_envelope_holds_the_locale_and_every_section(client, site):
    response = client.get("/api/website-data/?locale=en")
    body = json.loads(response.content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert set(body) == {"status", "data", "message", "timestamp"}
    assert body["status"] == "success"
    assert body["timestamp"].endswith("Z")
    assert list(body["data"]) == [
        "locale",
        "direction",
        "version",
        "announcement",
        "menu",
        "heroes",
        "partners",
        "footer",
        "seo",
        "home",
    ]
    assert (body["data"]["locale"], body["data"]["direction"]) == ("en", "ltr")


def test_arabic_is_right_to_left_with_arabic_content(client, site):
    data = get_data(client, "?locale=ar")
    assert (data["locale"], data["direction"]) == ("ar", "rtl")
    assert [item["label"] for item in data["menu"]] == ["من نحن", "الرئيسية"]
    assert data["seo"]["site_name"] == "واحة"
    assert data["home"]["heading"] == "Welcome"  # copied, not yet translated


def test_the_menu_nests_children_under_their_parent(client, site):
    menu = get_data(client, "?locale=ar")["menu"]
    assert menu[0]["children"] == [
        {
            "id": menu[0]["children"][0]["id"],
            "label": "الفريق",
            "url": "/about/team",
            "is_external": False,
            "fallback_locale": None,
        }
    ]


def test_page_links_resolve_to_the_page_in_each_locale(client, site):
    assert get_data(client, "?locale=en")["menu"][1]["url"] == "/en/"
    assert get_data(client, "?locale=ar")["menu"][1]["url"] == "/ar/"


def test_items_without_an_arabic_translation_fall_back_to_english_and_say_so(client, site):
    data = get_data(client, "?locale=ar")
    partners = {p["name"]: p["fallback_locale"] for p in data["partners"]}
    assert partners == {"نور": None, "Falcon": "en"}
    heroes = {h["title"]: h["fallback_locale"] for h in data["heroes"]}
    assert heroes == {"طاقة نظيفة": None, "English only hero": "en"}


def test_only_published_content_is_served(client, site, en):
    publish(HeroFactory(title="Published"))
    HeroFactory(title="Draft only")  # never published
    live_then_draft = publish(HeroFactory(title="Live title"))
    live_then_draft.title = "Unpublished change"
    live_then_draft.save_revision()
    titles = [hero["title"] for hero in get_data(client, "?locale=en")["heroes"]]
    assert "Published" in titles and "Live title" in titles
    assert "Draft only" not in titles and "Unpublished change" not in titles


def test_items_come_in_editors_order(client, site):
    from sitecontent.ordering import move_translation_group

    listing = list(Hero.objects.order_by("sort_order", "pk"))
    move_translation_group(Hero, site["english_only_hero"], 0)
    titles = [hero["title"] for hero in get_data(client, "?locale=en")["heroes"]]
    assert titles == ["English only hero", "Clean power"]
    assert len(listing) == 3


def test_images_are_renditions_with_size_and_alt_text(client, site):
    big = ImageFactory(
        description="Panels at dusk",
        file=ImageFile(io.BytesIO(image_bytes(2400, 1200)), name="panels.png"),
    )
    publish(HeroFactory(title="Big", background_image=big))
    hero = next(h for h in get_data(client, "?locale=en")["heroes"] if h["title"] == "Big")
    image = hero["image"]
    assert image["alt"] == "Panels at dusk"
    sizes = {name: (r["width"], r["height"]) for name, r in image["renditions"].items()}
    assert sizes == {"desktop": (1920, 800), "mobile": (1200, 1200)}
    assert (image["width"], image["height"]) == (1920, 800)
    assert image["url"] == image["renditions"]["desktop"]["url"]
    assert image["url"].startswith("http://testserver/media/images/panels.")
    assert image["url"].endswith(".jpg")


def test_a_partner_logo_is_described_by_the_partner_name_in_the_payload_language(client, site):
    logos = [p["logo"]["alt"] for p in get_data(client, "?locale=ar")["partners"]]
    assert logos == ["نور", "Falcon"]


def test_links_say_whether_they_leave_the_website(client, site):
    publish(HeroFactory(title="Out", button_label="Visit", link_url="https://example.org"))
    buttons = {h["title"]: h["button"] for h in get_data(client, "?locale=en")["heroes"]}
    assert buttons["Out"] == {"label": "Visit", "url": "https://example.org", "is_external": True}
    assert buttons["Clean power"] == {"label": "Go", "url": "/go", "is_external": False}
    assert buttons["English only hero"] == {
        "label": "Learn more",
        "url": "/learn-more",
        "is_external": False,
    }


def test_no_locale_means_the_default_locale(client, site):
    assert get_data(client)["locale"] == "en"


@pytest.mark.parametrize("value", ["AR", "ar-SA", "ar_sa", "Ar-Eg"])
def test_locales_match_case_insensitively_and_ignore_the_region(client, site, value):
    assert get_data(client, f"?locale={value}")["locale"] == "ar"


@pytest.mark.parametrize("value", ["", "fr", "arabic", "zz-ZZ", "<script>"])
def test_an_unsupported_locale_is_a_400_that_lists_the_supported_ones(client, site, value):
    response = client.get("/api/website-data/", {"locale": value})
    body = json.loads(response.content)
    assert response.status_code == 400
    assert body["status"] == "error"
    assert body["data"] is None
    assert "Supported locales: en, ar." in body["message"]


def test_a_bad_request_leaves_no_cache_entry(client, site):
    client.get("/api/website-data/?locale=fr")
    client.get("/api/website-data/?locale=ar&sections=nope")
    raw = payload_cache.store.client
    assert raw.keys("*website_data*") == []
    assert raw.keys(f"{cache_key('ar', '')}*") == []


def test_sections_limit_the_payload(client, site):
    data = get_data(client, "?locale=ar&sections=menu,footer")
    assert list(data) == ["locale", "direction", "version", "menu", "footer"]
    assert data["footer"][0]["label"] == "الخصوصية"


@pytest.mark.parametrize("value", ["", "menu,", "menu,,footer", "nope", "menu,nope"])
def test_unknown_or_empty_sections_are_a_400(client, site, value):
    response = client.get("/api/website-data/", {"sections": value})
    assert response.status_code == 400
    assert json.loads(response.content)["status"] == "error"


def test_every_200_has_an_etag_and_a_matching_if_none_match_is_a_304(client, site):
    first = client.get("/api/website-data/?locale=ar")
    etag = first["ETag"]
    assert etag == f'"{json.loads(first.content)["data"]["version"]}"'
    again = client.get("/api/website-data/?locale=ar", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    other = client.get("/api/website-data/?locale=ar", headers={"If-None-Match": '"stale"'})
    assert other.status_code == 200


def test_the_version_changes_when_content_changes(
    client, site, django_capture_on_commit_callbacks
):
    before = get_data(client, "?locale=en")["version"]
    hero = site["hero"]
    hero.title = "Cleaner power"
    with django_capture_on_commit_callbacks(execute=True):
        publish(hero)
    assert get_data(client, "?locale=en")["version"] != before


def test_responses_are_publicly_cacheable_for_a_short_time(client, site, settings):
    settings.CMS_API_MAX_AGE = 42
    response = client.get("/api/website-data/?locale=en")
    assert "public" in response["Cache-Control"]
    assert "max-age=42" in response["Cache-Control"]


def test_responses_carry_no_cookies_and_do_not_vary_on_them(client, site):
    response = client.get("/api/website-data/?locale=en")
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert "Accept-Language" not in response.get("Vary", "")


def test_cors_allows_the_configured_origins_only(client, site, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://www.example.com"]
    allowed = client.get("/api/website-data/", headers={"Origin": "https://www.example.com"})
    assert allowed["Access-Control-Allow-Origin"] == "https://www.example.com"
    denied = client.get("/api/website-data/", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in denied


def test_other_methods_are_a_405_in_the_envelope(client, site):
    response = client.post("/api/website-data/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert json.loads(response.content)["status"] == "error"


def test_the_whole_payload_is_cached_under_the_documented_key(client, site):
    client.get("/api/website-data/?locale=ar")
    key = cache_key("ar", WHOLE)
    assert key == "cms:v4:ar:website_data"
    assert payload_cache.read_many([key])[key] is not None
