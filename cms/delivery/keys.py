"""Names in the cache, how long values live there, and what the HTTP caches are told.

Each locale has one key per section and one for its whole payload; a change to a section
forgets both (`keys_for`), since the whole payload contains the section.

Shared caches (nginx, Varnish, a CDN) file each response under cache tags naming its locale and
sections (`cache_tags`), and keep it for `s-maxage`: long, because every publish purges them
(cms.delivery.propagation). Browsers, which nobody can purge, revalidate every time with the
ETag (`max-age`, 0 by default), which costs them a 304.
"""

import functools
import math
import time
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpResponseBase

from cms.delivery.sections import SECTIONS, Section

# Bump to invalidate every key at once when the payload's or the stored value's shape changes.
KEY_VERSION = 4

WHOLE = "website_data"  # the name of the key of a locale's whole payload
LAST_GOOD = "last_known_good"  # a locale's last good payload (cms.cache.local_copies), no TTL
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
    if expires_at is None or ttl <= 0:
        return ttl
    return max(1, min(ttl, math.ceil(expires_at - time.time())))


TAG_PREFIX = "cms"


def cache_tags(locale_code: str, sections: Iterable[Section]) -> tuple[str, ...]:
    """The tags of a response showing these sections of one locale, e.g. `cms cms-ar
    cms-ar-heroes`: a purge of `cms-ar-heroes` reaches every response that shows them."""
    return _tags(locale_code, tuple(sections))


@functools.lru_cache(maxsize=1024)  # few locales, few combinations: worked out once each
def _tags(locale_code: str, sections: tuple[Section, ...]) -> tuple[str, ...]:
    return (
        TAG_PREFIX,
        f"{TAG_PREFIX}-{locale_code}",
        *(f"{TAG_PREFIX}-{locale_code}-{section.field}" for section in sections),
    )


def purge_tags(pairs: Iterable[tuple[str, Section]]) -> list[str]:
    """The tags to purge when these (locale, section) pairs change."""
    return sorted({f"{TAG_PREFIX}-{code}-{section.field}" for code, section in pairs})


def patch_public_cache_headers(
    response: HttpResponseBase,
    expires_at: float | None = None,
    tags: Iterable[str] = (),
) -> None:
    """Cache-Control for content every publish purges from shared caches, and its tags in the
    two spellings CDNs read: `Cache-Tag` (Cloudflare, comma-separated) and `Surrogate-Key`
    (Fastly, Varnish xkey; space-separated)."""
    response["Cache-Control"] = (
        f"public, max-age={seconds_until(expires_at, settings.CMS_API_MAX_AGE)}, "
        f"s-maxage={seconds_until(expires_at, settings.CMS_SHARED_MAX_AGE)}"
    )
    tags = tuple(tags)
    if tags:
        response["Cache-Tag"] = ",".join(tags)
        response["Surrogate-Key"] = " ".join(tags)
