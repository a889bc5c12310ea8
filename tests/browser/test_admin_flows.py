"""Editors' and translators' flows in a real Chromium."""

import pytest
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from cms.delivery.sections import SECTIONS
from tests.browser.conftest import log_in, publish_in_editor, switch_to

# A live server needs committed data; serialized_rollback restores what migrations created.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_admin_in_arabic_renders_right_to_left_and_site_content_works(page, editor_user):
    profile = UserProfile.get_for_user(editor_user)
    profile.preferred_language = "ar"
    profile.save()
    log_in(page, editor_user)
    page.goto("/admin/snippets/sitecontent/hero/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    page.goto("/admin/snippets/sitecontent/hero/add/?locale=ar")
    expect(page.locator("#id_title")).to_be_visible()
    assert page.locator("html").get_attribute("dir") == "rtl"


def test_refresh_website_cache_from_the_admin_shows_its_confirmation(page, editor_user):
    log_in(page, editor_user)
    page.goto("/admin/website-cache/")
    page.get_by_role("button", name="Refresh website cache").click()
    rebuilt = 2 * (len(SECTIONS) + 1)  # every section of en and ar, and each whole payload
    expect(page.get_by_text(f"The website cache was refreshed: {rebuilt} keys")).to_be_visible()


def website_data(page, locale="en"):
    response = page.request.get(f"/api/website-data/?locale={locale}")
    assert response.ok
    return response.json()["data"]


def test_a_publisher_uploads_an_image_sets_its_focal_point_and_publishes_a_hero(
    page, publisher_user, tmp_path
):
    from wagtail.images import get_image_model

    from tests.factories import image_bytes

    picture = tmp_path / "dunes.png"
    picture.write_bytes(image_bytes(2400, 1200))
    log_in(page, publisher_user)

    # Upload.
    page.goto("/admin/images/add/")
    page.fill("#id_title", "Dunes at sunrise")
    page.set_input_files("input[type=file][name=file]", str(picture))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/admin/images/")
    image = get_image_model().objects.get(title="Dunes at sunrise")

    # Focal point: drag a box over the left part of the picture.
    page.goto(f"/admin/images/{image.pk}/")
    holder = page.locator(".jcrop-holder").bounding_box()
    page.mouse.move(holder["x"] + 20, holder["y"] + 20)
    page.mouse.down()
    page.mouse.move(holder["x"] + 120, holder["y"] + 120, steps=8)
    page.mouse.up()
    page.locator("form button[type=submit]", has_text="Save").first.click()
    page.wait_for_load_state("networkidle")
    image.refresh_from_db()
    assert image.focal_point_x is not None and image.focal_point_x < 1200

    # A hero with that image, saved as a draft: not on the website.
    page.goto("/admin/snippets/sitecontent/hero/add/?locale=en")
    page.fill("#id_title", "Golden dunes")
    page.fill("#id_description", "Sunrise over the desert")
    page.fill("#id_button_label", "See more")
    page.fill("#id_link_url", "/dunes")
    page.get_by_role("button", name="Choose an image").click()
    page.locator(".modal").get_by_text("Dunes at sunrise").first.click()
    expect(page.locator(".modal")).to_be_hidden()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("created", exact=False).first).to_be_visible()
    assert [hero["title"] for hero in website_data(page)["heroes"]] == []

    # Publish: on the website at once, with the rendition.
    publish_in_editor(page)
    heroes = website_data(page)["heroes"]
    assert [hero["title"] for hero in heroes] == ["Golden dunes"]
    assert heroes[0]["image"]["renditions"]["desktop"]["width"] == 1920
    assert heroes[0]["image"]["alt"] == "Dunes at sunrise"


def test_a_publisher_reorders_partners_by_drag_and_drop_for_every_locale(page, publisher_user):
    from wagtail.models import Locale

    from tests.factories import PartnerFactory, publish, translate

    arabic = Locale.objects.get(language_code="ar")
    for name, arabic_name in (("Noor", "نور"), ("Falcon", "فالكون"), ("Palm", "النخلة")):
        translate(publish(PartnerFactory(name=name)), arabic, name=arabic_name)
    log_in(page, publisher_user)
    page.goto("/admin/snippets/sitecontent/partner/?ordering=sort_order")
    handles = page.locator("[data-w-orderable-target=handle]")
    expect(handles).to_have_count(6)  # three partners, each with its Arabic translation

    with page.expect_response(lambda r: "/reorder/" in r.url and r.request.method == "POST"):
        handles.nth(4).drag_to(handles.nth(0))  # "Palm" (English row) to the top

    assert [p["name"] for p in website_data(page, "en")["partners"]] == ["Palm", "Noor", "Falcon"]
    assert [p["name"] for p in website_data(page, "ar")["partners"]] == [
        "النخلة",
        "نور",
        "فالكون",
    ]


def test_a_translator_translates_a_hero_into_arabic_and_its_arabic_approver_approves_it(
    page, translator_user, arabic_approver_user
):
    from wagtail.models import Locale

    from home.models import HomePage
    from tests.factories import HeroFactory, publish

    home = HomePage.objects.get(locale__language_code="en", depth=2)
    publish(home.copy_for_translation(Locale.objects.get(language_code="ar")))  # /ar/
    publish(HeroFactory(title="Clean power", description="Solar for all", button_label="Go"))
    english_before = website_data(page, "en")["heroes"]
    log_in(page, translator_user)

    page.goto("/admin/snippets/sitecontent/hero/?locale=en")
    page.get_by_role("button", name="More options for 'Clean power'").click()
    page.get_by_role("link", name="Translate 'Clean power'").click()
    page.get_by_label("Arabic").check()
    page.locator("input[type=submit][value=Submit]").click()
    expect(page.get_by_role("button", name="Submit for review in Arabic")).to_be_visible()
    expect(page.get_by_role("button", name="Publish in Arabic")).to_have_count(0)

    for field, arabic in (
        ("Title", "طاقة نظيفة"),
        ("Description", "طاقة شمسية للجميع"),
        ("Button label", "انطلق"),
    ):
        segment = page.get_by_role("listitem").filter(has=page.get_by_text(field, exact=True))
        segment.get_by_role("button", name="Translate", exact=True).click()
        segment.get_by_role("textbox").fill(arabic)
        with page.expect_response(lambda r: "/strings/" in r.url and r.ok):
            segment.get_by_role("button", name="Save", exact=True).click()
    assert website_data(page, "ar")["heroes"][0]["fallback_locale"] == "en"  # still a draft

    page.get_by_role("button", name="Submit for review in Arabic").click()
    expect(page.get_by_text("Submitted for review in Arabic")).to_be_visible()
    assert website_data(page, "ar")["heroes"][0]["fallback_locale"] == "en"  # until approved

    # The Arabic approver finds it waiting, reads source and translation side by side, approves.
    switch_to(page, arabic_approver_user)
    expect(page.get_by_role("heading", name="Awaiting your review")).to_be_visible()
    page.get_by_role("link", name="طاقة نظيفة").first.click()
    expect(page.get_by_text("Waiting for review, submitted by translator")).to_be_visible()
    expect(page.get_by_text("Solar for all").first).to_be_visible()
    page.get_by_role("button", name="Approve and publish").click()
    arabic = website_data(page, "ar")
    assert arabic["direction"] == "rtl"
    assert arabic["heroes"][0] | {"id": 0, "image": None} == {
        "id": 0,
        "title": "طاقة نظيفة",
        "description": "طاقة شمسية للجميع",
        "button": {"label": "انطلق", "url": "/learn-more", "is_external": False},
        "image": None,
        "fallback_locale": None,
    }
    assert website_data(page, "en")["heroes"] == english_before
    page.goto("/ar/")
    expect(page.locator("section.hero h2").first).to_have_text("طاقة نظيفة")


def test_a_synced_source_change_is_flagged_in_the_status_report_until_translated(
    page, publisher_user
):
    from wagtail.models import Locale
    from wagtail_localize.models import Translation

    from tests.factories import HeroFactory, publish
    from tests.sitecontent.test_translation import submit_translation, translate_strings

    hero = publish(HeroFactory(title="Clean power", description="Solar", button_label="Go"))
    translation = submit_translation(hero, Locale.objects.get(language_code="ar"))
    translate_strings(translation, {"Clean power": "طاقة نظيفة", "Solar": "شمسية", "Go": "انطلق"})
    translation.save_target(publish=True)
    report = "/admin/reports/translation-status/"
    log_in(page, publisher_user)

    # The editor changes the English title and publishes it.
    page.goto(f"/admin/snippets/sitecontent/hero/edit/{hero.pk}/")
    page.fill("#id_title", "Cleaner power")
    publish_in_editor(page)

    # ... then syncs the translations from the listing.
    page.goto("/admin/snippets/sitecontent/hero/?locale=en")
    page.get_by_role("button", name="More options for 'Cleaner power'").click()
    page.get_by_role("link", name="Sync translations of 'Cleaner power'").click()
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state("networkidle")

    page.goto(report)
    heroes_row = page.get_by_role("row").filter(has_text="heroes")
    expect(heroes_row).to_contain_text("Cleaner power")

    # The translator's work: translate the new title and publish.
    arabic = Translation.objects.get(source__object_id=hero.translation_key)
    page.goto(
        f"/admin/snippets/sitecontent/hero/edit/{hero.get_translation(arabic.target_locale).pk}/"
    )
    segment = page.get_by_role("listitem").filter(has=page.get_by_text("Title", exact=True))
    segment.get_by_role("button", name="Translate", exact=True).click()
    segment.get_by_role("textbox").fill("طاقة أنظف")
    with page.expect_response(lambda r: "/strings/" in r.url and r.ok):
        segment.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("button", name="Publish in Arabic").click()
    expect(page.get_by_text("published", exact=False).first).to_be_visible()

    page.goto(report)
    expect(page.get_by_role("row").filter(has_text="heroes")).not_to_contain_text("Cleaner power")
    assert website_data(page, "ar")["heroes"][0]["title"] == "طاقة أنظف"


def test_an_editor_previews_a_draft_hero_within_the_whole_site(page, editor_user):
    from tests.factories import FooterLinkFactory, HeroFactory, MenuItemFactory, publish

    publish(MenuItemFactory(label="About us", link_url="/about"))
    publish(FooterLinkFactory(key="privacy", label="Privacy", link_url="/privacy"))
    hero = publish(HeroFactory(title="Clean power"))
    log_in(page, editor_user)

    page.goto(f"/admin/snippets/sitecontent/hero/edit/{hero.pk}/")
    page.fill("#id_title", "Brighter power")
    page.locator("[data-side-panel-toggle=preview]").click()
    preview = page.frame_locator("iframe[data-w-preview-target=iframe]").first
    expect(preview.locator(".hero.previewed h2")).to_have_text("Brighter power")
    expect(preview.get_by_role("navigation", name="Main menu")).to_contain_text("About us")
    expect(preview.locator("footer")).to_contain_text("Privacy")
    # Nothing was saved or published by previewing.
    assert website_data(page, "en")["heroes"][0]["title"] == "Clean power"
