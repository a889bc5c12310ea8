"""Where translation stands, per locale and kind of content: what is missing, out of date,
still a draft, and how much of a locale's payload falls back to the default locale.

An item is measured against its source: the live item of the default locale.
- missing: no row in the locale at all;
- draft: a row, not live;
- outdated: a live row whose wagtail-localize source was changed after it was last synced, or
  whose synced source has strings with no translation in the locale;
- fallback: every source the locale's payload serves in the default language (missing + draft).
"""

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import Max
from wagtail.models import Locale
from wagtail_localize.models import StringSegment, TranslationSource

from cms.delivery.sections import SECTIONS

# The payload's sections, and the models behind them. Typed loosely: their managers
# (`objects`) are declared by each model, not by Model.
KINDS: dict[str, type[Any]] = {section.field: section.model for section in SECTIONS}


def _changed_at(
    model: type[Any], keys: Iterable[UUID], default_locale: Locale
) -> dict[UUID, datetime | None]:
    """{translation_key: when the source last changed} (its latest revision)."""
    rows = (
        model.objects.filter(translation_key__in=keys, locale=default_locale)
        .values("translation_key")
        .annotate(changed_at=Max("latest_revision__created_at"))
    )
    return {row["translation_key"]: row["changed_at"] for row in rows}


def _outdated(
    model: type[Any], keys: Collection[UUID], locale: Locale, default_locale: Locale
) -> set[UUID]:
    """Translation keys whose translation into `locale` is behind its source."""
    sources = {
        source.object_id: source
        for source in TranslationSource.objects.filter(object_id__in=keys, locale=default_locale)
    }
    changed = _changed_at(model, sources, default_locale)
    stale = {
        key
        for key, source in sources.items()
        if changed.get(key) and changed[key] > source.last_updated_at
    }
    untranslated = (
        StringSegment.objects.filter(source__in=sources.values())
        .annotate_translation(locale)
        .filter(translation__isnull=True)
        .values_list("source__object_id", flat=True)
    )
    return stale | set(untranslated)


def status_for(locale_code: str) -> dict[str, Any]:
    default_locale = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    locale = Locale.objects.get(language_code=locale_code)
    kinds = {}
    for kind, model in KINDS.items():
        sources = {
            item.translation_key: str(item)
            for item in model.objects.filter(locale=default_locale, live=True)
        }
        targets = dict(
            model.objects.filter(locale=locale, translation_key__in=sources).values_list(
                "translation_key", "live"
            )
        )
        live_targets = [key for key, live in targets.items() if live]
        outdated = _outdated(model, live_targets, locale, default_locale)
        missing = [name for key, name in sources.items() if key not in targets]
        drafts = [name for key, name in sources.items() if targets.get(key) is False]
        kinds[kind] = {
            "sources": len(sources),
            "translated": len(live_targets) - len(outdated),
            "missing": missing,
            "outdated": [sources[key] for key in sources if key in outdated],
            "drafts": drafts,
            "fallback": len(missing) + len(drafts),
        }
    return {
        "locale": locale_code,
        "kinds": kinds,
        "fallback_total": sum(kind["fallback"] for kind in kinds.values()),
    }


def report_rows() -> list[dict[str, Any]]:
    """One row per translation locale and kind of content, for the admin report."""
    rows = []
    for locale_code, _ in settings.WAGTAIL_CONTENT_LANGUAGES:
        if locale_code == settings.LANGUAGE_CODE:
            continue
        for kind, figures in status_for(locale_code)["kinds"].items():
            rows.append(
                {
                    "locale": locale_code,
                    "kind": kind,
                    "sources": figures["sources"],
                    "translated": figures["translated"],
                    "missing": ", ".join(figures["missing"]),
                    "outdated": ", ".join(figures["outdated"]),
                    "drafts": ", ".join(figures["drafts"]),
                    "fallback": figures["fallback"],
                }
            )
    return rows
