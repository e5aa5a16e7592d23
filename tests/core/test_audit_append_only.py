"""The audit trail is append-only: the code never updates or deletes an entry, PostgreSQL refuses
it by trigger, and an account's row can still be deleted, its entries kept without an actor.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

import civic
from civic.core import audit
from civic.core.audit import AuditEntry
from civic.extensions import db
from tests.support import PASSWORD, login, post_form

CIVIC = Path(civic.__file__).parent


def test_no_code_updates_or_deletes_an_audit_entry():
    writes = re.compile(r"(update|delete)\(\s*AuditEntry|(UPDATE|DELETE FROM|TRUNCATE)\s+audit_entries", re.I)
    found = [f"{path.relative_to(CIVIC.parent)}:{number}"
             for path in sorted(CIVIC.rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if writes.search(line)]
    assert found == []


def entry_about(app, target_id: str) -> int:
    with app.test_request_context():
        entry = audit.record(db.session, "account.updated", actor_id=None, target_type="user",
                             target_id=target_id, reason="原本的理由")
        db.session.commit()
        return entry.id


@pytest.mark.parametrize("statement", [
    "UPDATE audit_entries SET action = 'account.created' WHERE id = :id",
    "UPDATE audit_entries SET details = '{}' WHERE id = :id",
    "UPDATE audit_entries SET actor_id = :actor WHERE id = :id",
    "UPDATE audit_entries SET actor_id = NULL, target_id = 'x' WHERE id = :id",
    "DELETE FROM audit_entries WHERE id = :id",
    "TRUNCATE audit_entries",
])
def test_postgresql_refuses_to_change_or_remove_an_entry(app, database_kind, citizen, statement):
    if database_kind != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only; SQLite relies on the code")
    entry_id = entry_about(app, str(citizen.id))
    with app.app_context():
        with pytest.raises(DBAPIError, match="audit_entries is append-only"), db.session.begin_nested():
            db.session.execute(text(statement), {"id": entry_id, "actor": citizen.id})
        entry = db.session.get(AuditEntry, entry_id)
        assert (entry.action, entry.actor_id, entry.target_id) == ("account.updated", None, str(citizen.id))
        assert entry.details == {"reason": "原本的理由"}


def test_deleting_an_account_row_keeps_its_entries_without_an_actor(app, client, citizen):
    login(client, citizen)
    with app.app_context():
        before = db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_id == str(citizen.id))
                                    .order_by(AuditEntry.id)).all()
        assert {"account.created", "account.signed_in"} <= set(before)
        db.session.execute(text("DELETE FROM users WHERE id = :id"), {"id": citizen.id})
        db.session.commit()
    with app.app_context():
        kept = db.session.execute(select(AuditEntry.action, AuditEntry.actor_id)
                                  .where(AuditEntry.target_id == str(citizen.id)).order_by(AuditEntry.id)).all()
    assert [action for action, _actor in kept] == before
    assert {actor for _action, actor in kept} == {None}


def test_deleting_an_account_on_the_site_still_works_and_its_trail_stays(app, client, citizen, admin):
    login(client, citizen)
    response = post_form(client, "/account/delete", {"delete-password": PASSWORD}, form_page="/account")
    assert response.status_code == 302
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == citizen.id)
                                     .order_by(AuditEntry.id)).all()
    assert actions[:2] == ["account.created", "account.signed_in"] and actions[-1] == "account.deleted"
    reader = client.application.test_client()
    login(reader, admin)
    page = reader.get(f"/admin/audit?target_type=user&target_id={citizen.id}").get_data(as_text=True)
    assert "已刪除的使用者" in page
