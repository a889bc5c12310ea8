"""A campaign in a real Chromium: the editor builds a two-locale release (a hero, a menu item,
a partner and an announcement), checks it is ready in Arabic, previews it in Arabic and
submits it; the approver of both locales sets its go-live time and approves it; at its time
the scheduler's sweep puts all of it live on /en/ and /ar/ together; the editor rolls it
back. Under `make screenshots` it takes the editors' guide's pictures on the way."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import for_the_docs, log_in, switch_to
from tests.browser.test_admin_flows import website_data
from tests.browser.test_approval_flows import in_action_menu
from tests.cms.conftest import site  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def both_locales_approver():
    from tests.browser.conftest import PASSWORD
    from tests.factories import UserFactory

    return UserFactory(
        username="manager",
        password=PASSWORD,
        groups=["Approvers", "Approvers: English", "Approvers: Arabic"],
    )


def drafts(site):  # noqa: F811 (the fixture imported above)
    """The campaign's changes, saved as drafts by the editor's team: what the release pins."""
    from wagtail.models import Locale

    from sitecontent.models import Hero, MenuItem, Partner
    from tests.factories import AnnouncementFactory

    arabic = Locale.objects.get(language_code="ar")
    changed = []
    for item, field, value in (
        (Hero.objects.get(pk=site["hero"].pk), "title", "Summer power"),
        (Hero.objects.get(locale=arabic, title="طاقة نظيفة"), "title", "طاقة الصيف"),
        (MenuItem.objects.get(pk=site["about"].pk), "label", "About us"),
        (Partner.objects.get(locale=arabic, name="نور"), "name", "نور الصيف"),
    ):
        setattr(item, field, value)
        item.save_revision()
        changed.append(item)
    announcement = AnnouncementFactory(message="Summer sale", live=False)
    announcement.save_revision()
    return [*changed, announcement]


def value_of(item):
    return f"{ContentType.objects.get_for_model(item).pk}:{item.pk}"


def test_a_campaign_goes_live_in_both_languages_at_its_time_and_is_rolled_back(
    page,
    site,  # noqa: F811
    editor_user,
    both_locales_approver,
):
    from cms.releases.models import Release
    from cms.scheduling import scheduler
    from tests.cms.test_scheduling import let_time_pass

    items = drafts(site)

    # The editor makes the release and adds the five changes.
    log_in(page, editor_user)
    page.goto("/admin/snippets/cms/release/add/")
    page.fill("#id_name", "Summer campaign")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("created", exact=False).first).to_be_visible()
    release = Release.objects.get(name="Summer campaign")
    page.get_by_role("link", name="Add, update or remove items").click()
    page.select_option("#id_items", [value_of(item) for item in items])
    page.get_by_role("button", name="Add to the release").click()
    expect(page.locator("[data-cms-release-item]")).to_have_count(5)
    expect(page.get_by_role("heading", level=1)).to_have_text("Summer campaign")  # its page
    # Arabic: the hero goes with its translation; the menu item and the announcement will show
    # in English (no Arabic in the release).
    arabic = page.locator('[data-cms-readiness-locale="ar"]')
    expect(arabic.locator('[data-cms-readiness="up to date"]')).to_have_count(1)
    expect(arabic.locator('[data-cms-readiness="out of date"]')).to_have_count(1)
    expect(arabic.locator('[data-cms-readiness="missing"]')).to_have_count(1)
    for_the_docs(page, "release-items")

    # It previews in Arabic as the whole site will be, right to left.
    page.get_by_role("link", name="Back to the release, to submit it for approval").click()
    page.locator("[data-side-panel-toggle=preview]").click()
    preview = page.frame_locator("iframe[data-w-preview-target=iframe]").first
    expect(preview.locator("section.hero h2").first).to_have_text("Summer power")  # English
    page.select_option("#id_preview_mode", "ar")
    expect(preview.locator("html[dir=rtl]")).to_have_count(1)
    expect(preview.locator("section.hero h2").first).to_have_text("طاقة الصيف")
    expect(preview.get_by_text("Summer sale").first).to_be_visible()
    for_the_docs(page, "release-preview-arabic")
    assert website_data(page, "ar")["heroes"][0]["title"] == "طاقة نظيفة"  # nothing live yet

    page.locator("[data-w-dropdown-target=toggle]").last.click()
    expect(page.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Submit to Marketing approval").click()
    expect(page.get_by_text("has been submitted", exact=False).first).to_be_visible()

    # The approver of both locales finds it, sets its go-live time, and approves.
    switch_to(page, both_locales_approver)
    expect(page.get_by_role("heading", name="Awaiting your review")).to_be_visible()
    page.get_by_role("link", name="Summer campaign").first.click()
    page.locator("[data-side-panel-toggle=status]").click()
    page.get_by_role("button", name="Set schedule").click()
    dialog = page.get_by_role("dialog")
    go_live = timezone.localtime() + timezone.timedelta(days=1)
    dialog.locator("#id_go_live_at").fill(go_live.strftime("%Y-%m-%d %H:%M"))
    dialog.get_by_role("button", name="Save schedule").click()
    in_action_menu(page, "Approve and Publish")
    expect(page.get_by_text("updated", exact=False).first).to_be_visible()
    release.refresh_from_db()
    assert not release.live and release.scheduled_revision is not None
    page.goto("/admin/")
    expect(page.locator('[data-cms-coming-up="release"]')).to_contain_text("Summer campaign")
    for_the_docs(page, "desk-coming-up", page.locator("#coming-up-section"))
    page.goto("/admin/reports/scheduled/")
    expect(page.get_by_text("Summer campaign").first).to_be_visible()
    for_the_docs(page, "scheduled-report", page.locator("main"))

    # Its time comes: the worker's sweep puts all of it live, in both languages.
    let_time_pass(release.scheduled_revision, by=timezone.timedelta(days=1, minutes=1))
    assert scheduler.sweep().published == 1
    for code, hero, menu in (("en", "Summer power", "About us"), ("ar", "طاقة الصيف", "من نحن")):
        data = website_data(page, code)
        assert data["heroes"][0]["title"] == hero and data["menu"][0]["label"] == menu
        assert data["announcement"]["message"] == "Summer sale"
    page.goto("/ar/")
    expect(page.locator("section.hero h2").first).to_have_text("طاقة الصيف")
    page.goto("/en/")
    expect(page.locator("section.hero h2").first).to_have_text("Summer power")

    # The editor rolls it back: as it was before, in both languages.
    switch_to(page, editor_user)
    page.goto(f"/admin/snippets/cms/release/edit/{release.pk}/")  # its page, now it is live
    page.get_by_role("link", name="Roll back").click()
    page.get_by_role("button", name="Roll back now").click()
    expect(page.get_by_text("Rolled back", exact=False).first).to_be_visible()
    assert website_data(page, "en")["heroes"][0]["title"] == "Clean power"
    assert website_data(page, "ar")["heroes"][0]["title"] == "طاقة نظيفة"
    assert website_data(page, "en")["announcement"] is None
    page.goto("/en/")
    expect(page.locator("section.hero h2").first).to_have_text("Clean power")
