"""No stale read after a publish returns, even when readers race the publish.

These run in real transactions (the publish commits, readers are other threads with their own
database connections), against the real PostgreSQL and Redis.
"""

import threading
import time

import pytest
from django.db import connection
from django.test import Client

from cms.delivery import payload as website_data
from sitecontent.models import Hero
from tests.factories import HeroFactory, publish

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def hero_title(response):
    return response.json()["data"]["heroes"][0]["title"]


def test_a_reader_that_read_before_a_publish_cannot_cache_its_stale_payload(monkeypatch):
    hero = publish(HeroFactory(title="Version 1"))
    read_done, publish_done = threading.Event(), threading.Event()
    real_build = website_data.build_fragments

    def build_then_pause(locale_code, sections):
        fragments = real_build(locale_code, sections)  # reads "Version 1"
        read_done.set()
        publish_done.wait(10)  # the publish commits and purges meanwhile
        return fragments

    monkeypatch.setattr(website_data, "build_fragments", build_then_pause)
    stale = {}

    def slow_reader():
        stale["response"] = Client().get("/api/website-data/?locale=en")
        connection.close()

    reader = threading.Thread(target=slow_reader)
    reader.start()
    assert read_done.wait(10)

    hero.title = "Version 2"
    publish(hero)  # autocommit: committed, and purged, when this returns
    publish_done.set()
    reader.join(10)
    monkeypatch.setattr(website_data, "build_fragments", real_build)

    # The slow reader answers what it read, but must not have cached it.
    assert hero_title(stale["response"]) == "Version 1"
    fresh = Client().get("/api/website-data/?locale=en")
    assert hero_title(fresh) == "Version 2"
    assert hero_title(Client().get("/api/website-data/?locale=en")) == "Version 2"


def test_once_a_publish_returns_no_response_carries_the_older_version():
    hero = publish(HeroFactory(title="v0"))
    published = {"version": 0}
    stop = threading.Event()
    violations, answered = [], []

    def reader():
        client = Client()
        while not stop.is_set():
            floor = published["version"]  # published before this request started
            response = client.get("/api/website-data/?locale=en")
            seen = int(hero_title(response)[1:])
            answered.append(seen)
            if seen < floor:
                violations.append((floor, seen))
        connection.close()

    readers = [threading.Thread(target=reader) for _ in range(6)]
    for thread in readers:
        thread.start()
    try:
        for version in range(1, 16):
            time.sleep(0.02)
            hero = Hero.objects.get(pk=hero.pk)
            hero.title = f"v{version}"
            publish(hero)
            published["version"] = version
        time.sleep(0.1)
    finally:
        stop.set()
        for thread in readers:
            thread.join(10)

    assert violations == []
    assert len(answered) > 50
    assert max(answered) == 15
