"""Search: an index in the order results are shown (kind, newest first).

A word found in most records then costs one page of the index, not a sort of every match.

Revision ID: 8ba9f80f9530
Revises: 33216c05bf93
Create Date: 2026-11-24 10:59:39.995767

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8ba9f80f9530'
down_revision = '33216c05bf93'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index('ix_search_documents_kind_recent', ['kind', 'happened_at', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_search_documents_kind_recent')

