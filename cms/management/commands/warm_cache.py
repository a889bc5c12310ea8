from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cms.delivery.payload import refresh
from cms.management.cache_selection import add_selection_arguments, selected


class Command(BaseCommand):
    help = "Rebuild the website-data cache from published content (all locales and sections)."

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
        for key in refresh(codes, chosen):
            ttl = "not stored (Redis unavailable)" if key["ttl"] is None else f"{key['ttl']} s"
            self.stdout.write(f"{key['cache_key']}: {ttl}")
        self.stdout.write(self.style.SUCCESS(f"Warmed the cache for {', '.join(codes)}."))
