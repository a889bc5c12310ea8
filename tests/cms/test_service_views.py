"""/health/, /health/live/, the API info at /, and the JSON errors of /api/."""

import json

import pytest
from django.db import DatabaseError
from django.test import Client

from cms.views import csrf_failure

pytestmark = pytest.mark.django_db


def test_health_checks_the_database_and_the_cache_with_their_latency(client, site):
    response = client.get("/health/")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    for check in ("database", "cache"):
        assert body["checks"][check]["status"] == "ok"
        assert body["checks"][check]["latency_ms"] >= 0
    assert "no-cache" in response["Cache-Control"]


def test_health_is_503_when_the_database_is_unreachable(client, site, monkeypatch):
    from cms import views

    class Unreachable:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr(views, "connection", Unreachable())
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["checks"]["database"]["status"] == "error"


def test_health_reveals_no_configuration(client, site, settings):
    text = client.get("/health/").text
    for secret in (settings.SECRET_KEY, settings.DATABASES["default"]["NAME"], "redis://"):
        assert secret not in text


def test_liveness_answers_without_checking_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live/")
    assert response.json() == {"status": "ok"}


def test_the_root_describes_the_api(client, db):
    body = client.get("/").json()
    assert body["status"] == "success"
    data = body["data"]
    assert data["version"] == "0.1.0"
    assert data["endpoints"]["website_data"] == "/api/website-data/"
    assert data["endpoints"]["wagtail_api_v2"]["menu-items"] == "/api/v2/menu-items/"
    assert data["locales"] == [
        {"code": "en", "name": "English", "direction": "ltr", "default": True},
        {"code": "ar", "name": "Arabic", "direction": "rtl", "default": False},
    ]


def test_an_unknown_api_path_is_a_json_404_not_a_redirect_to_a_page(client, db):
    response = client.get("/api/nothing/here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["message"] == "No API endpoint at /api/nothing/here."


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_write_to_an_unknown_api_path_is_a_json_404_not_a_csrf_page(method, db):
    browser = Client(enforce_csrf_checks=True)  # as a browser's request meets the checks
    response = getattr(browser, method)("/api/nothing/", "x=1", content_type="text/plain")
    assert response.status_code == 404
    assert response.json()["message"] == "No API endpoint at /api/nothing/."


def test_a_refused_csrf_check_is_json_under_api_and_djangos_page_elsewhere(rf):
    api = csrf_failure(rf.post("/api/anything/"), reason="CSRF cookie not set.")
    assert api.status_code == 403 and api["Content-Type"] == "application/json"
    assert json.loads(api.content)["message"].startswith("CSRF verification failed")
    page = csrf_failure(rf.post("/admin/login/"), reason="CSRF cookie not set.")
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")


def test_an_unexpected_error_under_api_is_a_json_500(client, site, monkeypatch):
    from cms.api import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "get_website_data", broken)
    client.raise_request_exception = False
    response = client.get("/api/website-data/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["status"], body["data"]) == ("error", None)
    assert "boom" not in body["message"]


def test_errors_outside_api_stay_html(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code in (302, 404)
    assert "application/json" not in response.get("Content-Type", "")
