from collections.abc import Awaitable, Callable
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.urls import ResolverMatch
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from .editorial.approval import REFUSAL, needs_approval
from .editorial.locale_access import SAFE_METHODS, may_write
from .security import is_trusted_proxy

# Paths that are neither pages nor the admin. The language never comes from their URL, and
# Django's LocaleMiddleware would only get in the way: it varies responses on Accept-Language
# and redirects a 404 such as /api/nothing to the page URL /en/api/nothing/.
UNLOCALIZED_PREFIXES = ("/api/", "/health/", "/documents/", "/static/", "/media/")


# What our proxy (nginx) says about a request: believed only when it comes from its address.
PROXY_HEADERS = ("HTTP_X_REAL_IP", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR")


class TrustedProxyMiddleware:
    """Drops the proxy's headers from a request that did not come through the proxy (one of
    CMS_TRUSTED_PROXIES), before anything reads them: the scheme (SECURE_PROXY_SSL_HEADER)
    and the client address (cms.security.client_ip, the login lockout)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR")):
            for name in PROXY_HEADERS:
                request.META.pop(name, None)
        return self.get_response(request)


class PageLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except for the API and service paths, which always run in the
    default language (the active language is per thread: it must be set on every request)."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        path = request.path_info
        if path == "/" or path.startswith(UNLOCALIZED_PREFIXES):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return self.get_response(request)
        return super().__call__(request)


class LocaleAccessMiddleware:
    """Refuses (403) an admin write outside the locales the user works in
    (cms.editorial.locale_access).

    Reads pass untouched, and so does every request for users who work in every locale."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        # Reads first: they write nothing, and must not touch the lazy user (a session lookup)
        # on the API's hot path. Anonymous writes go on to the admin's login redirect.
        if request.method in SAFE_METHODS or not request.user.is_authenticated:
            return None
        # URLs are resolved before any process_view runs.
        if not may_write(request, cast(ResolverMatch, request.resolver_match)):
            raise PermissionDenied
        return None


class ApprovalMiddleware:
    """Refuses (403) an admin write that would change the live site (publish, unpublish,
    unschedule, reorder, …: cms.editorial.approval) from someone who needs approval for it,
    before the view runs: nothing is saved, and the answer says why instead of Wagtail's
    quiet "saved as draft"."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.method in SAFE_METHODS or not request.user.is_authenticated:
            return None
        if not needs_approval(request, cast(ResolverMatch, request.resolver_match)):
            return None
        if request.headers.get("X-Requested-With") == "XMLHttpRequest" or (
            "application/json" in request.headers.get("Accept", "")
        ):
            return JsonResponse({"success": False, "error": REFUSAL}, status=403)
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = request.path
        return render(
            request, "cms/approval/refused.html", {"message": REFUSAL, "back": back}, status=403
        )
