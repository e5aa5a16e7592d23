"""The page a list was asked for, and the links to the others."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _

from civic.core.text import bounded_number

# No list of ours runs to more pages; a larger number is not a page of it.
LAST_PAGE = 100_000


def page_number(raw: str) -> int | None:
    """``raw`` as a page number: 1 to LAST_PAGE; None otherwise."""
    return bounded_number(raw, LAST_PAGE)


def requested_page(argument: str = "page") -> int | None:
    """The ``page`` query argument as a number from 1 (1 when absent); None when it is not one."""
    return page_number(request.args.get(argument, "1"))


def pagination_params(number: int, pages: int, endpoint: str) -> dict[str, object]:
    """govukPagination's parameters for page ``number`` of ``pages``, keeping the current filters.

    The first and last pages and two either side of the current one are links; a gap between
    them is an ellipsis.
    """
    args = {**(request.view_args or {}), **request.args.to_dict()}

    def href(page: int) -> str:
        return url_for(endpoint, **{**args, "page": page})

    items: list[dict[str, object]] = []
    for page in sorted({1, pages, *range(max(1, number - 3), min(pages, number + 3) + 1)}):
        if page in (1, pages) or abs(page - number) <= 2:
            items.append({"number": page, "href": href(page), "current": page == number,
                          "visuallyHiddenText": _("Page %(number)d", number=page)})
        elif abs(page - number) == 3:
            items.append({"ellipsis": True})
    params: dict[str, object] = {"items": items, "landmarkLabel": _("Pages")}
    if number > 1:
        params["previous"] = {"href": href(number - 1),
                              "html": _('Previous<span class="govuk-visually-hidden"> page</span>')}
    if number < pages:
        params["next"] = {"href": href(number + 1),
                          "html": _('Next<span class="govuk-visually-hidden"> page</span>')}
    return params
