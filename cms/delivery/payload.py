"""The flattened website-data payload: assembled from per-section fragments and served from
the cache (see cms.delivery.stores for the freshness guarantees).

Each section (menu, heroes, …) is cached under its own key as a JSON fragment, and a locale's
whole payload under one more, so a publish that touches one section rebuilds only that section
and a request for the whole payload is one read.
"""

import hashlib
import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db.models import Model

from .build import build_fragments, dumps
from .cache import payload_cache as cache
from .keys import WHOLE, cache_key, seconds_until, whole_ttl
from .locales import direction
from .sections import SECTIONS, Section
from .stores import Entry, Write


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Payload:
    entry: Entry
    from_cache: bool


def _version(fragments: dict[Section, Entry]) -> str:
    digest = hashlib.sha256(b"\0".join(fragment.body for fragment in fragments.values()))
    return digest.hexdigest()[:16]


def _expires_at(fragments: Iterable[Entry]) -> float | None:
    moments = [fragment.expires_at for fragment in fragments if fragment.expires_at is not None]
    return min(moments, default=None)


def assemble(
    locale_code: str, fragments: dict[Section, Entry], preview_info: dict[str, Any] | None = None
) -> Entry:
    """The payload's data object from its sections' fragments (in payload order). The API puts
    it in its envelope (cms.api.envelope)."""
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
    return Entry(version, body, _expires_at(fragments.values()), built_at=now_iso())


def build_preview(
    locale_code: str,
    sections: Sequence[Section],
    draft: Model,
    preview_info: dict[str, Any] | None,
) -> Entry:
    """The payload with `draft` applied, straight from the database: previews never read or
    write the cache."""
    return assemble(locale_code, build_fragments(locale_code, sections, draft), preview_info)


def get_website_data(locale_code: str, sections: Sequence[Section] | None = None) -> Payload:
    """The payload for one locale: all sections (cached whole) or some (assembled from their
    cached fragments). Builds what is missing from the database, once however many ask."""
    sections = list(sections or SECTIONS)
    hit = _from_cache(locale_code, sections)
    if hit is not None:
        return Payload(hit, from_cache=True)
    with cache.build_lock(cache_key(locale_code, "build")) as locked:
        if locked:
            # Someone may have built it while we waited for the lock.
            hit = _from_cache(locale_code, sections)
            if hit is not None:
                return Payload(hit, from_cache=True)
        return Payload(_build(locale_code, sections), from_cache=False)


def get_section(locale_code: str, section: Section) -> Any:
    """One section of one locale's payload, as data (for the API v2 endpoints)."""
    body = get_website_data(locale_code, [section]).entry.body
    return json.loads(body)[section.field]


def _is_whole(sections: Sequence[Section]) -> bool:
    return len(sections) == len(SECTIONS)


def _from_cache(locale_code: str, sections: Sequence[Section]) -> Entry | None:
    """One MGET: the stored whole payload, or a subset assembled from stored fragments."""
    if _is_whole(sections):
        key = cache_key(locale_code, WHOLE)
        return (cache.read_many([key]) or {}).get(key)
    keys = {section: cache_key(locale_code, section.key) for section in sections}
    found = cache.read_many(list(keys.values())) or {}
    fragments = {section: found.get(key) for section, key in keys.items()}
    if all(fragments.values()):
        return assemble(locale_code, fragments)  # type: ignore[arg-type]
    return None


def _build(locale_code: str, sections: Sequence[Section]) -> Entry:
    entry, writes = _prepare(locale_code, sections)
    cache.write_many(writes)
    return entry


def _prepare(
    locale_code: str, sections: Sequence[Section], rebuild: Collection[Section] = ()
) -> tuple[Entry, list[Write]]:
    """Build `sections` of one locale, reusing cached fragments except those in `rebuild`.
    Returns the assembled entry and the cache writes that store it."""
    whole_key = cache_key(locale_code, WHOLE) if _is_whole(sections) else None
    section_keys = {section: cache_key(locale_code, section.key) for section in sections}
    # Tokens first, database second: a purge in between makes our writes fail, not stale.
    tokens = cache.tokens([*section_keys.values(), *filter(None, [whole_key])]) or {}
    reusable = [key for section, key in section_keys.items() if section not in rebuild]
    cached = (cache.read_many(reusable) or {}) if reusable else {}
    reused = {
        section: fragment
        for section, key in section_keys.items()
        if (fragment := cached.get(key)) is not None
    }
    built = build_fragments(locale_code, [s for s in sections if s not in reused])
    fragments = {section: reused.get(section) or built[section] for section in sections}

    entry = assemble(locale_code, fragments)
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
