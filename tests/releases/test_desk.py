"""The editor's desk on the dashboard, and *Reports → Scheduled*: each person sees their own
drafts and locks, what is coming up in the locales they work in, what waits for their review,
and how far their locales' translations are, with links to the reports."""

import re

import pytest
from django.utils import timezone
from wagtail.models import Locale

from cms.releases import membership
from cms.releases.models import Release
from sitecontent.models import Hero
from tests.cms.test_scheduling import schedule
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

IN_A_WEEK = timezone.timedelta(days=7)


def panel(html, panel_id):
    """The contents of one dashboard panel (empty when the dashboard does not show it)."""
    found = re.search(rf'id="{panel_id}-content"(.*?)</section>', html, re.S)
    return found.group(1) if found else ""


def dashboard(client, user):
    client.force_login(user)
    return client.get("/admin/").text


@pytest.fixture
def arabic_approver(db):
    return UserFactory(groups=["Approvers", "Approvers: Arabic"])


@pytest.fixture
def desk(site, editor, translator, publisher):
    """An English draft and a locked partner of the editor's, an Arabic draft of the
    translator's, a scheduled Arabic hero, an English partner expiring, and a release of the
    editor's scheduled for next week."""
    arabic = Locale.objects.get(language_code="ar")
    hero = Hero.objects.get(pk=site["hero"].pk)
    hero.title = "Editor's draft"
    hero.save_revision(user=editor)
    site["falcon"].locked, site["falcon"].locked_by = True, editor
    site["falcon"].save()
    arabic_hero = Hero.objects.get(locale=arabic, title="طاقة نظيفة")
    arabic_hero.title = "مسودة المترجم"
    arabic_hero.save_revision(user=translator)
    english_only = Hero.objects.get(pk=site["english_only_hero"].pk)
    english_only.title = "Monday hero"
    schedule(english_only, go_live_in=IN_A_WEEK)
    arabic_partner = site["noor"].get_translation(arabic)
    arabic_partner.name = "نور الاثنين"
    schedule(arabic_partner, go_live_in=IN_A_WEEK)
    site["noor"].__class__.objects.filter(pk=site["noor"].pk).update(
        expire_at=timezone.now() + IN_A_WEEK
    )
    release = Release.objects.create(name="Launch week", live=False)
    membership.add(release, [site["privacy"]], editor)
    release.refresh_from_db()
    release.go_live_at = timezone.now() + IN_A_WEEK
    release.publish(release.save_revision(user=publisher), user=publisher)
    return site


def test_the_editor_sees_their_drafts_and_locks_and_everything_coming_up(client, desk, editor):
    html = dashboard(client, editor)
    mine = panel(html, "my-work")
    assert "Editor&#x27;s draft" in mine and "Falcon" in mine and "locked by you" in mine
    assert "مسودة المترجم" not in mine  # the translator's
    coming = panel(html, "coming-up")
    assert "Monday hero" in coming and "نور الاثنين" in coming
    assert coming.count('data-cms-coming-up="expiry"') == 1  # Noor
    assert coming.count('data-cms-coming-up="release"') == 1 and "Launch week" in coming
    assert 'data-cms-translation-readiness="ar"' in panel(html, "translation-readiness")


def test_the_arabic_translator_sees_their_work_and_arabic_only(client, desk, translator):
    html = dashboard(client, translator)
    assert "مسودة المترجم" in panel(html, "my-work")
    coming = panel(html, "coming-up")
    assert "نور الاثنين" in coming and "Monday hero" not in coming
    assert 'data-cms-coming-up="expiry"' not in coming  # Noor is English
    readiness = panel(html, "translation-readiness")
    fallback = re.search(
        r'data-cms-translation-readiness="ar".*?data-fallback>(\d+)<', readiness, re.S
    )
    # The Arabic payload falls back to English for the hero and partner without translation.
    assert fallback.group(1) == "2"


def test_the_arabic_approver_sees_what_waits_for_them(client, desk, editor, arabic_approver):
    arabic = Locale.objects.get(language_code="ar")
    waiting = Hero.objects.get(locale=arabic, title="طاقة نظيفة")
    waiting.get_workflow().start(waiting, editor)
    english = Hero.objects.get(pk=desk["hero"].pk)
    english.get_workflow().start(english, editor)
    html = dashboard(client, arabic_approver)
    review = panel(html, "awaiting-review")  # Wagtail's panel, our approvers
    assert "طاقة نظيفة" in review or "مسودة المترجم" in review
    assert "Editor&#x27;s draft" not in review and "Clean power" not in review
    assert "Monday hero" not in panel(html, "coming-up")
    assert panel(html, "translation-readiness") == ""  # approvers do not translate


def test_the_recent_publishes_name_a_release(client, site, campaign, launching, publisher, editor):
    launching(campaign, publisher)
    assert "Release “Summer campaign”" in dashboard(client, editor)


def test_the_scheduled_report_lists_every_go_live_expiry_and_release_by_locale_and_kind(
    client, desk, editor
):
    client.force_login(editor)
    everything = client.get("/admin/reports/scheduled/").text
    for shown in ("Monday hero", "نور الاثنين", "Noor", "Launch week"):
        assert shown in everything
    arabic = client.get("/admin/reports/scheduled/?locale=ar").text
    assert "نور الاثنين" in arabic and "Monday hero" not in arabic
    releases = client.get("/admin/reports/scheduled/?kind=release").text
    assert "Launch week" in releases and "Monday hero" not in releases
    export = client.get("/admin/reports/scheduled/?export=csv&kind=expiry")
    rows = b"".join(export.streaming_content).decode().strip().splitlines()
    assert rows[0] == "when,kind,title,content,locale" and len(rows) == 2
    assert "Noor" in rows[1] and "expiry" in rows[1]
    export = client.get("/admin/reports/scheduled/?export=csv&kind=release")
    [_, launch_week] = b"".join(export.streaming_content).decode().strip().splitlines()
    assert launch_week.endswith(",Launch week,Release,English")  # the locales of its items
