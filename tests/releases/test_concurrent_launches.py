"""A release goes live once even when it is launched twice at the same moment (a double click
on Publish, a publisher's Publish as its schedule comes): the second launch waits for the
first to commit, then is refused as already live, and no item is published twice. With real
commits, from two connections."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from wagtail.models import ModelLogEntry

from cms.delivery import propagation
from cms.releases import launch
from cms.releases.models import Release

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_launches_at_once_put_the_release_live_once(campaign, publisher):
    start = threading.Barrier(2)
    outcomes = []
    logged_before = ModelLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()

    def launch_it():
        try:
            release = Release.objects.get(pk=campaign.pk)
            user = get_user_model().objects.get(pk=publisher.pk)
            revision = release.save_revision(user=user)
            start.wait(10)
            with propagation.one_change():
                release.publish(revision, user=user)
            outcomes.append("live")
        except launch.AlreadyLaunched:
            outcomes.append("already live")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=launch_it) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(outcomes) == ["already live", "live"]
    published = ModelLogEntry.objects.filter(
        pk__gt=logged_before, action="wagtail.publish"
    ).exclude(content_type__model="release")
    items = [(entry.content_type_id, entry.object_id) for entry in published]
    assert len(items) == 6 and len(set(items)) == 6  # each of the six items, once
