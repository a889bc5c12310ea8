"""Whether a release is ready in every locale: for each item it changes in the default locale,
what each other locale will show once it is live.

- up to date: the locale's translation is in the release too, so both go live together;
- missing: the locale has no live translation, and none in the release: it will show the
  default locale's version (the payload's fallback);
- out of date: the locale's live translation stays as it is while its source changes (or goes
  offline) with the release.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from cms.delivery.locales import default_locale

from .models import Release, ReleaseItem


class Readiness(StrEnum):
    UP_TO_DATE = "up to date"
    MISSING = "missing"
    OUT_OF_DATE = "out of date"

    @property
    def explained(self) -> str:
        return str(
            {
                Readiness.UP_TO_DATE: _("Up to date: its translation is in the release"),
                Readiness.MISSING: _("Missing: shown in the default language"),
                Readiness.OUT_OF_DATE: _("Out of date: its translation is not in the release"),
            }[self]
        )


@dataclass
class LocaleReadiness:
    locale: Locale
    items: list[tuple[ReleaseItem, Readiness]] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(state is Readiness.UP_TO_DATE for _, state in self.items)


def readiness(release: Release) -> list[LocaleReadiness]:
    """Per locale other than the default, each default-locale item of the release and what
    the locale will show of it."""
    default = Locale.objects.get(language_code=default_locale())
    rows = list(release.items.all())
    in_release = {(row.content_type_id, row.object_id) for row in rows}
    sources = [(row, row.target()) for row in rows if row.locale_id == default.pk]
    found = []
    for locale in Locale.objects.exclude(pk=default.pk).order_by("language_code"):
        per_locale = LocaleReadiness(locale)
        for row, source in sources:
            if source is None:  # deleted: the launch says so
                continue
            translation = (
                type(source)
                ._default_manager.filter(translation_key=source.translation_key, locale=locale)
                .first()
            )
            if (
                translation is not None
                and (
                    row.content_type_id,
                    str(translation.pk),
                )
                in in_release
            ):
                state = Readiness.UP_TO_DATE
            elif translation is None or not translation.live:
                state = Readiness.MISSING
            else:
                state = Readiness.OUT_OF_DATE
            per_locale.items.append((row, state))
        found.append(per_locale)
    return found
