"""Settings per environment: tests on real services, dev's embedded defaults, prod's refusals."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]

PROD_ENV = {
    "SECRET_KEY": "a-long-production-secret-key-with-plenty-of-entropy-1234567890",
    "ALLOWED_HOSTS": "cms.example.com",
    "DATABASE_URL": "postgres://cms:cms@db.internal:5432/cms",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "WAGTAILADMIN_BASE_URL": "https://cms.example.com",
}


BACKENDS = "print(settings.DATABASES['default']['ENGINE'], settings.CACHES['default']['BACKEND'])"


def load_settings(module, show=BACKENDS, **env):
    """Import a settings module in a fresh interpreter with exactly `env` (plus PATH), and run
    `show` there."""
    code = f"import django; from django.conf import settings; django.setup(); {show}"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_tests_run_against_real_postgresql_and_redis(db):
    assert connection.vendor == "postgresql"
    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    cache.set("probe", "value")
    assert cache.client.get_client().get(cache.make_key("probe")) is not None


def test_dev_settings_fall_back_to_sqlite_and_local_memory():
    result = load_settings("config.settings.dev")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
    ]


def test_make_run_prints_mail_to_the_console():
    # Approvers and editors are told by mail (workflow notifications): under make run it shows
    # in the terminal, with nothing to set up.
    send = (
        "from django.core.mail import send_mail; "
        "send_mail('Awaiting your review', 'Summer power', 'cms@localhost', ['a@example.com'])"
    )
    result = load_settings("config.settings.dev", show=send)
    assert result.returncode == 0, result.stderr
    assert "Subject: Awaiting your review" in result.stdout
    assert "To: a@example.com" in result.stdout


def test_dev_settings_use_postgresql_and_redis_when_given():
    result = load_settings(
        "config.settings.dev",
        DATABASE_URL=PROD_ENV["DATABASE_URL"],
        REDIS_URL=PROD_ENV["REDIS_URL"],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "django_redis.cache.RedisCache",
    ]


def test_prod_settings_load_with_every_required_variable():
    result = load_settings("config.settings.prod", **PROD_ENV)
    assert result.returncode == 0, result.stderr


def test_prod_settings_refuse_to_start_without_secret_key_and_name_it():
    env = {name: value for name, value in PROD_ENV.items() if name != "SECRET_KEY"}
    result = load_settings("config.settings.prod", **env)
    assert result.returncode != 0
    assert "Missing required environment variable(s) for production: SECRET_KEY." in result.stderr


def test_prod_settings_name_every_missing_variable():
    result = load_settings("config.settings.prod")
    assert result.returncode != 0
    assert (
        "SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, WAGTAILADMIN_BASE_URL"
        in result.stderr
    )


def test_base_settings_are_production_safe():
    from config.settings import base

    assert base.DEBUG is False
    assert "svg" not in base.WAGTAILIMAGES_EXTENSIONS
    assert base.WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE is False


def test_passwords_given_on_their_own_may_hold_any_character():
    password = "p/a@s#s:w%rd"
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.DATABASES['default']['PASSWORD']); "
        "print(settings.CACHES['default']['OPTIONS']['PASSWORD'])"
    )
    env = {
        **PROD_ENV,
        "DATABASE_URL": "postgres://cms@db.internal:5432/cms",
        "DATABASE_PASSWORD": password,
        "REDIS_PASSWORD": password,
    }
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings.prod", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.stdout.splitlines() == [password, password], run.stderr[-2000:]


def test_a_cdn_named_in_the_environment_is_purged_by_what_covers_every_spelling():
    """Cloudflare by tag (our backend, which raises so that a refused purge is retried),
    CloudFront by path pattern (Wagtail's backend, the only one in WAGTAILFRONTENDCACHE)."""
    show = (
        "from cms.delivery import shared_caches; "
        "print([type(cache).__name__ for cache in shared_caches.configured()], "
        "sorted(settings.WAGTAILFRONTENDCACHE), shared_caches.check_frontend_cache_backends())"
    )
    result = load_settings(
        "config.settings.prod",
        show,
        **PROD_ENV,
        CMS_CLOUDFLARE_ZONE_ID="zone1",
        CMS_CLOUDFLARE_API_TOKEN="token",
        CMS_CLOUDFRONT_DISTRIBUTION_ID="E123",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['CloudflareCache', 'FrontendCache'] ['cloudfront'] []"
