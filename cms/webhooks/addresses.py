"""Where the server may send webhooks: never, unless a setting allows it, to a private,
loopback, link-local or otherwise internal address, so an editor who can add an endpoint
cannot make the server probe the internal network (SSRF). Checked in one place, twice: when
the endpoint is saved (a form error) and on every delivery, against the addresses the request
then really goes to (a name can be pointed elsewhere after it was saved)."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class Refused(ValueError):
    """A URL the server must not send to; the message says why."""


# Prefixes whose last 32 bits are an IPv4 address: NAT64's well-known prefix and SIIT's
# IPv4-translated addresses.
CARRYING_IPV4 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("::ffff:0:0:0/96"))
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated IPv4-compatible addresses


def _internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address reach that address: judge it instead.
        if ip in IPV4_COMPATIBLE:
            return True
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo or (None, None))[1]
        if any(ip in prefix for prefix in CARRYING_IPV4):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    return not ip.is_global or ip.is_multicast


def addresses(url: str) -> tuple[str, int, list[str]]:
    """(host, port, IP addresses) a request to `url` may go to; Refused if any is internal
    (unless CMS_WEBHOOK_ALLOW_PRIVATE) or the URL cannot be sent to at all."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(_("Use an http:// or https:// URL."))
    if parts.username or parts.password:
        raise Refused(_("Put no user name or password in the URL: deliveries are signed."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError) as error:
        raise Refused(
            _("%(host)s cannot be found: %(error)s") % {"host": parts.hostname, "error": error}
        ) from error
    ips = list(dict.fromkeys(str(info[4][0]) for info in found))  # in the resolver's order
    if not settings.CMS_WEBHOOK_ALLOW_PRIVATE and any(_internal(ip) for ip in ips):
        raise Refused(
            _(
                "%(host)s is an internal address (private, loopback or link-local): webhooks go "
                "only to public addresses."
            )
            % {"host": parts.hostname}
        )
    return parts.hostname, port, ips
