"""Working-day deadlines: the imported office calendar, each agency's way of counting days, and the
one extension a feedback item may have.

Revision ID: c4a1d2e3f405
Revises: b0f4e0f8f5c6
Create Date: 2026-12-05 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a1d2e3f405'
down_revision = 'b0f4e0f8f5c6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('office_calendar_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_holiday', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=100), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_office_calendar_days'))
    )
    op.add_column('agencies', sa.Column('answers_in_working_days', sa.Boolean(), server_default=sa.true(),
                                        nullable=False))
    op.add_column('feedback_items', sa.Column('extended_to', sa.DateTime(timezone=True), nullable=True))
    op.add_column('feedback_items', sa.Column('extension_reason', sa.Text(), server_default='', nullable=False))


def downgrade():
    # A plain DROP COLUMN: SQLite does it in place, without copying the table and firing the
    # cascades of the foreign keys that point at agencies.
    op.drop_column('feedback_items', 'extension_reason')
    op.drop_column('feedback_items', 'extended_to')
    op.drop_column('agencies', 'answers_in_working_days')
    op.drop_table('office_calendar_days')
