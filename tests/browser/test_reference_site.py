"""The reference site (/en/, /ar/) in a real Chromium: its language and direction, its images
as the browser picks and shows them, and an editor's publish showing on it."""

import io
import mimetypes
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import log_in, publish_in_editor

# A live server needs committed data; serialized_rollback restores what migrations created.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def media(page):
    """The payload's images (on WAGTAILADMIN_BASE_URL's host) served to the browser from
    MEDIA_ROOT, as the production web server would: so that it really loads and decodes them."""
    root = Path(settings.MEDIA_ROOT)

    def serve(route):
        path = root / urlsplit(route.request.url).path.removeprefix(settings.MEDIA_URL)
        if not path.is_file():
            return route.fulfill(status=404)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return route.fulfill(path=str(path), headers={"Content-Type": content_type})

    page.route(f"{settings.WAGTAILADMIN_BASE_URL}{settings.MEDIA_URL}**", serve)
    return page


def images(page):
    """Every <img> as the browser has it once it has loaded it: lazy ones are scrolled to."""
    found = page.locator("img")
    for index in range(found.count()):
        img = found.nth(index)
        img.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.currentSrc", arg=img.element_handle())
    return page.eval_on_selector_all(
        "img",
        """imgs => imgs.map(img => ({
            width: img.getAttribute("width"), height: img.getAttribute("height"),
            alt: img.getAttribute("alt"), currentSrc: img.currentSrc,
            naturalWidth: img.naturalWidth,
        }))""",
    )


@pytest.mark.parametrize(("locale", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_each_locale_is_in_its_language_and_direction(page, demo, locale, direction):
    page.goto(f"/{locale}/")
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == (locale, direction)
    assert page.evaluate("getComputedStyle(document.body).direction") == direction
    # The layout follows: the site name starts the line, on the right in Arabic.
    name = page.locator(".site-name").bounding_box()
    width = page.viewport_size["width"]
    assert (name["x"] + name["width"] / 2 > width / 2) == (direction == "rtl")


def test_every_image_has_its_size_and_alt_text_in_the_page_language(page, media, demo):
    page.goto("/ar/")
    arabic = images(page)
    assert len(arabic) == 9  # three heroes, six partner logos
    for img in arabic:
        assert int(img["width"]) > 0 and int(img["height"]) > 0, img
        assert ARABIC.search(img["alt"]) and not LATIN.search(img["alt"]), img

    page.goto("/en/")
    for img in images(page):
        assert int(img["width"]) > 0 and int(img["height"]) > 0, img
        assert LATIN.search(img["alt"]) and not ARABIC.search(img["alt"]), img


@pytest.mark.parametrize(
    "viewport", [{"width": 1400, "height": 1000}, {"width": 390, "height": 844}]
)
def test_the_browser_picks_avif_or_webp_for_every_image_and_shows_it(page, media, demo, viewport):
    page.set_viewport_size(viewport)
    page.goto("/ar/")
    for img in images(page):
        assert urlsplit(img["currentSrc"]).path.endswith((".avif", ".webp")), img
        assert img["naturalWidth"] > 0, img  # downloaded and decoded


def test_a_phone_gets_the_heroes_art_directed_crop(page, media, demo):
    heroes = page.request.get("/api/website-data/?locale=ar").json()["data"]["heroes"]
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/ar/")
    hero_images = images(page)[: len(heroes)]
    for hero, img in zip(heroes, hero_images, strict=True):
        phone_sources = [s for s in hero["image"]["sources"] if s["media"]]
        assert phone_sources, "the payload has no crop for small screens"
        assert any(img["currentSrc"] in source["srcset"] for source in phone_sources), img


def test_a_publish_in_the_admin_shows_on_the_reference_site(page, demo, publisher_user):
    from sitecontent.models import Hero

    hero = Hero.objects.get(locale__language_code="en", title="From rooftop to grid")
    page.goto("/en/")  # the reference site is read, and its payload cached
    expect(page.locator("section.hero h2").nth(1)).to_have_text("From rooftop to grid")

    log_in(page, publisher_user)
    page.goto(f"/admin/snippets/sitecontent/hero/edit/{hero.pk}/")
    page.fill("#id_title", "From every rooftop to the grid")
    publish_in_editor(page)

    page.goto("/en/")
    expect(page.locator("section.hero h2").nth(1)).to_have_text("From every rooftop to the grid")
    # Arabic readers keep the Arabic hero, whose translation has not changed.
    page.goto("/ar/")
    expect(page.locator("section.hero h2").nth(1)).to_have_text("من السطح إلى الشبكة")
