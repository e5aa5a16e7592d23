"""LINE notices: which LINE account gets an account's notices (one each way), the one-time codes that
link one (only their keyed hash), and the outbox's channel, so the mail worker and the LINE sender each
claim only their own rows (existing rows are mail).

Revision ID: f6b8d0e2a457
Revises: e5a7c9d1f346
Create Date: 2026-12-06 14:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6b8d0e2a457'
down_revision = 'e5a7c9d1f346'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('line_links',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('line_user_id', sa.String(length=64), nullable=False),
    sa.Column('is_notifying', sa.Boolean(), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_line_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_line_links')),
    sa.UniqueConstraint('line_user_id', name=op.f('uq_line_links_line_user_id'))
    )
    op.create_table('line_link_codes',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_line_link_codes_expires_after_creation')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_line_link_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_line_link_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_line_link_codes_code_hash'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=16), server_default='mail', nullable=False))
        batch_op.drop_index('ix_outbox_messages_due')
        batch_op.create_index('ix_outbox_messages_due', ['channel', 'status', 'next_attempt_at'], unique=False)


def downgrade():
    # LINE messages have no address to be mailed to: they go with the channel.
    op.execute(sa.text("DELETE FROM outbox_messages WHERE channel <> 'mail'"))
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_due')
        batch_op.create_index('ix_outbox_messages_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.drop_column('channel')

    op.drop_table('line_link_codes')
    op.drop_table('line_links')
