"""Every way content changes purges exactly the cached sections it appears in, after commit.

Each test warms the cache with real requests for both locales, acts as an editor, translator
or operator would, then checks which keys are gone and that the new content is served.
"""

import io
from datetime import timedelta

import pytest
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site
from wagtail_localize.models import Translation, TranslationSource

from cms.cache.engine import payload_cache
from cms.delivery.keys import WHOLE, cache_key
from cms.delivery.sections import SECTIONS
from sitecontent.models import Hero, SocialMediaSettings
from tests.cms.conftest import get_data
from tests.factories import MenuItemFactory, image_bytes, publish

pytestmark = pytest.mark.django_db

NAMES = [WHOLE, *(section.key for section in SECTIONS)]
ALL_KEYS = {(code, name) for code in ("en", "ar") for name in NAMES}


def warm(client):
    for code in ("en", "ar"):
        client.get(f"/api/website-data/?locale={code}")
    assert not purged(), "every key should be cached after warming"


def purged():
    keys = {pair: cache_key(*pair) for pair in ALL_KEYS}
    found = payload_cache.read_many(list(keys.values()))
    return {pair for pair, key in keys.items() if found[key] is None}


def keys(*pairs):
    """("en", "heroes") → both that section and the locale's whole payload."""
    return {key for code, name in pairs for key in ((code, name), (code, WHOLE))}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the code defers to transaction.on_commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def hero_titles(client, code):
    return [hero["title"] for hero in get_data(client, f"?locale={code}")["heroes"]]


# Snippets


def test_publishing_an_english_item_purges_english_only_when_arabic_has_its_own(
    client, site, committed
):
    warm(client)
    hero = site["hero"]
    hero.title = "Cleaner power"
    with committed():
        publish(hero)
    assert purged() == keys(("en", "heroes"))
    assert "Cleaner power" in hero_titles(client, "en")


def test_publishing_an_english_item_arabic_falls_back_to_purges_both(client, site, committed):
    warm(client)
    hero = site["english_only_hero"]
    hero.title = "Still English only"
    with committed():
        publish(hero)
    assert purged() == keys(("en", "heroes"), ("ar", "heroes"))
    assert "Still English only" in hero_titles(client, "ar")


def test_publishing_an_arabic_translation_purges_arabic_only(client, site, ar, committed):
    warm(client)
    arabic = site["hero"].get_translation(ar)
    arabic.title = "طاقة أنظف"
    with committed():
        publish(arabic)
    assert purged() == keys(("ar", "heroes"))
    assert "طاقة أنظف" in hero_titles(client, "ar")


def test_unpublishing_an_arabic_translation_makes_arabic_fall_back(client, site, ar, committed):
    warm(client)
    with committed():
        site["noor"].get_translation(ar).unpublish()
    assert purged() == keys(("ar", "partners"))
    partners = get_data(client, "?locale=ar")["partners"]
    assert {p["name"]: p["fallback_locale"] for p in partners} == {"Noor": "en", "Falcon": "en"}


def test_unpublishing_an_english_item_purges_where_it_showed(client, site, committed):
    warm(client)
    with committed():
        site["falcon"].unpublish()
    assert purged() == keys(("en", "partners"), ("ar", "partners"))
    assert "Falcon" not in [p["name"] for p in get_data(client, "?locale=ar")["partners"]]


def test_deleting_an_item_purges_where_it_showed(client, site, committed):
    warm(client)
    with committed():
        site["english_only_hero"].delete()
    assert purged() == keys(("en", "heroes"), ("ar", "heroes"))
    assert "English only hero" not in hero_titles(client, "en")


def test_reverting_to_an_earlier_revision_purges(client, site, committed):
    hero = site["hero"]
    first_revision = hero.latest_revision
    hero.title = "Second title"
    publish(hero)
    warm(client)
    with committed():
        first_revision.publish()
    assert purged() == keys(("en", "heroes"))
    assert "Clean power" in hero_titles(client, "en")


def test_scheduled_publishing_purges_when_it_goes_live(client, site, committed):
    hero = site["hero"]
    hero.title = "Scheduled title"
    hero.save_revision(approved_go_live_at=timezone.now() - timedelta(minutes=1))
    warm(client)
    with committed():
        call_command("publish_scheduled")
    assert purged() == keys(("en", "heroes"))
    assert "Scheduled title" in hero_titles(client, "en")


def test_reordering_in_the_admin_purges_that_section_in_every_locale(
    client, publisher_client, site, committed
):
    warm(client)
    url = reverse("wagtailsnippets_sitecontent_hero:reorder", args=[site["english_only_hero"].pk])
    with committed():
        assert publisher_client.post(f"{url}?position=0").status_code == 200
    assert purged() == keys(("en", "heroes"), ("ar", "heroes"))
    assert hero_titles(client, "ar") == ["English only hero", "طاقة نظيفة"]


def test_saving_a_draft_of_a_live_item_purges_nothing(client, site, committed):
    warm(client)
    hero = site["hero"]
    hero.title = "Draft only"
    with committed():
        hero.save_revision()
    assert purged() == set()


def test_creating_a_draft_item_purges_nothing(client, site, committed):
    warm(client)
    with committed():
        MenuItemFactory(label="Draft")
    assert purged() == set()


# Translation with wagtail-localize


def test_publishing_a_translation_through_wagtail_localize_purges_arabic(
    client, site, ar, committed
):
    warm(client)
    source, _ = TranslationSource.get_or_create_from_instance(site["falcon"])
    translation = Translation.objects.create(source=source, target_locale=ar)
    with committed():
        translation.save_target(publish=True)
    assert purged() == keys(("ar", "partners"))
    assert get_data(client, "?locale=ar")["partners"][1]["fallback_locale"] is None


def test_syncing_a_live_translation_as_a_draft_purges_arabic(client, site, ar, committed):
    """wagtail-localize saves the translation with live=False and sends no signal of its own."""
    source, _ = TranslationSource.get_or_create_from_instance(site["falcon"])
    translation = Translation.objects.create(source=source, target_locale=ar)
    with committed():
        translation.save_target(publish=True)
    warm(client)
    with committed():
        translation.save_target(publish=False)
    assert site["falcon"].get_translation(ar).live is False
    assert purged() == keys(("ar", "partners"))
    partners = get_data(client, "?locale=ar")["partners"]
    assert {p["name"]: p["fallback_locale"] for p in partners}["Falcon"] == "en"


# Pages


def test_publishing_the_home_page_purges_its_locale(client, site, committed):
    warm(client)
    home = site["home"]
    home.heading = "Hello"
    with committed():
        publish(home)
    assert purged() == keys(("en", "home_page"), ("en", "menu_items"))
    assert get_data(client, "?locale=en")["home"]["heading"] == "Hello"
    assert get_data(client, "?locale=ar")["home"]["heading"] == "Welcome"


def test_unpublishing_the_arabic_home_page_falls_back_and_relinks(client, site, committed):
    warm(client)
    with committed():
        site["arabic_home"].unpublish()
    # English too: its home page no longer lists an Arabic version (hreflang alternates).
    assert purged() == keys(("ar", "home_page"), ("ar", "menu_items"), ("en", "home_page"))
    data = get_data(client, "?locale=ar")
    assert data["home"]["fallback_locale"] == "en"
    assert data["menu"][1]["url"] == "/en/"
    assert [a["hreflang"] for a in get_data(client, "?locale=en")["home"]["alternates"]] == [
        "en",
        "x-default",
    ]


@pytest.fixture
def about_page(site):
    about = site["home"].add_child(instance=Page(title="About", slug="about"))
    publish(about)
    team = site["home"].add_child(instance=Page(title="Company", slug="company"))
    publish(team)
    item = publish(MenuItemFactory(label="About page", link_url="", link_page=about))
    return about, team, item


def test_moving_a_linked_page_purges_the_links_to_it(client, site, about_page, committed):
    about, company, _ = about_page
    warm(client)
    with committed():
        about.move(company, pos="last-child")
    assert purged() == keys(("en", "menu_items"), ("ar", "menu_items"))
    urls = {item["label"]: item["url"] for item in get_data(client, "?locale=en")["menu"]}
    assert urls["About page"] == "/en/company/about/"


def test_deleting_a_linked_page_drops_the_links_to_it(client, site, about_page, committed):
    about, _, _ = about_page
    warm(client)
    with committed():
        about.delete()
    assert purged() == keys(("en", "menu_items"), ("ar", "menu_items"))
    assert "About page" not in [item["label"] for item in get_data(client, "?locale=en")["menu"]]


# Settings and images


def test_saving_the_social_settings_purges_seo_in_every_locale(client, site, committed):
    warm(client)
    settings = SocialMediaSettings.for_site(Site.objects.get(is_default_site=True))
    settings.x_handle = "oasis"
    with committed():
        settings.save()
    assert purged() == keys(("en", "seo_data"), ("ar", "seo_data"))
    assert get_data(client, "?locale=ar")["seo"]["social"]["x_handle"] == "oasis"


def test_moving_an_image_focal_point_purges_the_sections_showing_it(client, site, committed):
    warm(client)
    image = site["hero"].background_image
    image.focal_point_x, image.focal_point_y = 10, 10
    image.focal_point_width = image.focal_point_height = 20
    with committed():
        image.save()
    assert purged() == keys(("en", "heroes"), ("ar", "heroes"))


def test_replacing_an_image_file_serves_the_new_renditions(client, site, committed):
    image = site["falcon"].logo
    warm(client)
    old_url = get_data(client, "?locale=en")["partners"][1]["logo"]["url"]
    with committed():
        # What the admin's image edit form does with a new file.
        image.file = ImageFile(io.BytesIO(image_bytes(300, 150)), name="new-logo.png")
        image._set_image_file_metadata()
        image.save()
        image.renditions.all().delete()
    assert purged() == keys(("en", "partners"), ("ar", "partners"))
    logo = get_data(client, "?locale=en")["partners"][1]["logo"]
    assert logo["url"] != old_url
    assert logo["width"] == 300


def test_deleting_an_image_purges_the_sections_that_showed_it(client, site, committed):
    warm(client)
    with committed():
        site["english_only_hero"].background_image.delete()
    assert purged() == keys(("en", "heroes"), ("ar", "heroes"))
    hero = next(
        h for h in get_data(client, "?locale=en")["heroes"] if h["title"] == "English only hero"
    )
    assert hero["image"] is None


# When


def test_the_purge_waits_for_the_commit(client, site, django_capture_on_commit_callbacks):
    warm(client)
    hero = site["hero"]
    hero.title = "Not yet"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish(hero)
        assert purged() == set()  # still inside the transaction: nothing forgotten yet
    assert purged() == set()
    for callback in callbacks:
        callback()
    assert purged() == keys(("en", "heroes"))


def test_hero_query_helper_sees_published_rows_only(site):
    assert Hero.objects.live().count() == 3
