"""The editor's desk: the dashboard, per person, in the locales they work in.

Wagtail's dashboard already shows what waits for one's review (*Awaiting your review*: our
approval step decides whose, cms.editorial.models) and one's own submissions and their state
(*Your pages and snippets in a workflow*), and cms.editorial.receipts_admin the recent
publishes with their receipts. The desk adds what Wagtail has no panel for:

- *Your drafts and locked items*: site content, home pages and releases with a draft of
  yours not yet live, or that you locked;
- *Coming up*: every go-live, expiry and release of the next 14 days (cms.editorial.upcoming),
  with a link to the whole *Scheduled* report;
- *Translations*: for each locale one translates into, how much the website shows in the
  default language instead, and what is out of date, with a link to the report.

Hooks are registered when cms.wagtail_hooks imports this module.
"""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import Locale

from cms.delivery.locales import default_locale, supported_locales
from cms.delivery.sections import SECTIONS
from cms.releases.models import Release

from .links import edit_url
from .locale_access import locales_of_user
from .translation_status import status_for
from .upcoming import scheduled

COMING_UP = timedelta(days=14)
MY_WORK_LIMIT = 20


class DeskPanel(Component):
    """A dashboard panel for one person (its request's user)."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.user = request.user
        self.locale_ids = locales_of_user(self.user)  # None: every locale

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {"request": self.request, **self.contents()}

    def contents(self) -> dict[str, Any]:
        raise NotImplementedError


class MyWorkPanel(DeskPanel):
    name = "my_work"
    template_name = "cms/desk/my_work.html"
    order = 205  # before Wagtail's "Your pages and snippets in a workflow" (210)

    def contents(self) -> dict[str, Any]:
        mine = Q(latest_revision__user=self.user, has_unpublished_changes=True) | Q(
            locked_by=self.user
        )
        found = []
        models: list[type[Any]] = [*(section.model for section in SECTIONS), Release]
        for model in models:
            items = model._default_manager.filter(mine)
            if self.locale_ids is not None and hasattr(model, "locale_id"):
                items = items.filter(locale_id__in=self.locale_ids)
            found += list(items.select_related("latest_revision")[:MY_WORK_LIMIT])
        found.sort(key=lambda item: item.latest_revision.created_at, reverse=True)
        return {"items": [_entry(item) for item in found[:MY_WORK_LIMIT]]}


def _entry(item: Any) -> dict[str, Any]:
    item = getattr(item, "specific", item)
    locale = getattr(item, "locale", None)
    return {
        "title": str(item.get_latest_revision_as_object()),
        "content": str(item._meta.verbose_name).capitalize(),
        "locale": locale.get_display_name() if locale is not None else "",
        "locked": bool(getattr(item, "locked", False)),
        "edited_at": item.latest_revision.created_at,
        "edit_url": edit_url(item),
    }


class ComingUpPanel(DeskPanel):
    name = "coming_up"
    template_name = "cms/desk/coming_up.html"
    order = 208

    def contents(self) -> dict[str, Any]:
        now = timezone.now()
        return {
            "scheduled": scheduled(now, now + COMING_UP, locale_ids=self.locale_ids),
            "days": COMING_UP.days,
            "report_url": reverse("cms_scheduled_report"),
        }


class TranslationsPanel(DeskPanel):
    name = "translation_readiness"
    template_name = "cms/desk/translations.html"
    order = 230  # after what waits for review (220)

    def contents(self) -> dict[str, Any]:
        locales = Locale.objects.filter(language_code__in=supported_locales()).exclude(
            language_code=default_locale()
        )
        if self.locale_ids is not None:
            locales = locales.filter(pk__in=self.locale_ids)
        return {
            "locales": [
                _readiness(locale, status_for(locale.language_code))
                for locale in locales.order_by("language_code")
            ],
            "report_url": reverse("cms_translation_status_report"),
        }


def _readiness(locale: Locale, status: dict[str, Any]) -> dict[str, Any]:
    kinds = status["kinds"].values()
    return {
        "locale": locale,
        "fallback": status["fallback_total"],
        "outdated": sum(len(kind["outdated"]) for kind in kinds),
    }


def add_the_desk(request: HttpRequest, panels: list[Any]) -> None:
    user = request.user
    panels.append(MyWorkPanel(request))
    panels.append(ComingUpPanel(request))
    if user.has_perm("wagtail_localize.submit_translation"):  # editors and translators
        panels.append(TranslationsPanel(request))


hooks.register("construct_homepage_panels", add_the_desk)
