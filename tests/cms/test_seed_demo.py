"""The demo site: English sources with published Arabic translations, seeded idempotently."""

import io

import pytest
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.models import Revision
from wagtail_localize.models import Translation

from cms.delivery.sections import SECTIONS
from sitecontent.models import MenuItem, SiteSeo, SocialMediaSettings

pytestmark = pytest.mark.django_db
MODELS = (*(section.model for section in SECTIONS), Translation, Revision)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS} | {
        "images": get_image_model().objects.count()
    }


def seed(capture_on_commit):
    # wagtail-localize publishes page translations once the transaction commits.
    with capture_on_commit(execute=True):
        call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def seeded(demo):
    """The demo content, seeded once for this module (tests/conftest.py)."""


def test_seeding_twice_gives_the_same_content(seeded, django_capture_on_commit_callbacks):
    first = counts()
    seed(django_capture_on_commit_callbacks)
    assert counts() == first
    assert first["MenuItem"] == 22 and first["Partner"] == 12 and first["images"] == 10


def test_every_english_item_has_a_live_arabic_translation(seeded, en, ar):
    for model in (section.model for section in SECTIONS):
        english = model.objects.filter(locale=en)
        arabic = model.objects.filter(locale=ar, live=True)
        assert english.count() == arabic.count() > 0, model
        assert set(english.values_list("translation_key", flat=True)) == set(
            arabic.values_list("translation_key", flat=True)
        )


def test_arabic_items_carry_arabic_text(seeded, ar):
    labels = MenuItem.objects.filter(locale=ar).values_list("label", flat=True)
    assert "من نحن" in labels
    assert all(any("\u0600" <= char <= "\u06ff" for char in label) for label in labels)
    assert SiteSeo.objects.get(locale=ar).site_name == "واحة الطاقة"


def test_arabic_translations_are_wagtail_localize_translations(seeded, ar):
    # So translators can open them in the translation editor and sync them.
    # One per English item of every section: 1 + 11 + 3 + 6 + 8 + 1 + 1.
    assert Translation.objects.filter(target_locale=ar).count() == 31


def test_the_arabic_menu_nests_like_the_english_one(seeded, ar):
    about = MenuItem.objects.get(locale=ar, label="من نحن")
    assert set(about.children.values_list("label", flat=True)) == {"قصتنا", "فريقنا"}


def test_the_demo_home_link_resolves_per_locale(seeded, en, ar):
    assert MenuItem.objects.get(locale=en, label="Home").get_link_url() == "/en/"
    assert MenuItem.objects.get(locale=ar, label="الرئيسية").get_link_url() == "/ar/"


def test_the_demo_sets_the_social_media_settings(seeded):
    from wagtail.models import Site

    settings = SocialMediaSettings.for_site(Site.objects.get(is_default_site=True))
    assert settings.x_handle == "oasisenergy"
    assert settings.default_share_image is not None
