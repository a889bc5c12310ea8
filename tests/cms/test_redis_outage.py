"""Redis down or frozen mid-test: the API keeps answering from the database, the outage is
logged once, /health/ says degraded, and a publish made meanwhile is not lost.

Each test gets its own redis-server (the real one, on a free loopback port) so it can stop,
freeze (SIGSTOP) and resume it.
"""

import logging
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.core.cache import cache as django_cache

from cms.cache import generation
from cms.cache.engine import RETRY_INTERVAL, PayloadCache, payload_cache
from cms.delivery.keys import cache_key
from cms.models import ContentGeneration
from scripts.loopback import free_port
from sitecontent.models import Hero
from tests.factories import publish

pytestmark = pytest.mark.django_db


class RedisServer:
    def __init__(self, tmp_path):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(tmp_path),
            ],
            stdout=subprocess.DEVNULL,
        )
        self.url = f"redis://127.0.0.1:{self.port}/0"
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def freeze(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self):
        if self.process.poll() is None:
            self.thaw()
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def redis_server(tmp_path, settings):
    server = RedisServer(tmp_path)
    caches = {**settings.CACHES}
    caches["default"] = {**caches["default"], "LOCATION": server.url}
    settings.CACHES = caches
    payload_cache.reset()
    yield server
    server.stop()
    payload_cache.reset()


def wait_past_retry_interval():
    time.sleep(RETRY_INTERVAL + 0.1)


def heroes(client, code="en"):
    response = client.get(f"/api/website-data/?locale={code}")
    assert response.status_code == 200
    return [hero["title"] for hero in response.json()["data"]["heroes"]]


def test_with_redis_down_every_endpoint_answers_from_the_database(client, site, redis_server):
    assert heroes(client) == ["Clean power", "English only hero"]
    redis_server.stop()
    assert heroes(client, "ar") == ["طاقة نظيفة", "English only hero"]
    assert client.get("/api/website-data/?locale=en")["X-Cache"] == "MISS"
    for path in ("/api/v2/heroes/?locale=ar", "/api/v2/pages/", "/api/v2/images/", "/"):
        assert client.get(path).status_code == 200, path


def test_with_redis_down_health_says_degraded(client, site, redis_server):
    redis_server.stop()
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"] == {"status": "error", "latency_ms": None}


def test_an_outage_is_logged_once_not_per_request(client, site, redis_server, caplog):
    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="cms.cache.engine"):
        for _ in range(20):
            heroes(client)
            wait_past_retry_interval() if _ == 10 else None
    warnings = [r for r in caplog.records if "Redis unavailable" in r.getMessage()]
    assert len(warnings) == 1


def test_a_frozen_redis_costs_a_bounded_delay_not_an_error(client, site, redis_server):
    heroes(client)
    redis_server.freeze()
    try:
        started = time.monotonic()
        assert heroes(client) == ["Clean power", "English only hero"]
        first = time.monotonic() - started
        started = time.monotonic()
        heroes(client)
        second = time.monotonic() - started
    finally:
        redis_server.thaw()
    assert first < 3, f"a hanging Redis call must be cut short, took {first:.1f}s"
    assert second < 3


def test_a_publish_during_an_outage_is_applied_when_redis_is_back(
    client, site, redis_server, django_capture_on_commit_callbacks
):
    assert heroes(client) == ["Clean power", "English only hero"]  # cached
    redis_server.freeze()  # Redis keeps its (soon stale) data but does not answer
    try:
        hero = site["hero"]
        hero.title = "Published during the outage"
        with django_capture_on_commit_callbacks(execute=True):
            publish(hero)
        assert heroes(client)[0] == "Published during the outage"  # from the database
    finally:
        redis_server.thaw()

    wait_past_retry_interval()
    assert heroes(client)[0] == "Published during the outage"
    # Another process, which never noticed the outage, reads Redis directly: what it finds is
    # the new title, or a copy from before the publish, which no process that has read the
    # content generation (every second, cms.cache.generation) serves.
    other_process = PayloadCache()
    key = cache_key("en", "website_data")
    cached = other_process.read_many([key])[key]
    assert (
        cached is None
        or b"Published during the outage" in cached.body
        or cached.generation < ContentGeneration.current()
    )


def test_a_copy_in_redis_older_than_the_content_generation_is_never_served(client, site):
    """A purge Redis never took (refused, lost in a freeze, undone by an old snapshot): the
    change moved the generation on in its transaction, and the copy is stamped before it."""
    assert client.get("/api/website-data/?locale=en")["X-Cache"] == "MISS"
    assert client.get("/api/website-data/?locale=en")["X-Cache"] == "HIT"
    Hero.objects.filter(pk=site["hero"].pk).update(title="Changed, purge lost")
    ContentGeneration.advance()  # as the change's own transaction did; no purge reached Redis
    assert client.get("/api/website-data/?locale=en")["X-Cache"] == "HIT"  # not read yet
    generation.saw(ContentGeneration.current())  # what every process's watcher does
    response = client.get("/api/website-data/?locale=en")
    assert response["X-Cache"] == "MISS"
    assert response.json()["data"]["heroes"][0]["title"] == "Changed, purge lost"
    assert client.get("/api/website-data/?locale=en")["X-Cache"] == "HIT"  # the new copy


def test_wagtails_own_caches_survive_redis_going_away(site, redis_server):
    redis_server.stop()
    assert django_cache.get("anything") is None  # ignored, not raised


# The circuit breaker, copies kept in memory, and purges kept through an outage.


def test_a_frozen_redis_costs_a_timeout_per_retry_not_per_request(client, site, redis_server):
    heroes(client)
    redis_server.freeze()
    try:
        heroes(client)  # finds out: at most one socket timeout
        durations = []
        for path in ["/api/website-data/?locale=en", "/api/v2/pages/", "/api/v2/heroes/"] * 5:
            started = time.monotonic()
            assert client.get(path).status_code == 200
            durations.append(time.monotonic() - started)
    finally:
        redis_server.thaw()
    # Wagtail's own caching (the site's root paths for pages) included: the breaker is open.
    # Once a second (RETRY_INTERVAL) the cache layer tries Redis again; while it is frozen,
    # that one request pays a timeout (the loop lasts about a second: at most one does).
    slow = [took for took in durations if took >= 0.25]
    assert len(slow) <= 1, durations


def test_the_breaker_closes_once_redis_answers_again(client, site, redis_server):
    from cms.cache.breaker import breaker

    heroes(client)
    redis_server.freeze()
    heroes(client)
    assert breaker.is_open
    redis_server.thaw()
    deadline = time.monotonic() + 5
    while client.get("/api/website-data/?locale=en")["X-Cache"] != "HIT":
        assert time.monotonic() < deadline, "the cache was never used again"
        time.sleep(0.2)
    assert not breaker.is_open and breaker.failures == 0, vars(breaker)


def test_without_redis_a_copy_in_memory_costs_no_query_until_a_publish(
    client, site, redis_server, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """The copy is served while it is stamped with the newest generation the process has
    seen: the generation watcher reads it, not each request."""
    redis_server.stop()
    heroes(client)  # finds Redis gone
    first = client.get("/api/website-data/?locale=en")
    with django_assert_num_queries(0):
        again = client.get("/api/website-data/?locale=en")
    assert again.content == first.content
    hero = site["hero"]
    hero.title = "Published without Redis"
    with django_capture_on_commit_callbacks(execute=True):
        publish(hero)
    assert heroes(client)[0] == "Published without Redis"  # never the copy from before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_process_reads_the_content_generation_without_anyone_asking(site):
    """Its watcher thread (started with each gunicorn worker) learns of a change whose purge
    never reached Redis: the process stops serving its older copies without a request."""
    from django.test import Client

    client = Client()
    heroes(client)
    assert client.get("/api/website-data/?locale=en")["X-Cache"] == "HIT"
    changed = ContentGeneration.advance()  # committed: no transaction is open here
    generation.watch(0.1)
    try:
        deadline = time.monotonic() + 5
        while generation.newest() < changed:
            assert time.monotonic() < deadline, "the watcher never read the generation"
            time.sleep(0.05)
    finally:
        generation.stop_watching()
    assert client.get("/api/website-data/?locale=en")["X-Cache"] == "MISS"


def test_a_recycled_worker_starts_from_the_generation_its_app_server_saw(monkeypatch):
    """gunicorn forks workers from its master: what one worker saw, the next one starts from,
    so it serves from the cache while the database does not answer."""
    monkeypatch.setattr(generation, "_shared", generation.SharedNewest())
    generation.forget()
    child = os.fork()
    if child == 0:  # a worker that read the generation
        generation.saw(41)
        os._exit(0)
    assert os.waitpid(child, 0)[1] == 0
    generation.watch(0)  # a new worker, before its first read
    try:
        assert generation.newest() == 41
        generation.saw(40)  # an older read changes nothing, here or for the next worker
        assert generation._shared.read() == 41
    finally:
        generation.forget()


def test_after_a_restore_from_an_older_backup_the_next_change_moves_past_what_was_seen(db):
    """Processes trust no copy stamped older than the newest generation they saw: a restored
    database's older generation would have them rebuild every request until it caught up."""
    for _ in range(3):
        seen = ContentGeneration.advance()
    ContentGeneration.objects.filter(pk=1).update(value=1)  # the backup's
    assert ContentGeneration.advance() > seen
