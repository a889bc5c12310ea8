"""The service's own views: health, liveness, what this API is, and the error pages (JSON in
the envelope under /api/, Django's own elsewhere)."""

import sys
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import reverse
from django.utils.translation import get_language_info
from django.views import csrf, defaults
from django.views.decorators.cache import never_cache

from . import __version__
from .api.endpoint import api_endpoint
from .api.envelope import error_response, success_response
from .api.guard import unavailable
from .api.v2 import ENDPOINTS
from .api.views import api_not_found
from .cache.engine import payload_cache
from .delivery.locales import direction, supported_locales
from .delivery.payload import now_iso
from .delivery.sections import SECTIONS
from .scheduling import scheduler


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Database and cache checks with latency: ok, degraded (cache down, 200) or error (503);
    and when a worker's scheduler last ran (`late` after five minutes without one: scheduled
    content is not going live, though the site is served, so the status stays). It only looks:
    it changes nothing, however often it is called."""
    checks = {}
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"status": "ok", "latency_ms": _ms_since(started)}
        ran_at = scheduler.last_run()
        checks["scheduler"] = {
            "status": "late" if scheduler.is_late(ran_at) else "ok",
            "last_run": ran_at.isoformat() if ran_at else None,
        }
    except DatabaseError:
        checks["database"] = {"status": "error", "latency_ms": None}
    latency = payload_cache.ping()
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
def liveness(request: HttpRequest) -> HttpResponse:
    """The process answers; nothing else is checked (for container liveness probes)."""
    return HttpResponse(b'{"status":"ok"}', content_type="application/json")


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


@api_endpoint("GET")
def api_info(request: HttpRequest) -> HttpResponse:
    """What this API is and where its endpoints are."""
    endpoints = {
        "website_data": reverse("website_data"),
        "update_redis": reverse("update_redis"),
        "translation_status": reverse("translation_status"),
        "health": reverse("health"),
        "schema": reverse("openapi_schema"),
        "wagtail_api_v2": {name: reverse(f"wagtailapi:{name}:listing") for name in ENDPOINTS},
        "admin": reverse("wagtailadmin_home"),
    }
    locales = [
        {
            "code": code,
            "name": get_language_info(code)["name"],
            "direction": direction(code),
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


# Error pages: JSON in the envelope under /api/, Django's own elsewhere.


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponseBase:
    if _is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return error_response(413, "The body is too large.")
        return error_response(400, "Bad request.")
    # Django only hands the exception to the template: None works as well as one.
    return defaults.bad_request(request, exception)  # type: ignore[arg-type]


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponseBase:
    if _is_api(request):
        return error_response(403, "Permission denied.")
    # Django only hands the exception to the template: None works as well as one.
    return defaults.permission_denied(request, exception)  # type: ignore[arg-type]


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponseBase:
    """CSRF_FAILURE_VIEW: a browser-session write without its CSRF token."""
    if _is_api(request):
        return error_response(403, "CSRF verification failed: send the CSRF token.")
    return csrf.csrf_failure(request, reason)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponseBase:
    if _is_api(request):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponseBase:
    if _is_api(request):
        # A database that went away outside a view (in a middleware) is not our error either.
        if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
            return unavailable()
        return error_response(500, "Internal server error. It has been logged.")
    return defaults.server_error(request)
