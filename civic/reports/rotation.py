"""Key rotation: every encrypted value of the reports' tables re-encrypted with the newest key of
REPORTS_KEY, so the older keys can then be dropped.

It works on the stored tokens themselves, through plain binary columns rather than the models'
encrypting types, so no text is ever decrypted into the ORM and a value is written back only as a
new token of the same bytes. Every key stays able to read while it runs: it may be stopped and run
again, and the site goes on reading and writing reports meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from sqlalchemy import Integer, LargeBinary, Table, bindparam, column, select, table, update
from sqlalchemy.orm import Session

from civic.reports import crypto
from civic.reports.models import ConfidentialReport, ReportAttachment, ReportMessage, ReportNote

# The tables whose columns are encrypted, and how many rows to take at a time: attachments are
# files of up to REPORT_ATTACHMENT_MAX_BYTES each, so fewer of them.
TABLES = ((ConfidentialReport, 500), (ReportMessage, 500), (ReportNote, 500), (ReportAttachment, 10))


class UnreadableValue(RuntimeError):
    """A stored token that no key of REPORTS_KEY decrypts: a key it needs is missing."""

    def __init__(self, table_name: str, column_name: str, row_id: int) -> None:
        super().__init__(f"{table_name}.{column_name} of row {row_id} cannot be decrypted with any key "
                         "in REPORTS_KEY")
        self.table_name, self.column_name, self.row_id = table_name, column_name, row_id


@dataclass(frozen=True)
class Batch:
    """One batch of rows of ``table_name`` done: ``values`` re-encrypted in ``rows`` rows."""

    table_name: str
    rows: int
    values: int


def encrypted_columns(model: type) -> list[str]:
    """The columns of ``model`` stored as Fernet tokens: read from the model, so a column added later
    is rotated too."""
    return [c.name for c in model.__table__.columns
            if isinstance(c.type, crypto.EncryptedText | crypto.EncryptedBytes)]


def _raw(model: type) -> tuple[Table, list[str]]:
    """The model's table with its encrypted columns as plain bytes: what they store, untouched."""
    names = encrypted_columns(model)
    return table(model.__tablename__, column("id", Integer), *(column(name, LargeBinary) for name in names)), names


def rotate_all(session: Session) -> Iterator[Batch]:
    """Re-encrypt every stored value with the newest key, a batch of rows at a time, yielding after
    each so the caller commits it. Raise ``crypto.ReportsKeyError`` when REPORTS_KEY is missing or
    malformed, and ``UnreadableValue`` at the first value no key decrypts (that batch is not written).
    """
    cipher = crypto.cipher()
    for model, size in TABLES:
        raw, names = _raw(model)
        if not names:
            continue
        last_id = 0
        while True:
            # Lock the batch so a row changed meanwhile is not written back as it was.
            rows = session.execute(select(raw).where(raw.c.id > last_id).order_by(raw.c.id).limit(size)
                                   .with_for_update()).all()
            if not rows:
                break
            changes, values = [], 0
            for row in rows:
                change = {"row_id": row.id}
                for name in names:
                    token = getattr(row, name)
                    if token is None:
                        change[f"new_{name}"] = None
                        continue
                    try:
                        change[f"new_{name}"] = cipher.rotate(bytes(token))
                    except InvalidToken:
                        raise UnreadableValue(raw.name, name, row.id) from None
                    values += 1
                changes.append(change)
            statement = (update(raw).where(raw.c.id == bindparam("row_id"))
                         .values({name: bindparam(f"new_{name}") for name in names}))
            session.connection().execute(statement, changes)
            last_id = rows[-1].id
            yield Batch(raw.name, len(rows), values)
