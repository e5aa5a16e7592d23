"""The words for the showcase's codes: licences, an app's statuses, a challenge's phases."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from civic.showcase.models import AppStatus, ChallengePhase

OTHER_LICENCE = "other"
NOT_OPEN = "not-open"
# Common licences by their SPDX identifiers (https://spdx.org/licenses/), then the two answers for the rest.
SPDX_LICENCES = ("MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "GPL-2.0-or-later", "GPL-3.0-or-later",
                 "LGPL-3.0-or-later", "AGPL-3.0-or-later", "MPL-2.0", "ISC", "Unlicense", "CC0-1.0", "CC-BY-4.0")
LICENCES: dict[str, object] = {
    **{code: code for code in SPDX_LICENCES},
    OTHER_LICENCE: _l("Another licence"),
    NOT_OPEN: _l("Not open source"),
}

STATUSES = {
    AppStatus.pending: _l("Waiting for a moderator"),
    AppStatus.published: _l("Published"),
    AppStatus.rejected: _l("Not accepted"),
    AppStatus.unpublished: _l("Taken down by a moderator"),
    AppStatus.withdrawn: _l("Withdrawn by you"),
}
# The moderators' words for the same statuses: "withdrawn by you" is the maker's.
MODERATOR_STATUSES = {**STATUSES, AppStatus.withdrawn: _l("Withdrawn by its maker")}
STATUS_TAG_CLASSES = {
    AppStatus.pending: "govuk-tag--yellow",
    AppStatus.published: "govuk-tag--green",
    AppStatus.rejected: "govuk-tag--red",
    AppStatus.unpublished: "govuk-tag--red",
    AppStatus.withdrawn: "govuk-tag--grey",
}

PHASES = {
    ChallengePhase.current: _l("Open now"),
    ChallengePhase.upcoming: _l("Coming up"),
    ChallengePhase.past: _l("Closed for entries"),
}


def licence_label(code: str) -> str:
    label = LICENCES.get(code)
    return str(label) if label is not None else code
