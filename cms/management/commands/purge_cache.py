from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cms.cache.engine import payload_cache
from cms.cache.models import ContentGeneration
from cms.delivery.keys import keys_for
from cms.delivery.propagation import to_edges
from cms.management.cache_selection import add_selection_arguments, selected


class Command(BaseCommand):
    help = (
        "Forget cached website data (all locales and sections, or those named); it is rebuilt "
        "on the next request."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_selection_arguments(parser)

    def handle(
        self,
        *args: Any,
        locales: list[str] | None = None,
        sections: list[str] | None = None,
        **options: Any,
    ) -> None:
        codes, chosen = selected(locales, sections)
        keys = keys_for(codes, chosen)
        ContentGeneration.advance()
        payload_cache.purge(keys)
        self.stdout.write(self.style.SUCCESS(f"Purged {len(keys)} keys: {', '.join(keys)}."))
        # Then the shared caches in front of the API (nginx, Varnish, CDNs), as a publish
        # does: once every app server has read the new generation, so none refills them with
        # a copy from before.
        pairs = {(code, section) for code in codes for section in chosen}
        for outcome in to_edges(pairs, after_generation_is_seen=True):
            if outcome.ok:
                self.stdout.write(f"Purged {outcome.cache}.")
            else:
                self.stderr.write(f"{outcome.cache} not reached ({outcome.error}): kept, retried.")
