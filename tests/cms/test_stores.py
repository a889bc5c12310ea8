"""The cache engine's two stores, Redis (production) and local memory (the quick start), pass
the same tests: generations, compare-and-set writes, purges, TTLs, locks."""

import threading

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django_redis import get_redis_connection

from cms.cache.stores import Entry, LocalStore, RedisStore, decode, encode

KEY = "cms:test:stores:key"


@pytest.fixture(params=["redis", "local"])
def store(request):
    if request.param == "redis":
        client = get_redis_connection("default")
        client.delete(KEY, f"{KEY}:gen", f"{KEY}:lock")
        yield RedisStore(client)
        client.delete(KEY, f"{KEY}:gen", f"{KEY}:lock")
    else:
        yield LocalStore(LocMemCache("stores-test", {}))


ENTRY = Entry(
    "v1", '{"ar":"واحة"}'.encode(), expires_at=1_900_000_000, built_at="2026-11-27T00:00:00Z"
)


def test_an_unknown_key_reads_as_none(store):
    assert store.read_many([KEY]) == {KEY: None}
    assert store.ttl(KEY) == -2


def test_a_write_with_the_current_token_is_read_back_whole(store):
    token = store.tokens([KEY])[KEY]
    assert store.tokens([KEY])[KEY] == token  # stable until a purge
    assert store.write_many([(KEY, token, ENTRY, 60)]) == [True]
    assert store.read_many([KEY]) == {KEY: ENTRY}
    assert 0 < store.ttl(KEY) <= 60


def test_a_purge_forgets_the_value_and_refuses_writes_with_an_older_token(store):
    token = store.tokens([KEY])[KEY]
    store.write_many([(KEY, token, ENTRY, 60)])
    assert store.purge([KEY]) is True
    assert store.read_many([KEY]) == {KEY: None}
    assert store.write_many([(KEY, token, ENTRY, 60)]) == [False]
    assert store.read_many([KEY]) == {KEY: None}
    fresh = store.tokens([KEY])[KEY]
    assert fresh != token
    assert store.write_many([(KEY, fresh, ENTRY, 60)]) == [True]


def test_a_lock_is_held_by_one_builder_at_a_time(store):
    held_elsewhere = threading.Event()
    release = threading.Event()
    results = []

    def other_builder():
        with store.lock(KEY) as acquired:
            results.append(acquired)
            held_elsewhere.set()
            release.wait(5)

    thread = threading.Thread(target=other_builder)
    thread.start()
    held_elsewhere.wait(5)
    waiting = threading.Thread(target=lambda: results.append(_acquire(store)))
    waiting.start()
    release.set()
    thread.join(5)
    waiting.join(10)
    assert results == [True, True]  # the second got it once the first let go


def _acquire(store):
    with store.lock(KEY) as acquired:
        return acquired


def test_the_store_answers_a_ping(store):
    assert store.ping() is True


def test_the_encoding_keeps_every_field_and_checks_the_generation():
    raw = encode("abc", ENTRY)
    assert decode("abc", raw) == ENTRY
    assert decode(b"abc", raw) == ENTRY
    assert decode("other", raw) is None
    assert decode(None, raw) is None
    assert decode("abc", encode("abc", Entry("v", b"[]"))) == Entry("v", b"[]")
