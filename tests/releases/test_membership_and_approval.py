"""Building a release and getting it approved: items join pinned to their latest version and
are flagged when edited since; an item is in one release at a time; a release goes through
*Marketing approval* as a whole, approved by someone who approves every locale in it; nobody
else publishes it, however it is posted; an approved release is frozen."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from wagtail.models import WorkflowState

from cms.releases import membership
from cms.releases.models import Release
from cms.releases.readiness import Readiness, readiness
from sitecontent.models import Hero
from tests.cms.conftest import get_data
from tests.factories import UserFactory

from .conftest import draft

pytestmark = pytest.mark.django_db


def edit_url(release):
    return reverse("wagtailsnippets_cms_release:edit", args=[release.pk])


def items_url(release):
    return reverse("cms_release_items", args=[release.pk])


def submit(release, user):
    release.save_revision(user=user)
    return release.get_workflow().start(release, user)


def approve(state, user, **kwargs):
    task_state = state.current_task_state.specific
    task_state.task.specific.on_action(task_state, user, "approve", **kwargs)


def test_an_item_joins_pinned_to_its_latest_version_and_is_flagged_when_edited_since(
    site, campaign, editor
):
    row = campaign.items.get(label="Summer power")
    hero = Hero.objects.get(pk=site["hero"].pk)
    assert row.revision_id == hero.latest_revision_id
    assert not membership.changed_since_added(row)

    draft(hero, title="Summer power, again")
    assert membership.changed_since_added(row)
    membership.update(row, editor)
    row.refresh_from_db()
    assert row.revision_id == hero.latest_revision_id and row.label == "Summer power, again"


def test_an_item_is_in_one_release_at_a_time(site, campaign, editor):
    other = Release.objects.create(name="Autumn campaign", live=False)
    with pytest.raises(membership.NotAllowed, match="already in the release “Summer campaign”"):
        membership.add(other, [site["hero"]], editor)


def test_every_change_to_a_release_is_a_new_revision_holding_its_items(site, campaign, editor):
    def items_in_latest_revision():
        campaign.refresh_from_db()
        return len(campaign.get_latest_revision().content["items"])

    assert items_in_latest_revision() == 6
    membership.remove(campaign.items.get(label="Sunrise"), editor)
    assert items_in_latest_revision() == 5


def test_the_editor_builds_a_release_in_the_admin(site, editor_client):
    response = editor_client.post(
        reverse("wagtailsnippets_cms_release:add"), {"name": "Launch day", "description": ""}
    )
    assert response.status_code == 302
    release = Release.objects.get(name="Launch day")
    page = editor_client.get(items_url(release))
    hero = f"{Hero.objects.get(pk=site['hero'].pk).get_content_type().pk}:{site['hero'].pk}"
    assert hero in page.text  # offered

    response = editor_client.post(items_url(release), {"items": [hero], "action": "publish"})
    assert response.status_code == 302
    assert [row.label for row in release.items.all()] == ["Clean power"]
    assert "Clean power" in editor_client.get(edit_url(release)).text  # shown in its form


def test_adding_an_item_that_is_in_another_release_says_so(site, campaign, editor_client):
    other = Release.objects.create(name="Autumn campaign", live=False)
    hero = f"{site['hero'].get_content_type().pk}:{site['hero'].pk}"
    response = editor_client.post(items_url(other), {"items": [hero], "action": "publish"})
    assert response.status_code == 409
    assert "already in the release" in response.text
    assert not other.items.exists()


def test_an_editor_cannot_publish_a_release_however_it_is_posted(campaign, editor_client, client):
    response = editor_client.post(
        edit_url(campaign), {"name": campaign.name, "description": "", "action-publish": "1"}
    )
    assert response.status_code == 403
    campaign.refresh_from_db()
    assert not campaign.live and campaign.launched_at is None
    assert get_data(client, "?locale=en")["heroes"][0]["title"] == "Clean power"


def test_a_publisher_publishes_a_release_from_its_edit_view(campaign, publisher_client, client):
    response = publisher_client.post(
        edit_url(campaign), {"name": campaign.name, "description": "", "action-publish": "1"}
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.live and campaign.launched_at is not None


def test_a_release_is_approved_by_someone_who_approves_every_locale_in_it(
    campaign, editor, approver, client
):
    arabic_only = UserFactory(groups=["Approvers", "Approvers: Arabic"])
    state = submit(campaign, editor)
    task = state.current_task_state.task.specific
    assert task.get_actions(campaign, arabic_only) == []
    with pytest.raises(PermissionDenied):
        task.on_action(state.current_task_state.specific, arabic_only, "approve")
    assert [name for name, *_ in task.get_actions(campaign, approver)] == [
        "reject",
        "approve",
        "approve",
    ]
    assert task.get_task_states_user_can_moderate(approver).count() == 1
    assert task.get_task_states_user_can_moderate(arabic_only).count() == 0

    approve(state, approver)
    campaign.refresh_from_db()
    assert campaign.live and campaign.launched_by == approver
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED


def test_approving_a_release_with_a_go_live_time_schedules_it(campaign, editor, approver):
    campaign.go_live_at = timezone.now() + timezone.timedelta(days=1)
    state = submit(campaign, editor)
    approve(state, approver)
    campaign.refresh_from_db()
    assert not campaign.live and campaign.scheduled_revision is not None


def test_changing_an_approved_release_cancels_its_schedule(site, campaign, editor, approver):
    campaign.go_live_at = timezone.now() + timezone.timedelta(days=1)
    approve(submit(campaign, editor), approver)
    membership.remove(campaign.items.get(label="Sunrise"), editor)
    campaign.refresh_from_db()
    assert campaign.scheduled_revision is None  # back to approval


def test_while_in_moderation_only_its_approvers_change_it(site, campaign, editor, approver):
    submit(campaign, editor)
    with pytest.raises(membership.NotAllowed):
        membership.remove(campaign.items.get(label="Sunrise"), editor)
    membership.remove(campaign.items.get(label="Sunrise"), approver)


def test_a_live_release_shows_what_it_did_and_is_rolled_back_from_its_page(
    campaign, launching, publisher, editor_client, client, django_capture_on_commit_callbacks
):
    release = launching(campaign, publisher)
    assert editor_client.get(edit_url(release)).url == items_url(release)
    page = editor_client.get(items_url(release)).text
    assert "Roll back" in page and "Summer power" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("cms_release_roll_back", args=[release.pk]))
    assert response.status_code == 302
    assert get_data(client, "?locale=en")["heroes"][0]["title"] == "Clean power"
    assert "Rolled back by" in editor_client.get(items_url(release)).text


def test_the_list_of_releases(campaign, editor_client):
    listing = editor_client.get(reverse("wagtailsnippets_cms_release:list"))
    assert listing.status_code == 200 and "Summer campaign" in listing.text


def test_translators_have_no_say_in_releases(campaign, translator_client):
    refused = translator_client.get(items_url(campaign))  # Wagtail's answer: not for you
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert translator_client.post(items_url(campaign), {"remove": "1"}).status_code == 302
    assert campaign.items.count() == 6


def test_a_submitted_release_is_mailed_to_those_who_approve_all_its_locales(
    mailoutbox, campaign, editor, approver
):
    arabic_only = UserFactory(groups=["Approvers", "Approvers: Arabic"])
    submit(campaign, editor)
    recipients = {address for mail in mailoutbox for address in mail.to}
    assert approver.email in recipients and arabic_only.email not in recipients


def test_the_release_says_per_locale_what_each_item_will_show(
    site, campaign, editor, editor_client
):
    [arabic] = readiness(campaign)
    states = {row.label: state for row, state in arabic.items}
    assert states == {
        "Summer power": Readiness.UP_TO_DATE,  # its Arabic translation is in the release
        "About us": Readiness.UP_TO_DATE,
        "Sunrise": Readiness.MISSING,  # new, not translated: Arabic shows it in English
        "Summer sale": Readiness.MISSING,
    }
    membership.remove(campaign.items.get(label="عنا"), editor)
    [arabic] = readiness(campaign)
    assert dict((row.label, state) for row, state in arabic.items)["About us"] == (
        Readiness.OUT_OF_DATE  # the live Arabic item stays while its source changes
    )
    assert not arabic.ready
    page = editor_client.get(items_url(campaign)).text
    assert page.count('data-cms-readiness="out of date"') == 1
    assert page.count('data-cms-readiness="missing"') == 2
