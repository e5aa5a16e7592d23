"""Pledges: versioned pledge texts and the pledges companies sign, with verifiable receipts.

Revision ID: 94e15d1cf736
Revises: fe836fde8eb4
Create Date: 2026-11-24 09:59:28.455810

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '94e15d1cf736'
down_revision = 'fe836fde8eb4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pledge_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('body_zh', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_pledge_texts_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_pledge_texts_published_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledge_texts')),
    sa.UniqueConstraint('case_id', 'version', name=op.f('uq_pledge_texts_case_id_version'))
    )
    with op.batch_alter_table('pledge_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledge_texts_case_id'), ['case_id'], unique=False)

    op.create_table('pledges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('receipt', sa.String(length=16), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('text_id', sa.Integer(), nullable=False),
    sa.Column('signer_name', sa.String(length=100), nullable=False),
    sa.Column('signer_title', sa.String(length=100), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawal_reason', sa.Text(), nullable=False),
    sa.Column('breach_note', sa.Text(), nullable=False),
    sa.Column('breach_recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_pledges_case_id_cases'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_pledges_company_id_companies'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name=op.f('fk_pledges_signed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['text_id'], ['pledge_texts.id'], name=op.f('fk_pledges_text_id_pledge_texts'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledges')),
    sa.UniqueConstraint('receipt', name=op.f('uq_pledges_receipt'))
    )
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledges_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pledges_company_id'), ['company_id'], unique=False)
        batch_op.create_index('ix_pledges_registry', ['status', 'signed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pledges_text_id'), ['text_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pledges_updated_at'), ['updated_at'], unique=False)
    # One active pledge per company, text and case (no case counts as one value).
    op.create_index('uq_pledges_active', 'pledges', ['company_id', 'text_id', sa.text('coalesce(case_id, 0)')],
                    unique=True, postgresql_where=sa.text("status = 'active'"),
                    sqlite_where=sa.text("status = 'active'"))



def downgrade():
    op.drop_index('uq_pledges_active', table_name='pledges')
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledges_updated_at'))
        batch_op.drop_index(batch_op.f('ix_pledges_text_id'))
        batch_op.drop_index('ix_pledges_registry')
        batch_op.drop_index(batch_op.f('ix_pledges_company_id'))
        batch_op.drop_index(batch_op.f('ix_pledges_case_id'))

    op.drop_table('pledges')
    with op.batch_alter_table('pledge_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledge_texts_case_id'))

    op.drop_table('pledge_texts')
