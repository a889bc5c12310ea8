"""One change, every cache: when content changes, the (locale, section) pairs it affects are
purged from every layer that caches them, in order, before the change's request returns:

1. Redis (cms.delivery.cache), which the origin serves from;
2. the shared caches in front of the API (cms.delivery.edge): each nginx instance, Varnish
   or a CDN, purged at once, after a short settling time (below).

Signal handlers call `after_commit` while the change's transaction is open; the pairs are
propagated when it commits.

Why the settling time: a reader that read Redis just before the purge can still be on its way
to nginx when nginx is purged, and nginx would then keep the old payload after the purge. So
the shared caches are purged CMS_EDGE_SETTLE_MS after Redis, and a response that spent more
than half of that between reading its payload and leaving Django tells shared caches not to
keep it (`too_late_to_share`); so does one built from the database while a purge overtook it
(Payload.current). Whatever was read before the Redis purge is either stored before the edge
purge, and purged with it, or not stored at all.
"""

import threading
import time
from collections.abc import Callable, Iterable
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext

from . import edge
from .cache import payload_cache
from .edge import Pairs
from .keys import keys_for
from .models import ContentGeneration
from .sections import Section


def after_commit(sections: Iterable[Section], locale_codes: Iterable[str]) -> None:
    """Propagate these sections of these locales once the current transaction commits; and,
    within it, move the content generation on, so no process serves a copy from memory that
    predates the change."""
    pairs = {(code, section) for code in locale_codes for section in sections}
    if pairs:
        ContentGeneration.advance()
        transaction.on_commit(partial(propagate, pairs))  # at once when none is open


_request = threading.local()


def propagate(pairs: Pairs) -> list[edge.Outcome]:
    """Purge Redis, then every shared cache; returns what each shared cache said. Within a
    request (EdgePurgeMiddleware), the shared caches are purged once, for every change the
    request made, just before it answers."""
    payload_cache.purge(key for code, section in pairs for key in keys_for([code], [section]))
    batch: Pairs | None = getattr(_request, "edge_batch", None)
    if batch is not None:
        batch |= pairs
        return []
    return to_edges(pairs)


class EdgePurgeMiddleware:
    """Collects what a request's changes purge from the shared caches, and purges it once,
    before the response leaves: a bulk publish of twenty items waits for one settling time
    and one purge per cache, not twenty."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        _request.edge_batch = set()
        try:
            return self.get_response(request)
        finally:
            pairs, _request.edge_batch = _request.edge_batch, None
            failed = [outcome for outcome in to_edges(pairs) if not outcome.ok]
            if failed and hasattr(request, "_messages"):  # an admin page: tell the editor
                messages.warning(request, unreached_message(failed))


def unreached_message(failed: list[edge.Outcome]) -> str:
    return gettext(
        "The change is live, but %(caches)s could not be told yet: it may show the previous "
        "version for up to %(seconds)d seconds. It is being retried."
    ) % {
        "caches": ", ".join(outcome.cache for outcome in failed),
        "seconds": settings.CMS_SHARED_MAX_AGE,
    }


def to_edges(pairs: Pairs) -> list[edge.Outcome]:
    """Purge the shared caches only (Redis is already up to date: a refresh rebuilt it)."""
    if not pairs or not settings.CMS_EDGE_CACHES:
        return []
    time.sleep(settle_seconds())
    return edge.purge(pairs)


def settle_seconds() -> float:
    return float(settings.CMS_EDGE_SETTLE_MS) / 1000


def too_late_to_share(read_at: float) -> bool:
    """Whether a response whose content was read at `read_at` (time.monotonic()) is too old
    for a shared cache to keep: it may have been read before a purge it would then outlive."""
    return bool(settings.CMS_EDGE_CACHES) and (time.monotonic() - read_at > settle_seconds() / 2)


def mark_unshareable(response: HttpResponseBase) -> None:
    response["Cache-Control"] = "no-cache"
