"""The headless layer's views: website data, cache refresh, health, API info and schema, and the
JSON error pages of /api/."""

import hmac
import json
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import parse_etags
from django.utils.translation import get_language_info, gettext, gettext_lazy
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView

from sitecontent.models import SiteContent

from . import __version__
from .cache import SECTIONS, WEBSITE_DATA, cache_key, patch_public_cache_headers, website_cache
from .preview import DraftGone, PreviewTokenError, issue_token, may_preview, preview_payload
from .responses import error_response, now_iso, success_response
from .translation_status import report_rows, status_for
from .website_data import (
    InvalidRequest,
    get_website_data,
    parse_locale,
    parse_sections,
    refresh,
    supported_locales,
)

OPENAPI_DOCUMENT = Path(__file__).with_name("openapi.json")


def method_not_allowed(allowed):
    return error_response(
        405,
        f"Method not allowed. Use {' or '.join(allowed)}.",
        headers={"Allow": ", ".join(allowed)},
    )


def _comma_list(value):
    if value is None:
        return None
    items = [item.strip() for item in value.split(",")]
    if not all(items):
        raise InvalidRequest("List section names separated by commas, e.g. ?sections=menu,footer.")
    return items


def website_data(request):
    """Everything a page render needs for one locale, in one response, from the cache."""
    if request.method not in ("GET", "HEAD"):
        return method_not_allowed(["GET", "HEAD"])
    try:
        locale = parse_locale(request.GET.get("locale"))
        sections = parse_sections(_comma_list(request.GET.get("sections")))
    except InvalidRequest as error:
        return error_response(400, str(error))

    token = request.GET.get("preview")
    if token is not None:
        # Without ?locale=, a preview is in the draft's own locale.
        return website_data_preview(token, locale if "locale" in request.GET else None, sections)

    payload = get_website_data(locale, sections)
    etag = f'"{payload.entry.version}"'
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(payload.entry.body, content_type="application/json")
    response["ETag"] = etag
    response["X-Cache"] = "HIT" if payload.from_cache else "MISS"
    patch_public_cache_headers(response)
    return response


def website_data_preview(token, locale, sections):
    """The payload with a draft applied (cms.preview). Never stored: not in Redis, not by a
    browser or CDN (Cache-Control: no-store)."""
    try:
        entry = preview_payload(token, locale, sections)
    except PreviewTokenError as error:
        return error_response(
            401,
            str(error),
            headers={"WWW-Authenticate": 'Bearer realm="cms-preview", error="invalid_token"'},
        )
    except DraftGone as error:
        return error_response(404, str(error))
    response = HttpResponse(entry.body, content_type="application/json")
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _bearer_token_matches(request):
    expected = settings.CMS_CACHE_REFRESH_TOKEN
    scheme, _, provided = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(provided.strip().encode(), expected.encode())


def unauthorized():
    """The same answer whatever was wrong with the token (no hint for guessing)."""
    return error_response(
        401,
        "Authentication required: send Authorization: Bearer <token>.",
        headers={"WWW-Authenticate": 'Bearer realm="cms"'},
    )


def _refresh_request(request):
    """(locales, sections) from the optional JSON body; InvalidRequest otherwise."""
    try:
        body = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidRequest(f"The body is not valid JSON: {error}.") from error
    if not isinstance(body, dict) or set(body) - {"locales", "sections"}:
        raise InvalidRequest('Send a JSON object with optional "locales" and "sections" lists.')
    locales, sections = body.get("locales"), body.get("sections")
    for name, value in (("locales", locales), ("sections", sections)):
        if value is not None and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            raise InvalidRequest(f'"{name}" must be a list of strings.')
    codes = supported_locales() if not locales else list(dict.fromkeys(map(parse_locale, locales)))
    return codes, parse_sections(sections)


@csrf_exempt  # token-authenticated, never cookie-authenticated
@never_cache
def update_redis(request):
    """Rebuild the cache of all, or the named, locales and sections (bearer token only)."""
    if request.method != "POST":
        return method_not_allowed(["POST"])
    if not _bearer_token_matches(request):
        return unauthorized()
    if int(request.headers.get("Content-Length") or 0) > settings.CMS_API_MAX_BODY_BYTES:
        return error_response(
            413, f"The body is larger than {settings.CMS_API_MAX_BODY_BYTES} bytes."
        )
    try:
        locales, sections = _refresh_request(request)
    except InvalidRequest as error:
        return error_response(400, str(error))
    except RequestDataTooBig:
        return error_response(413, "The body is too large.")
    refreshed = refresh(locales, sections)
    return success_response(
        {"refreshed": refreshed},
        f"Refreshed {len(refreshed)} cache keys for {', '.join(locales)}.",
    )


@never_cache
def translation_status(request):
    """Translation figures of one locale (bearer token only, like the cache refresh)."""
    if request.method not in ("GET", "HEAD"):
        return method_not_allowed(["GET", "HEAD"])
    if not _bearer_token_matches(request):
        return unauthorized()
    try:
        locale = parse_locale(request.GET.get("locale"))
    except InvalidRequest as error:
        return error_response(400, str(error))
    if locale == settings.LANGUAGE_CODE:
        return error_response(400, f"{locale} is the source locale: ask for a translation.")
    return success_response(status_for(locale), f"Translation status of {locale}.")


@never_cache
def health(request):
    """Database and cache checks with latency: ok, degraded (cache down, 200) or error (503)."""
    checks = {}
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"status": "ok", "latency_ms": _ms_since(started)}
    except DatabaseError:
        checks["database"] = {"status": "error", "latency_ms": None}
    latency = website_cache.ping()
    if latency is not None and checks["database"]["status"] == "ok":
        # A good moment to apply purges kept during an outage, whichever process kept them.
        website_cache.reconcile()
    checks["cache"] = {
        "status": "ok" if latency is not None else "error",
        "latency_ms": round(latency, 2) if latency is not None else None,
    }
    if checks["database"]["status"] != "ok":
        status, code = "error", 503
    elif checks["cache"]["status"] != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, "checks": checks, "timestamp": now_iso()}, status=code)


@never_cache
def liveness(request):
    """The process answers; nothing else is checked (for container liveness probes)."""
    return HttpResponse(b'{"status":"ok"}', content_type="application/json")


def _ms_since(started):
    return round((time.perf_counter() - started) * 1000, 2)


def api_info(request):
    """What this API is and where its endpoints are."""
    endpoints = {
        "website_data": reverse("website_data"),
        "update_redis": reverse("update_redis"),
        "health": reverse("health"),
        "schema": reverse("openapi_schema"),
        "wagtail_api_v2": {
            name: reverse(f"wagtailapi:{name}:listing")
            for name in (
                "pages",
                "images",
                "documents",
                "menu-items",
                "heroes",
                "partners",
                "footer-links",
            )
        },
        "admin": reverse("wagtailadmin_home"),
    }
    locales = [
        {
            "code": code,
            "name": get_language_info(code)["name"],
            "direction": "rtl" if get_language_info(code)["bidi"] else "ltr",
            "default": code == settings.LANGUAGE_CODE,
        }
        for code in supported_locales()
    ]
    return success_response(
        {
            "name": settings.WAGTAIL_SITE_NAME,
            "version": __version__,
            "endpoints": endpoints,
            "locales": locales,
            "sections": [section.field for section in SECTIONS],
        },
        "Headless CMS API.",
    )


def openapi_schema(request):
    return FileResponse(OPENAPI_DOCUMENT.open("rb"), content_type="application/json")


def api_not_found(request, *args, **kwargs):
    return error_response(404, f"No API endpoint at {request.path}.")


# Error pages: JSON in the envelope under /api/, Django's own elsewhere.


def _is_api(request):
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return error_response(413, "The body is too large.")
        return error_response(400, "Bad request.")
    return defaults.bad_request(request, exception)


def forbidden(request, exception=None):
    if _is_api(request):
        return error_response(403, "Permission denied.")
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _is_api(request):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return error_response(500, "Internal server error. It has been logged.")
    return defaults.server_error(request)


# The editors' "Refresh website cache" action in the Wagtail admin.


class RefreshWebsiteCacheView(WagtailAdminTemplateMixin, TemplateView):
    """Shows what is cached and rebuilds it all on request (the same as POST
    /api/update-redis/ with no body)."""

    template_name = "cms/refresh_cache.html"
    page_title = gettext_lazy("Website cache")
    header_icon = "rotate"
    permission = "cms.refresh_website_cache"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        keys = [
            {"locale": code, "name": name, "ttl": website_cache.ttl(cache_key(code, name))}
            for code in supported_locales()
            for name in (WEBSITE_DATA, *(section.key for section in SECTIONS))
        ]
        return super().get_context_data(keys=keys, cache_ok=website_cache.ping() is not None)

    def post(self, request):
        refreshed = refresh(supported_locales(), list(SECTIONS))
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

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return report_rows()


class HeadlessPreviewView(WagtailAdminTemplateMixin, TemplateView):
    """Hands out a preview token for an item's latest saved draft, with the API URL (and the
    frontend's preview URL, when configured) that shows the website with it applied."""

    template_name = "cms/headless_preview.html"
    page_title = gettext_lazy("Headless preview")
    header_icon = "view"

    def dispatch(self, request, app_label, model_name, pk):
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            raise Http404 from None
        if not issubclass(model, SiteContent):
            raise Http404
        self.object = get_object_or_404(model, pk=unquote(pk))
        if not may_preview(request.user, self.object):
            return permission_denied(request)
        return super().dispatch(request)

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(object=self.object, **kwargs)
        try:
            issued = issue_token(self.object)
        except ValueError as error:
            return {**context, "error": str(error)}
        locale = self.object.locale.language_code
        query = urlencode({"locale": locale, "preview": issued.token})
        base = (
            settings.WAGTAILAPI_BASE_URL.rstrip("/") or self.request.build_absolute_uri("/")[:-1]
        )
        frontend = settings.CMS_FRONTEND_PREVIEW_URL
        return {
            **context,
            "issued": issued,
            "api_url": f"{base}{reverse('website_data')}?{query}",
            "frontend_url": frontend.format(token=quote(issued.token), locale=locale)
            if frontend
            else None,
            "max_age_minutes": settings.CMS_PREVIEW_TOKEN_MAX_AGE // 60,
        }
