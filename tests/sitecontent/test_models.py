"""The rules of the site-content model, as editors meet them."""

import pytest
from django.core.exceptions import ValidationError

from sitecontent.models import FooterLink, Hero, MenuItem, Partner, SiteSeo
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


@pytest.fixture
def image():
    return ImageFactory()


def test_each_item_reads_as_its_name():
    assert str(MenuItemFactory.build(label="About us")) == "About us"
    assert str(HeroFactory.build(title="Clean power")) == "Clean power"
    assert str(PartnerFactory.build(name="Noor")) == "Noor"
    assert str(FooterLinkFactory.build(label="Privacy policy")) == "Privacy policy"
    assert str(SiteSeoFactory.build(site_name="Oasis Energy")) == "Oasis Energy"


@pytest.mark.parametrize(
    "url",
    [
        "/about",
        "/about/team?x=1",
        "#team",
        "https://example.com/a",
        "mailto:hi@example.com",
        "tel:+966 500 000 000",
    ],
)
def test_links_accept_routes_web_urls_email_and_phone(url):
    MenuItemFactory.build(link_url=url).full_clean()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,hi",
        "about",
        "//evil.example.com",
        "/\\evil.example.com",  # a browser goes to evil.example.com
        "/a\\b",
        "ftp://x.y",
        "/a b",
        "mailto:not-an-address",
        "tel:call-me",
    ],
)
def test_links_refuse_anything_else(url):
    with pytest.raises(ValidationError) as error:
        MenuItemFactory.build(link_url=url).full_clean()
    assert "link_url" in error.value.message_dict


def test_a_link_is_a_page_or_a_url_not_both(home_page):
    with pytest.raises(ValidationError, match="not both"):
        MenuItemFactory.build(link_page=home_page, link_url="/x").full_clean()


def test_menu_items_need_a_link_but_heroes_without_a_button_do_not(image):
    with pytest.raises(ValidationError, match="Choose an internal page"):
        MenuItemFactory.build(link_url="").full_clean()
    HeroFactory.build(button_label="", link_url="", background_image=image).full_clean()


def test_a_hero_button_needs_both_a_label_and_a_link(image):
    with pytest.raises(ValidationError, match="A button needs a link"):
        HeroFactory.build(button_label="Go", link_url="", background_image=image).full_clean()
    with pytest.raises(ValidationError, match="A link needs a button label"):
        HeroFactory.build(button_label="", link_url="/go", background_image=image).full_clean()


def test_partner_needs_a_logo_and_hero_a_background_image():
    with pytest.raises(ValidationError) as error:
        PartnerFactory.build(logo=None).full_clean()
    assert "logo" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        HeroFactory.build(background_image=None).full_clean()
    assert "background_image" in error.value.message_dict


def test_deleting_an_image_keeps_the_partner():
    partner = PartnerFactory()
    partner.logo.delete()
    partner.refresh_from_db()
    assert partner.logo is None


def test_menu_nesting_is_one_level_deep():
    top = MenuItemFactory()
    child = MenuItemFactory(parent=top)
    child.full_clean()
    with pytest.raises(ValidationError, match="one level of nesting"):
        MenuItemFactory.build(parent=child).full_clean()


def test_a_menu_item_with_children_stays_at_the_top_level():
    top, other = MenuItemFactory(), MenuItemFactory()
    MenuItemFactory(parent=top)
    top.parent = other
    with pytest.raises(ValidationError, match="must stay at the top level"):
        top.full_clean()


def test_a_menu_item_cannot_be_its_own_parent():
    item = MenuItemFactory()
    item.parent = item
    with pytest.raises(ValidationError, match="its own parent"):
        item.full_clean()


def test_a_menu_parent_must_be_in_the_same_language(ar):
    english_parent = MenuItemFactory()
    with pytest.raises(ValidationError, match="same language"):
        MenuItemFactory.build(locale=ar, parent=english_parent).full_clean()


def test_deleting_a_menu_parent_moves_its_children_to_the_top_level():
    top = MenuItemFactory()
    child = MenuItemFactory(parent=top)
    top.delete()
    child.refresh_from_db()
    assert child.parent is None


def test_footer_link_is_external_is_derived_from_the_link_unless_set(home_page):
    assert FooterLinkFactory.build(link_url="https://x.com/oasis").opens_externally is True
    assert FooterLinkFactory.build(link_url="mailto:hi@example.com").opens_externally is True
    assert FooterLinkFactory.build(link_url="/privacy").opens_externally is False
    assert FooterLinkFactory.build(link_url="", link_page=home_page).opens_externally is False
    assert FooterLinkFactory.build(link_url="/jobs", is_external=True).opens_externally is True
    assert (
        FooterLinkFactory.build(link_url="https://a.example", is_external=False).opens_externally
        is False
    )


def test_footer_link_keys_are_unique_within_a_language(ar):
    FooterLinkFactory(key="privacy")
    with pytest.raises(ValidationError) as error:
        FooterLinkFactory.build(key="privacy").full_clean()
    assert error.value.message_dict["key"] == [
        "Another footer link in this language already uses this key."
    ]
    FooterLinkFactory.build(key="privacy", locale=ar).full_clean()


def test_each_language_has_one_site_seo(ar):
    SiteSeoFactory()
    with pytest.raises(ValidationError, match="already has its site SEO"):
        SiteSeoFactory.build().full_clean()
    SiteSeoFactory.build(locale=ar).full_clean()


def test_site_seo_keywords_read_as_a_list():
    assert SiteSeoFactory.build(keywords=" solar, , storage ,grid").keyword_list == [
        "solar",
        "storage",
        "grid",
    ]


@pytest.mark.parametrize(
    "factory", [MenuItemFactory, HeroFactory, PartnerFactory, FooterLinkFactory]
)
def test_new_items_go_last(factory):
    first, second, third = factory(), factory(), factory()
    assert first.sort_order < second.sort_order < third.sort_order


def test_drafts_are_not_live_until_published():
    hero = HeroFactory()
    hero.title = "Draft title"
    hero.save_revision()
    hero.refresh_from_db()
    assert hero.live is False
    assert not Hero.objects.live().exists()
    publish(hero)
    assert list(Hero.objects.live()) == [hero]


def test_unpublished_changes_stay_in_a_revision_until_published():
    hero = publish(HeroFactory(title="Live title"))
    hero.title = "Draft title"
    hero.save_revision()
    hero.refresh_from_db()
    assert hero.title == "Live title"
    assert hero.has_unpublished_changes
    assert hero.latest_revision.as_object().title == "Draft title"


def test_deleting_an_item_deletes_its_revisions():
    from wagtail.models import Revision

    hero = publish(HeroFactory())
    revisions = Revision.objects.filter(object_id=str(hero.pk), content_type__model="hero")
    assert revisions.count() == 1
    hero.delete()
    assert revisions.count() == 0


def test_a_page_link_resolves_to_the_page_in_the_item_locale(home_page, ar):
    from tests.factories import publish as publish_page  # pages publish the same way

    arabic_home = home_page.copy_for_translation(ar)
    menu_item = MenuItemFactory(link_url="", link_page=home_page)
    arabic_item = MenuItemFactory(
        locale=ar, link_url="", link_page=home_page, translation_key=menu_item.translation_key
    )
    assert menu_item.get_link_url() == "/en/"
    # While the Arabic page is a draft, the Arabic item links to the English page.
    assert arabic_item.get_link_url() == "/en/"
    publish_page(arabic_home)
    assert arabic_item.get_link_url() == "/ar/"


def test_every_snippet_declares_what_translators_translate():
    for model in (MenuItem, Hero, Partner, FooterLink, SiteSeo):
        names = {field.field_name for field in model.translatable_fields}
        assert names, model
    assert {f.field_name for f in FooterLink.translatable_fields} >= {"label", "key", "sort_order"}
