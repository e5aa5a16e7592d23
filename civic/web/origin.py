"""The client a request came from, as security events in the audit trail record it."""

from __future__ import annotations

from flask import request

from civic.core.audit import Origin


def request_origin() -> Origin:
    """The client's address and browser; behind a proxy, ProxyFix (PROXY_HOPS) has already put
    the address the proxy saw into ``remote_addr``."""
    return Origin.of(request.remote_addr, request.headers.get("User-Agent"))
