"""The database down (here: every build from it failing as psycopg fails when PostgreSQL is
gone) with nothing fresh in Redis: /api/website-data/ serves the last payload it built, marked
stale, with its original ETag, and answers 503 with Retry-After only when it never built one.
The same against real processes that are killed: tests/stack/test_faults.py."""

import threading

import pytest
from django.db import OperationalError

from cms.cache.engine import payload_cache
from cms.cache.local_copies import local_copies
from cms.delivery import payload
from cms.delivery.keys import cache_key, keys_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_copies_in_memory():
    local_copies.forget()
    yield
    local_copies.forget()


@pytest.fixture
def database_down(monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    return lambda: monkeypatch.setattr(payload, "build_fragments", down)


def test_a_cold_cache_with_the_database_down_serves_the_last_payload_marked_stale(
    client, site, database_down
):
    fresh = client.get("/api/website-data/?locale=ar")
    payload_cache.purge(keys_for(["ar"]))  # the cached payload expired, or was purged
    local_copies.forget()  # not even this process's memory: only what Redis kept
    database_down()
    stale = client.get("/api/website-data/?locale=ar")
    assert stale.status_code == 200
    assert stale["X-Cache"] == "STALE"
    assert stale["Warning"] == '110 - "Response is Stale"'
    assert stale["ETag"] == fresh["ETag"]
    assert stale.json()["data"] == fresh.json()["data"]
    assert stale.json()["timestamp"] == fresh.json()["timestamp"]  # when it was built
    assert "no-cache" in stale["Cache-Control"]


def test_a_subset_comes_from_the_last_payload_too(client, site, database_down):
    fresh = client.get("/api/website-data/?locale=en&sections=menu,seo")
    client.get("/api/website-data/?locale=en")
    payload_cache.purge(keys_for(["en"]))
    database_down()
    stale = client.get("/api/website-data/?locale=en&sections=menu,seo")
    assert stale["X-Cache"] == "STALE"
    assert stale["ETag"] == fresh["ETag"]  # the same version as when it was fresh
    assert stale.json()["data"] == fresh.json()["data"]


def test_with_no_payload_ever_built_it_is_a_503_with_retry_after(client, site, database_down):
    database_down()
    response = client.get("/api/website-data/?locale=ar")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["status"] == "error"


def test_api_v2_answers_503_rather_than_a_stale_copy(client, site, database_down):
    client.get("/api/website-data/?locale=en")
    payload_cache.purge(keys_for(["en"]))
    database_down()
    response = client.get("/api/v2/heroes/?locale=en")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def get_while_another_build_is_slow(client, path, monkeypatch, then=lambda: None):
    """GET `path` while another worker holds the build lock of `en` past the readers' wait
    (`then` runs once the payload was built once and purged)."""
    from cms.cache import stores

    client.get("/api/website-data/?locale=en")
    payload_cache.purge(keys_for(["en"]))
    then()
    monkeypatch.setattr(stores, "LOCK_WAIT", 0.2)
    holding, release = threading.Event(), threading.Event()

    def slow_builder():  # another worker, in the middle of a long build
        with payload_cache.store.lock(cache_key("en", "build")):
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=slow_builder)
    thread.start()
    holding.wait(5)
    try:
        return client.get(path)
    finally:
        release.set()
        thread.join(5)


def test_a_reader_that_waited_in_vain_for_a_slow_build_serves_stale_not_a_second_build(
    client, site, monkeypatch
):
    builds = []
    real_build = payload.build_fragments

    def count_builds():
        monkeypatch.setattr(
            payload, "build_fragments", lambda *a, **k: builds.append(a) or real_build(*a, **k)
        )

    response = get_while_another_build_is_slow(
        client, "/api/website-data/?locale=en", monkeypatch, then=count_builds
    )
    assert response["X-Cache"] == "STALE"
    assert builds == []


def test_api_v2_builds_rather_than_503_while_another_build_is_slow(client, site, monkeypatch):
    response = get_while_another_build_is_slow(client, "/api/v2/heroes/?locale=en", monkeypatch)
    assert response.status_code == 200
