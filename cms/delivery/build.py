"""Building the payload's sections from the database.

Each section's builder (declared in cms.delivery.sections, written in the app that owns the
content) receives a BuildContext: the locale with its default-locale fallback, link
resolution, images with their renditions, and the time of the build.

A payload is built from one view of the database (`one_view`): a change that commits while
it is built, a release of twenty items across every section, is in all of it or none of it.
"""

import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Model, Prefetch, QuerySet
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from cms.cache.stores import Entry
from cms.delivery.sections import Section
from cms.images import slots
from cms.images.models import PreparedImage
from cms.images.renditions import version_of

logger = logging.getLogger(__name__)


@contextmanager
def one_view() -> Iterator[None]:
    """Every query inside sees the database as it was at the first one: on PostgreSQL, a
    read-only REPEATABLE READ transaction (a snapshot: no locks, nothing waits for it); on
    SQLite, a transaction, which reads one state too. Inside a transaction already (a preview
    of a release, a test), the queries are that transaction's."""
    connection = connections["default"]
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


class BuildContext:
    """What a section builder needs: the locale with its fallback, links, images, the time.

    With a `draft` (an unsaved or revision object), the payload is built as if that draft
    were published: the preview of draft site content (cms.editorial.preview).
    """

    def __init__(self, locale: Locale, default_locale: Locale, draft: Model | None = None):
        self.locale = locale
        self.default_locale = default_locale
        self.locale_ids = {locale.pk, default_locale.pk}
        self.draft = draft
        self.now = timezone.now()
        self.next_change: datetime | None = None

    def changes_at(self, moment: datetime) -> None:
        """The section being built changes by itself at `moment` (something starts or ends):
        it may be cached until then, no longer."""
        if moment > self.now and (self.next_change is None or moment < self.next_change):
            self.next_change = moment

    def localized(self, queryset: QuerySet[Any]) -> list[Any]:
        """Live items of the locale, plus the default locale's for those without a live
        translation (see fallback_of), in the queryset's order."""
        rows = list(queryset.filter(live=True, locale_id__in=self.locale_ids))
        if isinstance(self.draft, queryset.model) and self.draft.locale_id in self.locale_ids:
            rows = self._with_draft(rows)
        chosen: dict[Any, Any] = {}
        for row in rows:
            if row.locale_id == self.locale.pk or row.translation_key not in chosen:
                chosen[row.translation_key] = row
        return [row for row in rows if chosen[row.translation_key] is row]

    def _with_draft(self, rows: list[Any]) -> list[Any]:
        draft: Any = self.draft
        if draft.pk is not None and any(row.pk == draft.pk for row in rows):
            return [draft if row.pk == draft.pk else row for row in rows]
        # Not live yet: it takes its place in editors' order (a new item comes last).
        order = getattr(type(draft), "sort_order_field", None)
        rows.append(draft)
        if order:
            rows.sort(key=lambda row: (getattr(row, order) is None, getattr(row, order) or 0))
        return rows

    def fallback_of(self, obj: Any) -> str | None:
        return self.default_locale.language_code if obj.locale_id != self.locale.pk else None

    def with_image(self, queryset: QuerySet[Any], field: str) -> QuerySet[Any]:
        """The image, its renditions and its prepared versions come with the rows: three
        queries, not three per row."""
        renditions = get_image_model().get_rendition_model().objects.all()
        return queryset.select_related(field).prefetch_related(
            Prefetch(f"{field}__renditions", queryset=renditions),
            Prefetch(f"{field}__prepared_versions", queryset=PreparedImage.objects.all()),
        )

    def links(self, items: Iterable[Any]) -> dict[Any, dict[str, Any]]:
        """{item pk: {"url", "is_external"}} for items whose link can be followed. A page link
        resolves to the live page in the item's locale, else the live page linked."""
        items = list(items)
        page_ids = {item.link_page_id for item in items if item.link_page_id}
        pages: dict[Any, Page] = {}
        translations: dict[Any, Page] = {}
        if page_ids:
            pages = {page.pk: page for page in Page.objects.filter(pk__in=page_ids)}
            translations = {
                (page.translation_key, page.locale_id): page
                for page in Page.objects.filter(
                    translation_key__in={page.translation_key for page in pages.values()},
                    locale_id__in=self.locale_ids,
                    live=True,
                )
            }
        resolved = {}
        for item in items:
            if item.link_page_id:
                page = pages.get(item.link_page_id)
                target = page and (
                    translations.get((page.translation_key, item.locale_id))
                    or (page if page.live else None)
                )
                path = target and self.page_path(target)
                if path:
                    resolved[item.pk] = {"url": path, "is_external": False}
            elif item.link_url:
                resolved[item.pk] = {"url": item.link_url, "is_external": item.link_points_outside}
        return resolved

    def page_path(self, page: Page) -> str | None:
        # Passing self as Wagtail's cache object keeps the site root paths for the whole build.
        parts = page.get_url_parts(request=self)
        return parts[2] if parts else None

    def image(
        self, image: Any, slot: str, alt: str | None = None, decorative: bool = False
    ) -> dict[str, Any] | None:
        """The image as the slot draws it (cms.images.slots), from renditions made ahead
        of time: never made here. With its alt text: none for a `decorative` image, else `alt`
        when given (the item's, in the payload's language), else the image's description
        (images are not translated). None until the image has been prepared."""
        return draw_image(image, slot, alt, decorative)


def draw_image(
    image: Any, slot: str, alt: str | None = None, decorative: bool = False
) -> dict[str, Any] | None:
    """BuildContext.image, for the API v2 too (home.fields)."""
    if image is None:
        return None
    found = _prepared(image, slots.slot(slot))
    if found is None:
        logger.warning("Image %s is not prepared yet: left out of the payload", image.pk)
        return None
    prepared, renditions = found
    placeholder = {"color": prepared.color, "data_uri": prepared.placeholders.get(slot)}
    return {
        "id": image.pk,
        "alt": "" if decorative else (alt or image.default_alt_text),
        "decorative": decorative,
        **slots.picture(slot, renditions, placeholder),
    }


def _prepared(image: Any, slot: slots.Slot) -> tuple[PreparedImage, dict[str, Any]] | None:
    """The image's newest prepared version whose renditions for the slot all exist: its
    current one, else the one before (so a new focal point shows once it is all there), with
    those renditions by spec."""
    current = version_of(image)
    versions = sorted(
        image.prepared_versions.all(),
        key=lambda prepared: (prepared.version == current, prepared.prepared_at),
        reverse=True,
    )
    if not versions:
        return None
    by_id = {rendition.pk: rendition for rendition in image.renditions.all()}
    for prepared in versions:
        renditions = {spec: by_id.get(prepared.renditions.get(spec)) for spec in slot.specs()}
        if all(renditions.values()):
            return prepared, renditions
    return None


def dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def build_fragments(
    locale_code: str, sections: Iterable[Section], draft: Model | None = None
) -> dict[Section, Entry]:
    """Serialise `sections` of one locale from the database, each with the time it changes
    by itself, if any."""
    sections = list(sections)
    if not sections:
        return {}
    default_code = settings.LANGUAGE_CODE
    locales = {
        locale.language_code: locale
        for locale in Locale.objects.filter(language_code__in={locale_code, default_code})
    }
    context = BuildContext(locales[locale_code], locales[default_code], draft=draft)
    fragments = {}
    for section in sections:
        context.next_change = None
        body = dumps(section.build(context))
        expires = context.next_change.timestamp() if context.next_change else None
        fragments[section] = Entry("", body, expires)
    return fragments
