"""The edge of the API: every request under /api/ passes here first, and everything a client
can send wrong is answered here, in one place, in the JSON envelope, before any view runs.

- methods no endpoint answers (TRACE, CONNECT, …) get a 405 on every path;
- an over-long query string gets a 414, a control character (a NUL byte, …) anywhere in the
  query a 400, a number too large for the database a 400, an unknown `search_operator` a 400;
- what still goes wrong below (a database that is down, a value the database refuses) is
  turned into a 503 with Retry-After or a 400 instead of a 500.

Endpoints validate their own parameters' meaning (cms.api.inputs); this layer only guarantees
that nothing a client sends can crash them.
"""

import logging
import re
from collections.abc import Callable

from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from cms.core.outages import OutageLog
from cms.delivery.payload import Unavailable

from .envelope import error_response

logger = logging.getLogger(__name__)
DATABASE_OUTAGES = OutageLog(logger, "The database")

# What any endpoint of this project (or Wagtail's) may answer; anything else is a 405.
KNOWN_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"})
MAX_QUERY_LENGTH = 2048
# Whole numbers in an API v2 query go to the database as integers: PostgreSQL's are 32-bit.
MAX_NUMBER = 2**31 - 1
WHOLE_NUMBER = re.compile(r"-?\d+")
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FREE_TEXT = frozenset({"search", "html_path"})  # text, even when it is all digits
# Where query values become database values (elsewhere an unknown `?_=1712345678901`, a
# cache-buster, is simply ignored).
DATABASE_QUERIED = "/api/v2/"
ENUMS = {"search_operator": ("and", "or")}
RETRY_AFTER_SECONDS = 5


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def refusal(request: HttpRequest) -> HttpResponseBase | None:
    """The answer to a request no endpoint should see, or None to let it through."""
    if request.method not in KNOWN_METHODS:
        if _is_api(request):
            return error_response(405, f"Method {request.method} is not allowed.")
        return HttpResponse(status=405, content_type="text/plain")
    if not _is_api(request):
        return None
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_QUERY_LENGTH:
        return error_response(414, f"The query string is longer than {MAX_QUERY_LENGTH}.")
    for name, values in request.GET.lists():
        for value in (name, *values):
            if CONTROL_CHARACTER.search(value):
                return error_response(400, "The query contains a control character.")
        for value in values:
            if name in ENUMS and value not in ENUMS[name]:
                return error_response(400, f"{name} must be one of: {', '.join(ENUMS[name])}.")
            if (
                request.path.startswith(DATABASE_QUERIED)
                and name not in FREE_TEXT
                and WHOLE_NUMBER.fullmatch(value)
                and abs(int(value)) > MAX_NUMBER
            ):
                return error_response(400, f"{name} must be a number below {MAX_NUMBER + 1}.")
    return None


def unavailable() -> HttpResponseBase:
    """A dependency is down: the client should retry, and not too soon."""
    return error_response(
        503,
        "The service is unavailable: retry shortly.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


class ApiEdgeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return refusal(request) or self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        if not _is_api(request):
            return None
        if isinstance(exception, (OperationalError, InterfaceError, Unavailable)):
            DATABASE_OUTAGES.failed(exception, "answering 503")
            return unavailable()
        if isinstance(exception, DataError):
            return error_response(400, "A value in the request is out of range.")
        return None
