"""The flattened website-data payload: assembled from per-section fragments and served from
the cache (see cms.cache.stores for the freshness guarantees).

Each section (menu, heroes, …) is cached under its own key as a JSON fragment, and a locale's
whole payload under one more, so a publish that touches one section rebuilds only that section
and a request for the whole payload is one read.
"""

import dataclasses
import hashlib
import json
import threading
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import InterfaceError, OperationalError
from django.db.models import Model

from cms.cache import generation
from cms.cache.engine import Lock
from cms.cache.engine import payload_cache as cache
from cms.cache.local_copies import local_copies
from cms.cache.models import ContentGeneration
from cms.cache.stores import Entry, Write
from cms.delivery import propagation
from cms.delivery.build import build_fragments, dumps, one_view
from cms.delivery.keys import LAST_GOOD, WHOLE, cache_key, seconds_until, whole_ttl
from cms.delivery.locales import direction
from cms.delivery.models import EventKind
from cms.delivery.sections import SECTIONS, Section


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Payload:
    entry: Entry
    # Where it came from: HIT (Redis), MISS (built now), LOCAL (this process's copy, while
    # Redis cannot be trusted), STALE (the last known good, nothing fresher could be had).
    source: str
    # Whether it was current when it was had: a build that a purge overtook (its writes to
    # Redis were refused) may show what the purge removed, so no shared cache may keep it.
    current: bool = True

    @property
    def stale(self) -> bool:
        return self.source == "STALE"


class Unavailable(Exception):
    """Neither the cache nor the database can give this payload, and no copy was ever kept."""


def _version(fragments: dict[Section, Entry]) -> str:
    digest = hashlib.sha256(b"\0".join(fragment.body for fragment in fragments.values()))
    return digest.hexdigest()[:16]


def _expires_at(fragments: Iterable[Entry]) -> float | None:
    moments = [fragment.expires_at for fragment in fragments if fragment.expires_at is not None]
    return min(moments, default=None)


def assemble(
    locale_code: str,
    fragments: dict[Section, Entry],
    preview_info: dict[str, Any] | None = None,
    built_at: str | None = None,
    stamp: int = 0,
) -> Entry:
    """The payload's data object from its sections' fragments (in payload order), stamped with
    the content generation they were built at. The API puts it in its envelope
    (cms.api.envelope)."""
    version = _version(fragments)
    head = dumps(
        {
            "locale": locale_code,
            "direction": direction(locale_code),
            "version": version,
            **({"preview": preview_info} if preview_info else {}),
        }
    )
    sections = b"".join(
        b',"%s":%s' % (section.field.encode(), fragment.body)
        for section, fragment in fragments.items()
    )
    body = head[:-1] + sections + b"}"
    return Entry(version, body, _expires_at(fragments.values()), built_at or now_iso(), stamp)


def build_preview(
    locale_code: str,
    sections: Sequence[Section],
    draft: Model,
    preview_info: dict[str, Any] | None,
) -> Entry:
    """The payload with `draft` applied, straight from the database: previews never read or
    write the cache."""
    return assemble(locale_code, build_fragments(locale_code, sections, draft), preview_info)


def get_website_data(
    locale_code: str, sections: Sequence[Section] | None = None, stale_while_busy: bool = True
) -> Payload:
    """The payload for one locale: all sections (cached whole) or some (assembled from their
    cached fragments). Builds what is missing from the database, once however many ask."""
    sections = list(sections or SECTIONS)
    if not cache.available():
        return _without_redis(locale_code, sections, stale_while_busy)
    hit = _from_cache(locale_code, sections)
    if hit is not None:
        return Payload(hit, "HIT")
    built: list[Entry] = []

    def ready() -> bool:  # another reader's build landed in the cache
        hit = _from_cache(locale_code, sections)
        if hit is not None:
            built.append(hit)
        return hit is not None

    with cache.build_lock(cache_key(locale_code, "build"), ready) as lock:
        if lock is Lock.READY:
            return Payload(built[0], "HIT")
        if lock is Lock.HELD:
            # Someone may have built it while we waited for the lock.
            hit = _from_cache(locale_code, sections)
            if hit is not None:
                return Payload(hit, "HIT")
        elif (
            lock is Lock.BUSY and stale_while_busy and (stale := _last_good(locale_code, sections))
        ):
            # Another worker's build is slow: a second one would only slow the database more.
            return Payload(stale, "STALE")
        try:
            entry, stored = _build(locale_code, sections)
            return Payload(entry, "MISS", current=stored)
        except (OperationalError, InterfaceError) as error:
            stale = _last_good(locale_code, sections)
            if stale is None:
                raise Unavailable(str(error)) from error
            return Payload(stale, "STALE")


# One build of each payload at a time in this process while Redis cannot be used.
_builds: dict[str, threading.Lock] = defaultdict(threading.Lock)
BUILD_WAIT_SECONDS = 0.5  # how long a thread waits for another's build before serving stale


def _without_redis(
    locale_code: str, sections: Sequence[Section], stale_while_busy: bool = True
) -> Payload:
    """The payload while Redis is down or frozen: this process's copy while it is proven
    current by its stamp (no query: the generation watcher reads it, cms.cache.local_copies),
    else a build, by one of the process's threads at a time."""
    key = _copy_key(locale_code, sections)
    if copy := local_copies.proven(key):
        return Payload(copy, "LOCAL")
    building = _builds[key]
    if not building.acquire(timeout=BUILD_WAIT_SECONDS):
        # Another thread's build is slow (the database is): a second one would only slow it
        # more. The last payload built, if any (and if the caller takes one); else this thread
        # waits for that build.
        if stale_while_busy and (stale := _last_good(locale_code, sections)):
            return Payload(stale, "STALE")
        building.acquire()
    try:
        if copy := local_copies.proven(key):  # another thread built it while this one waited
            return Payload(copy, "LOCAL")
        with one_view():  # the stamp is the generation of what is built
            stamp = ContentGeneration.current()
            generation.saw(stamp)
            fragments = build_fragments(locale_code, sections)
        entry = assemble(locale_code, fragments, stamp=stamp)
        local_copies.remember_built(key, entry)
    except (OperationalError, InterfaceError) as error:
        stale = _last_good(locale_code, sections)
        if stale is None:
            raise Unavailable(str(error)) from error
        return Payload(stale, "STALE")
    finally:
        building.release()
    if _is_whole(sections):
        _remember_good(locale_code, entry)
    return Payload(entry, "MISS")


def _copy_key(locale_code: str, sections: Sequence[Section]) -> str:
    """Where this process keeps its copy: the whole payload's cache key, as Redis names it,
    or one for the subset (kept only here)."""
    if _is_whole(sections):
        return cache_key(locale_code, WHOLE)
    return cache_key(locale_code, "only:" + "+".join(section.key for section in sections))


def _remember_good(locale_code: str, entry: Entry, everywhere: bool = False) -> None:
    """Remember the locale's whole payload as its last good one (`everywhere`: in Redis too)."""
    local_copies.remember_last_good(cache_key(locale_code, LAST_GOOD), entry, everywhere)


def _last_good(locale_code: str, sections: Sequence[Section]) -> Entry | None:
    """The last payload built for the locale, cut down to `sections`, with its build time."""
    entry = local_copies.last_good(cache_key(locale_code, LAST_GOOD))
    if entry is None or _is_whole(sections):
        return entry
    data = json.loads(entry.body)
    fragments = {section: Entry("", dumps(data[section.field])) for section in sections}
    return assemble(locale_code, fragments, built_at=entry.built_at)


def get_section(locale_code: str, section: Section) -> Any:
    """One section of one locale's payload, as data (for the API v2 endpoints), fresh or not
    at all: Unavailable rather than a stale copy."""
    payload = get_website_data(locale_code, [section], stale_while_busy=False)
    if payload.stale:
        raise Unavailable("Only a stale copy is available.")
    return json.loads(payload.entry.body)[section.field]


def _is_whole(sections: Sequence[Section]) -> bool:
    return len(sections) == len(SECTIONS)


def _current(entry: Entry | None) -> Entry | None:
    """`entry`, unless a newer content generation was seen since it was built: then it may
    predate a publish whose purge never reached its store (cms.cache.generation)."""
    return entry if entry is not None and generation.is_current(entry.generation) else None


def _from_cache(locale_code: str, sections: Sequence[Section]) -> Entry | None:
    """One MGET (or none, from this process's copy): the stored whole payload, or a subset
    assembled from stored fragments; only what is stamped with the newest generation seen."""
    if _is_whole(sections):
        key = cache_key(locale_code, WHOLE)
        copy = local_copies.heard(key)  # no round trip, while purges reach us
        if copy is not None:
            return copy
        epoch = local_copies.epoch
        hit = _current((cache.read_many([key]) or {}).get(key))
        if hit is not None:
            _remember_good(locale_code, hit)
            local_copies.remember_served(key, hit, epoch)
        return hit
    keys = {section: cache_key(locale_code, section.key) for section in sections}
    found = cache.read_many(list(keys.values())) or {}
    # A fragment of a newer generation proves it exists (it was read from PostgreSQL): the
    # older ones beside it may predate a change whose purge is on its way, and are not
    # assembled with it.
    stored = [entry for entry in found.values() if entry is not None]
    if stored:
        generation.saw(max(entry.generation for entry in stored))
    fragments = {section: _current(found.get(key)) for section, key in keys.items()}
    if all(fragments.values()):
        stamp = min(fragment.generation for fragment in fragments.values())  # type: ignore[union-attr]
        return assemble(locale_code, fragments, stamp=stamp)  # type: ignore[arg-type]
    return None


def _build(locale_code: str, sections: Sequence[Section]) -> tuple[Entry, bool]:
    """The entry, and whether Redis took every write (no purge overtook the build)."""
    entry, writes = _prepare(locale_code, sections)
    written = cache.write_many(writes)
    if _is_whole(sections):
        _remember_good(locale_code, entry, everywhere=True)
    return entry, written is not None and bool(written) and all(written)


def _prepare(
    locale_code: str, sections: Sequence[Section], rebuild: Collection[Section] = ()
) -> tuple[Entry, list[Write]]:
    """Build `sections` of one locale, reusing cached fragments except those in `rebuild`.
    Returns the assembled entry and the cache writes that store it."""
    whole_key = cache_key(locale_code, WHOLE) if _is_whole(sections) else None
    section_keys = {section: cache_key(locale_code, section.key) for section in sections}
    # Tokens first, database after: a purge in between makes our writes fail, not stale.
    tokens = cache.tokens([*section_keys.values(), *filter(None, [whole_key])]) or {}
    reusable = [key for section, key in section_keys.items() if section not in rebuild]
    cached = (cache.read_many(reusable) or {}) if reusable else {}
    with one_view():
        # The generation of exactly the view the sections are built from. A fragment stored
        # at another is of another state of the content (older, its purge perhaps still on
        # its way; or newer): assembled with this view's, the payload would show part of a
        # change. Only fragments of this very generation are reused.
        stamp = ContentGeneration.current()
        generation.saw(stamp)
        reused = {
            section: fragment
            for section, key in section_keys.items()
            if (fragment := cached.get(key)) is not None and fragment.generation == stamp
        }
        built = {
            section: dataclasses.replace(fragment, generation=stamp)
            for section, fragment in build_fragments(
                locale_code, [s for s in sections if s not in reused]
            ).items()
        }
    fragments = {section: reused.get(section) or built[section] for section in sections}

    entry = assemble(locale_code, fragments, stamp=stamp)
    writes: list[Write] = [
        (key, tokens[key], fragment, seconds_until(fragment.expires_at, section.ttl))
        for section, fragment in built.items()
        if (key := section_keys[section]) in tokens
    ]
    if whole_key is not None and whole_key in tokens:
        writes.append(
            (whole_key, tokens[whole_key], entry, seconds_until(entry.expires_at, whole_ttl()))
        )
    return entry, writes


def refresh(locale_codes: Sequence[str], sections: Collection[Section]) -> list[dict[str, Any]]:
    """Rebuild the named sections of each locale, and its whole payload, and store them.

    Everything is built before anything is written, so an error leaves the cache as it was;
    like any build, the writes are refused for keys a publish purged meanwhile. Returns
    [{"locale", "key", "cache_key", "ttl"}] with each key's TTL as Redis reports it (None when
    Redis did not answer).
    """
    prepared = [_prepare(code, SECTIONS, rebuild=set(sections)) for code in locale_codes]
    cache.write_many([write for _, writes in prepared for write in writes])
    for code, (entry, _) in zip(locale_codes, prepared, strict=True):
        _remember_good(code, entry, everywhere=True)
    # What the shared caches in front of the API hold may be older than what was just built.
    pairs = {(code, section) for code in locale_codes for section in sections}
    propagation.finish(propagation.Propagation(pairs, kind=EventKind.REFRESHED))
    ordered = [section for section in SECTIONS if section in sections]
    return [
        {
            "locale": code,
            "key": name,
            "cache_key": cache_key(code, name),
            "ttl": cache.ttl(cache_key(code, name)),
        }
        for code in locale_codes
        for name in (*(section.key for section in ordered), WHOLE)
    ]
