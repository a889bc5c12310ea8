"""The shared caches in front of the API, and how each is purged.

Each cache named in settings.CMS_EDGE_CACHES says what a change to some sections of some
locales means to it (`items`: cache keys, tags or URLs) and purges them. A purge that fails is
kept in the database (PendingEdgePurge) and retried by every app process (`retry_pending`), so
a cache that was unreachable during a publish catches up as soon as it answers again.

- NginxCache: the production nginx's proxy_cache (compose/prod/nginx/cms.conf.template), one
  per instance, purged key by key through its purge listener (Debian's ngx_cache_purge).
- SurrogateKeyCache: anything that purges by tag from a request header: Varnish with the xkey
  module, Fastly.
- CloudflareCache: Cloudflare, by tag through its API (every plan purges by tag).
- FrontendCache: Wagtail's frontend_cache backends that invalidate path patterns (CloudFront),
  one pattern per endpoint.

A URL has more spellings than anyone can name (`?sections=menu,seo`, `?sections=seo,menu`,
`/api/v2/heroes/7/`, `?limit=5`), and a CDN keeps each: so every cache is purged by what covers
them all, a tag every such response carries or a pattern, never by a list of URLs.
"""

import json
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import urllib3
from django.conf import settings
from django.core import checks
from django.db import DatabaseError
from django.db.models import Count, F, Max, Min
from django.utils.module_loading import import_string

from cms.delivery.keys import purge_tags
from cms.delivery.locales import default_locale
from cms.delivery.sections import Section

Pairs = set[tuple[str, Section]]  # (locale code, section) pairs that changed

logger = logging.getLogger(__name__)

# Purges go to addresses from the settings, never from content; they follow no redirect and
# give up quickly, since a publish waits for them.
_http = urllib3.PoolManager(
    num_pools=16, maxsize=4, retries=False, timeout=urllib3.Timeout(connect=1.0, read=2.0)
)


class PurgeFailed(Exception):
    pass


class EdgeCache:
    name = "edge cache"

    def items(self, pairs: Pairs) -> list[str]:
        """What to purge when these (locale, section) pairs change."""
        raise NotImplementedError

    def purge(self, items: Sequence[str]) -> None:
        """Forget `items`, or raise PurgeFailed."""
        raise NotImplementedError

    def __str__(self) -> str:
        return self.name


def _request(method: str, url: str, headers: dict[str, str] | None = None) -> int:
    try:
        response = _http.request(method, url, headers=headers, redirect=False)
    except urllib3.exceptions.HTTPError as error:
        raise PurgeFailed(f"{method} {url}: {error}") from error
    return int(response.status)


class NginxCache(EdgeCache):
    """One nginx instance. It caches the whole payload of each locale under one key (requests
    with other parameters pass through uncached), so a change to a locale purges its key, and
    the default locale's key for requests without ?locale= too."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.name = f"nginx {self.url}"

    def items(self, pairs: Pairs) -> list[str]:
        codes = sorted({code for code, _ in pairs})
        keys = [f"website-data:{code}" for code in codes]
        if default_locale() in codes:
            keys.append("website-data:default")
        return keys

    def purge(self, items: Sequence[str]) -> None:
        for key in items:
            status = _request("PURGE", f"{self.url}/purge/{quote(key)}")
            if status not in (200, 404):  # 404: it held no copy, which is as good
                raise PurgeFailed(f"{self.name} answered {status} to a purge of {key}")


class SurrogateKeyCache(EdgeCache):
    """Purges by tag with one request naming the tags in a header (space-separated): Varnish
    with xkey (`PURGE` to Varnish itself), Fastly (`POST …/service/<id>/purge` with the
    `Fastly-Key` in `headers`)."""

    def __init__(
        self,
        url: str,
        method: str = "PURGE",
        header: str = "Surrogate-Key",
        headers: dict[str, str] | None = None,
        name: str | None = None,
    ) -> None:
        self.url, self.method, self.header = url, method, header
        self.headers = headers or {}
        self.name = name or f"surrogate keys {url}"

    def items(self, pairs: Pairs) -> list[str]:
        return purge_tags(pairs)

    def purge(self, items: Sequence[str]) -> None:
        headers = {**self.headers, self.header: " ".join(items)}
        status = _request(self.method, self.url, headers)
        if not 200 <= status < 300:
            raise PurgeFailed(f"{self.name} answered {status}")


class CloudflareCache(EdgeCache):
    """Cloudflare, purged by the tags its cache read from each response's `Cache-Tag` (every
    spelling of every URL that shows a section carries that section's tag), up to 100 tags a
    request as its API takes them. A refused purge raises, so it is kept and retried."""

    BATCH = 100

    def __init__(
        self, zone_id: str, api_token: str, api_url: str = "https://api.cloudflare.com/client/v4"
    ) -> None:
        self.url = f"{api_url.rstrip('/')}/zones/{zone_id}/purge_cache"
        self.headers = {"Authorization": f"Bearer {api_token}", "Content-Type": "application/json"}
        self.name = f"cloudflare zone {zone_id}"

    def items(self, pairs: Pairs) -> list[str]:
        return purge_tags(pairs)

    def purge(self, items: Sequence[str]) -> None:
        for start in range(0, len(items), self.BATCH):
            body = json.dumps({"tags": list(items[start : start + self.BATCH])})
            try:
                response = _http.request(
                    "POST", self.url, body=body, headers=self.headers, redirect=False
                )
                answer = json.loads(response.data or b"{}")
            except (urllib3.exceptions.HTTPError, ValueError) as error:
                raise PurgeFailed(f"{self.name}: {error}") from error
            if not 200 <= response.status < 300 or not answer.get("success"):
                errors = answer.get("errors") if isinstance(answer, dict) else None
                raise PurgeFailed(f"{self.name} answered {response.status}: {errors}")


# Wagtail's frontend-cache backends known to take `*` at the end of a path as "any suffix",
# query strings included (CloudFront's invalidation paths).
PATTERN_BACKENDS = ("wagtail.contrib.frontend_cache.backends.CloudfrontBackend",)


class FrontendCache(EdgeCache):
    """Wagtail's frontend_cache backends (WAGTAILFRONTENDCACHE) that invalidate path patterns:
    CloudFront. A change invalidates every spelling of the endpoints that show its
    sections (`/api/website-data/*`, `/api/v2/heroes/*`), whichever locales they are for: a
    pattern ends in `*`, and `?sections=` can come before `?locale=`. Those backends log their
    own failures rather than raise, so these purges are not retried."""

    name = "wagtail frontend cache"

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = (base_url or settings.WAGTAILAPI_BASE_URL).rstrip("/")

    def items(self, pairs: Pairs) -> list[str]:
        endpoints = {"website-data"} | {
            f"v2/{section.api_endpoint}" for _, section in pairs if section.api_endpoint
        }
        return sorted(f"{self.base_url}/api/{endpoint}/*" for endpoint in endpoints)

    def purge(self, items: Sequence[str]) -> None:
        from wagtail.contrib.frontend_cache.utils import get_backends

        for backend in get_backends().values():
            backend.purge_batch(list(items))


def check_frontend_cache_backends(**kwargs: Any) -> list[checks.CheckMessage]:
    """A backend that purges URLs one by one cannot reach every spelling a CDN keeps."""
    return [
        checks.Error(
            f"WAGTAILFRONTENDCACHE[{name!r}] ({spec.get('BACKEND')}) purges exact URLs, and "
            "the API's responses have more spellings than a purge can name: readers would be "
            "served copies older than a publish.",
            hint="Cloudflare: CMS_CLOUDFLARE_ZONE_ID (purged by tag, cms.delivery.shared_caches."
            "CloudflareCache). Varnish, Fastly: CMS_SURROGATE_PURGE_URL. CloudFront: "
            "CMS_CLOUDFRONT_DISTRIBUTION_ID (path patterns).",
            id="cms.E010",
        )
        for name, spec in getattr(settings, "WAGTAILFRONTENDCACHE", {}).items()
        if spec.get("BACKEND") not in PATTERN_BACKENDS
    ]


def configured() -> list[EdgeCache]:
    """The caches of settings.CMS_EDGE_CACHES: [{"BACKEND": dotted path, **its arguments}]."""
    caches = []
    for spec in settings.CMS_EDGE_CACHES:
        options = {name.lower(): value for name, value in spec.items() if name != "BACKEND"}
        caches.append(import_string(spec["BACKEND"])(**options))
    return caches


@dataclass(frozen=True)
class Outcome:
    cache: str
    items: tuple[str, ...]
    error: str | None  # None: purged

    @property
    def ok(self) -> bool:
        return self.error is None


def purge(pairs: Pairs) -> list[Outcome]:
    """Purge every configured cache at once (a slow one delays the others by nothing); keep
    what failed for `retry_pending`."""
    caches = configured()
    if not caches:
        return []
    with ThreadPoolExecutor(max_workers=len(caches)) as pool:
        outcomes = list(pool.map(lambda cache: _purge_one(cache, pairs), caches))
    for outcome in outcomes:
        if not outcome.ok:
            logger.warning("Edge purge failed, kept to retry: %s", outcome.error)
            _keep(outcome)
    return outcomes


def _purge_one(cache: EdgeCache, pairs: Pairs) -> Outcome:
    items = tuple(cache.items(pairs))
    try:
        cache.purge(items)
    except Exception as error:  # whatever went wrong, the publish stands: retry later
        return Outcome(cache.name, items, str(error) or type(error).__name__)
    return Outcome(cache.name, items, None)


def _keep(outcome: Outcome) -> None:
    from cms.delivery.models import PendingEdgePurge

    try:
        PendingEdgePurge.objects.bulk_create(
            PendingEdgePurge(cache=outcome.cache, item=item, last_error=outcome.error or "")
            for item in outcome.items
        )
    except DatabaseError:
        logger.exception("Could not keep the edge purge to retry: %s", outcome.items)


@dataclass(frozen=True)
class Status:
    cache: str
    waiting: int  # purges kept to retry
    since: datetime | None
    last_error: str


def status() -> list[Status]:
    """Each configured cache, and the purges still waiting for it (the admin shows this)."""
    from cms.delivery.models import PendingEdgePurge

    rows = PendingEdgePurge.objects.values("cache").annotate(
        waiting=Count("pk"), since=Min("created_at"), last_error=Max("last_error")
    )
    waiting: dict[str, dict[str, Any]] = {row["cache"]: dict(row) for row in rows}
    empty = {"waiting": 0, "since": None, "last_error": ""}
    return [
        Status(cache.name, **{name: waiting.get(cache.name, empty)[name] for name in empty})
        for cache in configured()
    ]


def retry_pending() -> bool:
    """Retry the kept purges of each configured cache: True when none is left."""
    from cms.delivery.models import PendingEdgePurge

    pending: dict[str, list[tuple[int, str]]] = {}
    for pk, name, item in PendingEdgePurge.objects.values_list("pk", "cache", "item"):
        pending.setdefault(name, []).append((pk, item))
    if not pending:
        return True
    by_name = {cache.name: cache for cache in configured()}
    done = True
    for name, rows in pending.items():
        pks = [pk for pk, _ in rows]
        cache = by_name.get(name)
        if cache is None:  # no longer configured: nothing to purge any more
            PendingEdgePurge.objects.filter(pk__in=pks).delete()
            continue
        try:
            cache.purge(sorted({item for _, item in rows}))
        except Exception as error:
            done = False
            PendingEdgePurge.objects.filter(pk__in=pks).update(
                attempts=F("attempts") + 1, last_error=str(error)
            )
            continue
        PendingEdgePurge.objects.filter(pk__in=pks).delete()
        logger.warning("Applied %d kept purge(s) to %s", len(rows), name)
    return done
