"""Cases: the project record of each integrity platform, its parts, sectors and history.

The managed list of sectors starts with the sectors the platforms cover, each mapped to its
OC4IDS projectSector code; administrators can extend it.

Revision ID: 0c2c937ee72b
Revises: 43c50d32b345
Create Date: 2026-11-24 09:18:26.714755

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0c2c937ee72b'
down_revision = '43c50d32b345'
branch_labels = None
depends_on = None


SECTORS = [
    ("transport", "交通運輸", "Transport", "transport"),
    ("rail", "軌道與捷運", "Rail and metro", "transport.rail"),
    ("road", "道路與橋梁", "Roads and bridges", "transport.road"),
    ("water", "水資源", "Water resources", "waterAndWaste"),
    ("flood-control", "防洪治水", "Flood control", "naturalResources.floodProtection"),
    ("energy", "能源", "Energy", "energy"),
    ("health", "醫療衛生", "Health", "health"),
    ("education", "教育", "Education", "education"),
    ("social-housing", "社會住宅", "Social housing", "socialHousing"),
    ("culture-sport", "文化與體育", "Culture and sport", "cultureSportsAndRecreation"),
    ("communications", "通訊", "Communications", "communications"),
    ("public-administration", "公共行政", "Public administration", "governance"),
]


def upgrade():
    op.create_table('case_sectors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('oc4ids_code', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_sectors')),
    sa.UniqueConstraint('code', name=op.f('uq_case_sectors_code'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.Column('procurement_kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('county', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('latitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('longitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('budget_ntd', sa.BigInteger(), nullable=True),
    sa.Column('contract_value_ntd', sa.BigInteger(), nullable=True),
    sa.Column('summary_zh', sa.Text(), nullable=False),
    sa.Column('summary_en', sa.Text(), nullable=False),
    sa.Column('platform_established_on', sa.Date(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('application_reason', sa.Text(), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_best_practice', sa.Boolean(), nullable=False),
    sa.Column('best_practice_reason_zh', sa.Text(), nullable=False),
    sa.Column('best_practice_reason_en', sa.Text(), nullable=False),
    sa.Column('completeness', sa.Integer(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_cases_agency_id_agencies'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['sector_id'], ['case_sectors.id'], name=op.f('fk_cases_sector_id_case_sectors'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_cases_submitted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('slug', name=op.f('uq_cases_slug'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_budget_ntd'), ['budget_ntd'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_county'), ['county'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_procurement_kind'), ['procurement_kind'], unique=False)
        batch_op.create_index('ix_cases_public_list', ['review_state', 'is_best_practice', 'published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_sector_id'), ['sector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_year'), ['year'], unique=False)

    op.create_table('case_contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('tender_number', sa.String(length=60), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('award_value_ntd', sa.BigInteger(), nullable=False),
    sa.Column('awarded_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_contracts_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_case_contracts_company_id_companies'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_contracts'))
    )
    with op.batch_alter_table('case_contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_contracts_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_contracts_company_id'), ['company_id'], unique=False)

    op.create_table('case_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('document_type', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_documents_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_documents'))
    )
    with op.batch_alter_table('case_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_documents_case_id'), ['case_id'], unique=False)

    op.create_table('case_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('attendees', sa.JSON(), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('follow_ups', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_meetings_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_meetings'))
    )
    with op.batch_alter_table('case_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_meetings_case_id'), ['case_id'], unique=False)

    op.create_table('case_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_members_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_members'))
    )
    with op.batch_alter_table('case_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_members_case_id'), ['case_id'], unique=False)

    op.create_table('case_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('milestone_type', sa.String(length=30), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=True),
    sa.Column('actual_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_milestones_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_milestones'))
    )
    with op.batch_alter_table('case_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_milestones_case_id'), ['case_id'], unique=False)

    op.create_table('case_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_revisions_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_revisions_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_revisions'))
    )
    with op.batch_alter_table('case_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_revisions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_revisions_created_at'), ['created_at'], unique=False)

    op.create_table('case_risks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=30), nullable=False),
    sa.Column('risk', sa.Text(), nullable=False),
    sa.Column('likelihood', sa.String(length=10), nullable=False),
    sa.Column('impact', sa.String(length=10), nullable=False),
    sa.Column('mitigation', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_risks_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_risks'))
    )
    with op.batch_alter_table('case_risks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_risks_case_id'), ['case_id'], unique=False)

    op.create_table('case_meeting_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['case_meetings.id'], name=op.f('fk_case_meeting_decisions_meeting_id_case_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_meeting_decisions'))
    )
    with op.batch_alter_table('case_meeting_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_meeting_decisions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('case_meeting_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('speaker', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['case_meetings.id'], name=op.f('fk_case_meeting_statements_meeting_id_case_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_meeting_statements'))
    )
    with op.batch_alter_table('case_meeting_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_meeting_statements_meeting_id'), ['meeting_id'], unique=False)

    sectors = sa.table(
        "case_sectors",
        sa.column("code", sa.String), sa.column("name_zh", sa.String),
        sa.column("name_en", sa.String), sa.column("oc4ids_code", sa.String),
        sa.column("position", sa.Integer),
    )
    op.bulk_insert(sectors, [
        {"code": code, "name_zh": zh, "name_en": en, "oc4ids_code": oc4ids, "position": i}
        for i, (code, zh, en, oc4ids) in enumerate(SECTORS)
    ])


def downgrade():
    with op.batch_alter_table('case_meeting_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_meeting_statements_meeting_id'))

    op.drop_table('case_meeting_statements')
    with op.batch_alter_table('case_meeting_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_meeting_decisions_meeting_id'))

    op.drop_table('case_meeting_decisions')
    with op.batch_alter_table('case_risks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_risks_case_id'))

    op.drop_table('case_risks')
    with op.batch_alter_table('case_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_revisions_created_at'))
        batch_op.drop_index(batch_op.f('ix_case_revisions_case_id'))

    op.drop_table('case_revisions')
    with op.batch_alter_table('case_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_milestones_case_id'))

    op.drop_table('case_milestones')
    with op.batch_alter_table('case_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_members_case_id'))

    op.drop_table('case_members')
    with op.batch_alter_table('case_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_meetings_case_id'))

    op.drop_table('case_meetings')
    with op.batch_alter_table('case_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_documents_case_id'))

    op.drop_table('case_documents')
    with op.batch_alter_table('case_contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_contracts_company_id'))
        batch_op.drop_index(batch_op.f('ix_case_contracts_case_id'))

    op.drop_table('case_contracts')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_year'))
        batch_op.drop_index(batch_op.f('ix_cases_updated_at'))
        batch_op.drop_index(batch_op.f('ix_cases_status'))
        batch_op.drop_index(batch_op.f('ix_cases_sector_id'))
        batch_op.drop_index('ix_cases_public_list')
        batch_op.drop_index(batch_op.f('ix_cases_procurement_kind'))
        batch_op.drop_index(batch_op.f('ix_cases_county'))
        batch_op.drop_index(batch_op.f('ix_cases_budget_ntd'))
        batch_op.drop_index(batch_op.f('ix_cases_agency_id'))

    op.drop_table('cases')
    op.drop_table('case_sectors')
