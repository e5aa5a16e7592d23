"""The showcase of apps built on the open data (with their screenshots and the API addresses they
read), the data challenges the authority runs, and the read API's requests per address and day.

Revision ID: a7c9e1f3b568
Revises: f6b8d0e2a457
Create Date: 2026-12-06 14:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c9e1f3b568'
down_revision = 'f6b8d0e2a457'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('showcase_challenges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summary_zh', sa.Text(), nullable=False),
    sa.Column('summary_en', sa.Text(), nullable=False),
    sa.Column('rules_zh', sa.Text(), nullable=False),
    sa.Column('rules_en', sa.Text(), nullable=False),
    sa.Column('prizes_zh', sa.Text(), nullable=False),
    sa.Column('prizes_en', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_showcase_challenges_ends_after_start')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_showcase_challenges'))
    )
    with op.batch_alter_table('showcase_challenges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_showcase_challenges_ends_on'), ['ends_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_showcase_challenges_starts_on'), ['starts_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_showcase_challenges_updated_at'), ['updated_at'], unique=False)

    op.create_table('showcase_apps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('summary', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('source_link', sa.String(length=500), nullable=False),
    sa.Column('licence', sa.String(length=40), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=True),
    sa.Column('submitter_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("status <> 'published' OR published_at IS NOT NULL", name=op.f('ck_showcase_apps_published_has_date')),
    sa.CheckConstraint("status IN ('pending', 'published', 'rejected', 'unpublished', 'withdrawn')", name=op.f('ck_showcase_apps_status_known')),
    sa.ForeignKeyConstraint(['challenge_id'], ['showcase_challenges.id'], name=op.f('fk_showcase_apps_challenge_id_showcase_challenges'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_showcase_apps_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitter_id'], ['users.id'], name=op.f('fk_showcase_apps_submitter_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_showcase_apps'))
    )
    with op.batch_alter_table('showcase_apps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_showcase_apps_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index('ix_showcase_apps_status_published_at', ['status', 'published_at'], unique=False)
        batch_op.create_index('ix_showcase_apps_status_submitted_at', ['status', 'submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_showcase_apps_submitter_id'), ['submitter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_showcase_apps_updated_at'), ['updated_at'], unique=False)

    op.create_table('showcase_app_endpoints',
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['showcase_apps.id'], name=op.f('fk_showcase_app_endpoints_app_id_showcase_apps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('app_id', 'path', name=op.f('pk_showcase_app_endpoints'))
    )
    with op.batch_alter_table('showcase_app_endpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_showcase_app_endpoints_path'), ['path'], unique=False)

    op.create_table('showcase_screenshots',
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('media_type', sa.String(length=20), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('thumbnail', sa.LargeBinary(), nullable=False),
    sa.Column('thumbnail_width', sa.Integer(), nullable=False),
    sa.Column('thumbnail_height', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['showcase_apps.id'], name=op.f('fk_showcase_screenshots_app_id_showcase_apps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('app_id', name=op.f('pk_showcase_screenshots'))
    )

    op.create_table('api_usage_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('endpoint', sa.String(length=200), nullable=False),
    sa.Column('requests', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'endpoint', name=op.f('pk_api_usage_days'))
    )


def downgrade():
    op.drop_table('api_usage_days')
    op.drop_table('showcase_screenshots')
    with op.batch_alter_table('showcase_app_endpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_showcase_app_endpoints_path'))

    op.drop_table('showcase_app_endpoints')
    with op.batch_alter_table('showcase_apps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_showcase_apps_updated_at'))
        batch_op.drop_index(batch_op.f('ix_showcase_apps_submitter_id'))
        batch_op.drop_index('ix_showcase_apps_status_submitted_at')
        batch_op.drop_index('ix_showcase_apps_status_published_at')
        batch_op.drop_index(batch_op.f('ix_showcase_apps_challenge_id'))

    op.drop_table('showcase_apps')
    with op.batch_alter_table('showcase_challenges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_showcase_challenges_updated_at'))
        batch_op.drop_index(batch_op.f('ix_showcase_challenges_starts_on'))
        batch_op.drop_index(batch_op.f('ix_showcase_challenges_ends_on'))

    op.drop_table('showcase_challenges')
