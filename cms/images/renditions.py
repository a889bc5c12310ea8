"""Making the payload's renditions ahead of time, in bounded memory.

Wagtail makes a rendition the first time something asks for it, each from a full decode of the
original (three at a time in `get_renditions`): a 40-megapixel upload, asked for by a public
request, took a worker from 160 MB to 470 MB. Here every spec of every slot
(cms.images.slots) is made from one decode of the original, only as large as the largest
rendition needs (a JPEG decodes straight to 1/2, 1/4 or 1/8 of its size), shrunk again as the
renditions get smaller. Each crop is drawn once, where Wagtail's Filter would place it (its
transform, with the focal point scaled to the smaller copy), then encoded in each format by
Wagtail's Filter: the files and Rendition rows are the ones Wagtail would have made. 201 MB at
most for a 40-megapixel JPEG (scripts/bench_images.py).

`prepare` runs in the background worker when an image is uploaded or its focal point changes
(cms.images.preparing), and in a publish that shows an image never prepared
(`prepare_unprepared`), so a publish is served only once its renditions exist. Requests only
read what exists. The admin's own thumbnails are made the same way (`prepare_for_admin`).
"""

import base64
import copy
import logging
import math
import os
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from io import BytesIO
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Q
from PIL import Image as PILImage
from PIL import ImageOps
from wagtail.images import get_image_model
from wagtail.images.image_operations import ImageTransform
from wagtail.images.models import Filter
from willow.plugins.pillow import PillowImage

from cms.images import slots
from cms.images.models import PreparedImage

logger = logging.getLogger(__name__)

# Orientations (EXIF) that turn the picture a quarter: its width is the file's height.
QUARTER_TURNS = {5, 6, 7, 8}
# Shrink the working copy once it is this much wider than the next rendition needs.
SHRINK_WHEN = 1.5
# A resize holds the picture, half-resized copy and result at once: only below this many
# pixels. Larger pictures shrink by decoding again (JPEG) or by whole factors (reduce).
RESIZE_AT_MOST = 12_000_000


def _draft_scale(scale: float) -> float:
    """The scale a JPEG decodes at when asked for `scale`: the next power of two up, to 1/8."""
    return next(each for each in (1 / 8, 1 / 4, 1 / 2, 1.0) if each >= scale)


def version_of(image: Any) -> str:
    """What the renditions are made from: the file and the focal point."""
    focal = (
        image.focal_point_x,
        image.focal_point_y,
        image.focal_point_width,
        image.focal_point_height,
    )
    return f"{image.file.name}@{','.join(map(str, focal))}"


def is_prepared(image: Any) -> bool:
    return PreparedImage.objects.filter(image=image, version=version_of(image)).exists()


def prepare(image: Any) -> tuple[PreparedImage, bool]:
    """Make whatever renditions the image's current version still lacks, and its
    placeholders; returns its PreparedImage and whether anything was made."""
    version = version_of(image)
    filters = [Filter(spec=spec) for spec in slots.all_specs()]
    existing = _existing(image, filters)
    prepared = PreparedImage.objects.filter(image=image, version=version).first()
    if prepared is not None and set(prepared.renditions.values()) <= {
        rendition.pk for rendition in existing.values()
    }:
        return prepared, False
    missing = [each.spec for each in filters if each.spec not in existing]
    placeholders = {slot.name: slot.default.placeholder_spec for slot in _slots()}
    made, colour = _make(image, [*missing, *placeholders.values()], set(placeholders.values()))
    inline = {name: _data_uri(made[spec]) for name, spec in placeholders.items()}
    existing = _existing(image, filters)  # with the ids the inserts gave them
    with transaction.atomic():
        prepared, _ = PreparedImage.objects.update_or_create(
            image=image,
            version=version,
            defaults={
                "file_name": image.file.name,
                "renditions": {spec: rendition.pk for spec, rendition in existing.items()},
                "placeholders": inline,
                "color": colour,
            },
        )
        # Older versions served only until this one was ready.
        PreparedImage.objects.filter(image=image).exclude(pk=prepared.pk).delete()
    logger.info("Prepared image %s: %d rendition(s) made", image.pk, len(missing))
    return prepared, True


# What Wagtail's admin shows of every image, made the same way: otherwise Wagtail makes each
# in the next admin request that shows it, from a full-size decode of the original (and two
# full-size copies). The thumbnails of listings, choosers and the edit view are made as soon as
# the image is saved (from a 1/8-size decode of a JPEG: quick); the edit view's full-size copy
# (for the focal point) by the worker.
ADMIN_THUMBNAILS = ("max-165x165", "max-800x600")
ADMIN_ORIGINAL = "original"


# Formats a browser shows as they are: Wagtail's `original` rendition of one is the same image.
SHOWN_AS_IS = {"JPEG", "PNG", "WEBP", "AVIF"}


def prepare_for_admin(image: Any, specs: Iterable[str] = ADMIN_THUMBNAILS) -> None:
    filters = [Filter(spec=spec) for spec in specs]
    existing = _existing(image, filters)
    missing = [each.spec for each in filters if each.spec not in existing]
    if ADMIN_ORIGINAL in missing and _copy_original(image):
        missing.remove(ADMIN_ORIGINAL)
    if missing:
        _make(image, missing)


def _copy_original(image: Any) -> bool:
    """Save the `original` rendition as a copy of the file, without decoding it (which takes
    160 MB for 40 megapixels), when that is what Wagtail would draw: a format browsers show,
    already upright. Whether it was."""
    with image.open_file() as file:
        header = PILImage.open(file)
        as_is = header.format in SHOWN_AS_IS and header.getexif().get(0x0112, 1) == 1
        if not as_is:
            return False
        width, height = header.size
        file.seek(0)
        rendition = image.get_rendition_model()(image=image, filter_spec=ADMIN_ORIGINAL)
        field = rendition._meta.get_field("file")
        stem, extension = os.path.splitext(os.path.basename(image.file.name))
        name = field.generate_filename(rendition, f"{stem[:40]}.original{extension.lower()}")
        stored = field.storage.save(name, File(file))
    # Stored already, with its size given: Django would otherwise read the size back from the
    # file, which Willow does by decoding all of it.
    image.renditions.get_or_create(
        filter_spec=ADMIN_ORIGINAL,
        focal_point_key=Filter(spec=ADMIN_ORIGINAL).get_cache_key(image),
        defaults={"file": stored, "width": width, "height": height},
    )
    return True


def _make(
    image: Any, specs: list[str], inline: Collection[str] = ()
) -> tuple[dict[str, bytes], str]:
    """Save the renditions of `specs` (each crop drawn once, then encoded in each format it
    is asked in), except those `inline`, whose bytes are returned; and the image's colour."""
    formats: dict[str, list[str | None]] = {}
    for spec in specs:
        geometry, _, image_format = spec.partition("|format-")
        formats.setdefault(geometry, []).append(image_format or None)
    copies = _WorkingCopy(image, [Filter(spec=geometry) for geometry in formats])
    drawn: dict[str, PILImage.Image] = {}
    made: dict[str, bytes] = {}
    for geometry in copies.largest_first():
        drawn[geometry.spec] = copies.draw(geometry)
        if not copies.is_large:  # encoders need memory too: never beside a large copy
            _encode(image, copies.format_name, drawn, formats, inline, made)
    colour, format_name = copies.colour(), copies.format_name
    del copies
    _encode(image, format_name, drawn, formats, inline, made)
    return made, colour


def forget_replaced_files(image: Any) -> None:
    """A new file: Wagtail deletes its renditions, so versions made from the old one are gone."""
    PreparedImage.objects.filter(image=image).exclude(file_name=image.file.name).delete()


def prepare_unprepared(ids: Collection[Any]) -> int:
    """Prepare, here and now, those of these images that have never been prepared: a publish
    is served only once its renditions exist (the worker usually made them at upload). An
    image with an older version prepared is served with that one meanwhile, and left to the
    worker. Returns how many were prepared."""
    if not ids:
        return 0
    unprepared = get_image_model().objects.filter(pk__in=ids, prepared_versions__isnull=True)
    count = 0
    for image in unprepared:
        try:
            prepare(image)
            count += 1
        except Exception:  # whatever a broken file raises, the purge that follows must happen
            logger.exception("Could not prepare image %s: it is left out until fixed", image.pk)
    return count


def _slots() -> Iterator[slots.Slot]:
    return iter(slots.SLOTS.values())


def _existing(image: Any, filters: list[Filter]) -> dict[str, Any]:
    lookup = Q()
    for each in filters:
        lookup |= Q(filter_spec=each.spec, focal_point_key=each.get_cache_key(image))
    return {rendition.filter_spec: rendition for rendition in image.renditions.filter(lookup)}


def _encode(
    image: Any,
    format_name: str,
    drawn: dict[str, PILImage.Image],
    formats: dict[str, list[str | None]],
    inline: Collection[str],
    made: dict[str, bytes],
) -> None:
    """Encode what is drawn in each format its specs name (none: the original's), then let
    it go: renditions saved in one insert (as Wagtail's Image.create_renditions saves them),
    or, for `inline` specs, their bytes in `made`."""
    new = []
    for geometry, picture in list(drawn.items()):
        for image_format in formats[geometry]:
            spec = f"{geometry}|format-{image_format}" if image_format else geometry
            encoder = _Encoded(spec, picture, format_name)
            if spec in inline:
                output = BytesIO()
                encoder.run(image, output)
                made[spec] = output.getvalue()
            else:
                new.append(image.generate_rendition_instance(encoder, BytesIO()))
        del drawn[geometry]
    # Another process may have made some meanwhile: theirs are kept (ignore_conflicts).
    image.get_rendition_model().objects.bulk_create(new, ignore_conflicts=True)


def _data_uri(data: bytes) -> str:
    return "data:image/webp;base64," + base64.b64encode(data).decode()


class _Upright(PillowImage):
    """A decoded picture as Willow sees it: already upright (Willow's auto_orient would copy
    the whole picture for nothing)."""

    def __init__(self, picture: PILImage.Image, format_name: str = "png") -> None:
        super().__init__(picture)
        self.format_name = format_name

    def auto_orient(self) -> "_Upright":
        return self


class _Encoded(Filter):
    """Wagtail's Filter for a spec, given the picture already cropped and resized to it:
    only its format (and quality) is left to apply. Its spec names the file and the
    rendition, as if Wagtail had drawn it from the original."""

    def __init__(self, spec: str, picture: PILImage.Image, format_name: str) -> None:
        super().__init__(spec=spec)
        self.picture = picture
        self.format_name = format_name  # the original's: the output's, unless the spec says

    @contextmanager
    def get_willow_image(self, image: Any, source: Any = None) -> Iterator[Any]:
        yield _Upright(self.picture, self.format_name)

    def get_transform(self, image: Any, size: Any = None) -> ImageTransform:
        return ImageTransform(size)


class _WorkingCopy:
    """The original, upright, decoded only as large as the renditions still to be drawn need.
    It shrinks as they get smaller (largest_first). A JPEG is decoded again, straight at the
    smaller scale, rather than resized: resizing 40 megapixels needs another 100 MB or more
    beside them, when a full decode alone is 160 MB."""

    def __init__(self, image: Any, filters: list[Filter]) -> None:
        self.image = image
        with image.open_file() as file:
            header = PILImage.open(file)
            width, height = header.size
            self.is_jpeg = header.format == "JPEG"
            self.format_name = (header.format or "png").lower()
            if header.getexif().get(0x0112, 1) in QUARTER_TURNS:
                width, height = height, width
        self.width, self.height = width, height  # the upright original's
        self.needs = sorted(
            ((self.needed_scale(each), each) for each in filters), key=lambda pair: -pair[0]
        )
        self.picture = self.decode(self.needs[0][0] if self.needs else 1.0)

    def decode(self, scale: float) -> PILImage.Image:
        """The original, upright, at `scale` or (a JPEG) the next power of two above."""
        with self.image.open_file() as file:
            picture = PILImage.open(file)
            if self.is_jpeg:  # decodes at 1/2, 1/4 or 1/8 of the size when that is enough
                picture.draft(
                    "L" if picture.mode == "L" else "RGB",
                    (math.ceil(picture.width * scale), math.ceil(picture.height * scale)),
                )
            picture.load()
        ImageOps.exif_transpose(picture, in_place=True)
        upright: PILImage.Image = picture
        if upright.mode not in ("RGB", "RGBA", "L"):
            has_alpha = "transparency" in upright.info or upright.mode.endswith(("A", "a"))
            upright = upright.convert("RGBA" if has_alpha else "RGB")
        return upright

    def needed_scale(self, each: Filter) -> float:
        """How large (relative to the original) the copy must stay for this rendition to be
        drawn from it without losing detail: its output size over the part it shows."""
        upright = copy.copy(self.image)
        upright.width, upright.height = self.width, self.height
        transform = each.get_transform(upright, (self.width, self.height))
        rect = transform.get_rect()
        width, height = transform.size
        return float(min(1.0, max(width / rect.width, height / rect.height)))

    @property
    def scale(self) -> float:
        return self.picture.width / self.width

    def shrink_to(self, scale: float) -> None:
        if self.scale <= scale * SHRINK_WHEN:
            return
        if self.is_jpeg and _draft_scale(scale) < self.scale:
            del self.picture  # before decoding again, not beside it
            self.picture = self.decode(scale)
        elif (factor := math.floor(self.scale / scale)) >= 2:
            self.picture = self.picture.reduce(factor)  # one pass: no copy of full height
        if self.scale > scale * SHRINK_WHEN and self.picture.width * self.picture.height <= (
            RESIZE_AT_MOST
        ):
            size = (
                max(1, math.ceil(self.width * scale)),
                max(1, math.ceil(self.height * scale)),
            )
            self.picture = self.picture.resize(size, PILImage.Resampling.LANCZOS)

    def largest_first(self) -> Iterator[Filter]:
        """The filters, each after shrinking the copy to what it needs (so the largest come
        first: the copy only ever shrinks)."""
        for needed, each in self.needs:
            self.shrink_to(needed)
            yield each

    def scaled(self) -> Any:
        """The image as its Filter should see it: the copy's size, the focal point scaled."""
        scaled = copy.copy(self.image)
        sx, sy = self.picture.width / self.width, self.picture.height / self.height
        scaled.width, scaled.height = self.picture.size
        if self.image.has_focal_point():
            scaled.focal_point_x = round(self.image.focal_point_x * sx)
            scaled.focal_point_y = round(self.image.focal_point_y * sy)
            scaled.focal_point_width = max(1, round(self.image.focal_point_width * sx))
            scaled.focal_point_height = max(1, round(self.image.focal_point_height * sy))
        return scaled

    @property
    def is_large(self) -> bool:
        return self.picture.width * self.picture.height > RESIZE_AT_MOST

    def draw(self, geometry: Filter) -> PILImage.Image:
        """The crop and size `geometry` asks for, as Wagtail's Filter.run draws them, from
        the copy (with the focal point scaled to it)."""
        transform = geometry.get_transform(self.scaled(), self.picture.size)
        upright = _Upright(self.picture, self.format_name)
        drawn: PILImage.Image = (
            upright.crop(transform.get_rect().round()).resize(transform.size).image
        )
        return drawn

    def colour(self) -> str:
        average = self.picture.convert("RGB").resize((1, 1), PILImage.Resampling.BOX)
        red, green, blue = average.getpixel((0, 0))  # type: ignore[misc]
        return f"#{red:02x}{green:02x}{blue:02x}"
