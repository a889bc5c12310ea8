"""Approval before anything goes live (cms.editorial.approval): every site-content snippet and
each locale's home page go through *Marketing approval*, set up on migrate; approving
publishes as the approver, who needs no publish permission; each locale's approvers are told
of what waits for them, and the editor of the outcome."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, WorkflowContentType, WorkflowState

from cms.editorial.approval import publish_approved
from cms.editorial.models import LocaleApprovalTask, LocaleTeam
from cms.editorial.roles import (
    APPROVAL_WORKFLOW,
    SITE_CONTENT_SNIPPETS,
    apply_roles,
    approval_workflow,
)
from home.models import HomePage
from sitecontent.models import Hero
from tests.cms.conftest import get_data
from tests.factories import HeroFactory, UserFactory, arabic, english

pytestmark = pytest.mark.django_db


@pytest.fixture
def arabic_approver(db):
    return UserFactory(groups=["Approvers", "Approvers: Arabic"])


@pytest.fixture
def english_approver(db):
    return UserFactory(groups=["Approvers", "Approvers: English"])


def submit(obj, user):
    obj.save_revision(user=user)
    return obj.get_workflow().start(obj, user)


def approve(workflow_state, user, **kwargs):
    task_state = workflow_state.current_task_state.specific
    task_state.task.specific.on_action(task_state, user, "approve", **kwargs)


def test_every_site_content_snippet_and_each_home_page_go_through_marketing_approval(home_page):
    workflow = approval_workflow()
    assert workflow.name == APPROVAL_WORKFLOW
    assert [type(task.specific) for task in workflow.tasks] == [LocaleApprovalTask]
    for model in SITE_CONTENT_SNIPPETS:
        assert model().get_workflow() == workflow, model
    arabic_home = home_page.copy_for_translation(arabic())
    for page in (home_page, arabic_home):
        assert page.get_workflow() == workflow


def test_each_locale_is_approved_by_its_own_approvers_group():
    for team in LocaleTeam.objects.select_related("locale", "approvers"):
        assert team.approvers.name == f"Approvers: {team.locale.get_display_name()}"


def test_with_one_approval_for_all_a_new_locales_content_is_approved_by_the_approvers(settings):
    settings.CMS_APPROVAL_PER_LOCALE = False
    french = Locale.objects.create(language_code="fr")
    assert french.team.approvers == Group.objects.get(name="Approvers")


def test_setting_up_again_keeps_what_an_administrator_changed_in_the_workflows():
    WorkflowContentType.objects.filter(
        content_type=ContentType.objects.get_for_model(Hero)
    ).delete()
    arabic_team = LocaleTeam.objects.get(locale=arabic())
    arabic_team.approvers = Group.objects.get(name="Approvers")
    arabic_team.save()
    apply_roles()
    assert Hero().get_workflow() is None
    assert LocaleTeam.objects.get(locale=arabic()).approvers.name == "Approvers"
    assert LocaleApprovalTask.objects.count() == 1


def test_approvers_cannot_publish_directly_yet_approving_publishes(arabic_approver, editor):
    assert not arabic_approver.has_perm("sitecontent.publish_hero")
    hero = HeroFactory(locale=arabic(), title="بطل")
    state = submit(hero, editor)
    approve(state, arabic_approver)
    hero.refresh_from_db()
    assert hero.live and hero.title == "بطل"
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert hero.live_revision.user == editor  # the editor's revision, published by approval


def test_approving_an_item_with_a_go_live_time_schedules_it(arabic_approver, editor):
    hero = HeroFactory(locale=arabic(), title="بطل")
    hero.go_live_at = timezone.now() + timedelta(hours=1)
    state = submit(hero, editor)
    approve(state, arabic_approver)
    hero.refresh_from_db()
    assert not hero.live
    assert hero.scheduled_revision is not None


def test_the_arabic_approvers_approve_the_arabic_home_page(home_page, arabic_approver, editor):
    arabic_home = home_page.copy_for_translation(arabic())
    arabic_home.title = "الرئيسية"
    state = submit(arabic_home, editor)
    assert arabic_home.permissions_for_user(arabic_approver).can_edit()
    approve(state, arabic_approver)
    assert HomePage.objects.get(pk=arabic_home.pk).live


def test_an_approver_previews_what_waits_for_them_in_the_whole_site(
    site, client, arabic_approver, english_approver, editor
):
    hero = site["hero"].get_translation(arabic())
    hero.title = "طاقة متجددة"
    hero_state = submit(hero, editor)
    arabic_home = site["arabic_home"]
    arabic_home.heading = "أهلاً بكم"
    home_state = submit(arabic_home, editor)
    hero_preview = reverse(
        "wagtailsnippets_sitecontent_hero:workflow_preview",
        args=[hero.pk, hero_state.current_task_state.task_id],
    )
    home_preview = reverse(
        "wagtailadmin_pages:workflow_preview",
        args=[arabic_home.pk, home_state.current_task_state.task_id],
    )

    client.force_login(arabic_approver)
    for url, submitted in ((hero_preview, "طاقة متجددة"), (home_preview, "أهلاً بكم")):
        page = client.get(url)
        assert page.status_code == 200, url
        assert '<html lang="ar" dir="rtl">' in page.text
        assert submitted in page.text
        # The rest of the Arabic site around it: its menu and partners.
        assert "من نحن" in page.text and "نور" in page.text
    assert "طاقة متجددة" not in str(get_data(client, "?locale=ar")), "still a draft"

    client.force_login(english_approver)  # Wagtail's answer to a view they may not see
    for url in (hero_preview, home_preview):
        refused = client.get(url)
        assert (refused.status_code, refused["Location"]) == (302, "/admin/"), url


def test_approving_is_wagtails_finish_action():
    """WAGTAIL_FINISH_WORKFLOW_ACTION is read once, when Wagtail's models load."""
    assert WorkflowState.on_finish is publish_approved


def test_an_approver_works_in_the_locales_they_approve_only(arabic_approver):
    policy = Hero.snippet_viewset.permission_policy
    assert policy.user_has_permission_for_instance(
        arabic_approver, "change", Hero(locale=arabic())
    )
    assert not policy.user_has_permission_for_instance(
        arabic_approver, "change", Hero(locale=english())
    )


def test_a_submission_is_mailed_to_its_locales_approvers_and_the_outcome_to_the_editor(
    mailoutbox, arabic_approver, english_approver, editor
):
    hero = HeroFactory(locale=arabic(), title="بطل")
    state = submit(hero, editor)
    to_approvers = [mail for mail in mailoutbox if arabic_approver.email in mail.to]
    assert len(to_approvers) == 1 and "بطل" in to_approvers[0].body
    assert not [mail for mail in mailoutbox if english_approver.email in mail.to]
    assert not [mail for mail in mailoutbox if editor.email in mail.to]

    mailoutbox.clear()
    task_state = state.current_task_state.specific
    task_state.task.specific.on_action(
        task_state, arabic_approver, "reject", comment="راجع العنوان"
    )
    [to_editor] = [mail for mail in mailoutbox if editor.email in mail.to]
    assert "راجع العنوان" in to_editor.body
