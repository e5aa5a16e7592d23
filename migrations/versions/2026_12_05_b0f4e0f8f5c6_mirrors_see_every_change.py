"""Mirrors see every change: comments carry their own updated_at, and codes that stopped naming
an agency are kept.

A comment's updated_at starts as the latest time it is known to have changed (posted, edited,
deleted, hidden); from now on restoring it moves it forward too.

Revision ID: b0f4e0f8f5c6
Revises: 5d1e7a3c9b20
Create Date: 2026-12-05 01:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b0f4e0f8f5c6'
down_revision = '5d1e7a3c9b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agency_removals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_removals'))
    )
    with op.batch_alter_table('agency_removals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_removals_removed_at'), ['removed_at'], unique=False)

    # SQLite adds a NOT NULL column to a table with rows only with a constant default (dropping it
    # again would copy the table, and firing its foreign keys' cascades). Every row gets its real
    # value at once; PostgreSQL drops the default, and the application always sets the column.
    with op.batch_alter_table('feedback_comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False,
                                      server_default='1970-01-01 00:00:00.000000'))
    comments = sa.table('feedback_comments', sa.column('created_at'), sa.column('edited_at'),
                        sa.column('deleted_at'), sa.column('hidden_at'), sa.column('updated_at'))
    # GREATEST on PostgreSQL; SQLite's MAX with several arguments is the same. Neither may see a NULL.
    sqlite = op.get_bind().dialect.name == 'sqlite'
    greatest = sa.func.max if sqlite else sa.func.greatest
    created = comments.c.created_at
    op.execute(comments.update().values(updated_at=greatest(
        created, sa.func.coalesce(comments.c.edited_at, created), sa.func.coalesce(comments.c.deleted_at, created),
        sa.func.coalesce(comments.c.hidden_at, created))))
    if not sqlite:
        op.alter_column('feedback_comments', 'updated_at', server_default=None)


def downgrade():
    # A plain DROP COLUMN: SQLite does it in place, without copying the table.
    op.drop_column('feedback_comments', 'updated_at')

    with op.batch_alter_table('agency_removals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_removals_removed_at'))

    op.drop_table('agency_removals')
