"""Previews of draft site content: the whole site chrome in the admin, and signed preview tokens
for headless frontends. Both come from the payload builder the API uses; neither is cached."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.urls import reverse

from cms.cache.engine import payload_cache
from cms.delivery.keys import cache_key
from cms.editorial.preview import issue_token
from sitecontent.models import Hero
from tests.factories import ImageFactory, hero_form

from .conftest import get_data

pytestmark = pytest.mark.django_db


def snippet_url(model_name, view, *args):
    return reverse(f"wagtailsnippets_sitecontent_{model_name}:{view}", args=args)


def cached_keys():
    """Website-data keys in Redis, generation tokens included (not Wagtail's renditions)."""
    return sorted(payload_cache.store.client.keys(cache_key("*", "*")))


def admin_preview(client, preview_url, form, mode=""):
    """What the admin's live preview panel does: post the form, then load the preview."""
    response = client.post(preview_url, form)
    assert response.json()["is_valid"], response.json()
    separator = "&" if "?" in preview_url else "?"
    return client.get(f"{preview_url}{separator}mode={mode}")


def preview_brighter_hero(client, hero, mode=""):
    """The admin preview of `hero` with its title changed (unsaved) to "Brighter power"."""
    return admin_preview(
        client,
        snippet_url("hero", "preview_on_edit", hero.pk),
        hero_form(hero, title="Brighter power"),
        mode,
    )


def save_draft(hero, **fields):
    for name, value in fields.items():
        setattr(hero, name, value)
    hero.save_revision()
    return Hero.objects.get(pk=hero.pk)


def preview_token(client, item):
    """The token the admin hands out for an item, read off the headless preview page."""
    meta = item._meta
    page = client.get(
        reverse("cms_headless_preview", args=[meta.app_label, meta.model_name, item.pk])
    )
    assert page.status_code == 200
    api_url = unescape(re.search(r'value="([^"]*preview=[^"]*)"', page.text).group(1))
    return parse_qs(urlsplit(api_url).query)["preview"][0]


# In the admin: the whole site chrome with the draft applied


def test_previewing_a_draft_hero_renders_the_whole_site_with_it(editor_client, site):
    response = preview_brighter_hero(editor_client, site["hero"])
    assert response.status_code == 200
    html = response.text
    assert '<html lang="en" dir="ltr">' in html
    assert "Brighter power" in html
    assert "Clean power" not in html  # the draft replaces the live version
    # The rest of the chrome, as the API serves it: menu, other heroes, partners, footer, SEO.
    live = get_data(editor_client, "?locale=en")
    for text in (
        *(item["label"] for item in live["menu"]),
        *(child["label"] for item in live["menu"] for child in item["children"]),
        "English only hero",
        *(partner["logo"]["url"] for partner in live["partners"]),
        *(link["label"] for link in live["footer"]),
        live["seo"]["site_name"],
    ):
        assert text in html
    hero = re.search(r'<section class="hero previewed".*?</section>', html, re.S).group(0)
    assert "<h2" in hero and "Brighter power" in hero


def test_an_arabic_draft_previews_right_to_left_with_the_english_fallbacks(
    editor_client, site, ar
):
    arabic_hero = site["hero"].get_translation(ar)
    response = admin_preview(
        editor_client,
        snippet_url("hero", "preview_on_edit", arabic_hero.pk),
        hero_form(arabic_hero, title="طاقة أنظف"),
    )
    html = response.text
    assert '<html lang="ar" dir="rtl">' in html
    assert "طاقة أنظف" in html and "طاقة نظيفة" not in html
    assert "English only hero" in html  # served from English in the Arabic payload too
    assert "من نحن" in html and "Falcon" in html


def test_a_new_unsaved_partner_appears_among_the_partners(editor_client, site):
    logo = ImageFactory(title="Sun logo")
    response = admin_preview(
        editor_client,
        snippet_url("partner", "preview_on_add") + "?locale=en",
        {"name": "Sun Co", "website_url": "https://sun.example", "logo": logo.pk},
    )
    html = response.text
    partners = re.search(r'<section class="partners".*?</section>', html, re.S).group(0)
    assert partners.index('alt="Noor"') < partners.index('alt="Falcon"') < partners.index("Sun Co")


def test_a_new_arabic_item_previews_in_arabic(editor_client, site):
    form_page = editor_client.get(snippet_url("footerlink", "add") + "?locale=ar")
    preview_url = unescape(re.search(r'data-w-preview-url-value="([^"]+)"', form_page.text)[1])
    assert preview_url.endswith("?locale=ar")
    response = admin_preview(
        editor_client, preview_url, {"key": "terms", "label": "الشروط", "link_url": "/terms"}
    )
    assert '<html lang="ar" dir="rtl">' in response.text
    assert "الشروط" in response.text and "الخصوصية" in response.text


def test_the_single_item_preview_mode_remains(editor_client, site):
    response = preview_brighter_hero(editor_client, site["hero"], mode="item")
    assert "Brighter power" in response.text
    assert "Privacy" not in response.text


def test_admin_previews_neither_read_nor_write_the_cache(editor_client, site):
    preview_brighter_hero(editor_client, site["hero"])
    assert cached_keys() == []
    assert get_data(editor_client, "?locale=en")["heroes"][0]["title"] == "Clean power"


# Headless: ?preview=<token>


def test_a_preview_token_shows_the_saved_draft_without_caching_it(editor_client, client, site):
    draft = save_draft(site["hero"], title="Brighter power")
    token = preview_token(editor_client, draft)
    client.logout()

    response = client.get("/api/website-data/", {"locale": "en", "preview": token})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert not response.has_header("ETag")
    data = response.json()["data"]
    assert [hero["title"] for hero in data["heroes"]] == ["Brighter power", "English only hero"]
    assert data["preview"] | {"expires_at": None} == {
        "type": "hero",
        "id": draft.pk,
        "locale": "en",
        "revision": draft.latest_revision.pk,
        "expires_at": None,
    }
    assert cached_keys() == []  # never written to Redis

    # The public payload still shows what is published.
    assert get_data(client, "?locale=en")["heroes"][0]["title"] == "Clean power"
    assert "preview" not in get_data(client, "?locale=en")


def test_without_a_locale_the_preview_is_in_the_drafts_locale(editor_client, client, site, ar):
    draft = save_draft(site["hero"].get_translation(ar), title="طاقة أنظف")
    token = issue_token(draft).token

    data = client.get("/api/website-data/", {"preview": token}).json()["data"]
    assert (data["locale"], data["direction"]) == ("ar", "rtl")
    assert data["heroes"][0]["title"] == "طاقة أنظف"

    # In English the Arabic draft does not show.
    english = client.get("/api/website-data/", {"preview": token, "locale": "en"}).json()
    assert english["data"]["heroes"][0]["title"] == "Clean power"


def test_a_preview_can_ask_for_some_sections(client, site):
    token = issue_token(save_draft(site["hero"], title="Brighter power")).token
    data = client.get("/api/website-data/", {"preview": token, "sections": "heroes"}).json()
    assert set(data["data"]) == {"locale", "direction", "version", "preview", "heroes"}


def test_a_draft_of_an_unpublished_item_previews_in_its_place(client, site):
    hero = site["english_only_hero"]
    hero.unpublish()
    token = issue_token(save_draft(Hero.objects.get(pk=hero.pk), title="Back soon")).token
    heroes = client.get("/api/website-data/", {"preview": token}).json()["data"]["heroes"]
    assert [h["title"] for h in heroes] == ["Clean power", "Back soon"]


def test_an_expired_token_is_a_401_in_the_envelope(client, site, settings):
    token = issue_token(site["hero"]).token
    settings.CMS_PREVIEW_TOKEN_MAX_AGE = -1  # every token is now past its age
    response = client.get("/api/website-data/", {"preview": token})
    assert response.status_code == 401
    body = response.json()
    assert (body["status"], body["data"]) == ("error", None)
    assert "expired" in body["message"]
    assert "Bearer" in response["WWW-Authenticate"]
    assert cached_keys() == []


@pytest.mark.parametrize("forge", ["tamper", "other_key", "garbage", "empty"])
def test_a_forged_token_is_a_401_in_the_envelope(client, site, settings, forge):
    token = issue_token(site["hero"]).token
    if forge == "tamper":
        value, _, signature = token.rpartition(":")
        token = f"{value}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}"
    elif forge == "other_key":
        value = {"revision": site["hero"].latest_revision.pk, "expires": 2**40}
        token = signing.TimestampSigner(key="not-our-secret", salt="cms.preview").sign_object(
            value
        )
    elif forge == "garbage":
        token = "hello:world"
    else:
        token = ""
    response = client.get("/api/website-data/", {"preview": token})
    assert response.status_code == 401
    assert response.json()["message"] == "Invalid preview token."


def test_a_token_for_a_deleted_item_is_a_404(client, site):
    hero = site["english_only_hero"]
    token = issue_token(hero).token
    hero.delete()
    response = client.get("/api/website-data/", {"preview": token})
    assert response.status_code == 404
    assert response.json()["message"] == "The previewed draft no longer exists."


def test_bad_locale_or_sections_are_still_a_400_with_a_preview(client, site):
    token = issue_token(site["hero"]).token
    response = client.get("/api/website-data/", {"preview": token, "locale": "fr"})
    assert response.status_code == 400


# Who gets a token


def test_the_edit_screen_and_listing_link_to_the_headless_preview(editor_client, site):
    hero = site["hero"]
    url = reverse("cms_headless_preview", args=["sitecontent", "hero", hero.pk])
    assert url in editor_client.get(snippet_url("hero", "edit", hero.pk)).text
    assert url in editor_client.get(snippet_url("hero", "list")).text


def test_translators_get_tokens_for_their_locales_only(translator_client, site, ar):
    english, arabic = site["hero"], site["hero"].get_translation(ar)
    assert preview_token(translator_client, arabic)
    response = translator_client.get(
        reverse("cms_headless_preview", args=["sitecontent", "hero", english.pk])
    )
    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))


def test_only_site_content_has_a_headless_preview(editor_client, site):
    for args in (["home", "homepage", site["home"].pk], ["sitecontent", "nothing", 1]):
        response = editor_client.get(reverse("cms_headless_preview", args=args), follow=True)
        assert response.status_code == 404


def test_anonymous_users_get_the_admin_login(client, site):
    url = reverse("cms_headless_preview", args=["sitecontent", "hero", site["hero"].pk])
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response.url
