"""Hits from each app process's own copy (cms.cache.local_copies): no round trip to Redis,
and never a copy that a purge has spoken against. Against the real Redis, with the listener
each gunicorn worker starts."""

import socket
import time

import pytest
from django_redis import get_redis_connection

from cms.cache import generation
from cms.cache import local_copies as listener
from cms.cache.engine import payload_cache
from cms.cache.local_copies import SILENCE_LIMIT, LocalCopies, local_copies
from cms.cache.stores import ACK_WAIT, Entry, channel
from cms.delivery.keys import WHOLE, cache_key
from sitecontent.models import Hero
from tests.cms.test_redis_outage import redis_server  # noqa: F401 (a fixture)
from tests.factories import publish

pytestmark = pytest.mark.django_db


def wait_until(condition, seconds=3.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture
def listening():
    listener.start()
    wait_until(local_copies.usable)
    yield
    listener.stop()


def current_entry(**fields):
    """An entry stamped with the newest generation this process has seen."""
    generation.saw(0)  # a process that never read the generation trusts no copy
    return Entry("v", b"{}", generation=generation.newest(), **fields)


def redis_reads():
    stats = get_redis_connection("default").info("commandstats")
    return stats.get("cmdstat_mget", {}).get("calls", 0)


def first_hero(client, code="en"):
    response = client.get(f"/api/website-data/?locale={code}")
    return response, response.json()["data"]["heroes"][0]["title"]


def test_a_hit_from_this_process_copy_makes_no_round_trip(client, site, listening):
    first_hero(client)  # built
    wait_until(lambda: first_hero(client) and local_copies.heard(cache_key("en", WHOLE)))  # kept
    before = redis_reads()
    response, _ = first_hero(client)
    assert response["X-Cache"] == "HIT"
    assert redis_reads() == before


def test_a_publish_returns_only_once_every_listening_process_dropped_its_copy(
    client, site, listening, django_capture_on_commit_callbacks
):
    first_hero(client)
    wait_until(lambda: first_hero(client) and local_copies.heard(cache_key("en", WHOLE)))  # kept
    hero = Hero.objects.get(locale__language_code="en", title="Clean power")
    hero.title = "Cleaner power"
    with django_capture_on_commit_callbacks(execute=True):
        publish(hero)
    assert local_copies.heard(cache_key("en", WHOLE)) is None
    assert first_hero(client)[1] == "Cleaner power"


def test_a_purge_waits_for_a_listener_that_does_not_acknowledge_then_goes_on(listening):
    mute = get_redis_connection("default").pubsub()
    mute.subscribe(channel())  # hears purges, never acknowledges them
    mute.get_message(timeout=1)
    try:
        started = time.monotonic()
        payload_cache.purge([cache_key("en", WHOLE)])
        assert time.monotonic() - started >= ACK_WAIT
    finally:
        mute.close()


def test_a_copy_read_before_a_purge_is_not_kept_after_it():
    ours, _theirs = socket.socketpair()
    copies = LocalCopies()
    copies.listening(ours)
    epoch = copies.epoch  # a reader reads Redis…
    copies.drop(["k"])  # …a purge of k is heard…
    copies.remember_served("k", current_entry(), epoch)  # …and the reader's copy is not kept
    assert copies.heard("k") is None
    copies.remember_served("k", current_entry(), copies.epoch)
    assert copies.heard("k") is not None


def test_unread_news_on_the_listeners_connection_sends_readers_to_redis():
    ours, theirs = socket.socketpair()
    copies = LocalCopies()
    copies.listening(ours)
    copies.remember_served("k", current_entry(), copies.epoch)
    assert copies.heard("k") is not None
    theirs.send(b"a purge, not read yet")
    assert copies.heard("k") is None


def test_an_expiring_copy_is_not_served_past_its_time():
    ours, _theirs = socket.socketpair()
    copies = LocalCopies()
    copies.listening(ours)
    copies.remember_served("k", current_entry(expires_at=time.time() - 1), copies.epoch)
    assert copies.heard("k") is None


def test_copies_are_dropped_when_redis_goes_silent(client, site, redis_server):  # noqa: F811
    listener.start()
    try:
        wait_until(local_copies.usable)
        first_hero(client)  # built
        # Read from Redis and kept; on a loaded machine a pong can be unread at the moment of
        # the read (then the reader goes to Redis and keeps nothing), so read until it is kept.
        wait_until(lambda: first_hero(client) and local_copies.heard(cache_key("en", WHOLE)))
        redis_server.freeze()
        time.sleep(SILENCE_LIMIT + 0.05)
        assert not local_copies.usable()  # before any purge could have failed (0.5 s)
        wait_until(lambda: local_copies._socket is None)  # the listener gave up on Redis
        assert local_copies.heard(cache_key("en", WHOLE)) is None  # for good, not only now
        redis_server.thaw()
        wait_until(local_copies.usable)  # listening again, with nothing kept from before
        assert local_copies.heard(cache_key("en", WHOLE)) is None
    finally:
        redis_server.thaw()
        listener.stop()


def test_once_redis_is_gone_the_copy_it_served_is_proven_by_its_stamp_alone(
    client,
    site,
    redis_server,  # noqa: F811
    django_assert_num_queries,
):
    """One store, one rule: the copy heard from Redis is the copy the process serves through an
    outage while its stamp is the newest generation seen, so the outage costs no rebuild."""
    listener.start()
    try:
        wait_until(local_copies.usable)
        first_hero(client)  # built
        wait_until(lambda: first_hero(client) and local_copies.heard(cache_key("en", WHOLE)))
        heard = client.get("/api/website-data/?locale=en")
        redis_server.stop()
        client.get("/api/website-data/?locale=ar")  # finds Redis gone
        with django_assert_num_queries(0):
            served = client.get("/api/website-data/?locale=en")
    finally:
        listener.stop()
    assert served["X-Cache"] == "LOCAL"
    assert served.content == heard.content


def test_the_listeners_own_pongs_waiting_unread_are_no_news():
    ours, theirs = socket.socketpair()
    copies = LocalCopies()
    copies.listening(ours)
    copies.remember_served("k", current_entry(), copies.epoch)
    theirs.send(b"+PONG\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n")
    assert copies.heard("k") is not None
    theirs.send(b"*3\r\n$7\r\nmessage\r\n")  # a purge behind the pongs
    assert copies.heard("k") is None
