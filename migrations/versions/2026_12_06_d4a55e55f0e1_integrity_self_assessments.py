"""Integrity self-assessments: the questionnaire, versioned and never changed once published, and
each company's answers to one version, given by a confirmed representative.

Revision ID: d4a55e55f0e1
Revises: 3c0a7d15c105
Create Date: 2026-12-06 08:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4a55e55f0e1'
down_revision = '3c0a7d15c105'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessment_questionnaires',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_assessment_questionnaires_published_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_questionnaires')),
    sa.UniqueConstraint('version', name=op.f('uq_assessment_questionnaires_version'))
    )
    op.create_table('company_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_company_assessments_company_id_companies'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['assessment_questionnaires.id'], name=op.f('fk_company_assessments_questionnaire_id_assessment_questionnaires'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_company_assessments_submitted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company_assessments'))
    )
    with op.batch_alter_table('company_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_assessments_company_id_submitted_at'), ['company_id', 'submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_company_assessments_questionnaire_id'), ['questionnaire_id'], unique=False)


def downgrade():
    with op.batch_alter_table('company_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_assessments_questionnaire_id'))
        batch_op.drop_index(batch_op.f('ix_company_assessments_company_id_submitted_at'))

    op.drop_table('company_assessments')
    op.drop_table('assessment_questionnaires')
