"""Translating site content with wagtail-localize, as a translator does in the admin."""

import pytest
from wagtail_localize.models import StringTranslation, Translation, TranslationSource
from wagtail_localize.strings import StringValue

from sitecontent.models import Hero, MenuItem
from tests.factories import HeroFactory, ImageFactory, MenuItemFactory, publish

pytestmark = pytest.mark.django_db


def submit_translation(source_object, locale):
    """What "Translate" in the admin does: a translation source, a translation record, and a
    target object built from it."""
    source, _ = TranslationSource.get_or_create_from_instance(source_object)
    translation = Translation.objects.create(source=source, target_locale=locale)
    translation.save_target(publish=False)
    return translation


def translate_strings(translation, strings):
    for segment in translation.source.stringsegment_set.select_related("string"):
        text = StringValue(segment.string.data).render_text()
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=translation.target_locale,
            context=segment.context,
            defaults={"data": StringValue.from_plaintext(strings[text]).data},
        )


def test_a_translated_snippet_starts_as_a_draft_in_arabic(ar):
    hero = publish(HeroFactory(title="Clean power"))
    submit_translation(hero, ar)
    arabic = hero.get_translation(ar)
    assert arabic.live is False
    assert arabic.locale == ar
    assert not Hero.objects.live().filter(locale=ar).exists()


def test_publishing_the_translation_makes_the_arabic_text_live(ar):
    hero = publish(HeroFactory(title="Clean power", description="Solar", button_label="Go"))
    translation = submit_translation(hero, ar)
    translate_strings(translation, {"Clean power": "طاقة نظيفة", "Solar": "شمسية", "Go": "انطلق"})
    translation.save_target(publish=True)

    arabic = Hero.objects.live().get(locale=ar)
    assert (arabic.title, arabic.description, arabic.button_label) == (
        "طاقة نظيفة",
        "شمسية",
        "انطلق",
    )
    assert arabic.translation_key == hero.translation_key


def test_synchronised_fields_follow_the_source_on_sync(ar):
    hero = publish(HeroFactory(link_url="/old"))
    translation = submit_translation(hero, ar)
    new_image = ImageFactory()
    hero.background_image = new_image
    hero.link_url = "/new"
    hero = publish(hero)

    # "Sync translated content" in the admin: refresh the source, rebuild the target.
    translation.source.update_from_db()
    translation.save_target(publish=False)

    arabic = hero.get_translation(ar)
    assert arabic.background_image == new_image
    assert arabic.link_url == "/new"
    assert (
        arabic.sort_order == hero.sort_order
    )  # the order itself: tests/sitecontent/test_ordering.py


def test_a_translation_takes_the_source_place_in_the_order(ar):
    first = publish(HeroFactory())
    second = publish(HeroFactory())
    submit_translation(second, ar)
    assert second.get_translation(ar).sort_order == second.sort_order
    assert first.sort_order < second.sort_order


def test_a_translated_menu_child_sits_under_the_translated_parent(ar):
    parent = publish(MenuItemFactory(label="Services"))
    child = publish(MenuItemFactory(label="Solar farms", parent=parent))
    submit_translation(parent, ar)
    submit_translation(child, ar)
    arabic_child = MenuItem.objects.get(locale=ar, translation_key=child.translation_key)
    assert arabic_child.parent == parent.get_translation(ar)
