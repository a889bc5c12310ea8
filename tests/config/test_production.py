"""Production settings and the operational behaviour they switch on: deploy checks, request
ids in logs and errors, JSON log lines, login throttling, database sessions."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory
from tests.test_settings import PROD_ENV

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings.prod", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_checks_pass_with_the_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (1 silenced)" in result.stdout


def test_the_deploy_checks_fail_without_https_hardening():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **PROD_ENV, CMS_SSL_REDIRECT="false"
    )
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_production_requires_the_admin_base_url():
    env = {name: value for name, value in PROD_ENV.items() if name != "WAGTAILADMIN_BASE_URL"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "production: WAGTAILADMIN_BASE_URL." in result.stderr


pytestmark = pytest.mark.django_db


def test_every_response_carries_a_request_id_and_keeps_nginxs(client):
    generated = client.get("/health/live/")["X-Request-ID"]
    assert len(generated) == 32
    given = "4f1e8d2c9a7b4c3d8e6f5a4b3c2d1e0f"
    assert client.get("/health/live/", headers={"X-Request-ID": given})["X-Request-ID"] == given
    made_up = client.get("/health/live/", headers={"X-Request-ID": "<script>"})["X-Request-ID"]
    assert made_up != "<script>"


def test_an_api_error_carries_the_request_id_of_its_logs(client, caplog):
    given = "0123456789abcdef0123456789abcdef"
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/api/website-data/?locale=fr", headers={"X-Request-ID": given})
    assert response.json()["request_id"] == given
    assert [r.correlation_id for r in caplog.records if r.name == "django.request"] == [given]


def test_log_records_are_one_json_object_per_line_with_the_request_id():
    handler_config = settings.LOGGING["handlers"]["console"]
    assert handler_config["stream"] == "ext://sys.stdout"
    formatter_config = settings.LOGGING["formatters"][handler_config["formatter"]]
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter(
        formatter_config["format"], rename_fields=formatter_config["rename_fields"]
    )
    record = logging.LogRecord(
        "cms.cache.engine", logging.WARNING, __file__, 1, "Redis down", (), None
    )
    record.correlation_id = "abc123"
    line = formatter.format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed | {"time": "t"} == {
        "time": "t",
        "level": "WARNING",
        "logger": "cms.cache.engine",
        "message": "Redis down",
        "request_id": "abc123",
    }


def login(client, username, password):
    login_page = client.get(reverse("wagtailadmin_login"))
    token = login_page.cookies["csrftoken"].value
    return client.post(
        reverse("wagtailadmin_login"),
        {"username": username, "password": password, "csrfmiddlewaretoken": token},
    )


def test_the_admin_login_is_throttled_after_repeated_failures(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="editor", groups=["Editors"])
    for _ in range(2):
        assert login(client, "editor", "wrong").status_code == 200  # the form, with an error
    assert login(client, "editor", "wrong").status_code == 429  # the third failure locks
    locked = login(client, "editor", "password")  # even the right password, for a while
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_successful_login_works_and_lives_in_a_database_session(client):
    from django.contrib.sessions.models import Session

    UserFactory(username="editor", groups=["Editors"])
    response = login(client, "editor", "password")
    assert response.status_code == 302
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert Session.objects.filter(session_key=client.session.session_key).exists()


def test_behind_the_proxy_the_client_address_comes_from_x_real_ip(rf, settings):
    from cms.security import client_ip

    request = rf.get("/", REMOTE_ADDR="172.18.0.5", HTTP_X_REAL_IP="203.0.113.9")
    settings.CMS_BEHIND_PROXY = True
    settings.CMS_TRUSTED_PROXIES = ["172.18.0.0/24"]
    assert client_ip(request) == "203.0.113.9"
    settings.CMS_BEHIND_PROXY = False
    assert client_ip(request) == "172.18.0.5"


def test_x_real_ip_from_anyone_but_our_proxy_is_ignored(rf, settings):
    from cms.security import client_ip

    settings.CMS_BEHIND_PROXY = True
    settings.CMS_TRUSTED_PROXIES = ["172.30.57.10"]
    forged = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_REAL_IP="203.0.113.9")
    assert client_ip(forged) == "198.51.100.7"
    proxied = rf.get("/", REMOTE_ADDR="172.30.57.10", HTTP_X_REAL_IP="203.0.113.9")
    assert client_ip(proxied) == "203.0.113.9"


def test_sentry_is_off_without_a_dsn():
    import sentry_sdk

    assert sentry_sdk.get_client().is_active() is False


def test_a_peer_address_that_is_no_address_is_never_a_trusted_proxy(settings):
    from cms.security import is_trusted_proxy

    settings.CMS_TRUSTED_PROXIES = ["127.0.0.1/32"]
    assert is_trusted_proxy("127.0.0.1")
    assert not is_trusted_proxy("unix:/run/gunicorn.sock")
    assert not is_trusted_proxy(None)
