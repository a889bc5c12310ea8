"""The API's edge: whatever a client sends, the answer is a 4xx (or a 503 while a dependency
is down) in the JSON envelope, never a 500 and never an HTML page."""

import json

import pytest
from django.db import DataError, OperationalError
from wagtail.models import PageViewRestriction

from .conftest import get_data

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/website-data/",
    "/api/v2/pages/",
    "/api/v2/images/",
    "/api/v2/documents/",
    "/api/v2/heroes/",
    "/api/v2/menu-items/",
]


def assert_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "error" and body["message"]
    return body


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    "query",
    ["locale=a%00r", "search=x%00y", "html_path=/%00", "q=%01"],
)
def test_control_characters_are_400s(client, site, path, query):
    assert_error(client.get(f"{path}?{query}"), 400)


@pytest.mark.parametrize("path", [path for path in ENDPOINTS if path.startswith("/api/v2/")])
@pytest.mark.parametrize("query", ["offset=100000000000000000000", "limit=-99999999999"])
def test_numbers_too_large_for_the_database_are_400s(client, site, path, query):
    assert_error(client.get(f"{path}?{query}"), 400)


def test_an_unknown_search_operator_is_a_400(client, site):
    body = assert_error(client.get("/api/v2/pages/?search=solar&search_operator=xor"), 400)
    assert "and, or" in body["message"]


def test_an_overlong_query_string_is_a_414(client, site):
    assert_error(client.get("/api/website-data/?locale=en&x=" + "a" * 3000), 414)


@pytest.mark.parametrize("path", ["/api/website-data/", "/en/", "/admin/login/"])
def test_trace_is_refused_everywhere(client, site, path):
    response = client.generic("TRACE", path)
    assert response.status_code == 405
    if path.startswith("/api/"):
        assert_error(response, 405)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writing_to_a_read_only_endpoint_is_a_405_in_the_envelope(client, site, method):
    response = client.generic(method, "/api/website-data/", b"x=1")
    assert_error(response, 405)
    assert response["Allow"] == "GET, HEAD"


def test_a_deeply_nested_body_is_a_400(client, site, settings):
    settings.CMS_CACHE_REFRESH_TOKEN = "token"
    body = "[" * 5000 + "]" * 5000
    response = client.post(
        "/api/update-redis/",
        body,
        content_type="application/json",
        headers={"Authorization": "Bearer token"},
    )
    assert_error(response, 400)


def test_a_chunked_body_is_a_411_not_silently_an_empty_one(client, site, settings):
    settings.CMS_CACHE_REFRESH_TOKEN = "token"
    response = client.post(
        "/api/update-redis/",
        json.dumps({"locales": ["ar"]}),
        content_type="application/json",
        headers={"Authorization": "Bearer token", "Transfer-Encoding": "chunked"},
    )
    assert_error(response, 411)


def test_a_database_outage_under_api_v2_is_a_503_with_retry_after(client, site, monkeypatch):
    from cms.api import v2

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(v2.SectionAPIViewSet, "listing_view", down)
    response = client.get("/api/v2/heroes/")
    assert_error(response, 503)
    assert response["Retry-After"] == "5"


def test_a_value_the_database_refuses_is_a_400(client, site, monkeypatch):
    from cms.api import v2

    def refused(*args, **kwargs):
        raise DataError("integer out of range")

    monkeypatch.setattr(v2.SectionAPIViewSet, "listing_view", refused)
    assert_error(client.get("/api/v2/heroes/"), 400)


def test_a_password_protected_home_page_is_never_in_the_payload(
    client, site, django_capture_on_commit_callbacks
):
    assert get_data(client, "?locale=ar&sections=home")["home"]["url"] == "/ar/"
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=site["arabic_home"], restriction_type="password", password="secret"
        )
    # Purged at once: the Arabic payload now falls back to the public English home page.
    home = get_data(client, "?locale=ar&sections=home")["home"]
    assert (home["url"], home["fallback_locale"]) == ("/en/", "en")
    api_v2 = client.get("/api/v2/pages/?locale=ar&type=home.HomePage").json()
    assert api_v2["meta"]["total_count"] == 0


def test_a_database_outage_outside_any_view_is_a_503_too(client, site, editor, monkeypatch):
    from cms import middleware

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(middleware, "may_write", down)
    client.force_login(editor)
    client.raise_request_exception = False
    response = client.post("/api/update-redis/")  # a write: the locale rule looks it up
    assert_error(response, 503)


def test_a_cache_buster_is_ignored_however_large(client, site):
    assert client.get("/api/website-data/?locale=en&_=1712345678901").status_code == 200


@pytest.mark.parametrize("query", ["limit=%C2%B2", "offset=%D9%A3"])  # ², Arabic-Indic 3
def test_digits_that_are_not_ascii_are_a_400(client, site, query):
    assert_error(client.get(f"/api/v2/heroes/?{query}"), 400)


def test_an_error_of_the_build_itself_is_not_taken_for_a_redis_outage(client, site, monkeypatch):
    from cms.cache.engine import payload_cache
    from cms.delivery import payload

    def missing_file(*args, **kwargs):
        raise FileNotFoundError("media/original_images/gone.jpg")

    monkeypatch.setattr(payload, "build_fragments", missing_file)
    client.raise_request_exception = False
    assert_error(client.get("/api/website-data/?locale=en"), 500)
    assert payload_cache.healthy  # Redis was fine all along
