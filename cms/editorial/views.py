"""The admin's own screens: the website cache, the translation status and scheduled reports,
and headless preview links."""

from typing import Any, cast
from urllib.parse import quote, urlencode

import django_filters
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.models import Locale, Revision

from cms.cache.engine import payload_cache
from cms.delivery import shared_caches
from cms.delivery.keys import cache_key, names_for
from cms.delivery.locales import supported_locales
from cms.delivery.payload import refresh
from cms.delivery.sections import SECTIONS
from cms.releases.models import Release
from sitecontent.models import SiteContent

from .locale_access import locales_of_user
from .preview import PREVIEWABLE, issue_token, may_preview
from .translation_status import report_rows
from .upcoming import Kind, Scheduled, scheduled

# The editors' "Refresh website cache" action in the Wagtail admin.


class RefreshWebsiteCacheView(WagtailAdminTemplateMixin, TemplateView):
    """Shows what is cached and rebuilds it all on request (the same as POST
    /api/update-redis/ with no body)."""

    template_name = "cms/refresh_cache.html"
    page_title = gettext_lazy("Website cache")
    header_icon = "rotate"
    permission = "cms.refresh_website_cache"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.has_perm(self.permission):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        keys = [
            {"locale": code, "name": name, "ttl": payload_cache.ttl(cache_key(code, name))}
            for code in supported_locales()
            for name in names_for(SECTIONS)
        ]
        return super().get_context_data(
            keys=keys,
            cache_ok=payload_cache.ping() is not None,
            edge_caches=shared_caches.status(),
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        refreshed = refresh(supported_locales(), SECTIONS)
        messages.success(
            request,
            gettext("The website cache was refreshed: %(count)d keys rebuilt for %(locales)s.")
            % {"count": len(refreshed), "locales": ", ".join(supported_locales())},
        )
        return redirect("cms_refresh_cache")


class TranslationStatusReportView(ReportView):
    """Translation status per locale and kind of content, exportable as CSV or XLSX."""

    page_title = gettext_lazy("Translation status")
    header_icon = "doc-full"
    index_url_name = "cms_translation_status_report"
    index_results_url_name = "cms_translation_status_report_results"
    permission = "wagtail_localize.submit_translation"
    columns = [
        Column("locale", label=gettext_lazy("Locale")),
        Column("kind", label=gettext_lazy("Content")),
        Column("sources", label=gettext_lazy("Sources")),
        Column("translated", label=gettext_lazy("Up to date")),
        Column("missing", label=gettext_lazy("Missing")),
        Column("outdated", label=gettext_lazy("Out of date")),
        Column("drafts", label=gettext_lazy("Drafts")),
        Column("fallback", label=gettext_lazy("Served in the default language")),
    ]
    list_export = [
        "locale",
        "kind",
        "sources",
        "translated",
        "missing",
        "outdated",
        "drafts",
        "fallback",
    ]
    export_headings = {
        "translated": "up_to_date",
        "fallback": "served_in_default_language",
    }

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.has_perm(self.permission):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> list[dict[str, Any]]:
        return report_rows()


class ScheduledFilters(WagtailFilterSet):
    """The report's filter form. The rows are a list, not a queryset (django-filter filters
    only querysets): the view applies what was chosen (ScheduledReportView.filter_queryset)."""

    locale = django_filters.ChoiceFilter(
        label=gettext_lazy("Locale"), empty_label=gettext_lazy("All")
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("What happens"),
        choices=[(kind.value, kind.label) for kind in Kind],
        empty_label=gettext_lazy("All"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # django-filter wants a queryset to start from; it is never filtered.
        super().__init__(*args, queryset=Revision.objects.none(), **kwargs)
        self.filters["locale"].extra["choices"] = [
            (locale.language_code, locale.get_display_name()) for locale in Locale.objects.all()
        ]


class ScheduledReportView(ReportView):
    """*Reports → Scheduled*: every go-live, expiry and release to come, soonest first, by
    day; filterable by locale and kind, exportable as CSV or XLSX."""

    page_title = gettext_lazy("Scheduled")
    header_icon = "calendar-alt"
    index_url_name = "cms_scheduled_report"
    index_results_url_name = "cms_scheduled_report_results"
    filterset_class = ScheduledFilters
    columns = [
        Column("day", label=gettext_lazy("Day")),
        Column(
            "time", label=gettext_lazy("Time"), accessor=lambda row: row.at.astimezone().time()
        ),
        Column("kind", label=gettext_lazy("What happens"), accessor=lambda row: row.kind.label),
        Column("title", label=gettext_lazy("Item")),
        Column("content", label=gettext_lazy("Content")),
        Column("locale_name", label=gettext_lazy("Locale")),
    ]
    list_export = ["at", "kind", "title", "content", "locale_name"]
    export_headings = {"at": "when", "locale_name": "locale"}

    def get_queryset(self) -> list[Scheduled]:
        return scheduled(timezone.now(), locale_ids=locales_of_user(self.request.user))

    def filter_queryset(self, queryset: Any) -> Any:
        rows: list[Scheduled] = queryset
        if not (self.filters and self.filters.is_valid()):
            return rows
        chosen = self.filters.form.cleaned_data
        if chosen.get("kind"):
            rows = [row for row in rows if row.kind == chosen["kind"]]
        if chosen.get("locale"):
            locale = Locale.objects.get(language_code=chosen["locale"])
            rows = [row for row in rows if row.is_in(locale.pk)]
        return rows


class HeadlessPreviewView(WagtailAdminTemplateMixin, TemplateView):
    """Hands out a preview token for an item's latest saved draft, with the API URL (and the
    frontend's preview URL, when configured) that shows the website with it applied."""

    template_name = "cms/headless_preview.html"
    page_title = gettext_lazy("Headless preview")
    header_icon = "view"

    def dispatch(self, request: HttpRequest, app_label: str, model_name: str, pk: str) -> Any:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            raise Http404 from None
        if not issubclass(model, PREVIEWABLE):
            raise Http404
        self.object = cast(SiteContent | Release, get_object_or_404(model, pk=unquote(pk)))
        if not may_preview(request.user, self.object):
            return permission_denied(request)
        return super().dispatch(request)

    def get_page_subtitle(self) -> str:
        return str(self.object)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(object=self.object, **kwargs)
        try:
            issued = issue_token(self.object)
        except ValueError as error:
            return {**context, "error": str(error)}
        # A draft is previewed in its own locale; a release in each.
        own = getattr(self.object, "locale", None)
        locales = [own.language_code] if own is not None else supported_locales()
        base = (
            settings.WAGTAILAPI_BASE_URL.rstrip("/") or self.request.build_absolute_uri("/")[:-1]
        )
        frontend = settings.CMS_FRONTEND_PREVIEW_URL
        links = [
            {
                "locale": code,
                "api_url": f"{base}{reverse('website_data')}?"
                + urlencode({"locale": code, "preview": issued.token}),
                "frontend_url": frontend.format(token=quote(issued.token), locale=code)
                if frontend
                else None,
            }
            for code in locales
        ]
        return {
            **context,
            "issued": issued,
            "links": links,
            "max_age_minutes": settings.CMS_PREVIEW_TOKEN_MAX_AGE // 60,
        }
