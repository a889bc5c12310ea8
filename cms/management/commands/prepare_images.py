"""Make images' renditions now, as the worker does after an upload: to catch up after
installing (or changing the slots in cms/images/slots.py), or for a given image."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from wagtail.images import get_image_model

from cms.delivery.sections import SECTIONS, images_shown_in
from cms.images.preparing import prepare_image


class Command(BaseCommand):
    help = "Make the renditions the payload serves: of the images shown, of all, or of some."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("image_ids", nargs="*", type=int, help="These images only.")
        parser.add_argument("--all", action="store_true", help="Every image, shown or not.")

    def handle(self, *args: Any, **options: Any) -> None:
        images = get_image_model().objects.order_by("pk")
        if options["image_ids"]:
            images = images.filter(pk__in=options["image_ids"])
        elif not options["all"]:
            images = images.filter(pk__in=images_shown_in(SECTIONS))
        made = sum(prepare_image.call(pk) for pk in images.values_list("pk", flat=True))
        self.stdout.write(f"Prepared {made} image(s); the others were ready.")
