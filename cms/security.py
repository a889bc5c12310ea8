"""Whose address a request comes from."""

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest


@cache
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(network, strict=False) for network in spec)


def is_trusted_proxy(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.CMS_TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: nginx's X-Real-IP when the request comes from our proxy (one of
    CMS_TRUSTED_PROXIES), else the socket's peer. A header anyone else sends is ignored, so a
    client reaching gunicorn directly cannot pick its own address (and dodge a lockout)."""
    peer: str | None = request.META.get("REMOTE_ADDR")
    if settings.CMS_BEHIND_PROXY and is_trusted_proxy(peer):
        forwarded = str(request.META.get("HTTP_X_REAL_IP", "")).strip()
        if forwarded:
            return forwarded
    return peer
