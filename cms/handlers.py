"""The WSGI application: Django twice over. Public reads of the website data, which answer
every page render of every frontend, go through a handler with only the middleware such a
request needs (settings.CMS_PUBLIC_READ_MIDDLEWARE: proxy trust, the request id, security
headers, CORS and the API's edge checks); everything else through the full stack (sessions,
CSRF, authentication, messages, the admin's locale checks, login lockout)."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

# Reads of these paths skip the middleware that only admin pages and writes need.
PUBLIC_READ_PATHS = frozenset({"/api/website-data/"})
READ_METHODS = frozenset({"GET", "HEAD"})


class PublicReadHandler(WSGIHandler):
    """A Django handler whose middleware chain is settings.CMS_PUBLIC_READ_MIDDLEWARE."""

    def load_middleware(self, is_async: bool = False) -> None:
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.CMS_PUBLIC_READ_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


class Application:
    def __init__(self) -> None:
        self.full = WSGIHandler()
        self.public_read = PublicReadHandler()

    def handler_for(self, environ: dict[str, Any]) -> WSGIHandler:
        if (
            environ.get("PATH_INFO") in PUBLIC_READ_PATHS
            and environ.get("REQUEST_METHOD") in READ_METHODS
        ):
            return self.public_read
        return self.full

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        return self.handler_for(environ)(environ, start_response)
