"""The API addresses an app may say it reads: every documented GET address under /api/v1, as the
API's own description lists it (civic.api.spec), and where each is explained on /api."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from civic.api.spec import openapi_path, operations

PREFIX = "/api/v1/"


@dataclass(frozen=True)
class Endpoint:
    path: str
    summary: str


def documented_reads(app: Flask) -> list[Endpoint]:
    """Every documented GET address of the open data under /api/v1, in path order, with its summary in the
    page's language; not the write API's, which need a token."""
    return [Endpoint(openapi_path(rule), str(definition.summary)) for rule, definition in operations(app)
            if rule.rule.startswith(PREFIX) and "GET" in (rule.methods or ())
            and getattr(definition, "method", "get") == "get"
            and not getattr(definition, "bearer", False) and not getattr(definition, "scope", None)]


def anchor(path: str) -> str:
    """The id of the address's row on /api: ``/api/v1/cases/{slug}`` is ``get-api-v1-cases-slug``.
    templates/api/index.html writes the same with Jinja's replace."""
    return "get" + path.lower().replace("/", "-").replace("{", "").replace("}", "").replace(".", "-").replace("_", "-")
