"""Production: refuses to start without what it cannot guess, and hardens HTTP.

Every required variable is checked here so that a missing one names itself at start-up instead
of surfacing later as an obscure error (or, worse, as a silent fallback to SQLite).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

REQUIRED_VARIABLES = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL")

_missing = [name for name in REQUIRED_VARIABLES if not env.str(name, default="").strip()]
if _missing:
    raise ImproperlyConfigured(
        "Missing required environment variable(s) for production: "
        + ", ".join(_missing)
        + ". Set them in the environment (see the README's table of variables)."
    )

DEBUG = False
