"""A reader never sees part of a release, even one that commits while its payload is being
built: the payload is built from one view of the database, and fragments of two states of the
content are never assembled together. With real commits (another connection launches the
release) on the real Redis; readers through nginx during twenty launches are in
tests/stack/test_releases.py."""

import json
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from cms.cache import generation
from cms.cache.engine import payload_cache
from cms.delivery import build, propagation
from cms.delivery.keys import cache_key
from cms.delivery.payload import get_website_data
from cms.delivery.sections import find
from cms.releases.models import Release

from .test_launch import AFTER, BEFORE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def launched_elsewhere(release, user):
    """The release goes live from another connection (another worker), committed."""

    outcome = []

    def run():
        try:
            fresh = Release.objects.get(pk=release.pk)
            with propagation.one_change():
                fresh.publish(fresh.save_revision(), user=get_user_model().objects.get(pk=user.pk))
            fresh.refresh_from_db()
            outcome.append(fresh.live)
        except Exception as error:
            outcome.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert outcome == [True], outcome  # (seen from there: this connection may be in a view)


def as_served(entry, fields=("heroes", "menu", "partners", "announcement")):
    data = json.loads(entry.body)
    shown = {
        "heroes": [hero["title"] for hero in data.get("heroes", [])],
        "menu": [item["label"] for item in data.get("menu", [])],
        "partners": [partner["name"] for partner in data.get("partners", [])],
        "announcement": (data.get("announcement") or {}).get("message"),
    }
    return {field: shown[field] for field in fields}


def test_a_payload_built_while_a_release_commits_has_all_of_it_or_none(
    campaign, publisher, monkeypatch
):
    sections_built = []
    dumps = build.dumps

    def the_release_commits_after_the_first_section(data):
        sections_built.append(data)
        if len(sections_built) == 1:  # the announcement is built; the rest is to come
            launched_elsewhere(campaign, publisher)
        return dumps(data)

    monkeypatch.setattr(build, "dumps", the_release_commits_after_the_first_section)
    built_meanwhile = as_served(get_website_data("en").entry)
    assert built_meanwhile == BEFORE["en"]  # the database as the build began: all before
    monkeypatch.undo()
    assert as_served(get_website_data("en").entry) == AFTER["en"]  # and then all of it


def test_fragments_of_before_and_after_a_release_are_never_assembled_together(campaign, publisher):
    sections = [find("heroes"), find("menu")]
    fields = ("heroes", "menu")
    get_website_data("en", sections)  # each section's fragment is stored
    heroes_key = cache_key("en", "heroes")
    before_heroes = payload_cache.read_many([heroes_key])[heroes_key]
    launched_elsewhere(campaign, publisher)
    assert as_served(get_website_data("en", sections).entry, fields) == {
        field: AFTER["en"][field] for field in fields
    }

    # The moment another app server has stored the new fragments while the old hero fragment
    # is still in Redis (its purge on its way) and this process has not read the new
    # generation yet.
    token = payload_cache.tokens([heroes_key])[heroes_key]
    assert payload_cache.write_many([(heroes_key, token, before_heroes, 60)]) == [True]
    generation.forget()
    generation.saw(before_heroes.generation)
    served = as_served(get_website_data("en", sections).entry, fields)
    assert served == {field: AFTER["en"][field] for field in fields}
