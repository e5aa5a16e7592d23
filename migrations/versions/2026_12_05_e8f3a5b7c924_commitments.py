"""The Open Government action plan commitments, their yearly targets and milestones, and the
commitment the plan made for the integrity platforms: best-practice cases every year.

The commitment is created here so that a fresh site has it; its targets and milestones are set
by the authority (the demo data sets some).

Revision ID: e8f3a5b7c924
Revises: d7e2f4a6b813
Create Date: 2026-12-05 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e8f3a5b7c924'
down_revision = 'd7e2f4a6b813'
branch_labels = None
depends_on = None


def upgrade():
    commitments = op.create_table('commitments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('measure', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("measure IN ('best_practice_cases', 'platforms', 'answered_on_time_share')",
                       name=op.f('ck_commitments_measure_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitments')),
    sa.UniqueConstraint('code', name=op.f('uq_commitments_code'))
    )
    op.create_index(op.f('ix_commitments_position'), 'commitments', ['position'], unique=False)
    op.create_table('commitment_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('target', sa.Integer(), nullable=False),
    sa.CheckConstraint('target >= 0', name=op.f('ck_commitment_targets_target_not_negative')),
    sa.CheckConstraint('year >= 2000 AND year <= 2100', name=op.f('ck_commitment_targets_year_in_range')),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'],
                            name=op.f('fk_commitment_targets_commitment_id_commitments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_targets')),
    sa.UniqueConstraint('commitment_id', 'year', name=op.f('uq_commitment_targets_commitment_id_year'))
    )
    op.create_table('commitment_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'],
                            name=op.f('fk_commitment_milestones_commitment_id_commitments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_milestones'))
    )
    op.create_index(op.f('ix_commitment_milestones_commitment_id'), 'commitment_milestones', ['commitment_id'],
                    unique=False)
    # The commitment of the action plan (「建構與精進機關採購廉政平臺」, forum of 2020-03-19): at
    # least three best-practice platforms, more each year.
    op.bulk_insert(commitments, [{
        'code': 'best-practice-platforms',
        'title_zh': '機關採購廉政平臺優良案例',
        'title_en': 'Best-practice integrity platforms for public procurement',
        'description_zh': ('依我國開放政府國家行動方案「建構與精進機關採購廉政平臺」之承諾，'
                           '每年選出至少3個廉政平臺優良案例，並逐年增加。'),
        'description_en': ('Under the commitment "Building and improving the integrity platforms for public '
                           'procurement" of Taiwan\'s Open Government National Action Plan, at least three '
                           'integrity platforms are chosen as best practice each year, more every year.'),
        'measure': 'best_practice_cases',
        'position': 0,
    }])


def downgrade():
    op.drop_index(op.f('ix_commitment_milestones_commitment_id'), table_name='commitment_milestones')
    op.drop_table('commitment_milestones')
    op.drop_table('commitment_targets')
    op.drop_index(op.f('ix_commitments_position'), table_name='commitments')
    op.drop_table('commitments')
