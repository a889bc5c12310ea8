"""The approval step that follows an item's locale (cms.editorial.models.LocaleApprovalTask):
the approvers of the item's locale team act on it, nobody else, whatever id they post. It is
the one step of the *Marketing approval* workflow the roles set up on migrate
(tests/cms/test_approval.py)."""

import pytest
from django.core.exceptions import PermissionDenied
from wagtail.models import TaskState

from cms.editorial.models import LocaleApprovalTask, LocaleTeam
from tests.factories import HeroFactory, UserFactory, arabic

pytestmark = pytest.mark.django_db


@pytest.fixture
def approval(db):
    return LocaleApprovalTask.objects.get()


@pytest.fixture
def arabic_approver(db):
    return UserFactory(groups=["Approvers: Arabic"])


@pytest.fixture
def english_approver(db):
    return UserFactory(groups=["Approvers: English"])


def submitted(hero, user):
    hero.save_revision(user=user)
    return hero.get_workflow().start(hero, user)


def test_an_arabic_item_is_approved_by_the_arabic_approvers_only(
    approval, arabic_approver, english_approver, editor
):
    hero = HeroFactory(locale=arabic(), title="بطل")
    submitted(hero, editor)
    assert [name for name, *_ in approval.get_actions(hero, arabic_approver)] == [
        "reject",
        "approve",
        "approve",
    ]
    assert approval.get_actions(hero, english_approver) == []
    assert approval.get_actions(hero, editor) == []
    assert not approval.locked_for_user(hero, arabic_approver)
    assert approval.locked_for_user(hero, english_approver)
    assert approval.user_can_access_editor(hero, arabic_approver)
    assert not approval.user_can_access_editor(hero, english_approver)


def test_an_approver_of_another_locale_is_refused_whatever_task_state_is_posted(
    approval, arabic_approver, english_approver, editor
):
    """Wagtail's workflow action view loads the task state by id alone: the check is on the
    state's own item."""
    hero = HeroFactory(locale=arabic(), title="بطل")
    state = submitted(hero, editor).current_task_state
    with pytest.raises(PermissionDenied):
        approval.on_action(state, english_approver, "reject")
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_IN_PROGRESS

    approval.on_action(state, arabic_approver, "reject", comment="راجع العنوان")
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_REJECTED


def test_each_approver_is_shown_what_waits_in_their_locales(
    approval, arabic_approver, english_approver, editor
):
    arabic_state = submitted(HeroFactory(locale=arabic(), title="بطل"), editor)
    english_state = submitted(HeroFactory(title="Hero"), editor)

    def waiting(user):
        return set(TaskState.objects.reviewable_by(user).values_list("workflow_state", flat=True))

    assert waiting(arabic_approver) == {arabic_state.pk}
    assert waiting(english_approver) == {english_state.pk}
    assert waiting(editor) == set()


def test_an_item_locked_by_someone_who_cannot_approve_it_is_unlocked_for_its_approvers(
    approval, editor
):
    hero = HeroFactory(locale=arabic(), title="بطل")
    hero.locked, hero.locked_by = True, editor
    hero.save()
    submitted(hero, editor)
    hero.refresh_from_db()
    assert not hero.locked and hero.locked_by is None


def test_without_approvers_only_a_superuser_may_approve(approval, editor):
    LocaleTeam.objects.update(approvers=None)
    hero = HeroFactory(locale=arabic(), title="بطل")
    submitted(hero, editor)
    admin = UserFactory(is_superuser=True)
    assert approval.get_actions(hero, admin)
    assert approval.get_actions(hero, UserFactory(groups=["Approvers: Arabic"])) == []


def test_nobody_but_the_locales_approvers_may_lock_and_nobody_unlocks_during_approval(
    approval, arabic_approver, english_approver, editor
):
    hero = HeroFactory(locale=arabic(), title="بطل")
    submitted(hero, editor)
    assert approval.user_can_lock(hero, arabic_approver)
    assert not approval.user_can_lock(hero, english_approver)
    assert not approval.user_can_unlock(hero, arabic_approver)
    assert "locale" in str(approval.get_description())


def test_a_superuser_sees_everything_waiting_and_an_inactive_or_anonymous_user_nothing(
    approval, arabic_approver, editor
):
    from django.contrib.auth.models import AnonymousUser

    state = submitted(HeroFactory(locale=arabic(), title="بطل"), editor)
    admin = UserFactory(is_superuser=True)
    assert list(approval.get_task_states_user_can_moderate(admin)) == [state.current_task_state]
    arabic_approver.is_active = False
    assert approval.get_actions(state.content_object, arabic_approver) == []
    assert approval.get_actions(state.content_object, AnonymousUser()) == []
