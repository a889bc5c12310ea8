"""Names in the cache, how long values live there, and what the HTTP caches are told.

Each locale has one key per section and one for its whole payload; a change to a section
forgets both (`keys_for`), since the whole payload contains the section.
"""

import math
import time
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpResponseBase
from django.utils.cache import patch_cache_control

from .sections import SECTIONS, Section

# Bump to invalidate every key at once when the payload's or the stored value's shape changes.
KEY_VERSION = 2

WHOLE = "website_data"  # the name of the key of a locale's whole payload
WHOLE_DEFAULT_TTL = 60 * 60


def whole_ttl() -> int:
    return int(settings.CMS_CACHE_TTLS.get(WHOLE, WHOLE_DEFAULT_TTL))


def cache_key(locale_code: str, name: str) -> str:
    return f"{settings.CMS_CACHE_KEY_PREFIX}:v{KEY_VERSION}:{locale_code}:{name}"


def names_for(sections: Iterable[Section]) -> list[str]:
    """The key names that hold these sections: their own and the whole payload's."""
    return [*(section.key for section in sections), WHOLE]


def keys_for(locale_codes: Iterable[str], sections: Iterable[Section] = SECTIONS) -> list[str]:
    """Every key that holds these sections of these locales (what a purge forgets)."""
    sections = list(sections)
    if not sections:
        return []
    names = names_for(sections)
    return [cache_key(code, name) for code in sorted(set(locale_codes)) for name in names]


def seconds_until(expires_at: float | None, ttl: int) -> int:
    """`ttl`, cut short so a value never outlives the moment its content changes by itself
    (an announcement that starts or ends)."""
    if expires_at is None:
        return ttl
    return max(1, min(ttl, math.ceil(expires_at - time.time())))


def patch_public_cache_headers(
    response: HttpResponseBase, expires_at: float | None = None
) -> None:
    patch_cache_control(
        response,
        public=True,
        max_age=seconds_until(expires_at, settings.CMS_API_MAX_AGE),
        stale_while_revalidate=settings.CMS_API_STALE_WHILE_REVALIDATE,
    )
