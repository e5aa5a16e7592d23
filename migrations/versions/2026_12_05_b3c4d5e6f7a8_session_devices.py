"""Each signed-in browser records its approximate device and network for the sessions page.

Sessions open before this revision show neither; they fill in at the next sign-in.

Revision ID: b3c4d5e6f7a8
Revises: a7b8c9d0e1f2
Create Date: 2026-12-05 05:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b3c4d5e6f7a8'
down_revision = 'a7b8c9d0e1f2'
branch_labels = None
depends_on = None


def upgrade():
    # Plain add/drop, not batch mode: recreating user_sessions on SQLite is not needed here.
    op.add_column('user_sessions', sa.Column('device', sa.String(length=120), server_default='',
                                             nullable=False))
    op.add_column('user_sessions', sa.Column('network', sa.String(length=64), server_default='',
                                             nullable=False))


def downgrade():
    op.drop_column('user_sessions', 'network')
    op.drop_column('user_sessions', 'device')
