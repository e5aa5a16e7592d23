"""The company-claims revision on data: typed names backfilled, a company known only from
unconfirmed claims loses its public name, and the downgrade gives it back; both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from civic.extensions import db
from tests.conftest import make_app
from tests.migrations.test_migrations import _insert, empty_database

BEFORE = "e8f3a5b7c924"
REVISION = "f1c2a3b4d5e6"


def _names(connection) -> dict[str, str]:
    return dict(connection.execute(sa.text("SELECT ubn, name FROM companies")).all())


def test_unconfirmed_claims_stop_publishing_their_names_and_come_back_on_downgrade(database_kind, tmp_path,
                                                                                    smtp_server):
    with empty_database(database_kind, tmp_path) as url:
        app = make_app(url, smtp_server.port)
        with app.app_context():
            upgrade(revision=BEFORE)
            with db.engine.begin() as connection:
                claimant = _insert(connection, "users", email="claimant@example.tw", role="citizen")
                supplier = _insert(connection, "users", email="supplier@example.tw", role="supplier")
                claimed = _insert(connection, "companies", ubn="90000012", name="台灣電力股份有限公司")
                confirmed = _insert(connection, "companies", ubn="90000006", name="測試公司")
                _insert(connection, "company_representatives", company_id=claimed, user_id=claimant,
                        confirmed_at=None)
                _insert(connection, "company_representatives", company_id=confirmed, user_id=supplier,
                        confirmed_at=datetime(2024, 1, 2, tzinfo=UTC))
                _insert(connection, "company_representatives", company_id=confirmed, user_id=claimant,
                        confirmed_at=None)
            upgrade(revision=REVISION)
            with db.engine.begin() as connection:
                assert _names(connection) == {"90000012": "", "90000006": "測試公司"}
                typed = connection.execute(sa.text(
                    "SELECT c.ubn, r.claimed_name, r.rejection_reason FROM company_representatives r "
                    "JOIN companies c ON c.id = r.company_id ORDER BY r.id")).all()
                assert [tuple(row) for row in typed] == [("90000012", "台灣電力股份有限公司", ""),
                                                         ("90000006", "測試公司", ""),
                                                         ("90000006", "測試公司", "")]
                connection.execute(sa.text(
                    "UPDATE company_representatives SET rejected_at = CURRENT_TIMESTAMP, rejection_reason = 'x' "
                    "WHERE company_id = :company AND user_id = :user"), {"company": confirmed, "user": claimant})
            downgrade(revision=BEFORE)
            with db.engine.connect() as connection:
                assert _names(connection) == {"90000012": "台灣電力股份有限公司", "90000006": "測試公司"}
                # A rejected claim was deleted before this revision; it goes again.
                assert connection.execute(sa.text("SELECT count(*) FROM company_representatives")).scalar() == 2
            db.engine.dispose()
