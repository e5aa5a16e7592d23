"""The consultation desk: questions agency staff put privately to the integrity authority, its
answers, both sides' consent and the anonymised guidance published from them.

Revision ID: e5c0175a1c0d
Revises: d4a55e55f0e1
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5c0175a1c0d'
down_revision = 'd4a55e55f0e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consultations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=32), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=True),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('asker_agrees_to_publish', sa.Boolean(), nullable=False),
    sa.Column('authority_agrees_to_publish', sa.Boolean(), nullable=False),
    sa.Column('guidance_title', sa.String(length=200), nullable=False),
    sa.Column('guidance_question', sa.Text(), nullable=False),
    sa.Column('guidance_answer', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("published_at IS NULL OR (asker_agrees_to_publish AND authority_agrees_to_publish AND answered_at IS NOT NULL)", name=op.f('ck_consultations_published_with_consent')),
    sa.CheckConstraint("stage IS NULL OR stage IN ('planning', 'tendering', 'award', 'contract_implementation')", name=op.f('ck_consultations_stage_known')),
    sa.CheckConstraint("status IN ('open', 'answered')", name=op.f('ck_consultations_status_known')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_consultations_agency_id_agencies'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_consultations_answered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_consultations_asked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_consultations_case_id_cases'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultations'))
    )
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.create_index('ix_consultations_agency_id_status', ['agency_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultations_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultations_published_at'), ['published_at'], unique=False)


def downgrade():
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultations_published_at'))
        batch_op.drop_index(batch_op.f('ix_consultations_case_id'))
        batch_op.drop_index('ix_consultations_agency_id_status')

    op.drop_table('consultations')
