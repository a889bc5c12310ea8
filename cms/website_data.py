"""The flattened website-data payload: validation, building from the database, and serving from
the cache (see cms.cache for the freshness guarantees).

The payload is assembled from per-section JSON fragments (menu, heroes, …), each cached under
its own key, so a publish that touches one section rebuilds only that section.
"""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import get_language_info
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from home.serializers import build_home
from sitecontent.serializers import (
    build_footer,
    build_heroes,
    build_menu,
    build_partners,
    build_seo,
)

from .cache import SECTIONS, SECTIONS_BY_NAME, WEBSITE_DATA, Entry, cache_key, ttl_for
from .cache import website_cache as cache
from .responses import now_iso

BUILDERS = {
    "menu_items": build_menu,
    "heroes": build_heroes,
    "partners": build_partners,
    "footer_links": build_footer,
    "seo_data": build_seo,
    "home_page": build_home,
}


class InvalidRequest(ValueError):
    """Bad input from a client: the message says what is accepted."""


# Validation


def supported_locales():
    return [code for code, _ in settings.WAGTAIL_CONTENT_LANGUAGES]


def parse_locale(value):
    """`ar`, `AR`, `ar-SA` and `ar_SA` all mean `ar`; no value means the default locale."""
    if value is None:
        return settings.LANGUAGE_CODE
    code = value.strip().replace("_", "-").split("-", 1)[0].lower()
    if code not in supported_locales():
        raise InvalidRequest(
            f"Unsupported locale {value!r}. Supported locales: {', '.join(supported_locales())}."
        )
    return code


def parse_sections(values):
    """A list of section names (payload or cache names); None or empty means all of them."""
    if not values:
        return list(SECTIONS)
    unknown = [value for value in values if value not in SECTIONS_BY_NAME]
    if unknown:
        raise InvalidRequest(
            f"Unknown section(s): {', '.join(map(repr, unknown))}. Sections: "
            + ", ".join(s.field for s in SECTIONS)
            + " (or their cache names: "
            + ", ".join(s.key for s in SECTIONS)
            + ")."
        )
    wanted = {SECTIONS_BY_NAME[value] for value in values}
    return [s for s in SECTIONS if s in wanted]


# Building from the database


class BuildContext:
    """What a section builder needs: the locale with its fallback, links, images.

    With a `draft` (an unsaved or revision object), the payload is built as if that draft
    were published: the preview of draft site content (cms.preview).
    """

    def __init__(self, locale, default_locale, draft=None):
        self.locale = locale
        self.default_locale = default_locale
        self.locale_ids = {locale.pk, default_locale.pk}
        self.draft = draft

    def localized(self, queryset):
        """Live items of the locale, plus the default locale's for those without a live
        translation (see fallback_of), in the queryset's order."""
        rows = list(queryset.filter(live=True, locale_id__in=self.locale_ids))
        if isinstance(self.draft, queryset.model) and self.draft.locale_id in self.locale_ids:
            rows = self._with_draft(rows)
        chosen = {}
        for row in rows:
            if row.locale_id == self.locale.pk or row.translation_key not in chosen:
                chosen[row.translation_key] = row
        return [row for row in rows if chosen[row.translation_key] is row]

    def _with_draft(self, rows):
        draft = self.draft
        if draft.pk is not None and any(row.pk == draft.pk for row in rows):
            return [draft if row.pk == draft.pk else row for row in rows]
        # Not live yet: it takes its place in editors' order (a new item comes last).
        order = getattr(type(draft), "sort_order_field", None)
        rows.append(draft)
        if order:
            rows.sort(key=lambda row: (getattr(row, order) is None, getattr(row, order) or 0))
        return rows

    def fallback_of(self, obj):
        return self.default_locale.language_code if obj.locale_id != self.locale.pk else None

    def with_image(self, queryset, field):
        """The image and all its renditions come with the rows: two queries, not one per row."""
        renditions = get_image_model().get_rendition_model().objects.all()
        return queryset.select_related(field).prefetch_related(
            Prefetch(f"{field}__renditions", queryset=renditions)
        )

    def links(self, items):
        """{item pk: {"url", "is_external"}} for items whose link can be followed. A page link
        resolves to the live page in the item's locale, else the live page linked."""
        page_ids = {item.link_page_id for item in items if item.link_page_id}
        pages, translations = {}, {}
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

    def page_path(self, page):
        # Passing self as Wagtail's cache object keeps the site root paths for the whole build.
        parts = page.get_url_parts(request=self)
        return parts[2] if parts else None

    def image(self, image, renditions, alt=None):
        """The image's renditions by name, with its alt text: `alt` when given (text in the
        payload's language), else the image's description (images are not translated)."""
        if image is None:
            return None
        found = image.get_renditions(*renditions.values())
        sizes = {
            name: {
                "url": found[spec].full_url,
                "width": found[spec].width,
                "height": found[spec].height,
            }
            for name, spec in renditions.items()
        }
        return {
            "id": image.pk,
            "alt": alt or image.default_alt_text,
            **next(iter(sizes.values())),
            "renditions": sizes,
        }


def dumps(data):
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def build_fragments(locale_code, sections, draft=None):
    """Serialise `sections` of one locale from the database: {section: bytes}."""
    if not sections:
        return {}
    default_code = settings.LANGUAGE_CODE
    locales = {
        locale.language_code: locale
        for locale in Locale.objects.filter(language_code__in={locale_code, default_code})
    }
    context = BuildContext(locales[locale_code], locales[default_code], draft=draft)
    return {section: dumps(BUILDERS[section.key](context)) for section in sections}


def build_preview(locale_code, sections, draft, preview_info):
    """The payload with `draft` applied, straight from the database: previews never read or
    write the cache."""
    return _assemble(locale_code, build_fragments(locale_code, sections, draft), preview_info)


# Assembling and serving


@dataclass(frozen=True)
class Payload:
    entry: Entry
    from_cache: bool


def _version(fragments):
    digest = hashlib.sha256(b"\0".join(fragments.values()))
    return digest.hexdigest()[:16]


def _assemble(locale_code, fragments, preview_info=None):
    version = _version(fragments)
    language = get_language_info(locale_code)
    head = dumps(
        {
            "locale": locale_code,
            "direction": "rtl" if language["bidi"] else "ltr",
            "version": version,
            **({"preview": preview_info} if preview_info else {}),
        }
    )
    sections = b"".join(
        b',"%s":%s' % (section.field.encode(), body) for section, body in fragments.items()
    )
    body = (
        b'{"status":"success","data":'
        + head[:-1]
        + sections
        + b'},"message":'
        + dumps(f"Website data for {language['name']} ({locale_code}).")
        + b',"timestamp":'
        + dumps(now_iso())
        + b"}"
    )
    return Entry(version, body)


def get_website_data(locale_code, sections=None):
    """The payload for one locale: all sections (cached whole) or some (assembled from their
    cached fragments). Builds what is missing from the database, once however many ask."""
    sections = sections or list(SECTIONS)
    hit = _from_cache(locale_code, sections)
    if hit is not None:
        return Payload(hit, from_cache=True)
    with cache.build_lock(cache_key(locale_code, "build")) as locked:
        if locked:
            # Someone may have built it while we waited for the lock.
            hit = _from_cache(locale_code, sections)
            if hit is not None:
                return Payload(hit, from_cache=True)
        return Payload(_build(locale_code, sections), from_cache=False)


def _is_whole(sections):
    return len(sections) == len(SECTIONS)


def _from_cache(locale_code, sections):
    """One MGET: the stored whole payload, or a subset assembled from stored fragments."""
    if _is_whole(sections):
        key = cache_key(locale_code, WEBSITE_DATA)
        return (cache.read_many([key]) or {}).get(key)
    keys = {section: cache_key(locale_code, section.key) for section in sections}
    found = cache.read_many(list(keys.values())) or {}
    if all(found.get(key) is not None for key in keys.values()):
        return _assemble(locale_code, {section: found[key].body for section, key in keys.items()})
    return None


def _build(locale_code, sections):
    entry, writes = _prepare(locale_code, sections)
    cache.write_many(writes)
    return entry


def _prepare(locale_code, sections, rebuild=()):
    """Build `sections` of one locale, reusing cached fragments except those in `rebuild`.
    Returns the assembled entry and the cache writes that store it."""
    whole_key = cache_key(locale_code, WEBSITE_DATA) if _is_whole(sections) else None
    section_keys = {section: cache_key(locale_code, section.key) for section in sections}
    # Tokens first, database second: a purge in between makes our writes fail, not stale.
    tokens = cache.tokens([*section_keys.values(), *filter(None, [whole_key])]) or {}
    reusable = [key for section, key in section_keys.items() if section not in rebuild]
    cached = (cache.read_many(reusable) or {}) if reusable else {}
    fragments = {
        section: cached[key].body for section, key in section_keys.items() if cached.get(key)
    }
    built = build_fragments(locale_code, [s for s in sections if s not in fragments])
    fragments = {section: fragments.get(section) or built[section] for section in sections}

    entry = _assemble(locale_code, fragments)
    writes = [
        (section_keys[section], tokens[section_keys[section]], Entry("", body), section.ttl)
        for section, body in built.items()
        if section_keys[section] in tokens
    ]
    if whole_key in tokens:
        writes.append((whole_key, tokens[whole_key], entry, ttl_for(WEBSITE_DATA)))
    return entry, writes


def refresh(locale_codes, sections):
    """Rebuild the named sections of each locale, and its whole payload, and store them.

    Everything is built before anything is written, so an error leaves the cache as it was;
    like any build, the writes are refused for keys a publish purged meanwhile. Returns
    [{"locale", "key", "cache_key", "ttl"}] with each key's TTL as Redis reports it (None when
    Redis did not answer).
    """
    prepared = [_prepare(code, list(SECTIONS), rebuild=set(sections)) for code in locale_codes]
    cache.write_many([write for _, writes in prepared for write in writes])
    names = [section.key for section in sections] + [WEBSITE_DATA]
    return [
        {
            "locale": code,
            "key": name,
            "cache_key": cache_key(code, name),
            "ttl": cache.ttl(cache_key(code, name)),
        }
        for code in locale_codes
        for name in names
    ]
