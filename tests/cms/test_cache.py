"""The cache's contract: a hit costs no query, a miss a fixed number, a cold key is built once."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cms.cache.engine import payload_cache
from cms.delivery import payload as website_data
from cms.delivery.keys import WHOLE, cache_key, keys_for
from cms.delivery.sections import SECTIONS
from tests.factories import ImageFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def test_a_hit_makes_no_database_query_and_returns_the_stored_bytes(
    client, site, django_assert_num_queries
):
    first = client.get("/api/website-data/?locale=ar")
    assert first["X-Cache"] == "MISS"
    with django_assert_num_queries(0):
        hit = client.get("/api/website-data/?locale=ar")
    assert hit["X-Cache"] == "HIT"
    assert hit.content == first.content  # the stored bytes, timestamp included


def test_a_hit_from_a_logged_in_browser_makes_no_database_query_either(
    editor_client, site, django_assert_num_queries
):
    # An editor's browser sends its admin session cookie to the API too: nothing on the hit
    # path (the locale-access middleware included) may load the session or the user.
    editor_client.get("/api/website-data/?locale=ar")
    with django_assert_num_queries(0):
        hit = editor_client.get("/api/website-data/?locale=ar")
    assert hit["X-Cache"] == "HIT"


def test_a_304_on_a_hit_makes_no_database_query(client, site, django_assert_num_queries):
    etag = client.get("/api/website-data/?locale=en")["ETag"]
    with django_assert_num_queries(0):
        response = client.get("/api/website-data/?locale=en", headers={"If-None-Match": etag})
    assert response.status_code == 304


def cold_build_queries(client):
    """Queries of one cold build, in steady state."""
    payload_cache.purge(keys_for(["en", "ar"]))
    client.get("/api/website-data/?locale=ar")  # fills Wagtail's caches (the sites' roots)
    payload_cache.purge(keys_for(["en", "ar"]))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/website-data/?locale=ar")
    assert response["X-Cache"] == "MISS"
    return len(queries)


def test_a_miss_costs_the_same_queries_for_5_or_200_partners(client, site):
    logo = ImageFactory()  # one image, so the test does not spend its time making renditions
    for _ in range(3):
        PartnerFactory(live=True, logo=logo)
    with_5 = cold_build_queries(client)
    for _ in range(195):
        PartnerFactory(live=True, logo=logo)
    with_200 = cold_build_queries(client)
    assert with_5 == with_200 == 18  # one of them reads the content generation
    assert len(client.get("/api/website-data/?locale=ar").json()["data"]["partners"]) == 200


def test_each_key_gets_its_configured_ttl(client, site, settings):
    settings.CMS_CACHE_TTLS = {"heroes": 77}
    client.get("/api/website-data/?locale=en")
    raw = payload_cache.store.client
    assert 3590 < raw.ttl(cache_key("en", WHOLE)) <= 3600
    assert 70 < raw.ttl(cache_key("en", "heroes")) <= 77
    assert 1790 < raw.ttl(cache_key("en", "menu_items")) <= 1800
    assert 3590 < raw.ttl(cache_key("en", "home_page")) <= 3600


def test_the_key_plan_names_every_section_per_locale():
    assert keys_for(["ar"]) == [
        "cms:v4:ar:announcement",
        "cms:v4:ar:menu_items",
        "cms:v4:ar:heroes",
        "cms:v4:ar:partners",
        "cms:v4:ar:footer_links",
        "cms:v4:ar:seo_data",
        "cms:v4:ar:home_page",
        "cms:v4:ar:website_data",
    ]
    assert [s.default_ttl for s in SECTIONS] == [1800, 1800, 1800, 1800, 1800, 3600, 3600]


def test_a_sections_request_reuses_cached_sections(client, site, django_assert_num_queries):
    client.get("/api/website-data/?locale=en")
    with django_assert_num_queries(0):
        response = client.get("/api/website-data/?locale=en&sections=menu,seo")
    assert response.status_code == 200
    assert list(response.json()["data"]) == ["locale", "direction", "version", "menu", "seo"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_cold_key_under_concurrent_requests_is_built_once(site, monkeypatch):
    builds = []
    real_build = website_data.build_fragments

    def counted_slow_build(locale_code, sections):
        builds.append(locale_code)
        threading.Event().wait(0.3)  # long enough for every request to arrive meanwhile
        return real_build(locale_code, sections)

    monkeypatch.setattr(website_data, "build_fragments", counted_slow_build)
    start = threading.Barrier(8)
    bodies = []

    def request():
        start.wait()
        response = Client().get("/api/website-data/?locale=en")
        bodies.append((response.status_code, response.content))
        connection.close()

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert builds == ["en"]
    assert len(bodies) == 8
    assert {status for status, _ in bodies} == {200}
    assert len({body for _, body in bodies}) == 1


def test_a_write_with_a_token_older_than_the_last_purge_is_refused(db):
    from cms.cache.stores import Entry

    key = cache_key("en", "heroes")
    token = payload_cache.tokens([key])[key]
    payload_cache.purge([key])
    assert payload_cache.write_many([(key, token, Entry("v", b"[]"), 60)]) == [False]
    assert payload_cache.store.client.get(key) is None


def test_a_value_stored_under_an_older_token_is_not_read(db):
    from cms.cache.stores import Entry

    key = cache_key("en", "heroes")
    token = payload_cache.tokens([key])[key]
    assert payload_cache.write_many([(key, token, Entry("v", b"[]"), 60)]) == [True]
    assert payload_cache.read_many([key])[key] == Entry("v", b"[]")
    payload_cache.store.client.set(f"{key}:gen", "newer-token")  # as a purge would
    assert payload_cache.read_many([key])[key] is None


def build_in_another_thread():
    try:
        website_data._build("en", list(SECTIONS))
    finally:
        connection.close()


def test_a_reader_waiting_for_anothers_build_takes_it_from_the_cache_once_it_lands(site):
    """It does not queue for the build lock after the build: it watches for the payload, so
    every waiting reader has it a few milliseconds after it is stored, all at once."""
    store = payload_cache.store
    payload_cache.purge(keys_for(["en"]))
    with store.lock(cache_key("en", "build")) as held:  # another reader, building
        assert held is True
        landing = threading.Timer(0.05, build_in_another_thread)
        landing.start()
        payload = website_data.get_website_data("en")  # waits, while the lock is held
        landing.join()
    assert payload.source == "HIT"
    assert payload.entry.body == website_data.get_website_data("en").entry.body
