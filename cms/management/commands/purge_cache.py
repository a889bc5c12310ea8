from django.core.management.base import BaseCommand

from cms.cache import WEBSITE_DATA, cache_key, website_cache
from cms.management.cache_selection import add_selection_arguments, selected


class Command(BaseCommand):
    help = (
        "Forget cached website data (all locales and sections, or those named); it is rebuilt "
        "on the next request."
    )

    def add_arguments(self, parser):
        add_selection_arguments(parser)

    def handle(self, *args, locales=None, sections=None, **options):
        codes, chosen = selected(locales, sections)
        names = [section.key for section in chosen]
        keys = [cache_key(code, name) for code in codes for name in (*names, WEBSITE_DATA)]
        website_cache.purge(keys)
        self.stdout.write(self.style.SUCCESS(f"Purged {len(keys)} keys: {', '.join(keys)}."))
