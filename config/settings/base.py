"""Settings shared by every environment, safe for production.

This is the only settings module that reads the environment (prod.py adds what production
insists on). Nothing here is a secret and DEBUG is off: dev.py loosens on purpose.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
# A local .env (see .env.example) is for developers; production passes real variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Empty means "not configured": dev falls back to the embedded defaults below, prod refuses.
DATABASE_URL = env.str("DATABASE_URL", default="")
REDIS_URL = env.str("REDIS_URL", default="")
# Passwords may also come on their own (compose/prod does so: it cannot percent-encode one
# into a URL), for a URL without one (a Redis URL's own password would win).
DATABASE_PASSWORD = env.str("DATABASE_PASSWORD", default="")
REDIS_PASSWORD = env.str("REDIS_PASSWORD", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "storages",
    "corsheaders",
    "axes",
    "django_guid",
    "rest_framework",
    "wagtail.api.v2",
    "django_tasks",
    "django_tasks_db",
    # Project apps last: cms sets up roles after every other app's permissions exist.
    "home",
    "sitecontent",
    "cms",
]

MIDDLEWARE = [
    # First: what the proxy's headers say counts only if the request came through the proxy.
    "cms.middleware.TrustedProxyMiddleware",
    # So every log line and response of the request carries its id.
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything that can answer, so CORS headers are on every /api/ response.
    "corsheaders.middleware.CorsMiddleware",
    # Everything a client can send wrong to /api/ is answered here, before any view runs.
    "cms.api.guard.ApiEdgeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Page URLs carry the locale (/en/…, /ar/…): activates the language from the path.
    "cms.middleware.PageLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Purges nginx and CDNs once per request, for everything it changed; inside messages, so
    # the editor is told when a purge could not get through.
    "cms.delivery.propagation.EdgePurgeMiddleware",
    # After authentication: refuses admin writes outside the user's locales.
    "cms.middleware.LocaleAccessMiddleware",
    # Then refuses changes to the live site from those who need approval for them.
    "cms.middleware.ApprovalMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: answers 429 to a locked-out login.
    "axes.middleware.AxesMiddleware",
]

# The middleware a public read of the website data needs (cms/handlers.py): in MIDDLEWARE's
# order, without sessions, CSRF, authentication, messages and the admin's checks.
CMS_PUBLIC_READ_MIDDLEWARE = [
    path
    for path in MIDDLEWARE
    if path
    in {
        "cms.middleware.TrustedProxyMiddleware",
        "django_guid.middleware.guid_middleware",
        "django.middleware.security.SecurityMiddleware",
        "corsheaders.middleware.CorsMiddleware",
        "cms.api.guard.ApiEdgeMiddleware",
    }
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out credentials
    "django.contrib.auth.backends.ModelBackend",
]

# Brute-force protection of the admin logins (django-axes): after CMS_LOGIN_FAILURE_LIMIT
# failures for one username from one address, that pair is refused for the cool-off period.
AXES_FAILURE_LIMIT = env.int("CMS_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("CMS_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "cms.security.client_ip"
# Behind nginx, the client's address is in X-Real-IP (set by our nginx configuration), believed
# only when the request comes from one of these addresses or networks.
CMS_BEHIND_PROXY = env.bool("CMS_BEHIND_PROXY", default=False)
CMS_TRUSTED_PROXIES = env.list("CMS_TRUSTED_PROXIES", default=["127.0.0.1/32", "::1/128"])

# Sessions stay in the database: Redis is a cache and may be flushed.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# A request id on every request (nginx's X-Request-ID, or a new one), in every log line and
# response header (django-guid).
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": True,
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Wagtail admin templates the project extends: searched before the apps' templates,
        # since cms comes after wagtail.admin in INSTALLED_APPS (cms/editorial/receipts_admin.py).
        "DIRS": [
            BASE_DIR / "cms" / "templates" / "cms" / "receipts" / "overrides",
            # wagtail-localize's translation editor, with the review bar (translation_review).
            BASE_DIR / "cms" / "templates" / "cms" / "approval" / "overrides",
        ],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
            # {% load publish_receipts %}: the tags of the admin's publish receipts.
            "libraries": {
                "publish_receipts": "cms.editorial.receipts_admin",
                "translation_review": "cms.editorial.translation_review",
            },
        },
    },
]

# Database: PostgreSQL through DATABASE_URL; SQLite is the embedded quick-start default.
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CMS_DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASE_PASSWORD:
        DATABASES["default"]["PASSWORD"] = DATABASE_PASSWORD
    # Opening a connection to a database that never answers costs seconds, not a worker's
    # whole timeout. (App servers bound every wait, queries included: cms/core/query_deadline.py.)
    # PostgreSQL's option only: a sqlite:/// URL (a quick start kept out of the checkout) has none.
    if "postgresql" in DATABASES["default"]["ENGINE"]:
        DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
            "CMS_DB_CONNECT_TIMEOUT", default=3
        )
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# In app servers, the longest a statement may run; a second more is the longest a request
# waits for a database that does not answer at all, before its 503 (cms/core/query_deadline.py).
CMS_DB_QUERY_TIMEOUT = env.float("CMS_DB_QUERY_TIMEOUT", default=2.0)

# Cache: Redis through django-redis; a local-memory cache is the embedded default.
# Short socket timeouts so that a frozen Redis slows a request by at most that much.
REDIS_SOCKET_TIMEOUT = env.float("CMS_REDIS_SOCKET_TIMEOUT", default=0.5)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cms",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
                # Wagtail's own caching (site root paths, renditions) treats a Redis outage as
                # a miss instead of a 500. cms.cache.engine talks to Redis directly and handles
                # outages itself (see its docstring).
                "IGNORE_EXCEPTIONS": True,
                # One circuit breaker for every Redis call of the process: while Redis is
                # down or frozen, calls fail at once instead of waiting out the timeout.
                "CONNECTION_FACTORY": "cms.cache.breaker.BreakerConnectionFactory",
            },
        }
    }
    if REDIS_PASSWORD:
        CACHES["default"]["OPTIONS"]["PASSWORD"] = REDIS_PASSWORD
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: English is the default locale, Arabic is right-to-left.
LANGUAGE_CODE = "en"
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [("en", _("English")), ("ar", _("Arabic"))]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("en", "English"), ("ar", "العربية")]
WAGTAIL_I18N_ENABLED = True
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True
# New translations are drafts: an Arabic editor reviews and publishes them.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False

STATIC_URL = "/static/"
STATIC_ROOT = env.path("CMS_STATIC_ROOT", default=BASE_DIR / "static")
MEDIA_URL = env.str("CMS_MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("CMS_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Media on S3 (or any S3-compatible store) when a bucket is configured.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default=None)
    AWS_S3_FILE_OVERWRITE = False  # never replace an image another record points to
    AWS_DEFAULT_ACL = None  # the bucket policy decides; objects are not made public-read
    AWS_QUERYSTRING_AUTH = env.bool("AWS_QUERYSTRING_AUTH", default=False)

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = env.str("CMS_SITE_NAME", default="Website CMS")
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Approval (cms/editorial/approval.py): approving publishes as the approver, who needs no
# publish permission of their own. Items are approved by their own locale's approvers
# ("Approvers: Arabic"), or with CMS_APPROVAL_PER_LOCALE off by the one Approvers group.
WAGTAIL_FINISH_WORKFLOW_ACTION = "cms.editorial.approval.publish_approved"
CMS_APPROVAL_PER_LOCALE = env.bool("CMS_APPROVAL_PER_LOCALE", default=True)
# Translators submit their work for review in its locale instead of publishing it
# (cms/editorial/translation_review.py); off, they publish from the translation editor.
CMS_TRANSLATIONS_NEED_REVIEW = env.bool("CMS_TRANSLATIONS_NEED_REVIEW", default=True)
# Workflow notifications (submitted, approved, changes requested) go by mail, through
# EMAIL_URL as django-environ reads it (smtp+tls://user:password@host:587).
if _email_url := env.str("EMAIL_URL", default=""):
    vars().update(env.email_url_config(_email_url))
DEFAULT_FROM_EMAIL = env.str("CMS_FROM_EMAIL", default="cms@localhost")

# Image uploads: raster formats only (no SVG: it can carry scripts), bounded size and pixels.
# The renditions the payload serves are declared per slot in cms/images/slots.py.
# Wagtail's upload form, plus a check that the whole file decodes (cms/images/uploads.py).
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.images.uploads.ImageForm"
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.int("CMS_IMAGE_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env.int("CMS_IMAGE_MAX_PIXELS", default=40_000_000)

# Headless delivery (cms/): the cache's TTLs and key names live in cms/delivery/keys.py; these
# override.
CMS_CACHE_KEY_PREFIX = env.str("CMS_CACHE_KEY_PREFIX", default="cms")
# e.g. CMS_CACHE_TTLS="website_data=600,heroes=120" (seconds, per key name).
CMS_CACHE_TTLS = env.dict("CMS_CACHE_TTLS", cast={"value": int}, default={})
# How long browsers may reuse a public API answer without revalidating it (Cache-Control
# max-age): nobody can purge a browser, so by default they ask every time (a 304 with the ETag).
CMS_API_MAX_AGE = env.int("CMS_API_MAX_AGE", default=0)
# How long shared caches (nginx, Varnish, CDNs) keep it (s-maxage). Every publish purges them
# (cms/delivery/propagation.py); this only bounds a purge that could not reach one.
CMS_SHARED_MAX_AGE = env.int("CMS_SHARED_MAX_AGE", default=300)
# The shared caches in front of the API, purged by every publish (cms/delivery/shared_caches.py;
# docs/caching.md): each nginx instance's purge listener, a tag-purging cache (Varnish with
# xkey, Fastly), Cloudflare by tag, and CloudFront by path pattern (Wagtail's backend).
CMS_EDGE_CACHES: list[dict[str, Any]] = [
    {"BACKEND": "cms.delivery.shared_caches.NginxCache", "URL": url}
    for url in env.list("CMS_NGINX_PURGE_URLS", default=[])
]
if _surrogate_url := env.str("CMS_SURROGATE_PURGE_URL", default=""):
    _auth_name, _, _auth_value = env.str("CMS_SURROGATE_PURGE_AUTH", default="").partition(":")
    CMS_EDGE_CACHES.append(
        {
            "BACKEND": "cms.delivery.shared_caches.SurrogateKeyCache",
            "URL": _surrogate_url,
            "METHOD": env.str("CMS_SURROGATE_PURGE_METHOD", default="PURGE"),
            "HEADERS": {_auth_name.strip(): _auth_value.strip()} if _auth_value else {},
        }
    )
if _zone := env.str("CMS_CLOUDFLARE_ZONE_ID", default=""):
    CMS_EDGE_CACHES.append(
        {
            "BACKEND": "cms.delivery.shared_caches.CloudflareCache",
            "ZONE_ID": _zone,
            "API_TOKEN": env.str("CMS_CLOUDFLARE_API_TOKEN", default=""),
        }
    )
WAGTAILFRONTENDCACHE: dict[str, dict[str, Any]] = {}
if _distribution := env.str("CMS_CLOUDFRONT_DISTRIBUTION_ID", default=""):
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": _distribution,
    }
if WAGTAILFRONTENDCACHE:
    CMS_EDGE_CACHES.append({"BACKEND": "cms.delivery.shared_caches.FrontendCache"})
# Shared caches are purged this long after Redis, so a reader caught in between cannot leave
# them an old copy (cms/delivery/propagation.py).
CMS_EDGE_SETTLE_MS = env.int("CMS_EDGE_SETTLE_MS", default=100)
# How often each app process reads the content generation (so it serves no copy older than a
# publish whose purge was lost, docs/consistency.md) and applies purges kept in the database.
CMS_PURGE_RECONCILE_SECONDS = env.float("CMS_PURGE_RECONCILE_SECONDS", default=0.5)
# The bearer token of POST /api/update-redis/; empty refuses every call.
CMS_CACHE_REFRESH_TOKEN = env.str("CMS_CACHE_REFRESH_TOKEN", default="")
CMS_API_MAX_BODY_BYTES = 16 * 1024
# How long a headless preview token (?preview= on /api/website-data/) stays valid, in seconds.
CMS_PREVIEW_TOKEN_MAX_AGE = env.int("CMS_PREVIEW_TOKEN_MAX_AGE", default=30 * 60)
# Where the admin sends people to see a draft on the real frontend, if it has a preview page:
# e.g. "https://www.example.com/preview?token={token}&locale={locale}". Empty: API link only.
CMS_FRONTEND_PREVIEW_URL = env.str("CMS_FRONTEND_PREVIEW_URL", default="")

# Background work (django-tasks): Wagtail's own tasks run at once, as before; webhook
# deliveries go to a queue in the database that the worker (`manage.py cms_worker`) runs.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    # The background worker (manage.py cms_worker): webhook deliveries, image renditions, and
    # the usage index of what a release put live.
    "worker": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["webhooks", "images", "references"],
    },
}
# Webhooks (cms/webhooks): publishes within this window go out as one event per endpoint and
# locale; failed deliveries are retried after each of these delays in turn (seconds, with
# jitter; about 28 hours in all), then given up.
CMS_WEBHOOK_COALESCE_MS = env.int("CMS_WEBHOOK_COALESCE_MS", default=1000)
CMS_WEBHOOK_RETRY_DELAYS = [
    int(delay)
    for delay in env.list(
        "CMS_WEBHOOK_RETRY_DELAYS",
        default=["5", "30", "120", "600", "1800", "3600", "7200", "14400", "28800", "43200"],
    )
]
CMS_WEBHOOK_TIMEOUT_SECONDS = env.float("CMS_WEBHOOK_TIMEOUT_SECONDS", default=5.0)
# How often each worker recovers deliveries a killed worker left running (cms/webhooks/upkeep.py).
CMS_WORKER_UPKEEP_SECONDS = env.float("CMS_WORKER_UPKEEP_SECONDS", default=5.0)
# How often each worker publishes what is due and expires what expired (cms/scheduling/).
CMS_SCHEDULER_SECONDS = env.float("CMS_SCHEDULER_SECONDS", default=1.0)
# Whether endpoints may be on private, loopback or link-local addresses (never in production
# unless the frontends are on the internal network: it lets editors reach it).
CMS_WEBHOOK_ALLOW_PRIVATE = env.bool("CMS_WEBHOOK_ALLOW_PRIVATE", default=False)
CMS_WEBHOOK_SECRET_GRACE_HOURS = env.int("CMS_WEBHOOK_SECRET_GRACE_HOURS", default=24)
CMS_WEBHOOK_LOG_DAYS = env.int("CMS_WEBHOOK_LOG_DAYS", default=30)

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
# A refused CSRF check answers in the JSON envelope under /api/, as every other error does.
CSRF_FAILURE_VIEW = "cms.views.csrf_failure"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]  # browsers only read; writes are server-to-server

WAGTAILAPI_BASE_URL = env.str("WAGTAILAPI_BASE_URL", default=WAGTAILADMIN_BASE_URL)
WAGTAILAPI_LIMIT_MAX = 100

# One JSON object per log record on stdout, with the request id (dev.py switches to text).
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "django_guid.log_filters.CorrelationId"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "correlation_id": "request_id",
            },
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("CMS_LOG_LEVEL", default="INFO")},
    "loggers": {
        # One line per background task run is noise: Wagtail queues several per save.
        "django_tasks": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # not its start-up banner in every process
        # Not a line per request saying it made up a request id (gunicorn logs each request).
        "django_guid": {"level": "WARNING"},
        # A 4xx is the client's business and already in the access log: log server errors only.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # Django's own handlers would print request errors a second time.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
