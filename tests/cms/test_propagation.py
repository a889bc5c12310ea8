"""The purge pipeline (cms.delivery.propagation) as the admin and the API see it: what shared
caches are told, once per request, and what happens when one cannot be reached. The caches
themselves (nginx, Varnish) are exercised for real in tests/stack/test_edge_caches.py; here an
unreachable one is a closed port on loopback."""

import time

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from cms.delivery import propagation, shared_caches
from cms.delivery.models import PendingEdgePurge, UnfinishedPropagation
from cms.delivery.sections import find
from cms.webhooks.models import PublishReceipt
from sitecontent.models import Hero
from tests.factories import HeroFactory, publish

CLOSED = "http://127.0.0.1:9"  # discard port: nothing listens, the connection is refused
UNREACHABLE = f"nginx {CLOSED}"


@pytest.fixture
def unreachable_nginx(settings):
    settings.CMS_EDGE_CACHES = [
        {"BACKEND": "cms.delivery.shared_caches.NginxCache", "URL": CLOSED}
    ]
    settings.CMS_EDGE_SETTLE_MS = 1


def kept():
    return sorted(PendingEdgePurge.objects.values_list("cache", "item"))


def test_public_answers_name_their_locale_and_sections_for_shared_caches(client, site):
    response = client.get("/api/website-data/?locale=ar&sections=heroes")
    assert response["Surrogate-Key"] == "cms cms-ar cms-ar-heroes"
    assert response["Cache-Tag"] == "cms,cms-ar,cms-ar-heroes"
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=300"
    v2 = client.get("/api/v2/heroes/?locale=ar")
    assert v2["Surrogate-Key"] == "cms cms-ar cms-ar-heroes"


def test_a_change_purges_the_tags_of_its_own_locale_and_sections_only():
    heroes, menu = find("heroes"), find("menu")
    cache = shared_caches.SurrogateKeyCache("http://varnish.test/")
    assert cache.items({("ar", heroes), ("en", menu)}) == ["cms-ar-heroes", "cms-en-menu"]


def test_nginx_is_purged_under_the_keys_its_template_caches(settings):
    cache = shared_caches.NginxCache("http://10.0.0.5:8081/")
    assert cache.items({("ar", find("heroes"))}) == ["website-data:ar"]
    assert cache.items({("en", find("menu"))}) == ["website-data:en", "website-data:default"]


def test_a_purge_that_cannot_get_through_is_kept_and_the_publish_stands(db, unreachable_nginx):
    outcomes = propagation.propagate({("ar", find("heroes"))})
    assert [outcome.ok for outcome in outcomes] == [False]
    assert kept() == [(UNREACHABLE, "website-data:ar")]

    assert shared_caches.retry_pending() is False  # still unreachable: kept, counted
    assert PendingEdgePurge.objects.get().attempts == 2


def test_kept_purges_for_a_cache_no_longer_configured_are_dropped(db, unreachable_nginx, settings):
    propagation.propagate({("ar", find("heroes"))})
    settings.CMS_EDGE_CACHES = []
    assert shared_caches.retry_pending() is True
    assert kept() == []


def test_one_request_purges_each_shared_cache_once_for_all_it_changed(
    rf, site, unreachable_nginx, django_capture_on_commit_callbacks
):
    heroes = list(Hero.objects.filter(live=True, locale__language_code="en")[:2])

    def publish_both(request):
        with django_capture_on_commit_callbacks(execute=True):
            for hero in heroes:
                hero.title += " (new)"
                publish(hero)
        return None

    propagation.EdgePurgeMiddleware(publish_both)(rf.post("/admin/"))
    # One purge of everything both publishes changed: each key once, not once per publish.
    items = [item for _, item in kept()]
    assert items == sorted(set(items))
    assert "website-data:en" in items


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_editor_is_told_when_a_cache_could_not_be_purged(publisher_client, unreachable_nginx):
    editor_client = publisher_client
    hero = publish(HeroFactory(title="Before"))
    form = {
        "title": "After",
        "description": hero.description,
        "button_label": hero.button_label,
        "link_url": "/services",
        "link_page": "",
        "background_image": hero.background_image_id,
    }
    edit = reverse("wagtailsnippets_sitecontent_hero:edit", args=[hero.pk])
    response = editor_client.post(edit, {**form, "action-publish": "1"}, follow=True)

    hero.refresh_from_db()
    assert hero.live and hero.title == "After"  # the publish stands
    assert "could not be told yet" in response.text
    assert ("nginx http://127.0.0.1:9", "website-data:en") in kept()
    page = editor_client.get(reverse("cms_refresh_cache"))
    assert "waiting since" in page.text


def test_a_change_leaves_nothing_unfinished_once_propagated(
    site, django_capture_on_commit_callbacks
):
    UnfinishedPropagation.objects.all().delete()  # the fixture's, never committed
    hero = Hero.objects.get(locale__language_code="en", title="Clean power")
    hero.title = "Cleaner power"
    with django_capture_on_commit_callbacks(execute=True):
        publish(hero)
    assert not UnfinishedPropagation.objects.exists()


def test_a_change_whose_process_died_before_propagating_it_is_finished_by_another(
    client, site, django_capture_on_commit_callbacks
):
    def first_hero():
        return client.get("/api/website-data/?locale=en").json()["data"]["heroes"][0]["title"]

    assert first_hero() == "Clean power"  # cached
    UnfinishedPropagation.objects.all().delete()  # the fixture's, never committed
    hero = Hero.objects.get(locale__language_code="en", title="Clean power")
    hero.title = "Cleaner power"
    with django_capture_on_commit_callbacks(execute=False):  # committed, then the process died
        publish(hero)
    assert first_hero() == "Clean power"  # nobody purged it
    [unfinished] = UnfinishedPropagation.objects.all()
    assert ["en", "heroes"] in unfinished.pairs

    assert propagation.replay_unfinished() == 0  # it may still be under way
    UnfinishedPropagation.objects.update(created_at=timezone.now() - propagation.REPLAY_AFTER)
    assert propagation.replay_unfinished() == 1
    assert first_hero() == "Cleaner power"
    assert not UnfinishedPropagation.objects.exists()
    receipt = PublishReceipt.objects.get()  # and it was announced, with what changed
    assert [item.label for item in receipt.items.all()] == ["Cleaner power"]


def test_a_change_whose_receipt_could_not_be_written_stays_unfinished_to_be_announced_again(
    site, django_capture_on_commit_callbacks, monkeypatch
):
    UnfinishedPropagation.objects.all().delete()  # the fixture's, never committed
    hero = Hero.objects.get(locale__language_code="en", title="Clean power")
    hero.title = "Cleaner power"

    def database_gone(*args, **kwargs):
        raise DatabaseError("the database went away")

    with monkeypatch.context() as patched:
        patched.setattr(PublishReceipt.objects, "create", database_gone)
        with django_capture_on_commit_callbacks(execute=True):
            publish(hero)  # the publish stands
    assert Hero.objects.get(pk=hero.pk).title == "Cleaner power"
    assert UnfinishedPropagation.objects.count() == 1 and not PublishReceipt.objects.exists()

    UnfinishedPropagation.objects.update(created_at=timezone.now() - propagation.REPLAY_AFTER)
    assert propagation.replay_unfinished() == 1
    assert PublishReceipt.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_app_process_finishes_what_a_dead_one_left_without_anyone_asking(site):
    """The reconciler thread (started with each gunicorn worker) replays a propagation that a
    killed process left unfinished, with no request and no command calling it."""
    from cms.delivery import reconciler

    UnfinishedPropagation.objects.all().delete()
    UnfinishedPropagation.objects.create(pairs=[["en", "heroes"]], items=[])
    UnfinishedPropagation.objects.update(created_at=timezone.now() - propagation.REPLAY_AFTER)
    reconciler.start(0.1)
    try:
        deadline = time.monotonic() + 10
        while UnfinishedPropagation.objects.exists():
            assert time.monotonic() < deadline, "the reconciler never finished it"
            time.sleep(0.05)
    finally:
        reconciler.stop()
    assert PublishReceipt.objects.filter(pairs=[["en", "heroes"]]).exists()
