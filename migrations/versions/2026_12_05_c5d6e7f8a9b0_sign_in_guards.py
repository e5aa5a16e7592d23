"""Sign-in guards: failures with unknown addresses counted like an account's, and the client
addresses that signed in to an account before, which its lock does not shut out.

Revision ID: c5d6e7f8a9b0
Revises: b3c4d5e6f7a8
Create Date: 2026-12-05 05:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5d6e7f8a9b0'
down_revision = 'b3c4d5e6f7a8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_unknown_addresses',
    sa.Column('address_key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('address_key', name=op.f('pk_sign_in_unknown_addresses'))
    )
    op.create_index(op.f('ix_sign_in_unknown_addresses_updated_at'), 'sign_in_unknown_addresses', ['updated_at'],
                    unique=False)
    op.create_table('sign_in_trusted_addresses',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('address_key', sa.String(length=64), nullable=False),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sign_in_trusted_addresses_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'address_key', name=op.f('pk_sign_in_trusted_addresses'))
    )


def downgrade():
    op.drop_table('sign_in_trusted_addresses')
    op.drop_index(op.f('ix_sign_in_unknown_addresses_updated_at'), table_name='sign_in_unknown_addresses')
    op.drop_table('sign_in_unknown_addresses')
