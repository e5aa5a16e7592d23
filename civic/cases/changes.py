"""How an entry of a case's record reads: labels in the reader's language, values formatted as the
case page writes them, and long texts compared word by word. Reads only; never writes.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from civic.cases import labels, queries
from civic.cases.models import Case, HistoryEntry, Sector
from civic.cases.regions import county_name
from civic.core.money import format_ntd, format_ntd_exact
from civic.core.time import format_day
from civic.web.templating import ROLE_LABELS

# Texts long enough that readers want to see what changed inside them.
LONG_TEXTS = {"summary_zh", "summary_en", "agenda", "statements", "decisions", "follow_ups", "risk",
              "mitigation", "best_practice_reason_zh", "best_practice_reason_en", "attendees",
              "environmental_impact", "land_impact", "final_scope", "completion_changes", "scope",
              "description", "rationale"}
# Which table names the codes of a field, by kind of part ("*" for every kind).
CODE_TABLES = {
    ("case", "status"): labels.STATUSES,
    ("case", "procurement_kind"): labels.PROCUREMENT_KINDS,
    ("case", "review_state"): labels.REVIEW_STATES,
    ("member", "role"): labels.MEMBER_ROLES,
    ("risk", "stage"): labels.RISK_STAGES,
    ("risk", "likelihood"): labels.RISK_LEVELS,
    ("risk", "impact"): labels.RISK_LEVELS,
    ("risk", "status"): labels.RISK_STATUSES,
    ("milestone", "milestone_type"): labels.MILESTONE_TYPES,
    ("document", "document_type"): labels.DOCUMENT_TYPES,
    ("variation", "kind"): labels.VARIATION_KINDS,
}
SYSTEM = _l("The system")
# One token per Han character, per word or number, per run of spaces, per other character.
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_]+|\s+|.", re.UNICODE)


@dataclass(frozen=True)
class Segment:
    """A piece of a compared text: "same", "removed" or "added"."""

    kind: str
    text: str


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str | None
    after: str | None
    diff: list[Segment] | None


@dataclass(frozen=True)
class Change:
    """One entry as people read it."""

    entry: HistoryEntry
    title: str
    part_name: str
    actor: str
    fields: list[FieldChange]

    @property
    def anchor(self) -> str:
        return f"change-{self.entry.seq}"

    @property
    def is_correction(self) -> bool:
        return self.entry.part_kind == "meeting" and self.entry.action == "updated" and bool(
            set(self.entry.before or {}) & {"statements", "decisions"})


def action_label(entry: HistoryEntry) -> str:
    if entry.action == "recorded":
        key = "recorded"
    elif entry.part_kind == "case":
        key = "applied" if entry.action == "created" else entry.action
    else:
        verb = {"created": "added", "deleted": "removed"}.get(entry.action, entry.action)
        key = f"{entry.part_kind}.{verb}"
    return labels.label(labels.REVISION_ACTIONS, key)


def _part_name(kind: str, values: dict[str, Any] | None, locale: str) -> str:
    values = values or {}
    if kind == "milestone" and locale.startswith("en") and values.get("title_en"):
        return str(values["title_en"])
    if kind == "tender" and values.get("job_number"):
        return f"{values.get('unit_id', '')} {values['job_number']}".strip()
    if kind == "variation" and values.get("kind"):
        return labels.label(labels.VARIATION_KINDS, values["kind"])
    for name in ("name", "title", "title_zh", "risk", "item", "source"):
        if values.get(name):
            text = str(values[name])
            return text if len(text) <= 60 else text[:59] + "…"
    return ""


def compare(before: str, after: str) -> list[Segment]:
    """``before`` and ``after`` word by word (character by character in Chinese).

    A run of one or two characters left in common between two changes (a 的, a 於) is shown as
    changed too, so a rewritten phrase reads as one removal and one addition, not as confetti.
    """
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    runs: list[list] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        runs.append([tag == "equal", old[i1:i2], new[j1:j2]])
    for index in range(1, len(runs) - 1):
        run = runs[index]
        if run[0] and len(run[1]) <= 2 and not runs[index - 1][0] and not runs[index + 1][0]:
            run[0] = False
    merged: list[list] = []
    for run in runs:
        if merged and not run[0] and not merged[-1][0]:
            merged[-1][1] += run[1]
            merged[-1][2] += run[2]
        else:
            merged.append(run)
    segments: list[Segment] = []
    for same, removed, added in merged:
        if same:
            segments.append(Segment("same", "".join(removed)))
            continue
        if removed:
            segments.append(Segment("removed", "".join(removed)))
        if added:
            segments.append(Segment("added", "".join(added)))
    return segments


class Reader:
    """Formats the entries of one case for one language; looks nothing up per entry."""

    def __init__(self, locale: str, sectors: list[Sector], agency_names: dict[str, str],
                 names_at: dict[int, str] | None = None, contracts: dict[int, str] | None = None):
        self.locale = locale
        # The case's contracts' titles by id, to name the contract a variation changes.
        self.contracts = contracts or {}
        self.sectors = {sector.code: sector.name(locale) for sector in sectors}
        self.agency_names = agency_names
        # The part's name as of each entry (by seq): what the record itself said at that point.
        self.names_at = names_at or {}

    def value(self, kind: str, name: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        table = CODE_TABLES.get((kind, name))
        if table is not None:
            return labels.label(table, value)
        if name == "sector":
            return self.sectors.get(value, value)
        if name == "county":
            return county_name(value, self.locale) or value
        if name == "contract_id":
            return self.contracts.get(value) or str(value)
        if name.endswith("_ntd"):
            return f"{format_ntd(value, self.locale)} ({format_ntd_exact(value, self.locale)})"
        if name.endswith("_on") and isinstance(value, str):
            try:
                return format_day(date.fromisoformat(value), self.locale)
            except ValueError:
                return value
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if name == "statements":
            return "\n".join(f"{item['speaker']}：{item['content']}" if self.locale.startswith("zh")
                             else f"{item['speaker']}: {item['content']}" for item in value)
        if name == "decisions":
            return "\n".join(f"{number}. {text}" for number, text in enumerate(value, 1))
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return str(value)

    def describe(self, values: dict[str, Any], kind: str) -> list[tuple[str, str]]:
        """Each recorded field of a part with its label, as the page writes the value."""
        return [(labels.label(labels.FIELD_NAMES, name), self.value(kind, name, value))
                for name, value in values.items()]

    def actor(self, entry: HistoryEntry) -> str:
        if not entry.actor_role or entry.actor_role == "system":
            return str(SYSTEM)
        role = str(ROLE_LABELS.get(entry.actor_role, entry.actor_role))
        if entry.actor_agency:
            agency = self.agency_names.get(entry.actor_agency, entry.actor_agency)
            return _("%(role)s, %(agency)s", role=role, agency=agency)
        return role

    def read(self, entry: HistoryEntry) -> Change:
        kind = entry.part_kind
        shown = entry.after if entry.after is not None else entry.before
        names = list((entry.after or entry.before or {}).keys())
        fields = []
        for name in names:
            before = None if entry.before is None else self.value(kind, name, entry.before.get(name))
            after = None if entry.after is None else self.value(kind, name, entry.after.get(name))
            diff = compare(before, after) if (name in LONG_TEXTS and before is not None and after is not None
                                               and before != "—" and after != "—") else None
            fields.append(FieldChange(name, labels.label(labels.FIELD_NAMES, name), before, after, diff))
        part_name = ""
        if kind != "case":
            part_name = self.names_at.get(entry.seq) or _part_name(kind, shown, self.locale)
        return Change(entry, action_label(entry), part_name, self.actor(entry), fields)


_NAME_FIELDS = ("name", "title", "title_zh", "title_en", "risk", "item", "unit_id", "job_number", "source", "kind")


def names_as_recorded(entries: list[HistoryEntry], earlier: list[HistoryEntry], locale: str) -> dict[int, str]:
    """Each entry's part name as the record had it then, from that part's own earlier entries.

    A part is followed from its creation (or its recorded start) on, so a name never comes from
    another part that was given the same id after this one was removed, nor from a later rename.
    """
    wanted = {entry.seq for entry in entries if entry.part_kind != "case"}
    state: dict[tuple[str, int | None], dict[str, Any]] = {}
    names: dict[int, str] = {}
    for entry in sorted(earlier, key=lambda e: e.seq):
        key = (entry.part_kind, entry.part_id)
        if entry.before is None and entry.after is not None:
            state[key] = {}
        values = state.setdefault(key, {})
        source = entry.after if entry.after is not None else entry.before
        values.update({name: value for name, value in (source or {}).items() if name in _NAME_FIELDS})
        if entry.seq in wanted:
            names[entry.seq] = _part_name(entry.part_kind, values, locale)
    return names


def contracts_as_recorded(entries: list[HistoryEntry]) -> dict[int, str]:
    """Each contract's title as the latest of ``entries`` about it has it (a contract added anew
    under an id once used starts over), to name the contract of a variation."""
    titles: dict[int, str] = {}
    for entry in sorted(entries, key=lambda e: e.seq):
        values = entry.after if entry.after is not None else entry.before
        if entry.part_kind == "contract" and entry.part_id is not None and (values or {}).get("title"):
            titles[entry.part_id] = str(values["title"])
    return titles


def read(session: Session, case: Case, entries: list[HistoryEntry], locale: str) -> list[Change]:
    """``entries`` of ``case`` as people read them in ``locale``, in four queries at most."""
    names = queries.agency_names(session, {e.actor_agency for e in entries if e.actor_agency}, locale)
    # The contracts the variations among ``entries`` changed, named from their own entries.
    contracts = {("contract", value) for e in entries if e.part_kind == "variation"
                 for value in ((e.before or {}).get("contract_id"), (e.after or {}).get("contract_id"))
                 if isinstance(value, int)}
    earlier = queries.list_part_entries(session, case, {(e.part_kind, e.part_id) for e in entries
                                                        if e.part_kind != "case" and e.part_id is not None}
                                        | contracts, up_to=max((e.seq for e in entries), default=0))
    # The sector list is needed only to name a sector that an entry changed.
    touches_sector = any("sector" in (entry.before or {}) or "sector" in (entry.after or {}) for entry in entries)
    reader = Reader(locale, queries.list_sectors(session) if touches_sector else [], names,
                    names_as_recorded(entries, earlier + [e for e in entries if e.part_id is None], locale),
                    contracts_as_recorded(earlier))
    return [reader.read(entry) for entry in entries]
