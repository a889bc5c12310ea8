from typing import cast

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: nginx's X-Real-IP behind our proxy, else the socket's peer."""
    if settings.CMS_BEHIND_PROXY:
        forwarded: str = request.META.get("HTTP_X_REAL_IP", "").strip()
        if forwarded:
            return forwarded
    return cast(str | None, request.META.get("REMOTE_ADDR"))  # WSGI environ values are str
