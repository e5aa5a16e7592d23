"""Company claims keep the name the claimant typed apart from the company's name on record,
and a rejected claim stays with its reason instead of being deleted.

Existing claims take the company's name as the typed one. A company known only from claims
nobody has confirmed (no confirmed representative, no contract, no pledge) loses its public
name until an administrator confirms a claim; the typed name stays with each claim.

Revision ID: f1c2a3b4d5e6
Revises: e8f3a5b7c924
Create Date: 2026-12-05 05:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f1c2a3b4d5e6'
down_revision = 'e8f3a5b7c924'
branch_labels = None
depends_on = None

claims = sa.table('company_representatives', sa.column('id', sa.Integer), sa.column('company_id', sa.Integer),
                  sa.column('claimed_name', sa.String), sa.column('confirmed_at', sa.DateTime),
                  sa.column('rejected_at', sa.DateTime))
companies = sa.table('companies', sa.column('id', sa.Integer), sa.column('ubn', sa.String),
                     sa.column('name', sa.String))
contracts = sa.table('case_contracts', sa.column('company_id', sa.Integer))
pledges = sa.table('pledges', sa.column('company_id', sa.Integer))


def upgrade():
    # Plain add_column: batch mode would recreate the table (see the migration notes).
    op.add_column('company_representatives',
                  sa.Column('claimed_name', sa.String(length=200), server_default='', nullable=False))
    op.add_column('company_representatives', sa.Column('rejected_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('company_representatives',
                  sa.Column('rejection_reason', sa.Text(), server_default='', nullable=False))
    op.execute(claims.update().values(claimed_name=sa.select(companies.c.name)
                                      .where(companies.c.id == claims.c.company_id).scalar_subquery()))
    op.execute(companies.update().where(
        companies.c.id.in_(sa.select(claims.c.company_id)),
        companies.c.id.not_in(sa.select(claims.c.company_id).where(claims.c.confirmed_at.is_not(None))),
        companies.c.id.not_in(sa.select(contracts.c.company_id)),
        companies.c.id.not_in(sa.select(pledges.c.company_id)),
    ).values(name=''))


def downgrade():
    # Before this revision a rejected claim was deleted, and every company had a name.
    op.execute(claims.delete().where(claims.c.rejected_at.is_not(None)))
    op.execute(companies.update().where(companies.c.name == '').values(name=sa.func.coalesce(
        sa.select(sa.func.min(claims.c.claimed_name)).where(claims.c.company_id == companies.c.id,
                                                            claims.c.claimed_name != '').scalar_subquery(),
        companies.c.ubn)))
    op.drop_column('company_representatives', 'rejection_reason')
    op.drop_column('company_representatives', 'rejected_at')
    op.drop_column('company_representatives', 'claimed_name')
