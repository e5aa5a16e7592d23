"""Two clocks on a feedback item (acknowledgement, then the answer) and the author's one follow-up,
which reopens an answered item with a new clock.

Items received before the acknowledgement clock existed get no acknowledgement deadline; those
already handled count as acknowledged when they were answered or last touched.

Revision ID: d7e2f4a6b813
Revises: c4a1d2e3f405
Create Date: 2026-12-05 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7e2f4a6b813'
down_revision = 'c4a1d2e3f405'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('feedback_items', sa.Column('acknowledge_by', sa.DateTime(timezone=True), nullable=True))
    op.add_column('feedback_items', sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('feedback_items', sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_feedback_items_reopened_at'), 'feedback_items', ['reopened_at'], unique=False)
    op.execute("UPDATE feedback_items SET acknowledged_at = COALESCE(answered_at, updated_at) "
               "WHERE status <> 'received'")
    op.create_table('feedback_follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer_author_id', sa.Integer(), nullable=True),
    sa.Column('answer_unit', sa.String(length=100), nullable=False),
    sa.Column('answer_source', sa.Text(), nullable=False),
    sa.Column('answer_html', sa.Text(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['answer_author_id'], ['users.id'],
                            name=op.f('fk_feedback_follow_ups_answer_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_feedback_follow_ups_author_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback_items.id'],
                            name=op.f('fk_feedback_follow_ups_feedback_id_feedback_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_follow_ups')),
    sa.UniqueConstraint('feedback_id', name=op.f('uq_feedback_follow_ups_feedback_id'))
    )


def downgrade():
    op.drop_table('feedback_follow_ups')
    op.drop_index(op.f('ix_feedback_items_reopened_at'), table_name='feedback_items')
    # Plain DROP COLUMN: SQLite does it in place, without recreating the table and firing cascades.
    op.drop_column('feedback_items', 'reopened_at')
    op.drop_column('feedback_items', 'acknowledged_at')
    op.drop_column('feedback_items', 'acknowledge_by')
