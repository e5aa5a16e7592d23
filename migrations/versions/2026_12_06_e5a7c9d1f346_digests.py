"""Digests: each subscription says how its follower hears (each answer at once, a daily or a weekly
digest) and, with a digest, up to when what happened has been summed up. Existing subscriptions
keep hearing at once.

Revision ID: e5a7c9d1f346
Revises: d4f6b8c0e235
Create Date: 2026-12-06 14:10:00

"""
import warnings

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a7c9d1f346'
down_revision = 'd4f6b8c0e235'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('feedback_subscriptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('frequency', sa.String(length=10), server_default='immediate', nullable=False))
        batch_op.add_column(sa.Column('digested_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_feedback_subscriptions_due', ['frequency', 'digested_until'], unique=False)


def downgrade():
    # SQLite drops a column by rebuilding the table; reading the tables it refers to warns about the
    # users table's expression index, which the rebuild does not touch.
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message='.*expression-based index.*')
        with op.batch_alter_table('feedback_subscriptions', schema=None) as batch_op:
            batch_op.drop_index('ix_feedback_subscriptions_due')
            batch_op.drop_column('digested_until')
            batch_op.drop_column('frequency')
