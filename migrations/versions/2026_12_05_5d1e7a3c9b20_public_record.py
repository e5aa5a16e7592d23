"""The public record: every change to a case and its parts as a hash-chained entry.

Each case's earlier revisions become the first entries of its chain, in their order; then one
"recorded" entry per case and per part keeps every value as it stands, so that from here on
`flask history verify` can tell a change made outside the application. case_revisions goes.
The downgrade turns entries back into revisions (as far as the old table can say them).

Revision ID: 5d1e7a3c9b20
Revises: 8ba9f80f9530
Create Date: 2026-12-05 02:00:00

"""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5d1e7a3c9b20'
down_revision = '8ba9f80f9530'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
CASE_FIELDS = ("slug", "title_zh", "title_en", "procurement_kind", "status", "county", "address",
               "latitude", "longitude", "budget_ntd", "contract_value_ntd", "summary_zh", "summary_en",
               "platform_established_on", "review_state", "is_best_practice", "best_practice_reason_zh",
               "best_practice_reason_en")
PARTS = {
    "member": ("case_members", ("name", "organisation", "role")),
    "meeting": ("case_meetings", ("held_on", "title", "place", "attendees", "agenda", "follow_ups")),
    "risk": ("case_risks", ("stage", "risk", "likelihood", "impact", "mitigation", "owner", "status")),
    "milestone": ("case_milestones", ("title_zh", "title_en", "milestone_type", "planned_on", "actual_on")),
    "document": ("case_documents", ("title", "url", "document_type")),
    "contract": ("case_contracts", ("title", "tender_number", "award_value_ntd", "awarded_on")),
}
# Revision actions and the entries they become: (kind, action).
LEGACY_CASE_ACTIONS = {"applied": "created", "updated": "updated", "resubmitted": "resubmitted",
                       "published": "published", "returned": "returned", "rejected": "rejected",
                       "featured": "featured", "unfeatured": "unfeatured"}
LEGACY_PART_VERBS = {"added": "created", "updated": "updated", "removed": "deleted"}

cases = sa.table(
    "cases", sa.column("id", sa.Integer), sa.column("sector_id", sa.Integer),
    *[sa.column(name, sa.Date if name == "platform_established_on" else
                sa.Numeric(9, 6) if name in ("latitude", "longitude") else
                sa.Boolean if name == "is_best_practice" else
                sa.BigInteger if name.endswith("_ntd") else sa.String) for name in CASE_FIELDS])
sectors = sa.table("case_sectors", sa.column("id", sa.Integer), sa.column("code", sa.String))
users = sa.table("users", sa.column("id", sa.Integer), sa.column("role", sa.String),
                 sa.column("agency_id", sa.Integer))
agencies = sa.table("agencies", sa.column("id", sa.Integer), sa.column("code", sa.String))
companies = sa.table("companies", sa.column("id", sa.Integer), sa.column("ubn", sa.String))
statements = sa.table("case_meeting_statements", sa.column("meeting_id", sa.Integer),
                      sa.column("speaker", sa.String), sa.column("content", sa.String),
                      sa.column("position", sa.Integer), sa.column("id", sa.Integer))
decisions = sa.table("case_meeting_decisions", sa.column("meeting_id", sa.Integer),
                     sa.column("content", sa.String), sa.column("position", sa.Integer),
                     sa.column("id", sa.Integer))
revisions = sa.table(
    "case_revisions", sa.column("id", sa.Integer), sa.column("case_id", sa.Integer),
    sa.column("actor_id", sa.Integer), sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("action", sa.String), sa.column("changes", sa.JSON))
entries = sa.table(
    "case_history_entries", sa.column("id", sa.Integer), sa.column("case_id", sa.Integer),
    sa.column("seq", sa.Integer), sa.column("at", sa.DateTime(timezone=True)), sa.column("action", sa.String),
    sa.column("part_kind", sa.String), sa.column("part_id", sa.Integer), sa.column("before", sa.JSON),
    sa.column("after", sa.JSON), sa.column("reason", sa.Text), sa.column("actor_role", sa.String),
    sa.column("actor_agency", sa.String), sa.column("actor_id", sa.Integer),
    sa.column("previous_hash", sa.String), sa.column("hash", sa.String))


def _part_table(kind: str) -> sa.TableClause:
    name, fields = PARTS[kind]
    types = {"held_on": sa.Date, "planned_on": sa.Date, "actual_on": sa.Date, "awarded_on": sa.Date,
             "attendees": sa.JSON, "award_value_ntd": sa.BigInteger}
    extra = [sa.column("company_id", sa.Integer)] if kind == "contract" else []
    return sa.table(name, sa.column("id", sa.Integer), sa.column("case_id", sa.Integer),
                    *[sa.column(field, types.get(field, sa.String)) for field in fields], *extra)


def _utc(value: datetime) -> datetime:
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.replace(microsecond=0)


def _value(value):
    if isinstance(value, datetime):
        return _utc(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.6f}"
    if isinstance(value, list):
        return [_value(item) for item in value]
    return value


def _hash(entry: dict) -> str:
    body = {
        "seq": entry["seq"], "at": _value(entry["at"]), "action": entry["action"],
        "part": {"kind": entry["part_kind"], "id": entry["part_id"]}, "before": entry["before"],
        "after": entry["after"], "reason": entry["reason"],
        "actor": {"role": entry["actor_role"], "agency": entry["actor_agency"]},
        "previous_hash": entry["previous_hash"],
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _legacy(revision, actors) -> dict:
    action, changes = revision.action, revision.changes or {}
    if "." in action:
        kind, verb = action.split(".", 1)
        action = LEGACY_PART_VERBS.get(verb, verb)
        values = {"item": (changes.get("item") or [None, None])[1]}
        before, after = {"created": (None, values), "deleted": (values, None)}.get(action, ({"item": None}, values))
    else:
        kind, action = "case", LEGACY_CASE_ACTIONS.get(action, action)
        before = {name: _value(pair[0]) for name, pair in changes.items()} or None
        after = {name: _value(pair[1]) for name, pair in changes.items()} or None
        if action == "created":
            before = None
    role, agency = actors.get(revision.actor_id, ("system", None))
    return {"part_kind": kind, "part_id": None, "action": action, "before": before, "after": after,
            "actor_role": role, "actor_agency": agency, "actor_id": revision.actor_id,
            "at": _utc(revision.created_at)}


def _snapshots(connection, case, sector_codes, ubns):
    values = {name: _value(getattr(case, name)) for name in CASE_FIELDS}
    values["sector"] = sector_codes.get(case.sector_id)
    yield "case", case.id, values
    for kind in PARTS:
        table = _part_table(kind)
        for part in connection.execute(sa.select(table).where(table.c.case_id == case.id).order_by(table.c.id)):
            values = {field: _value(getattr(part, field)) for field in PARTS[kind][1]}
            if kind == "meeting":
                values["statements"] = [
                    {"speaker": row.speaker, "content": row.content} for row in connection.execute(
                        sa.select(statements).where(statements.c.meeting_id == part.id)
                        .order_by(statements.c.position, statements.c.id))]
                values["decisions"] = [row.content for row in connection.execute(
                    sa.select(decisions).where(decisions.c.meeting_id == part.id)
                    .order_by(decisions.c.position, decisions.c.id))]
            if kind == "contract":
                values["supplier_ubn"] = ubns.get(part.company_id)
            yield kind, part.id, values


def _migrate_revisions(connection) -> None:
    agency_codes = dict(connection.execute(sa.select(agencies.c.id, agencies.c.code)).all())
    actors = {row.id: (row.role, agency_codes.get(row.agency_id))
              for row in connection.execute(sa.select(users.c.id, users.c.role, users.c.agency_id))}
    sector_codes = dict(connection.execute(sa.select(sectors.c.id, sectors.c.code)).all())
    ubns = dict(connection.execute(sa.select(companies.c.id, companies.c.ubn)).all())
    now = datetime.now(UTC).replace(microsecond=0)
    for case in connection.execute(sa.select(cases).order_by(cases.c.id)).all():
        rows = [_legacy(revision, actors) for revision in connection.execute(
            sa.select(revisions).where(revisions.c.case_id == case.id)
            .order_by(revisions.c.created_at, revisions.c.id))]
        rows += [{"part_kind": kind, "part_id": part_id, "action": "recorded", "before": None, "after": values,
                  "actor_role": "system", "actor_agency": None, "actor_id": None, "at": now}
                 for kind, part_id, values in _snapshots(connection, case, sector_codes, ubns)]
        previous, last_at = GENESIS, None
        for seq, row in enumerate(rows, 1):
            at = max(row["at"], last_at) if last_at else row["at"]
            entry = {**row, "case_id": case.id, "seq": seq, "at": at, "reason": "", "previous_hash": previous}
            entry["hash"] = _hash(entry)
            connection.execute(entries.insert().values(**entry))
            previous, last_at = entry["hash"], at


def upgrade():
    op.create_table('case_history_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('part_kind', sa.String(length=20), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor_role', sa.String(length=20), nullable=True),
    sa.Column('actor_agency', sa.String(length=20), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('previous_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_history_entries_actor_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_history_entries_case_id_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_history_entries')),
    sa.UniqueConstraint('case_id', 'seq', name=op.f('uq_case_history_entries_case_id_seq'))
    )
    with op.batch_alter_table('case_history_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_history_entries_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_history_entries_at'), ['at'], unique=False)
        batch_op.create_index('ix_case_history_entries_part', ['case_id', 'part_kind', 'part_id'], unique=False)

    _migrate_revisions(op.get_bind())

    with op.batch_alter_table('case_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_revisions_created_at'))
        batch_op.drop_index(batch_op.f('ix_case_revisions_case_id'))
    op.drop_table('case_revisions')


def _revision(entry) -> dict | None:
    if entry.action == "recorded":
        return None
    if entry.part_kind == "case":
        action = {"created": "applied"}.get(entry.action, entry.action)
        names = list((entry.after or entry.before or {}).keys())
        changes = {name: [(entry.before or {}).get(name), (entry.after or {}).get(name)] for name in names}
    else:
        verb = {"created": "added", "deleted": "removed"}.get(entry.action, entry.action)
        action = f"{entry.part_kind}.{verb}"
        values = entry.after or entry.before or {}
        label = next((values[name] for name in ("name", "title", "title_zh", "risk", "item") if values.get(name)), "")
        changes = {"item": [None, str(label)[:80]]}
    return {"case_id": entry.case_id, "actor_id": entry.actor_id, "created_at": entry.at, "action": action,
            "changes": changes}


def downgrade():
    op.create_table('case_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_revisions_actor_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_revisions_case_id_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_revisions'))
    )
    with op.batch_alter_table('case_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_revisions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_revisions_created_at'), ['created_at'], unique=False)

    connection = op.get_bind()
    for entry in connection.execute(sa.select(entries).order_by(entries.c.case_id, entries.c.seq)).all():
        row = _revision(entry)
        if row is not None:
            connection.execute(revisions.insert().values(**row))

    with op.batch_alter_table('case_history_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_case_history_entries_part')
        batch_op.drop_index(batch_op.f('ix_case_history_entries_at'))
        batch_op.drop_index(batch_op.f('ix_case_history_entries_actor_id'))
    op.drop_table('case_history_entries')
