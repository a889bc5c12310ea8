"""Local development: DEBUG on and a throwaway secret. Database and cache come from base:
SQLite and local memory unless DATABASE_URL / REDIS_URL are set."""

from .base import *  # noqa: F403
from .base import LOGGING, SECRET_KEY

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-used-in-production"
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# A frontend on localhost (next dev, nuxt dev) is what webhooks go to in development.
CMS_WEBHOOK_ALLOW_PRIVATE = True

# Readable log lines in a terminal.
LOGGING["handlers"]["console"]["formatter"] = "text"
