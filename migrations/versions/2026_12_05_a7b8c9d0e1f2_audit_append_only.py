"""The audit trail is append-only: on PostgreSQL a trigger refuses every UPDATE, DELETE and
TRUNCATE of audit_entries, except the one update the foreign key makes when an account's row
is deleted (actor_id ON DELETE SET NULL): actor_id becoming NULL and nothing else changing.

SQLite has no such guard; the application never updates or deletes an audit row there either.

Revision ID: a7b8c9d0e1f2
Revises: f1c2a3b4d5e6
Create Date: 2026-12-05 05:20:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7b8c9d0e1f2'
down_revision = 'f1c2a3b4d5e6'
branch_labels = None
depends_on = None

# The row with only actor_id set to NULL, compared as text, covers every column present or to come.
FUNCTION = """
CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    expected audit_entries;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL THEN
            expected := OLD;
            expected.actor_id := NULL;
            IF expected::text = NEW::text THEN
                RETURN NEW;
            END IF;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP
        USING HINT = 'Audit entries are written once and never changed or removed.';
END;
$$
"""


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(FUNCTION)
    op.execute('CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries '
               'FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()')
    op.execute('CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries '
               'FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()')


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('DROP TRIGGER audit_entries_no_truncate ON audit_entries')
    op.execute('DROP TRIGGER audit_entries_append_only ON audit_entries')
    op.execute('DROP FUNCTION audit_entries_append_only()')
