"""What the CoST Infrastructure Data Standard asks of each stage that cases lacked.

Cases gain their environmental and land impact, budget approval date and completion record, and a
stored share of each stage's data points; contracts gain their period and scope; funding sources
and contract variations (price, duration, scope, each with its reason) are new parts of a case.

Revision ID: 3c0a7d15c105
Revises: 621e6923c7c1
Create Date: 2026-12-06 08:33:02.568328

"""
import warnings

from alembic import op
import sqlalchemy as sa

# Constant defaults, so SQLite adds the columns in place rather than rebuilding the tables.
EMPTY = ''



# revision identifiers, used by Alembic.
revision = '3c0a7d15c105'
down_revision = '621e6923c7c1'
branch_labels = None
depends_on = None


def upgrade():
    # SQLite alters a table by rebuilding it; reading the tables it refers to warns about the users
    # table's expression index, which the rebuild does not touch.
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message='.*expression-based index.*')
        _upgrade()


def _upgrade():
    op.create_table('case_funding_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('amount_ntd', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_funding_sources_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_funding_sources'))
    )
    with op.batch_alter_table('case_funding_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_funding_sources_case_id'), ['case_id'], unique=False)

    op.create_table('case_contract_variations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=False),
    sa.Column('new_value_ntd', sa.BigInteger(), nullable=True),
    sa.Column('new_ends_on', sa.Date(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_contract_variations_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contract_id'], ['case_contracts.id'], name=op.f('fk_case_contract_variations_contract_id_case_contracts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_contract_variations'))
    )
    with op.batch_alter_table('case_contract_variations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_contract_variations_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_contract_variations_contract_id'), ['contract_id'], unique=False)

    with op.batch_alter_table('case_contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('scope', sa.Text(), nullable=False, server_default=EMPTY))

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('environmental_impact', sa.Text(), nullable=False, server_default=EMPTY))
        batch_op.add_column(sa.Column('land_impact', sa.Text(), nullable=False, server_default=EMPTY))
        batch_op.add_column(sa.Column('budget_approved_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('completed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('final_cost_ntd', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('final_scope', sa.Text(), nullable=False, server_default=EMPTY))
        batch_op.add_column(sa.Column('completion_changes', sa.Text(), nullable=False, server_default=EMPTY))
        batch_op.add_column(sa.Column('disclosure', sa.JSON(), nullable=False, server_default='{}'))


def downgrade():
    # The new tables first, as they refer to contracts; then the columns, warned about as above.
    _drop_tables()
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message='.*expression-based index.*')
        _drop_columns()


def _drop_columns():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('disclosure')
        batch_op.drop_column('completion_changes')
        batch_op.drop_column('final_scope')
        batch_op.drop_column('final_cost_ntd')
        batch_op.drop_column('completed_on')
        batch_op.drop_column('budget_approved_on')
        batch_op.drop_column('land_impact')
        batch_op.drop_column('environmental_impact')

    with op.batch_alter_table('case_contracts', schema=None) as batch_op:
        batch_op.drop_column('scope')
        batch_op.drop_column('ends_on')
        batch_op.drop_column('starts_on')


def _drop_tables():
    with op.batch_alter_table('case_contract_variations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_contract_variations_contract_id'))
        batch_op.drop_index(batch_op.f('ix_case_contract_variations_case_id'))

    op.drop_table('case_contract_variations')
    with op.batch_alter_table('case_funding_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_funding_sources_case_id'))

    op.drop_table('case_funding_sources')
