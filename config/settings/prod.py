"""Production: refuses to start without what it cannot guess, and hardens HTTP.

Every required variable is checked here so that a missing one names itself at start-up instead
of surfacing later as an obscure error (or, worse, as a silent fallback to SQLite).
`manage.py check --deploy --fail-level WARNING` passes with these settings.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CSRF_TRUSTED_ORIGINS, WAGTAILADMIN_BASE_URL, env

REQUIRED_VARIABLES = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "WAGTAILADMIN_BASE_URL",
)

_missing = [name for name in REQUIRED_VARIABLES if not env.str(name, default="").strip()]
if _missing:
    raise ImproperlyConfigured(
        "Missing required environment variable(s) for production: "
        + ", ".join(_missing)
        + ". Set them in the environment (see the README's table of variables)."
    )

DEBUG = False

# HTTPS is terminated by nginx, which tells us the original scheme.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CMS_BEHIND_PROXY = env.bool("CMS_BEHIND_PROXY", default=True)
SECURE_SSL_REDIRECT = env.bool("CMS_SSL_REDIRECT", default=True)
# Container health checks reach gunicorn directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_HSTS_SECONDS = env.int("CMS_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("CMS_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("CMS_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Joining the browsers' preload list commits the whole domain (subdomains included) to
    # HTTPS for months and is hard to undo: the domain's owner opts in with CMS_HSTS_PRELOAD.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# The admin posts from its own origin; trust it by default.
CSRF_TRUSTED_ORIGINS = CSRF_TRUSTED_ORIGINS or [
    "{0.scheme}://{0.netloc}".format(urlsplit(WAGTAILADMIN_BASE_URL))
]

# Optional error reporting.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )
