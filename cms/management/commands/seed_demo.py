from typing import Any

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Locale

from cms.demo.seeder import DemoSeeder


class Command(BaseCommand):
    help = (
        "Load the demo website (menu, heroes, partners, footer, SEO, home pages) in English "
        "with its Arabic translation. Idempotent: running it again changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not Locale.objects.filter(language_code__in=["en", "ar"]).count() == 2:
            raise CommandError("The en and ar locales are missing: run `manage.py migrate` first.")
        self.stdout.write("Seeding demo content (images are drawn on first run)…")
        report = DemoSeeder().seed()
        self.stdout.write(self.style.SUCCESS(f"Demo content ready: {report}."))
