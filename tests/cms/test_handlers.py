"""The WSGI application (config.wsgi → cms.handlers): public reads of the website data skip
the middleware that only the admin and writes need, and nothing else does."""

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from cms.handlers import Application


@pytest.fixture(scope="module")
def application():
    return Application()


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    """As Django's test client does: a request's end must not close the connection that holds
    the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def call(application, request):
    answer = {}

    def start_response(status, headers):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    answer["body"] = b"".join(application(request.environ, start_response))
    return answer


@pytest.mark.parametrize(
    ("method", "path", "public_read"),
    [
        ("GET", "/api/website-data/", True),
        ("HEAD", "/api/website-data/", True),
        ("POST", "/api/website-data/", False),
        ("GET", "/api/v2/pages/", False),
        ("GET", "/admin/", False),
    ],
)
def test_only_reads_of_the_website_data_take_the_short_chain(
    application, method, path, public_read
):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path}
    expected = application.public_read if public_read else application.full
    assert application.handler_for(environ) is expected


def test_the_short_chain_is_the_full_one_without_what_a_public_read_never_needs():
    short = settings.CMS_PUBLIC_READ_MIDDLEWARE
    assert short == [path for path in settings.MIDDLEWARE if path in short]  # same order
    for needed in ("cms.api.guard.ApiEdgeMiddleware", "corsheaders.middleware.CorsMiddleware"):
        assert needed in short
    for skipped in ("sessions", "csrf", "auth", "messages", "axes", "LocaleAccess"):
        assert not any(skipped in path for path in short), skipped


def test_a_public_read_is_answered_with_no_query_and_no_admin_middleware(
    application, site, django_assert_num_queries
):
    request = RequestFactory().get("/api/website-data/?locale=ar", HTTP_ORIGIN="https://x.test")
    call(application, request)  # builds and caches it
    with django_assert_num_queries(0):
        answer = call(application, request)
    assert answer["status"] == 200
    assert answer["headers"]["Content-Length"] == str(len(answer["body"]))
    assert "X-Request-ID" in answer["headers"]
    assert "X-Content-Type-Options" in answer["headers"]  # SecurityMiddleware ran
    assert "X-Frame-Options" not in answer["headers"]  # nginx adds it; Django need not
    assert "Cookie" not in answer["headers"].get("Vary", "")


def test_the_edge_checks_still_run_on_the_short_chain(application, site):
    answer = call(application, RequestFactory().get("/api/website-data/?locale=ar%00"))
    assert answer["status"] == 400
    assert answer["headers"]["Content-Type"] == "application/json"


def test_everything_else_keeps_the_full_chain(application, site):
    answer = call(application, RequestFactory().get("/api/"))
    assert answer["headers"]["X-Frame-Options"] == "DENY"
