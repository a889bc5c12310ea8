"""A release goes live all at once, as approved: the versions pinned when items joined, in
every locale, in one transaction and one propagation, told to frontends as one
`release.published` event per endpoint and locale; if any change cannot be made, nothing is
published and the release says why; a rollback puts everything back, as a release of its
own. (Concurrent readers and the real worker: tests/stack/test_releases.py.)"""

import json

import pytest
from wagtail.models import Revision

from cms.api.openapi import openapi_document
from cms.delivery.models import EventKind
from cms.delivery.propagation import propagated
from cms.releases import launch, membership
from cms.releases.models import Release, ReleaseItem
from cms.scheduling import scheduler
from cms.webhooks.models import PublishReceipt
from cms.webhooks.tasks import dispatch
from sitecontent.models import Hero, Partner
from tests.cms.conftest import get_data
from tests.cms.test_scheduling import let_time_pass, schedule
from tests.webhooks.test_receipts import documented_response, valid_for

from .conftest import draft

pytestmark = pytest.mark.django_db


def served(client, locale):
    data = get_data(client, f"?locale={locale}")
    return {
        "heroes": [hero["title"] for hero in data["heroes"]],
        "menu": [item["label"] for item in data["menu"]],
        "partners": [partner["name"] for partner in data["partners"]],
        "announcement": (data["announcement"] or {}).get("message"),
    }


BEFORE = {
    "en": {
        "heroes": ["Clean power", "English only hero"],
        "menu": ["About", "Home"],
        "partners": ["Noor", "Falcon"],
        "announcement": None,
    },
    "ar": {
        "heroes": ["طاقة نظيفة", "English only hero"],
        "menu": ["من نحن", "الرئيسية"],
        "partners": ["نور", "Falcon"],
        "announcement": None,
    },
}
AFTER = {
    "en": {
        "heroes": ["Summer power", "English only hero"],
        "menu": ["About us", "Home"],
        "partners": ["Noor", "Falcon", "Sunrise"],
        "announcement": "Summer sale",
    },
    "ar": {
        "heroes": ["طاقة الصيف", "English only hero"],
        "menu": ["عنا", "الرئيسية"],
        # New English items have no Arabic translation yet: Arabic falls back to them.
        "partners": ["نور", "Falcon", "Sunrise"],
        "announcement": "Summer sale",
    },
}


def site_as_served(client):
    return {code: served(client, code) for code in ("en", "ar")}


def test_nothing_in_a_release_is_served_before_it_goes_live(client, campaign):
    assert site_as_served(client) == BEFORE


def test_a_release_goes_live_all_at_once_in_every_locale(client, campaign, launching, publisher):
    release = launching(campaign, publisher)
    assert site_as_served(client) == AFTER
    assert release.live and release.launched_by == publisher and release.failure == ""


def test_what_goes_live_is_the_version_pinned_not_a_later_draft(
    client, site, campaign, launching, publisher
):
    draft(Hero.objects.get(pk=site["hero"].pk), title="Not approved")
    launching(campaign, publisher)
    assert served(client, "en")["heroes"][0] == "Summer power"
    hero = Hero.objects.get(pk=site["hero"].pk)
    assert hero.has_unpublished_changes  # the later draft waits, still a draft


def test_a_release_is_one_propagation_and_one_receipt_naming_it(
    campaign, launching, publisher, client, settings
):
    heard = []

    def listen(sender, propagation, **kwargs):
        heard.append(propagation)

    propagated.connect(listen)
    try:
        launching(campaign, publisher)
    finally:
        propagated.disconnect(listen)
    [change] = heard
    assert change.kind == EventKind.RELEASE_PUBLISHED
    assert change.releases == [{"id": campaign.pk, "name": "Summer campaign", "rolls_back": None}]
    assert {code for code, _ in change.pairs} == {"en", "ar"}
    [receipt] = PublishReceipt.objects.all()
    assert receipt.kind == EventKind.RELEASE_PUBLISHED and receipt.releases == change.releases
    settings.CMS_CACHE_REFRESH_TOKEN = "t" * 40
    served = client.get(
        f"/api/publish-receipts/{receipt.pk}/", headers={"Authorization": f"Bearer {'t' * 40}"}
    ).json()
    assert valid_for(documented_response(200), served) == []
    assert served["data"]["releases"] == change.releases


def test_frontends_hear_one_release_event_per_locale_naming_the_release_and_its_items(
    campaign, launching, publisher, endpoint, frontend
):
    launching(campaign, publisher)
    dispatch.call()
    events = {d.event["data"]["locale"]: d.event for d in frontend.received}
    assert sorted(events) == ["ar", "en"] and len(frontend.received) == 2
    for event in events.values():
        assert event["type"] == "release.published"
        assert event["data"]["releases"][0]["name"] == "Summer campaign"
    webhook = openapi_document()["webhooks"]["release.published"]["post"]
    schema = webhook["requestBody"]["content"]["application/json"]["schema"]
    for event in events.values():
        assert valid_for(schema, event) == []  # as the OpenAPI document says
    english_items = {item["title"] for item in events["en"]["data"]["items"]}
    assert {"Summer power", "About us", "Sunrise", "Summer sale"} <= english_items
    assert set(events["en"]["data"]["sections"]) == {"announcement", "heroes", "menu", "partners"}


def test_an_item_deleted_after_it_joined_means_nothing_is_published(
    client, campaign, launching, publisher
):
    Partner.objects.get(name="Sunrise").delete()
    release = launching(campaign, publisher)
    assert site_as_served(client) == {
        code: {**served_before, "partners": served_before["partners"]}
        for code, served_before in BEFORE.items()
    }
    assert not release.live and release.launched_at is None
    assert "“Sunrise” was deleted" in release.failure
    assert not PublishReceipt.objects.exists()


def test_a_pinned_version_that_no_longer_validates_means_nothing_is_published(
    client, campaign, launching, publisher
):
    row = campaign.items.get(label="Summer power")
    pinned = Revision.objects.get(pk=row.revision_id)
    pinned.content = {**pinned.content, "title": ""}
    pinned.save(update_fields=["content"])
    release = launching(campaign, publisher)
    assert site_as_served(client) == BEFORE
    assert "“Summer power” is not valid" in release.failure


def test_the_editor_fixes_a_failed_release_and_it_goes_live(
    client, campaign, launching, publisher, editor
):
    Partner.objects.get(name="Sunrise").delete()
    release = launching(campaign, publisher)
    membership.remove(release.items.get(label="Sunrise"), editor)
    release = launching(release, publisher)
    assert release.live and release.failure == ""
    assert served(client, "en")["heroes"][0] == "Summer power"


def test_a_release_goes_live_once(campaign, launching, publisher):
    release = launching(campaign, publisher)
    with pytest.raises(launch.AlreadyLaunched):
        release.publish(release.save_revision(), user=publisher)


def test_a_scheduled_release_goes_live_when_the_sweep_finds_it_due(
    client, campaign, publisher, django_capture_on_commit_callbacks
):
    revision = schedule(campaign)
    campaign.refresh_from_db()
    assert not campaign.live and site_as_served(client) == BEFORE  # scheduled, not launched
    let_time_pass(revision)
    with django_capture_on_commit_callbacks(execute=True):
        assert scheduler.sweep() == scheduler.Sweep(published=1)
    campaign.refresh_from_db()
    assert campaign.live and site_as_served(client) == AFTER


def test_rolling_back_puts_every_item_back_and_is_a_release_of_its_own(
    client, campaign, launching, publisher, editor, django_capture_on_commit_callbacks
):
    release = launching(campaign, publisher)
    with django_capture_on_commit_callbacks(execute=True):
        back = launch.roll_back(release, editor)
    assert site_as_served(client) == BEFORE
    assert back.rollback_of == release and back.live and back.launched_by == editor
    actions = {row.label: row.action for row in back.items.all()}
    assert actions["Sunrise"] == actions["Summer sale"] == ReleaseItem.Action.UNPUBLISH
    assert actions["Summer power"] == ReleaseItem.Action.PUBLISH
    with pytest.raises(launch.LaunchFailed):
        launch.roll_back(release, editor)  # once

    # And the rollback can be undone: the campaign is back.
    with django_capture_on_commit_callbacks(execute=True):
        launch.roll_back(back, editor)
    assert site_as_served(client) == AFTER


def test_the_receipt_says_which_release_it_rolled_back(
    campaign, launching, publisher, editor, django_capture_on_commit_callbacks
):
    release = launching(campaign, publisher)
    with django_capture_on_commit_callbacks(execute=True):
        back = launch.roll_back(release, editor)
    receipt = PublishReceipt.objects.order_by("-pk").first()
    assert receipt.releases == [{"id": back.pk, "name": back.name, "rolls_back": release.pk}]
    assert json.dumps(receipt.releases)  # as the webhook body carries it
    assert Release.objects.get(pk=release.pk).rolled_back_by == back


def test_the_home_pages_go_live_with_a_release_and_back_with_its_rollback(
    client, site, launching, publisher, editor, django_capture_on_commit_callbacks
):
    from home.models import HomePage

    english, arabic = (HomePage.objects.get(pk=site[name].pk) for name in ("home", "arabic_home"))
    draft(english, heading="Summer is here")
    draft(arabic, heading="وصل الصيف")
    release = Release.objects.create(name="Summer home", live=False)
    membership.add(release, [english, arabic], editor)
    release = launching(release, publisher)

    assert release.live, release.failure
    headings = {
        code: get_data(client, f"?locale={code}")["home"]["heading"] for code in ("en", "ar")
    }
    assert headings == {"en": "Summer is here", "ar": "وصل الصيف"}
    with django_capture_on_commit_callbacks(execute=True):
        launch.roll_back(release, editor)
    assert get_data(client, "?locale=ar")["home"]["heading"] == "Welcome"


def test_each_item_s_history_says_it_was_published_by_whom_as_wagtail_says_it(
    campaign, launching, publisher
):
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry

    before = ModelLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    launching(campaign, publisher)

    def logged(item):
        since = ModelLogEntry.objects.filter(pk__gt=before).order_by("pk")
        return list(
            since.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk)
        )

    hero = Hero.objects.get(title="Summer power")
    rename, published = logged(hero)
    assert (rename.action, published.action) == ("wagtail.rename", "wagtail.publish")
    assert (
        rename.data == published.data == {"title": {"old": "Clean power", "new": "Summer power"}}
    )
    assert published.user == publisher and published.revision == hero.live_revision
    assert published.content_changed and published.label == "Summer power"
    partner = Partner.objects.get(name="Sunrise")  # new: published, not renamed
    assert [entry.action for entry in logged(partner)] == ["wagtail.publish"]


def test_what_the_items_link_to_is_indexed_by_the_worker_once_the_release_is_live(
    site, launching, publisher, editor
):
    from django_tasks_db.models import DBTaskResult
    from wagtail.models import ReferenceIndex
    from wagtail.tasks import update_reference_index_task

    from tests.factories import ImageFactory

    sunset = ImageFactory(title="Sunset")
    hero = draft(Hero.objects.get(pk=site["hero"].pk), background_image=sunset)
    release = Release.objects.create(name="Sunset", live=False)
    membership.add(release, [hero], editor)
    launching(release, publisher)
    assert Hero.objects.get(pk=hero.pk).background_image == sunset  # live
    assert not ReferenceIndex.get_references_to(sunset).exists()  # not in the request

    for queued in DBTaskResult.objects.filter(queue_name="references"):  # the worker
        update_reference_index_task.call(*queued.args_kwargs["args"])
    assert [ref.object_id for ref in ReferenceIndex.get_references_to(sunset)] == [str(hero.pk)]
