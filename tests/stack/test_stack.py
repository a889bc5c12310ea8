"""The production stack, from the outside: what nginx and gunicorn answer on loopback."""

import re
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.stack.conftest import ADMIN_PASSWORD, SERVER_NAME

SECURITY_HEADERS = (
    "strict-transport-security",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "content-security-policy",
)


def test_the_nginx_configuration_is_valid(stack):
    assert stack.nginx_check.returncode == 0, stack.nginx_check.stderr
    assert "syntax is ok" in stack.nginx_check.stderr


def test_https_serves_health_and_the_website_data(stack):
    health = stack.curl("/health/")
    assert health.status == 200
    assert health.json()["status"] == "ok"
    data = stack.curl("/api/website-data/?locale=ar")
    assert data.status == 200
    assert data.json()["data"]["direction"] == "rtl"
    assert data.json()["data"]["menu"][0]["label"] == "الرئيسية"
    assert re.fullmatch(r"[0-9a-f]{32}", data.headers["x-request-id"])


def test_json_is_gzipped_for_clients_that_accept_it(stack):
    response = stack.curl("/api/website-data/?locale=en", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"


def test_http_redirects_to_https(stack):
    response = stack.curl("/api/website-data/?locale=en", scheme="http")
    assert response.status == 301
    assert response.headers["location"] == "https://cms.test/api/website-data/?locale=en"


def test_static_files_come_from_nginx_not_django(stack):
    css = next((stack.workdir / "static" / "wagtailadmin" / "css").glob("*.css"))
    response = stack.curl(f"/static/wagtailadmin/css/{css.name}")
    assert response.status == 200
    assert response.body == css.read_bytes()
    assert "x-request-id" not in response.headers  # Django sets it on everything it serves
    assert "max-age=2592000" in response.headers["cache-control"]


def test_media_files_come_from_nginx(stack):
    rendition = next(Path(stack.workdir / "media" / "images").glob("*.jpg"), None) or next(
        Path(stack.workdir / "media" / "original_images").glob("*.jpg")
    )
    folder = rendition.parent.name
    response = stack.curl(f"/media/{folder}/{rendition.name}")
    assert response.status == 200
    assert response.body == rendition.read_bytes()


def test_security_headers_are_on_a_200_and_on_a_404(stack):
    for path, status in (
        ("/api/website-data/", 200),
        ("/api/nothing/", 404),
        ("/static/nothing.css", 404),
    ):
        response = stack.curl(path)
        assert response.status == status, path
        for header in SECURITY_HEADERS:
            assert header in response.headers, (path, header)
    assert "server" not in stack.curl("/").headers or stack.curl("/").headers["server"] == "nginx"


def test_an_unknown_host_is_refused(stack):
    over_http = stack.curl("/", scheme="http", host="evil.test")
    assert over_http.status == 0  # nginx closes the connection without a response (444)
    over_https = stack.curl("/", host="evil.test")
    assert over_https.status == 0  # no TLS handshake for a name we do not serve


def test_the_admin_login_works_over_https_with_csrf(stack):
    jar = str(stack.workdir / "cookies.txt")
    login = stack.curl("/admin/login/", args=("--cookie-jar", jar))
    assert login.status == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', login.body).group(1)
    posted = stack.curl(
        "/admin/login/",
        args=(
            "--cookie",
            jar,
            "--cookie-jar",
            jar,
            "--data-urlencode",
            f"csrfmiddlewaretoken={token.decode()}",
            "--data-urlencode",
            "username=admin",
            "--data-urlencode",
            f"password={ADMIN_PASSWORD}",
            "--data-urlencode",
            "next=/admin/",
        ),
        headers={"Referer": f"https://cms.test:{stack.https_port}/admin/login/"},
    )
    assert posted.status == 302, posted.body[:500]
    assert posted.headers["location"] == "/admin/"
    assert "secure" in stack.curl("/admin/login/").headers.get("set-cookie", "").lower()
    dashboard = stack.curl("/admin/", args=("--cookie", jar))
    assert dashboard.status == 200
    assert b"Site content" in dashboard.body


def test_a_post_without_the_csrf_token_is_refused(stack):
    response = stack.curl("/admin/login/", args=("--data", "username=admin&password=x"))
    assert response.status == 403


def test_a_large_api_body_is_refused_by_nginx_in_json(stack):
    response = stack.curl(
        "/api/update-redis/",
        args=("--data-binary", "x" * 20_000),
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 413
    assert list(response.json()) == ["status", "data", "message", "timestamp", "request_id"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_writing_to_a_read_only_endpoint_is_a_json_405_not_a_csrf_page(stack, method):
    response = stack.curl(
        "/api/website-data/?locale=en", args=("--request", method, "--data", "x=1")
    )
    assert response.status == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.json()["status"] == "error"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_writing_to_an_unknown_api_path_is_a_json_404_not_a_csrf_page(stack, method):
    response = stack.curl("/api/nothing/", args=("--request", method, "--data", "x=1"))
    assert response.status == 404
    assert response.json()["message"] == "No API endpoint at /api/nothing/."


def test_a_request_line_too_long_for_nginx_is_a_json_414(stack):
    url = "/api/website-data/?locale=en&x=" + "a" * 20_000
    response = stack.curl(url, args=("--http1.1",))
    assert response.status == 414
    assert response.json()["status"] == "error"


@pytest.mark.parametrize("path", ["/api/website-data/", "/en/"])
def test_trace_is_refused_through_nginx(stack, path):
    assert stack.curl(path, args=("--request", "TRACE")).status == 405


def test_gunicorn_names_no_server_software(stack):
    url = f"http://127.0.0.1:{stack.app_port}/health/live/"
    response = urllib.request.urlopen(urllib.request.Request(url, headers={"Host": SERVER_NAME}))
    assert response.status == 200
    assert "gunicorn" not in response.headers.get("Server", "").lower()


def direct_to_gunicorn(stack, path, source, headers):
    command = ["curl", "--silent", "--output", "/dev/null", "--write-out", "%{http_code}"]
    command += ["--interface", source, f"http://127.0.0.1:{stack.app_port}{path}"]
    for name, value in {"Host": SERVER_NAME, **headers}.items():
        command += ["--header", f"{name}: {value}"]
    return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout


def test_proxy_headers_count_only_from_the_proxys_address(stack):
    """nginx (127.0.0.1 here) says the request came over HTTPS and from whom; anyone else
    reaching gunicorn directly (127.0.0.2) cannot say so: Django then redirects to HTTPS."""
    forged = {"X-Forwarded-Proto": "https", "X-Real-IP": "203.0.113.77"}
    assert direct_to_gunicorn(stack, "/admin/login/", "127.0.0.1", forged) == "200"
    assert direct_to_gunicorn(stack, "/admin/login/", "127.0.0.2", forged) == "301"


def test_the_refresh_without_a_token_is_a_json_401_not_a_csrf_page(stack):
    response = stack.curl("/api/update-redis/", args=("--data", "{}"))
    assert response.status == 401
    assert response.json()["message"].startswith("Authentication required")


# Last: these exhaust the rate limits.


def test_the_api_rate_limit_answers_429_with_retry_after(stack):
    port = stack.https_port
    url = f"https://cms.test:{port}/api/v2/heroes/?locale=en"
    result = subprocess.run(
        [
            "curl",
            "--silent",
            "--insecure",
            "--resolve",
            f"cms.test:{port}:127.0.0.1",
            "--write-out",
            "%{http_code}\\n",
            *(["--output", "/dev/null", url] * 150),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    codes = result.stdout.split()
    assert codes.count("200") >= 60
    assert "429" in codes
    limited = stack.curl("/api/v2/heroes/?locale=en")
    if limited.status == 429:
        assert limited.headers["retry-after"] == "1"
        assert limited.json()["message"].startswith("Too many requests")


def test_the_login_rate_limit_is_stricter(stack):
    statuses = [stack.curl("/admin/login/").status for _ in range(8)]
    assert 429 in statuses
    limited = stack.curl("/admin/login/")
    assert limited.status == 429
    assert limited.headers["retry-after"] == "60"
    for header in SECURITY_HEADERS:
        assert header in limited.headers
