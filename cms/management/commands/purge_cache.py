from django.core.management.base import BaseCommand, CommandError

from cms.cache import WEBSITE_DATA, cache_key, website_cache
from cms.website_data import InvalidRequest, parse_locale, parse_sections, supported_locales


class Command(BaseCommand):
    help = (
        "Forget cached website data (all locales and sections, or those named); it is rebuilt "
        "on the next request."
    )

    def add_arguments(self, parser):
        parser.add_argument("--locale", action="append", dest="locales", help="e.g. ar (repeat)")
        parser.add_argument(
            "--section", action="append", dest="sections", help="e.g. menu_items (repeat)"
        )

    def handle(self, *args, locales=None, sections=None, **options):
        try:
            codes = [parse_locale(code) for code in locales] if locales else supported_locales()
            names = [section.key for section in parse_sections(sections)]
        except InvalidRequest as error:
            raise CommandError(str(error)) from error
        keys = [cache_key(code, name) for code in codes for name in (*names, WEBSITE_DATA)]
        website_cache.purge(keys)
        self.stdout.write(self.style.SUCCESS(f"Purged {len(keys)} keys: {', '.join(keys)}."))
