from django.core.management.base import BaseCommand, CommandError

from cms.website_data import (
    InvalidRequest,
    parse_locale,
    parse_sections,
    refresh,
    supported_locales,
)


class Command(BaseCommand):
    help = "Rebuild the website-data cache from published content (all locales and sections)."

    def add_arguments(self, parser):
        parser.add_argument("--locale", action="append", dest="locales", help="e.g. ar (repeat)")
        parser.add_argument(
            "--section", action="append", dest="sections", help="e.g. menu_items (repeat)"
        )

    def handle(self, *args, locales=None, sections=None, **options):
        try:
            codes = [parse_locale(code) for code in locales] if locales else supported_locales()
            chosen = parse_sections(sections)
        except InvalidRequest as error:
            raise CommandError(str(error)) from error
        for key in refresh(codes, chosen):
            ttl = "not stored (Redis unavailable)" if key["ttl"] is None else f"{key['ttl']} s"
            self.stdout.write(f"{key['cache_key']}: {ttl}")
        self.stdout.write(self.style.SUCCESS(f"Warmed the cache for {', '.join(codes)}."))
