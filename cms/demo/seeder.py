"""Demo content: a solar energy company's website in English, translated into Arabic.

The English items are the sources; the Arabic ones are real wagtail-localize translations
(translation records and translated strings, then published), so the translator flow works on
them exactly as on content an editor created. Every step finds what already exists first:
seeding twice leaves the same content.
"""

import colorsys
import io
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Locale, Site
from wagtail_localize.models import StringTranslation, Translation, TranslationSource
from wagtail_localize.strings import StringValue

from home.models import HomePage
from sitecontent import models as content

from .data import ANNOUNCEMENT, ARABIC, FOOTER, HEROES, HOME_INTRO, MENU, PARTNERS, SEO


@dataclass
class SeedReport:
    created: int = 0
    translated: int = 0

    def __str__(self) -> str:
        return f"{self.created} items created, {self.translated} translations published"


class DemoSeeder:
    def __init__(self, user: AbstractBaseUser | None = None) -> None:
        self.user = user
        self.english = Locale.objects.get(language_code="en")
        self.arabic = Locale.objects.get(language_code="ar")
        self.report = SeedReport()

    @transaction.atomic
    def seed(self) -> SeedReport:
        images = self._images()
        home = self._home_page(images["Oasis Energy share image"])
        sources = [
            self._source(content.Announcement, {"message": ANNOUNCEMENT[0]}, **ANNOUNCEMENT[1]),
            *self._menu(home),
            *self._heroes(images),
            *self._partners(images),
            *self._footer(),
            self._seo(images["Oasis Energy share image"]),
            home,
        ]
        self._social_settings(images["Oasis Energy share image"])
        for source in sources:
            self._translate(source)
        return self.report

    # Images, drawn at run time so the repository ships no binaries.

    def _images(self) -> dict[str, Any]:
        specs = {title: (hue, "hero") for *_, title, hue in HEROES}
        specs.update({name: (hue, "logo") for name, _, hue in PARTNERS})
        specs["Oasis Energy share image"] = (0.09, "share")
        return {title: self._image(title, hue, kind) for title, (hue, kind) in specs.items()}

    def _image(self, title: str, hue: float, kind: str) -> Any:
        image_model = get_image_model()
        existing = image_model.objects.filter(title=title).first()
        if existing:
            return existing
        size = {"hero": (1920, 800), "logo": (480, 240), "share": (1200, 630)}[kind]
        picture = _draw(size, hue, title if kind == "logo" else "")
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG" if kind == "logo" else "JPEG", quality=85)
        extension = "png" if kind == "logo" else "jpg"
        filename = f"demo-{title.lower().replace(' ', '-').replace('&', 'and')}.{extension}"
        self.report.created += 1
        return image_model.objects.create(
            title=title,
            description=f"{title} logo" if kind == "logo" else title,
            file=ImageFile(buffer, name=filename),
        )

    # English sources.

    def _home_page(self, share_image: Any) -> HomePage:
        home: HomePage = HomePage.objects.get(locale=self.english, depth=2)
        wanted = {
            "title": "Home",
            "seo_title": "Oasis Energy – Clean solar power",
            "search_description": "Solar farms, rooftop systems and energy storage across the "
            "Gulf.",
            "heading": "Powering the Gulf with sunshine",
            "intro": "".join(f"<p>{paragraph}</p>" for paragraph in HOME_INTRO),
            "og_image": share_image,
        }
        if any(getattr(home, name) != value for name, value in wanted.items()) or not home.live:
            for name, value in wanted.items():
                setattr(home, name, value)
            home.save_revision(user=self.user).publish(user=self.user)
            home.refresh_from_db()
        return home

    def _source(self, model: type[Any], lookup: dict[str, Any], **values: Any) -> Any:
        obj = model.objects.filter(locale=self.english, **lookup).first()
        if obj is None:
            obj = model(locale=self.english, **lookup, **values)
            obj.full_clean()
            obj.save()
            obj.save_revision(user=self.user).publish(user=self.user)
            obj.refresh_from_db()
            self.report.created += 1
        return obj

    def _menu(self, home: HomePage) -> list[Any]:
        items = []
        for label, link, children in MENU:
            link_fields = {"link_page": home} if link == "home" else {"link_url": link}
            parent = self._source(
                content.MenuItem, {"label": label, "parent": None}, **link_fields
            )
            items.append(parent)
            for child_label, child_link in children:
                items.append(
                    self._source(
                        content.MenuItem,
                        {"label": child_label, "parent": parent},
                        link_url=child_link,
                    )
                )
        return items

    def _heroes(self, images: dict[str, Any]) -> list[Any]:
        return [
            self._source(
                content.Hero,
                {"title": title},
                description=description,
                button_label=button,
                link_url=link,
                background_image=images[image],
                image_alt=image,  # the image's title says what it shows
            )
            for title, description, button, link, image, _ in HEROES
        ]

    def _partners(self, images: dict[str, Any]) -> list[Any]:
        return [
            self._source(content.Partner, {"name": name}, logo=images[name], website_url=website)
            for name, website, _ in PARTNERS
        ]

    def _footer(self) -> list[Any]:
        return [
            self._source(content.FooterLink, {"key": key}, label=label, group=group, link_url=link)
            for key, label, group, link in FOOTER
        ]

    def _seo(self, share_image: Any) -> Any:
        return self._source(content.SiteSeo, {}, og_image=share_image, **SEO)

    def _social_settings(self, share_image: Any) -> None:
        settings = content.SocialMediaSettings.for_site(Site.objects.get(is_default_site=True))
        if not settings.x_handle:
            settings.x_handle = "oasisenergy"
            settings.linkedin_url = "https://www.linkedin.com/company/oasis-energy"
            settings.instagram_url = "https://www.instagram.com/oasisenergy"
            settings.default_share_image = share_image
            settings.save()

    # Arabic translations, through wagtail-localize.

    def _translate(self, source_object: Any) -> None:
        existing = source_object.get_translation_or_none(self.arabic)
        if existing is not None and existing.live:
            return
        source, _ = TranslationSource.update_or_create_from_instance(source_object)
        translation, _ = Translation.objects.get_or_create(
            source=source, target_locale=self.arabic, defaults={"enabled": True}
        )
        for segment in source.stringsegment_set.select_related("string", "context"):
            # Segments are stored as HTML: compare and write them as such.
            english = StringValue(segment.string.data).render_text()
            if english not in ARABIC:
                raise KeyError(f"No Arabic translation for demo string {english!r}")
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=self.arabic,
                context=segment.context,
                defaults={
                    "data": StringValue.from_plaintext(ARABIC[english]).data,
                    "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
                    "last_translated_by": self.user,
                },
            )
        translation.save_target(user=self.user, publish=True)
        self.report.translated += 1


def _draw(size: tuple[int, int], hue: float, text: str) -> PILImage.Image:
    """A soft two-colour gradient with sun-like circles, and the text centred on it."""
    width, height = size
    top = _rgb(hue, 0.55, 0.95)
    bottom = _rgb((hue + 0.08) % 1, 0.75, 0.45)
    picture = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        ratio = y / max(height - 1, 1)
        colour = tuple(round(a + (b - a) * ratio) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    radius = height // 3
    draw.ellipse(
        [
            width * 0.7 - radius,
            height * 0.35 - radius,
            width * 0.7 + radius,
            height * 0.35 + radius,
        ],
        fill=_rgb((hue + 0.04) % 1, 0.35, 1.0),
    )
    if text:
        initials = "".join(word[0] for word in text.split() if word[0].isalnum())[:3]
        font = ImageFont.load_default(size=height // 3)
        box = draw.textbbox((0, 0), initials, font=font)
        draw.text(
            ((width - (box[2] - box[0])) / 2, (height - (box[3] - box[1])) / 2 - box[1]),
            initials,
            font=font,
            fill=(255, 255, 255),
        )
    return picture


def _rgb(hue: float, saturation: float, value: float) -> tuple[int, ...]:
    return tuple(round(channel * 255) for channel in colorsys.hsv_to_rgb(hue, saturation, value))
