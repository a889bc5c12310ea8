"""The images the payload serves: every rendition of every image slot, declared here.

A slot (a hero's background, a partner's logo, a share image) is drawn in one or more
variants: a hero has a wide crop for desktops and a square one for phones (art direction,
chosen by `media`). Each variant comes in several widths, in AVIF and WebP with a JPEG (or, for
logos, PNG) fallback, so a browser downloads the smallest file it can show sharply. A crop
(Wagtail's `fill`) takes as much of the image as the aspect ratio allows, placed to keep its
focal point. It never zooms in on it (`-c…`): a zoomed crop of a large upload needs the
original decoded at full size, 160 MB for 40 megapixels, where the widest crop otherwise
needs a half-size decode (cms.images.renditions).

These specs are the only renditions the API ever serves: they are made ahead of time by the
background worker (cms.images.renditions), and the payload is built only from renditions that
exist. No request can ask for another spec.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

MIME_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}


@dataclass(frozen=True)
class Variant:
    """One crop of a slot, in `widths` (ascending; the last is the widest) and formats."""

    name: str
    resize: Literal["fill", "max"]  # fill: crop to the aspect ratio; max: fit inside the box
    width: int
    height: int
    widths: tuple[int, ...]
    sizes: str  # the `sizes` hint: how wide the slot is drawn, in CSS
    media: str | None = None  # for art direction: when this variant replaces the default
    fallback: Literal["jpeg", "png"] = "jpeg"

    @property
    def formats(self) -> tuple[str, ...]:
        """Best first: the order of a <picture>'s sources."""
        return ("avif", "webp", self.fallback)

    def spec(self, width: int, image_format: str) -> str:
        height = round(width * self.height / self.width)
        return f"{self.resize}-{width}x{height}|format-{image_format}"

    def specs(self) -> Iterator[str]:
        for image_format in self.formats:
            for width in self.widths:
                yield self.spec(width, image_format)

    @property
    def placeholder_spec(self) -> str:
        """A tiny version of the crop, inlined in the payload while the real one loads."""
        return self.spec(PLACEHOLDER_WIDTH, "webp")


PLACEHOLDER_WIDTH = 16


@dataclass(frozen=True)
class Slot:
    """Where an image is shown. The first variant is the default (the <img>); the others
    replace it where their `media` query matches."""

    name: str
    variants: tuple[Variant, ...]

    @property
    def default(self) -> Variant:
        return self.variants[0]

    def specs(self) -> Iterator[str]:
        for variant in self.variants:
            yield from variant.specs()


SLOTS = {
    slot.name: slot
    for slot in (
        Slot(
            "hero",
            (
                Variant("desktop", "fill", 1920, 800, (640, 960, 1280, 1920), sizes="100vw"),
                Variant(
                    "mobile",
                    "fill",
                    1200,
                    1200,
                    (400, 800, 1200),
                    sizes="100vw",
                    media="(max-width: 47.99em)",
                ),
            ),
        ),
        Slot(
            "logo",
            (Variant("default", "max", 400, 200, (128, 256, 400), sizes="128px", fallback="png"),),
        ),
        Slot(
            "share",
            (Variant("default", "fill", 1200, 630, (600, 1200), sizes="100vw"),),
        ),
    )
}


class UnknownSlot(KeyError):
    """Only the slots above are ever drawn: a spec from anywhere else is refused."""


def slot(name: str) -> Slot:
    try:
        return SLOTS[name]
    except KeyError:
        raise UnknownSlot(name) from None


def all_specs() -> list[str]:
    """Every rendition an image needs to be shown in any slot, without repeats."""
    return list(dict.fromkeys(spec for each in SLOTS.values() for spec in each.specs()))


def is_served(spec: str) -> bool:
    return spec in ALL_SPECS


ALL_SPECS = frozenset(all_specs())


def picture(
    slot_name: str,
    renditions: dict[str, Any],
    placeholder: dict[str, Any] | None,
) -> dict[str, Any]:
    """The image's fields in the payload for a slot, from its renditions by spec (each with
    `url`, `width` and `height`): the <img> fallback, each <source> of a <picture>, the
    placeholder, and (as before srcsets) the widest fallback of each variant."""
    drawn = slot(slot_name)
    sources = []
    for variant in sorted(drawn.variants, key=lambda variant: variant.media is None):
        for image_format in variant.formats:
            if variant is drawn.default and image_format == variant.fallback:
                continue  # the <img> itself
            sources.append(
                {
                    "media": variant.media,
                    "type": MIME_TYPES[image_format],
                    **_srcset(variant, image_format, renditions),
                }
            )
    default = drawn.default
    fallback = _srcset(default, default.fallback, renditions)
    widest = {
        variant.name: _rendition(renditions[variant.spec(variant.width, variant.fallback)])
        for variant in drawn.variants
    }
    return {
        **widest[default.name],
        "srcset": fallback["srcset"],
        "sizes": default.sizes,
        "sources": sources,
        "placeholder": placeholder,
        "renditions": widest,
    }


def _srcset(variant: Variant, image_format: str, renditions: dict[str, Any]) -> dict[str, Any]:
    """A srcset in the variant's widths, without the repeats an image narrower than the
    widest width gives (it is never upscaled); `width`/`height` are the widest's."""
    by_width: dict[int, Any] = {}
    for width in variant.widths:
        rendition = renditions[variant.spec(width, image_format)]
        by_width.setdefault(rendition.width, rendition)
    candidates = ", ".join(f"{r.full_url} {width}w" for width, r in sorted(by_width.items()))
    widest = by_width[max(by_width)]
    return {
        "srcset": candidates,
        "sizes": variant.sizes,
        "width": widest.width,
        "height": widest.height,
    }


def _rendition(rendition: Any) -> dict[str, Any]:
    return {"url": rendition.full_url, "width": rendition.width, "height": rendition.height}
