"""The words for each measure a commitment can track and for its years, in the page's language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from civic.commitments.models import CommitmentMeasure
from civic.core.time import roc_year

MEASURES: dict[str, Any] = {
    CommitmentMeasure.best_practice_cases: _l("Best-practice platforms chosen that year"),
    CommitmentMeasure.platforms: _l("Integrity platforms counted in that year"),
    CommitmentMeasure.answered_on_time_share: _l("Share of public feedback answered on time (%)"),
}

# How each measure is computed, in one sentence for the page.
EXPLANATIONS: dict[str, Any] = {
    CommitmentMeasure.best_practice_cases: _l(
        "Published cases the integrity authority chose as best practice, counted in the year they were "
        "chosen."),
    CommitmentMeasure.platforms: _l(
        "Published cases, counted in the year their platform was set up (else the year they were published)."),
    CommitmentMeasure.answered_on_time_share: _l(
        "Of the feedback items received that year whose deadline has passed or that were answered, the share "
        "answered by their deadline."),
}


def year_label(year: int, locale: str) -> str:
    """A calendar year as people read it: the 民國 year in Chinese, with the western one."""
    if locale.startswith("zh"):
        return f"{roc_year(year)}（{year}）"
    return str(year)
