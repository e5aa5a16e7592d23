"""Tenders on cases, and what the e-procurement system announced about them.

A case names its tenders (agency code and case number); announcements, their bidders and winners
are imported from the system. A contract may name the tender it was awarded under.

Revision ID: 621e6923c7c1
Revises: d6e7f8a9b0c1
Create Date: 2026-12-06 05:21:40

"""
import warnings

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '621e6923c7c1'
down_revision = 'd6e7f8a9b0c1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_tenders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.String(length=40), nullable=False),
    sa.Column('job_number', sa.String(length=100), nullable=False),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('synced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sync_problem', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_tenders_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_tenders')),
    sa.UniqueConstraint('case_id', 'unit_id', 'job_number', name=op.f('uq_case_tenders_case_id_unit_id_job_number'))
    )
    with op.batch_alter_table('case_tenders', schema=None) as batch_op:
        batch_op.create_index('ix_case_tenders_key', ['unit_id', 'job_number'], unique=False)

    op.create_table('procurement_announcements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=60), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('type_label', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=False),
    sa.Column('procedure', sa.String(length=60), nullable=False),
    sa.Column('award_method', sa.String(length=60), nullable=False),
    sa.Column('budget_ntd', sa.BigInteger(), nullable=True),
    sa.Column('reserve_price_ntd', sa.BigInteger(), nullable=True),
    sa.Column('award_amount_ntd', sa.BigInteger(), nullable=True),
    sa.Column('bidder_count', sa.Integer(), nullable=True),
    sa.Column('official_url', sa.String(length=1000), nullable=False),
    sa.Column('source', sa.String(length=1000), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tender_id'], ['case_tenders.id'], name=op.f('fk_procurement_announcements_tender_id_case_tenders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procurement_announcements')),
    sa.UniqueConstraint('tender_id', 'filename', name=op.f('uq_procurement_announcements_tender_id_filename'))
    )
    with op.batch_alter_table('procurement_announcements', schema=None) as batch_op:
        batch_op.create_index('ix_procurement_announcements_timeline', ['tender_id', 'published_on'], unique=False)

    op.create_table('procurement_announcement_companies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('ubn', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('bid', sa.Boolean(), nullable=False),
    sa.Column('won', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['announcement_id'], ['procurement_announcements.id'], name=op.f('fk_procurement_announcement_companies_announcement_id_procurement_announcements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procurement_announcement_companies'))
    )
    with op.batch_alter_table('procurement_announcement_companies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procurement_announcement_companies_announcement_id'), ['announcement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_procurement_announcement_companies_ubn'), ['ubn'], unique=False)

    if op.get_context().dialect.name == 'sqlite':
        # SQLite adds a reference only by rebuilding the table. Reading the tables it refers to
        # warns about the users table's expression index, which the rebuild does not touch.
        with warnings.catch_warnings():
            warnings.filterwarnings('ignore', message='.*expression-based index.*')
            with op.batch_alter_table('case_contracts', recreate='always') as batch_op:
                batch_op.add_column(sa.Column('tender_id', sa.Integer(), nullable=True))
                batch_op.create_foreign_key(op.f('fk_case_contracts_tender_id_case_tenders'), 'case_tenders',
                                            ['tender_id'], ['id'], ondelete='SET NULL')
    else:
        op.add_column('case_contracts', sa.Column('tender_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_case_contracts_tender_id_case_tenders'), 'case_contracts', 'case_tenders',
                              ['tender_id'], ['id'], ondelete='SET NULL')
    op.create_index(op.f('ix_case_contracts_tender_id'), 'case_contracts', ['tender_id'], unique=False)



def downgrade():
    op.drop_index(op.f('ix_case_contracts_tender_id'), table_name='case_contracts')
    if op.get_context().dialect.name == 'sqlite':
        # SQLite cannot drop a column that holds a reference: rebuild the table without it.
        with warnings.catch_warnings():
            warnings.filterwarnings('ignore', message='.*expression-based index.*')
            with op.batch_alter_table('case_contracts', recreate='always') as batch_op:
                batch_op.drop_column('tender_id')
    else:
        op.drop_constraint(op.f('fk_case_contracts_tender_id_case_tenders'), 'case_contracts', type_='foreignkey')
        op.drop_column('case_contracts', 'tender_id')

    with op.batch_alter_table('procurement_announcement_companies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procurement_announcement_companies_ubn'))
        batch_op.drop_index(batch_op.f('ix_procurement_announcement_companies_announcement_id'))

    op.drop_table('procurement_announcement_companies')
    with op.batch_alter_table('procurement_announcements', schema=None) as batch_op:
        batch_op.drop_index('ix_procurement_announcements_timeline')

    op.drop_table('procurement_announcements')
    with op.batch_alter_table('case_tenders', schema=None) as batch_op:
        batch_op.drop_index('ix_case_tenders_key')

    op.drop_table('case_tenders')
