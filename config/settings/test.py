"""Tests: always against a real PostgreSQL and Redis (scripts/with-services starts both)."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASE_URL, REDIS_URL

for _name, _value in (("DATABASE_URL", DATABASE_URL), ("REDIS_URL", REDIS_URL)):
    if not _value:
        raise ImproperlyConfigured(
            f"{_name} is required by the tests (they never fall back to SQLite or a local "
            "cache): run them with `make test`, which starts PostgreSQL and Redis."
        )

SECRET_KEY = "test-only-secret-key"  # noqa: S105 (tests only, never deployed)
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WAGTAILADMIN_BASE_URL = "http://testserver"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
