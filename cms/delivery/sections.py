"""The sections of the website-data payload, declared once, here.

Everything that depends on what the payload is made of derives from this registry: the cache
keys and TTLs (cms.delivery.keys), building from the database (cms.delivery.build), what a
change to content purges (cms.delivery.signal_handlers), `?sections=`, the refresh API and the
API v2 snippet endpoints (cms.api), the translation status and the editorial roles
(cms.editorial), and the API info page.

A new section is one entry in SECTIONS, plus its model and its builder in the app that owns
the content.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from wagtail.images import get_image_model
from wagtail.models import Page

from home.builders import build_home
from home.models import HomePage
from sitecontent import builders
from sitecontent import models as content

# A builder takes a cms.delivery.build.BuildContext and returns JSON-ready data.
Builder = Callable[[Any], Any]


@dataclass(frozen=True)
class Section:
    key: str  # its cache name ("menu_items"): cache keys and the refresh API use it
    field: str  # its name in the payload ("menu"): ?sections= uses it
    model: type[models.Model]  # what it shows: translatable rows (or pages), one per locale
    build: Builder
    api_endpoint: str | None = None  # its Wagtail API v2 endpoint, serving the same items
    default_ttl: int = 30 * 60  # seconds in Redis when no purge comes first (CMS_CACHE_TTLS)
    # Language-neutral settings it shows too: saving them purges it in every locale.
    settings: tuple[type[models.Model], ...] = ()
    # It lists its item's translations (the home page's hreflang alternates): a change to the
    # item in any locale changes it in every locale.
    lists_translations: bool = False

    def __str__(self) -> str:
        return self.field

    @property
    def ttl(self) -> int:
        return int(settings.CMS_CACHE_TTLS.get(self.key, self.default_ttl))

    @property
    def shows_pages(self) -> bool:
        return issubclass(self.model, Page)

    @property
    def links_to_pages(self) -> bool:
        """Its items link to pages, so a page's URL (or publishing) changes it."""
        return _has_field(self.model, "link_page")

    @property
    def is_ordered(self) -> bool:
        """Editors order its items by hand (drag and drop in the admin)."""
        return getattr(self.model, "sort_order_field", None) is not None

    @property
    def image_fields(self) -> list[tuple[type[models.Model], str]]:
        """(model, field) for every image it shows, in its content and its settings."""
        image_model = get_image_model()
        return [
            (model, field.name)
            for model in (self.model, *self.settings)
            for field in model._meta.get_fields()
            if field.many_to_one and field.related_model is image_model
        ]


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


# In payload order: Section(cache name, payload field, model, builder, API v2 endpoint, …).
SECTIONS: tuple[Section, ...] = (
    Section("announcement", "announcement", content.Announcement, builders.build_announcement,
            "announcements"),
    Section("menu_items", "menu", content.MenuItem, builders.build_menu, "menu-items"),
    Section("heroes", "heroes", content.Hero, builders.build_heroes, "heroes"),
    Section("partners", "partners", content.Partner, builders.build_partners, "partners"),
    Section("footer_links", "footer", content.FooterLink, builders.build_footer, "footer-links"),
    Section("seo_data", "seo", content.SiteSeo, builders.build_seo, None, 60 * 60,
            settings=(content.SocialMediaSettings,)),
    Section("home_page", "home", HomePage, build_home, None, 60 * 60,
            lists_translations=True),
)  # fmt: skip

_BY_NAME = {name: section for section in SECTIONS for name in (section.key, section.field)}


def find(name: str) -> Section | None:
    """The section with this payload name ("menu") or cache name ("menu_items")."""
    return _BY_NAME.get(name)


def showing(model: type[models.Model]) -> list[Section]:
    """The sections whose content is rows of `model` (or of its page type)."""
    return [section for section in SECTIONS if issubclass(model, section.model)]


def with_settings(model: type[models.Model]) -> list[Section]:
    return [section for section in SECTIONS if model in section.settings]


def images_shown_in(sections: Iterable[Section]) -> set[Any]:
    """The ids of the images these sections' rows and settings point at."""
    ids: set[Any] = set()
    for section in sections:
        for model, field in section.image_fields:
            ids.update(
                model._default_manager.filter(**{f"{field}__isnull": False})
                .values_list(field, flat=True)
                .distinct()
            )
    return ids
