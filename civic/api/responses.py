"""How the open data answers go out: JSON with an ETag and conditional GET, and
CORS for GET under /api/ and /feeds/ (errors included), so browser scripts anywhere can read them.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request

OPEN_PREFIXES = ("/api/", "/feeds/")
EXPOSED_HEADERS = "ETag, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"


def conditional(response: Response) -> Response:
    """Add a strong ETag of the body and answer 304 when the client already has it.

    ``no-cache`` lets clients and proxies keep a copy but ask again each time, which is cheap.
    """
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


def json_response(payload: Any) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return conditional(Response(body, mimetype="application/json"))


def document_response(body: str, mimetype: str) -> Response:
    return conditional(Response(body, mimetype=mimetype))


def allow_cross_origin(response: Response) -> Response:
    """Let any site's scripts read the open data: GET only, nothing to do with cookies."""
    if request.path.startswith(OPEN_PREFIXES) and request.method in ("GET", "HEAD", "OPTIONS"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
            response.headers["Access-Control-Max-Age"] = "86400"
    return response
