"""The last payload built for each locale, kept without a TTL, in Redis (shared by every
process) and in this process's memory (which survives Redis going away too). It is what
/api/website-data/ serves, marked stale, when the database is down and the cache holds
nothing fresher, or while another worker's build is taking too long."""

from .cache import payload_cache
from .keys import cache_key
from .stores import Entry

NAME = "last_known_good"

_in_memory: dict[str, Entry] = {}


def keep(locale_code: str, entry: Entry) -> None:
    """Remember a whole payload that was just built (or served)."""
    _in_memory[locale_code] = entry
    payload_cache.keep(cache_key(locale_code, NAME), entry)


def remember(locale_code: str, entry: Entry) -> None:
    """Remember a whole payload this process served from the cache (no Redis write)."""
    _in_memory[locale_code] = entry


def recall(locale_code: str) -> Entry | None:
    """The freshest whole payload kept for the locale; None if there is none."""
    kept = [payload_cache.kept(cache_key(locale_code, NAME)), _in_memory.get(locale_code)]
    return max(filter(None, kept), key=lambda entry: entry.built_at, default=None)


def forget() -> None:
    """Forget this process's copies (tests)."""
    _in_memory.clear()
