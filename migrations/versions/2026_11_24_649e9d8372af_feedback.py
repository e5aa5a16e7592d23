"""Feedback: comments on cases, tracked items routed to agencies, answers, moderation, follows.

Revision ID: 649e9d8372af
Revises: 0c2c937ee72b
Create Date: 2026-11-24 09:36:20.394784

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '649e9d8372af'
down_revision = '0c2c937ee72b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('unsubscribe_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_feedback_subscriptions_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_feedback_subscriptions_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_feedback_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_subscriptions')),
    sa.UniqueConstraint('unsubscribe_token', name=op.f('uq_feedback_subscriptions_unsubscribe_token')),
    sa.UniqueConstraint('user_id', 'agency_id', name=op.f('uq_feedback_subscriptions_user_id_agency_id')),
    sa.UniqueConstraint('user_id', 'case_id', name=op.f('uq_feedback_subscriptions_user_id_case_id'))
    )
    with op.batch_alter_table('feedback_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_subscriptions_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_subscriptions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_subscriptions_user_id'), ['user_id'], unique=False)

    op.create_table('feedback_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('risk_id', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_reason', sa.String(length=20), nullable=False),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_feedback_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_feedback_comments_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_feedback_comments_hidden_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['case_meetings.id'], name=op.f('fk_feedback_comments_meeting_id_case_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['feedback_comments.id'], name=op.f('fk_feedback_comments_parent_id_feedback_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['risk_id'], ['case_risks.id'], name=op.f('fk_feedback_comments_risk_id_case_risks'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_comments'))
    )
    with op.batch_alter_table('feedback_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_comments_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_comments_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_comments_risk_id'), ['risk_id'], unique=False)
        batch_op.create_index('ix_feedback_comments_thread', ['case_id', 'parent_id', 'created_at'], unique=False)

    op.create_table('feedback_comment_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['feedback_comments.id'], name=op.f('fk_feedback_comment_revisions_comment_id_feedback_comments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_comment_revisions'))
    )
    with op.batch_alter_table('feedback_comment_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_comment_revisions_comment_id'), ['comment_id'], unique=False)

    op.create_table('feedback_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tracking_number', sa.String(length=16), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('overdue_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_feedback_items_agency_id_agencies'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['users.id'], name=op.f('fk_feedback_items_assigned_to_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_feedback_items_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['comment_id'], ['feedback_comments.id'], name=op.f('fk_feedback_items_comment_id_feedback_comments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_items')),
    sa.UniqueConstraint('comment_id', name=op.f('uq_feedback_items_comment_id')),
    sa.UniqueConstraint('tracking_number', name=op.f('uq_feedback_items_tracking_number'))
    )
    with op.batch_alter_table('feedback_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_items_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_items_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_items_due_at'), ['due_at'], unique=False)
        batch_op.create_index('ix_feedback_items_inbox', ['agency_id', 'status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_items_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_items_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_items_updated_at'), ['updated_at'], unique=False)

    op.create_table('feedback_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['feedback_comments.id'], name=op.f('fk_feedback_reports_comment_id_feedback_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_feedback_reports_reporter_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_feedback_reports_resolved_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_reports'))
    )
    with op.batch_alter_table('feedback_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_reports_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_reports_resolved_at'), ['resolved_at'], unique=False)

    op.create_table('feedback_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_feedback_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback_items.id'], name=op.f('fk_feedback_events_feedback_id_feedback_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_events'))
    )
    with op.batch_alter_table('feedback_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_events_feedback_id'), ['feedback_id'], unique=False)

    op.create_table('feedback_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_feedback_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback_items.id'], name=op.f('fk_feedback_notes_feedback_id_feedback_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_notes'))
    )
    with op.batch_alter_table('feedback_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_notes_feedback_id'), ['feedback_id'], unique=False)

    op.create_table('feedback_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('unit', sa.String(length=100), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_feedback_responses_agency_id_agencies'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_feedback_responses_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback_items.id'], name=op.f('fk_feedback_responses_feedback_id_feedback_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_responses')),
    sa.UniqueConstraint('feedback_id', name=op.f('uq_feedback_responses_feedback_id'))
    )
    with op.batch_alter_table('feedback_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_responses_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_responses_created_at'), ['created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('feedback_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_responses_created_at'))
        batch_op.drop_index(batch_op.f('ix_feedback_responses_agency_id'))

    op.drop_table('feedback_responses')
    with op.batch_alter_table('feedback_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_notes_feedback_id'))

    op.drop_table('feedback_notes')
    with op.batch_alter_table('feedback_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_events_feedback_id'))

    op.drop_table('feedback_events')
    with op.batch_alter_table('feedback_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_reports_resolved_at'))
        batch_op.drop_index(batch_op.f('ix_feedback_reports_comment_id'))

    op.drop_table('feedback_reports')
    with op.batch_alter_table('feedback_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_items_updated_at'))
        batch_op.drop_index(batch_op.f('ix_feedback_items_status'))
        batch_op.drop_index(batch_op.f('ix_feedback_items_received_at'))
        batch_op.drop_index('ix_feedback_items_inbox')
        batch_op.drop_index(batch_op.f('ix_feedback_items_due_at'))
        batch_op.drop_index(batch_op.f('ix_feedback_items_case_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_items_assigned_to_id'))

    op.drop_table('feedback_items')
    with op.batch_alter_table('feedback_comment_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_comment_revisions_comment_id'))

    op.drop_table('feedback_comment_revisions')
    with op.batch_alter_table('feedback_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_comments_thread')
        batch_op.drop_index(batch_op.f('ix_feedback_comments_risk_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_comments_parent_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_comments_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_comments_author_id'))

    op.drop_table('feedback_comments')
    with op.batch_alter_table('feedback_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_subscriptions_user_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_subscriptions_case_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_subscriptions_agency_id'))

    op.drop_table('feedback_subscriptions')
