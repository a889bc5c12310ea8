"""The reference site: each locale's home page (/en/, /ar/) with the whole website around it,
rendered from the website-data payload by the templates previews use too
(cms.reference_site, cms/templates/cms/site/)."""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cms.reference_site import render_website
from home.models import HomePage
from sitecontent.models import Hero
from tests.factories import HeroFactory, hero_form, publish

pytestmark = pytest.mark.django_db

CMS = Path(__file__).resolve().parents[2] / "cms"
CATALOGUE = CMS / "locale" / "ar" / "LC_MESSAGES" / "django.po"

LATIN = re.compile(r"[A-Za-z]+")
ARABIC = re.compile(r"[\u0600-\u06FF]")
# Attributes people read (or hear) as text.
TEXT_ATTRIBUTES = ("alt", "aria-label", "title", "placeholder")
# <meta> whose content is text for people: search results and share cards.
TEXT_METAS = ("description", "keywords", "og:title", "og:description", "og:site_name")


def get_page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def website_data(client, locale):
    response = client.get(f"/api/website-data/?locale={locale}")
    assert response.status_code == 200
    return response.json()["data"]


def texts_for_people(soup):
    """(where, text) for every text a reader sees or hears: the title, visible text, text
    attributes, and the metas search engines and share cards show. The language switcher's
    other languages are left out: each is named in its own language, and marked so (lang)."""
    soup = BeautifulSoup(str(soup), "html.parser")  # a copy, to cut the switcher out of
    for link in soup.select("a[hreflang][lang]"):
        if link["lang"] != soup.html["lang"]:
            link.decompose()
    for hidden in soup(["style", "script"]):
        hidden.decompose()
    yield "title", soup.title.get_text()
    for text in soup.body.find_all(string=True):
        yield f"text in <{text.parent.name}>", str(text)
    for element in soup.find_all(True):
        for name in TEXT_ATTRIBUTES:
            if element.has_attr(name):
                yield f"{name} of <{element.name}>", element[name]
    for meta in soup.find_all("meta"):
        if (meta.get("name") or meta.get("property")) in TEXT_METAS:
            yield f"meta {meta.get('name') or meta.get('property')}", meta["content"]


def latin_words(soup):
    return [
        (where, word) for where, text in texts_for_people(soup) for word in LATIN.findall(text)
    ]


# Each locale, whole


@pytest.mark.parametrize(("locale", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_each_locale_is_served_in_its_language_and_direction(client, demo, locale, direction):
    soup = get_page(client, f"/{locale}/")
    assert (soup.html["lang"], soup.html["dir"]) == (locale, direction)


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_page_shows_the_whole_website_the_api_serves(client, demo, locale):
    data = website_data(client, locale)
    soup = get_page(client, f"/{locale}/")

    assert soup.select_one(".announcement").get_text(" ", strip=True) == (
        f"{data['announcement']['message']} {data['announcement']['link']['label']}"
    )
    menu = soup.select_one("nav.menu > ul")
    top = menu.find_all("li", recursive=False)
    assert [li.a.get_text() for li in top] == [item["label"] for item in data["menu"]]
    for li, item in zip(top, data["menu"], strict=True):
        children = li.select(".submenu > li > a")
        assert [(a.get_text(), a["href"]) for a in children] == [
            (child["label"], child["url"]) for child in item["children"]
        ]
    assert any(item["children"] for item in data["menu"])  # the demo has a nested menu

    assert soup.h1.get_text() == data["home"]["heading"]
    heroes = soup.select("section.hero")
    assert [hero.h2.get_text() for hero in heroes] == [hero["title"] for hero in data["heroes"]]
    for section, hero in zip(heroes, data["heroes"], strict=True):
        img = section.select_one("picture > img")
        assert img["src"] == hero["image"]["url"]
        assert img["alt"] == hero["image"]["alt"]
        assert section.select_one("a.button")["href"] == hero["button"]["url"]

    partners = soup.select(".partners li")
    assert [(li.a["href"], li.img["alt"]) for li in partners] == [
        (partner["url"], partner["logo"]["alt"]) for partner in data["partners"]
    ]

    # The footer in groups, in the order editors gave the links.
    groups = {}
    for link in data["footer"]:
        groups.setdefault(link["group"], []).append(link["label"])
    assert [
        (group.h2.get_text(), [a.get_text() for a in group.select("li a")])
        for group in soup.select("footer .footer-group")
    ] == list(groups.items())
    assert len(groups) > 1


def test_every_image_is_a_picture_with_its_size_and_alt_text_in_the_page_language(client, demo):
    soup = get_page(client, "/ar/")
    images = soup.select("img")
    assert len(images) == 9  # three heroes, six partners
    for img in images:
        assert img.parent.name == "picture"
        assert int(img["width"]) > 0 and int(img["height"]) > 0
        assert ARABIC.search(img["alt"]), img["alt"]
    # Only the first hero is needed at once; the browser fetches the rest as they scroll in.
    assert [img["loading"] for img in images] == ["eager"] + ["lazy"] * 8


def test_the_seo_tags_come_from_the_payload_with_each_languages_home_as_alternate(client, demo):
    data = website_data(client, "ar")
    soup = get_page(client, "/ar/")

    def meta(key):
        tag = soup.find("meta", attrs={"name": key}) or soup.find("meta", property=key)
        return tag["content"]

    home, seo = data["home"], data["seo"]
    assert soup.title.get_text() == meta("og:title") == home["seo_title"]
    assert meta("description") == meta("og:description") == home["seo_description"]
    assert meta("og:site_name") == seo["site_name"]
    assert meta("og:image") == home["og_image"]["url"]
    assert (meta("og:image:width"), meta("og:image:height")) == ("1200", "630")
    assert meta("twitter:card") == "summary_large_image"
    assert meta("twitter:site") == "@oasisenergy"
    assert soup.find("link", rel="canonical")["href"] == "http://testserver/ar/"
    assert meta("og:url") == "http://testserver/ar/"
    alternates = [
        (link["hreflang"], link["href"]) for link in soup.find_all("link", rel="alternate")
    ]
    assert alternates == [
        ("en", "http://testserver/en/"),
        ("ar", "http://testserver/ar/"),
        ("x-default", "http://testserver/en/"),
    ]


def test_the_language_switcher_names_each_language_in_that_language(client, demo):
    soup = get_page(client, "/ar/")
    links = soup.select("nav.languages a")
    assert [(a["href"], a["lang"], a["dir"], a.get_text()) for a in links] == [
        ("/en/", "en", "ltr", "English"),
        ("/ar/", "ar", "rtl", "العربيّة"),
    ]
    assert [a.get("aria-current") for a in links] == [None, "page"]


def test_the_arabic_page_has_no_english(client, demo):
    soup = get_page(client, "/ar/")
    assert latin_words(soup) == []
    # The check sees what it must: the same page in English is full of it.
    english = latin_words(get_page(client, "/en/"))
    assert {where for where, _ in english} >= {
        "title",
        "alt of <img>",
        "aria-label of <nav>",
        "text in <a>",
        "meta description",
    }


def test_an_item_served_in_english_on_the_arabic_page_says_so(client, demo):
    publish(HeroFactory(title="Only in English"))  # no Arabic translation yet
    soup = get_page(client, "/ar/")
    hero = soup.find("h2", string="Only in English").find_parent("section")
    assert (hero["lang"], hero["dir"]) == ("en", "ltr")
    translated = soup.select("section.hero")[0]
    assert not translated.has_attr("lang")  # it takes the page's


# Read from the cache, never drawn on request


def test_the_page_is_rendered_from_the_cached_payload_without_touching_images(client, demo):
    get_page(client, "/ar/")  # the first reader builds and caches the payload, as the API's
    # A change that bypasses publishing (no purge): the cached payload does not see it.
    Hero.objects.filter(locale__language_code="ar").update(title="Changed behind the cache")
    with CaptureQueriesContext(connection) as queries:
        soup = get_page(client, "/ar/")
    assert "Changed behind the cache" not in soup.get_text()
    content_queries = [
        query["sql"]
        for query in queries
        if re.search(r"wagtailimages_|sitecontent_", query["sql"])
    ]
    assert content_queries == []


def test_a_publish_shows_on_the_page_at_once(client, demo, django_capture_on_commit_callbacks):
    get_page(client, "/en/")  # cached
    hero = Hero.objects.get(locale__language_code="en", title="From rooftop to grid")
    hero.title = "From every rooftop to the grid"
    with django_capture_on_commit_callbacks(execute=True):
        publish(hero)
    titles = [h2.get_text() for h2 in get_page(client, "/en/").select("section.hero h2")]
    assert "From every rooftop to the grid" in titles


# Previews render through the same templates


def test_previewing_the_home_page_shows_the_draft_within_the_whole_website(rf, client, demo):
    page = HomePage.objects.get(locale__language_code="ar")
    live_heading = page.heading
    page.heading = "عنوان لم يُنشر"

    response = page.make_preview_request(rf.get("/admin/"), page.default_preview_mode)
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert soup.h1.get_text() == "عنوان لم يُنشر"
    assert (soup.html["lang"], soup.html["dir"]) == ("ar", "rtl")
    assert soup.select("nav.menu .submenu") and soup.select("section.hero picture")
    assert soup.select_one(".preview-note")
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert latin_words(soup) == []
    assert get_page(client, "/ar/").h1.get_text() == live_heading  # nothing was published


def test_a_snippet_preview_is_the_reference_site_with_the_draft_outlined(editor_client, demo):
    hero = Hero.objects.get(locale__language_code="ar", title="من السطح إلى الشبكة")
    preview = reverse("wagtailsnippets_sitecontent_hero:preview_on_edit", args=[hero.pk])
    form = hero_form(hero, title="من كل سطح إلى الشبكة")
    form["image_alt"] = hero.image_alt
    assert editor_client.post(preview, form).json()["is_valid"]
    soup = BeautifulSoup(editor_client.get(preview).content.decode(), "html.parser")
    live = get_page(editor_client, "/ar/")

    assert [el.name for el in soup.select(".previewed")] == ["section"]
    assert soup.select_one(".previewed h2").get_text() == "من كل سطح إلى الشبكة"
    # The same page as the live one, the draft in its place.
    for selector in ("nav.menu li", "section.hero", ".partners img", "footer a", "link"):
        assert len(soup.select(selector)) == len(live.select(selector)), selector
    assert latin_words(soup) == []


def test_only_the_previewed_item_is_outlined_not_another_kind_with_its_id(rf):
    # Ids are per kind of content: menu item 5 and hero 5 are different things.
    website = {
        "locale": "en",
        "direction": "ltr",
        "announcement": None,
        "menu": [{"id": 5, "label": "About", "url": "/about", "children": []}],
        "heroes": [{"id": 5, "title": "Clean power", "image": None, "button": None}],
        "partners": [],
        "footer": [{"id": 5, "label": "Privacy", "url": "/privacy", "group": None}],
        "seo": {"site_name": "Example", "keywords": [], "og_image": None, "social": {}},
        "home": None,  # no home page is live
    }
    response = render_website(rf.get("/"), website, preview=True, previewed={"menu": 5})
    soup = BeautifulSoup(response.render().content.decode(), "html.parser")
    assert [el.get_text(strip=True) for el in soup.select(".previewed")] == ["About"]


# The translations of the page's own texts


def catalogue_entries():
    """(context, English, Arabic) of every entry of the Arabic .po file."""
    text = CATALOGUE.read_text()
    return re.findall(r'msgctxt "(.*)"\nmsgid "(.*)"\nmsgstr "(.*)"', text)


def test_every_text_of_the_templates_has_its_arabic_translation_compiled():
    templates = "".join(path.read_text() for path in (CMS / "templates/cms/site").glob("*.html"))
    used = set(re.findall(r'{% translate "([^"]+)" context "website" %}', templates))
    entries = catalogue_entries()
    assert used and used <= {english for _, english, _ in entries}
    with translation.override("ar"):
        for context, english, arabic in entries:
            assert arabic and translation.pgettext(context, english) == arabic, (
                f"{english!r}: compile the catalogue (make messages)"
            )


def test_a_picture_has_a_source_per_format_and_crop_and_the_img_its_fallback():
    image = {
        "alt": "مزرعة شمسية",
        "decorative": False,
        "url": "https://cdn.example/x-1920.jpg",
        "width": 1920,
        "height": 800,
        "srcset": "https://cdn.example/x-960.jpg 960w, https://cdn.example/x-1920.jpg 1920w",
        "sizes": "100vw",
        "sources": [
            {
                "media": "(max-width: 47.99em)",
                "type": "image/avif",
                "srcset": "https://cdn.example/m-800.avif 800w",
                "sizes": "100vw",
                "width": 800,
                "height": 800,
            },
            {
                "media": None,
                "type": "image/webp",
                "srcset": "https://cdn.example/x-1920.webp 1920w",
                "sizes": "100vw",
                "width": 1920,
                "height": 800,
            },
        ],
        "placeholder": {"color": "#3a5f7d", "data_uri": "data:image/webp;base64,AAAA"},
    }
    html = render_to_string("cms/site/picture.html", {"image": image, "loading": "eager"})
    picture = BeautifulSoup(html, "html.parser").picture
    sources = picture.find_all("source")
    assert [dict(source.attrs) for source in sources] == [
        {
            "media": "(max-width: 47.99em)",
            "type": "image/avif",
            "srcset": "https://cdn.example/m-800.avif 800w",
            "sizes": "100vw",
            "width": "800",
            "height": "800",
        },
        {  # no media: it applies at every width
            "type": "image/webp",
            "srcset": "https://cdn.example/x-1920.webp 1920w",
            "sizes": "100vw",
            "width": "1920",
            "height": "800",
        },
    ]
    img = picture.img
    assert img.find_previous_sibling("source") is sources[-1]  # the fallback comes last
    assert dict(img.attrs) == {
        "src": "https://cdn.example/x-1920.jpg",
        "srcset": image["srcset"],
        "sizes": "100vw",
        "width": "1920",
        "height": "800",
        "alt": "مزرعة شمسية",
        "decoding": "async",
        "loading": "eager",
        "fetchpriority": "high",
        "style": "background: #3a5f7d url('data:image/webp;base64,AAAA') center / cover no-repeat",
    }


def test_a_decorative_or_plain_image_still_renders_with_an_empty_alt_and_its_size():
    # A decorative image (alt ""), and the image shape before sources and srcsets existed.
    image = {"alt": "", "decorative": True, "url": "/a.jpg", "width": 800, "height": 600}
    html = render_to_string("cms/site/picture.html", {"image": image})
    img = BeautifulSoup(html, "html.parser").picture.img
    assert dict(img.attrs) == {
        "src": "/a.jpg",
        "width": "800",
        "height": "600",
        "alt": "",
        "decoding": "async",
        "loading": "lazy",
    }


def test_no_placeholder_shows_behind_a_transparent_logo():
    image = {"alt": "نور", "url": "/n.png", "width": 400, "height": 200}
    image["placeholder"] = {"color": "#fff", "data_uri": None}
    html = render_to_string("cms/site/picture.html", {"image": image, "transparent": True})
    assert not BeautifulSoup(html, "html.parser").img.has_attr("style")
