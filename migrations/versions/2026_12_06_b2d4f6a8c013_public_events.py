"""Public events: one row per public change, written with the change, read later by webhooks and digests.

Revision ID: b2d4f6a8c013
Revises: a1c3e5f7b901
Create Date: 2026-12-06 14:10:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'b2d4f6a8c013'
down_revision = 'a1c3e5f7b901'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fanned_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_agency_occurred', ['agency_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_events_case_occurred', ['case_id', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index('ix_events_waiting', ['fanned_out_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_waiting')
        batch_op.drop_index(batch_op.f('ix_events_occurred_at'))
        batch_op.drop_index('ix_events_case_occurred')
        batch_op.drop_index('ix_events_agency_occurred')

    op.drop_table('events')
