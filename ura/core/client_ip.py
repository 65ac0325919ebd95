"""The client's address, for lockouts and the audit log.

Behind URA_PROXY_COUNT trusted reverse proxies, the client is the address the
outermost of them saw: the N-th entry from the right of X-Forwarded-For. Entries
further left were written by the client itself and cannot be trusted.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    proxies = settings.URA_PROXY_COUNT
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [h for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return _valid(hops[-proxies])
    return _valid(request.META.get("REMOTE_ADDR", ""))
