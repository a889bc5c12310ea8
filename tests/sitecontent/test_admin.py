"""The editors' and translators' screens in the Wagtail admin."""

import pytest
from django.urls import reverse

from sitecontent.models import FooterLink, Hero
from tests.factories import (
    FooterLinkFactory,
    HeroFactory,
    ImageFactory,
    MenuItemFactory,
    PartnerFactory,
    SiteSeoFactory,
    publish,
)

pytestmark = pytest.mark.django_db

SNIPPETS = {
    "menuitem": MenuItemFactory,
    "hero": HeroFactory,
    "partner": PartnerFactory,
    "footerlink": FooterLinkFactory,
    "siteseo": SiteSeoFactory,
}


def url(model_name, view, *args):
    return reverse(f"wagtailsnippets_sitecontent_{model_name}:{view}", args=args)


def test_the_admin_menu_groups_site_content(editor_client):
    response = editor_client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert "Site content" in response.text


@pytest.mark.parametrize("model_name", SNIPPETS)
def test_editors_see_each_listing_with_locale_status_and_update_columns(editor_client, model_name):
    item = publish(SNIPPETS[model_name]())
    response = editor_client.get(url(model_name, "list"))
    assert response.status_code == 200
    assert str(item) in response.text
    for heading in ("Locale", "Status", "Updated"):
        assert heading in response.text
    assert "live" in response.text


@pytest.mark.parametrize("model_name", SNIPPETS)
def test_listings_filter_by_locale(editor_client, model_name, ar):
    english = publish(SNIPPETS[model_name]())
    arabic = publish(SNIPPETS[model_name](locale=ar, translation_key=english.translation_key))
    english_text, arabic_text = "English-only-marker", "Arabic-only-marker"
    type(english).objects.filter(pk=english.pk).update(**{_title_field(english): english_text})
    type(arabic).objects.filter(pk=arabic.pk).update(**{_title_field(arabic): arabic_text})

    response = editor_client.get(url(model_name, "list"), {"locale": "ar"})
    assert response.status_code == 200
    assert arabic_text in response.text
    assert english_text not in response.text


def _title_field(obj):
    return {
        "MenuItem": "label",
        "Hero": "title",
        "Partner": "name",
        "FooterLink": "label",
        "SiteSeo": "site_name",
    }[type(obj).__name__]


@pytest.mark.parametrize("model_name", SNIPPETS)
def test_editors_open_the_create_and_edit_views(editor_client, model_name):
    item = SNIPPETS[model_name]()
    assert editor_client.get(url(model_name, "add")).status_code == 200
    assert editor_client.get(url(model_name, "edit", item.pk)).status_code == 200


def test_a_publisher_creates_a_hero_as_a_draft_then_publishes_it(publisher_client):
    editor_client = publisher_client
    image = ImageFactory()
    form = {
        "title": "Clean power",
        "description": "Solar for everyone",
        "button_label": "Explore",
        "link_url": "/services",
        "link_page": "",
        "background_image": image.pk,
    }
    response = editor_client.post(url("hero", "add") + "?locale=en", form)
    assert response.status_code == 302
    hero = Hero.objects.get(title="Clean power")
    assert hero.live is False
    assert hero.locale.language_code == "en"

    response = editor_client.post(url("hero", "edit", hero.pk), {**form, "action-publish": "1"})
    assert response.status_code == 302
    hero.refresh_from_db()
    assert hero.live is True


def test_a_duplicate_footer_key_is_a_form_error_not_a_crash(editor_client):
    FooterLinkFactory(key="privacy")
    response = editor_client.post(
        url("footerlink", "add") + "?locale=en",
        {
            "key": "privacy",
            "label": "Privacy",
            "group": "",
            "link_url": "/privacy",
            "link_page": "",
            "is_external": "",
        },
    )
    assert response.status_code == 200
    assert "Another footer link in this language already uses this key." in response.text
    assert FooterLink.objects.filter(key="privacy").count() == 1


def test_an_invalid_link_is_a_form_error(editor_client):
    response = editor_client.post(
        url("menuitem", "add") + "?locale=en",
        {"label": "Bad", "link_url": "javascript:alert(1)", "link_page": "", "parent": ""},
    )
    assert response.status_code == 200
    assert "Enter a route starting with /" in response.text


def test_translators_open_the_edit_view_of_an_arabic_item(translator_client, ar):
    source = publish(HeroFactory())
    arabic = HeroFactory(locale=ar, translation_key=source.translation_key)
    response = translator_client.get(url("hero", "edit", arabic.pk))
    assert response.status_code == 200


def test_translators_cannot_delete_site_content(translator_client):
    hero = publish(HeroFactory())
    response = translator_client.post(url("hero", "delete", hero.pk))
    assert response.status_code in (302, 403)
    assert Hero.objects.filter(pk=hero.pk).exists()


DRAG_HANDLE = 'data-w-orderable-target="handle"'


def test_only_publishers_get_drag_and_drop_ordering(publisher, editor, translator, client):
    publish(PartnerFactory())
    listing = url("partner", "list") + "?ordering=sort_order"
    client.force_login(publisher)
    assert DRAG_HANDLE in client.get(listing).text
    for user in (editor, translator):
        client.force_login(user)
        assert DRAG_HANDLE not in client.get(listing).text
