"""The website as of a release, before it goes live: what the admin's preview of a release and
its headless preview token show.

The release is launched for real, item by item, with the same code as its launch
(cms.releases.launch), inside a transaction that is then rolled back: the payload is built
from the database as it would be the moment after the release went live, by the builder that
serves the API, and nothing of it is kept (no row, no cache purge, no event: those run only
once a transaction commits). So the preview cannot drift from what the launch will do, and a
release that would fail to launch fails to preview, with the same reason.
"""

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from cms.cache.stores import Entry
from cms.delivery.build import build_fragments
from cms.delivery.payload import assemble
from cms.delivery.sections import Section

from .launch import LaunchFailed, apply
from .models import Release


class _Discarded(Exception):
    """Raised to roll the preview's transaction back, carrying what was built in it."""

    def __init__(self, entry: Entry) -> None:
        self.entry = entry


def payload_as_of(
    release: Release,
    locale_code: str,
    sections: Sequence[Section],
    preview_info: dict[str, Any] | None,
) -> Entry:
    """The payload of `locale_code` with every item of `release` (as this instance holds them:
    a revision's, or the rows') applied. Raises LaunchFailed if the release could not go live."""
    items = list(release.items.all())
    try:
        with transaction.atomic():
            for item in items:
                apply(item, user=None)
            fragments = build_fragments(locale_code, sections)
            raise _Discarded(assemble(locale_code, fragments, preview_info))
    except _Discarded as discarded:
        return discarded.entry


__all__ = ["LaunchFailed", "payload_as_of"]
