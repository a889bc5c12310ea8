"""The plumbing every project endpoint under /api/ shares, declared with one decorator:
which methods it answers (405 in the envelope otherwise), whether it needs the bearer token
(401), and turning bad input (cms.api.inputs.InvalidRequest) into its 4xx in the envelope.

API endpoints are never cookie-authenticated, so CSRF does not apply to them: a POST without
a CSRF token gets the endpoint's own answer (405, 401, …), not Django's HTML CSRF page.
"""

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt

from .envelope import error_response
from .inputs import InvalidRequest

View = Callable[..., HttpResponseBase]


def method_not_allowed(allowed: list[str]) -> HttpResponseBase:
    return error_response(
        405,
        f"Method not allowed. Use {' or '.join(allowed)}.",
        headers={"Allow": ", ".join(allowed)},
    )


def bearer_token_matches(request: HttpRequest) -> bool:
    expected = settings.CMS_CACHE_REFRESH_TOKEN
    scheme, _, provided = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(provided.strip().encode(), expected.encode())


def unauthorized() -> HttpResponseBase:
    """The same answer whatever was wrong with the token (no hint for guessing)."""
    return error_response(
        401,
        "Authentication required: send Authorization: Bearer <token>.",
        headers={"WWW-Authenticate": 'Bearer realm="cms"'},
    )


def api_endpoint(
    *methods: str, token: bool = False, public_cache: bool = False
) -> Callable[[View], View]:
    """An endpoint answering `methods` (GET implies HEAD). With `token`, only requests with
    the bearer token get through. Unless `public_cache`, nobody may store its answers."""
    allowed = list(methods) + (["HEAD"] if "GET" in methods and "HEAD" not in methods else [])

    def decorate(view: View) -> View:
        @wraps(view)
        def endpoint(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method not in allowed:
                response = method_not_allowed(allowed)
            elif token and not bearer_token_matches(request):
                response = unauthorized()
            else:
                try:
                    response = view(request, *args, **kwargs)
                except InvalidRequest as error:
                    response = error_response(error.status, str(error))
            if not public_cache:
                add_never_cache_headers(response)
            return response

        return csrf_exempt(endpoint)

    return decorate
