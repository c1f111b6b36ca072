"""city scale: kept category totals and record figures, indexes for every hot lookup

Revision ID: 034eca7af4f0
Revises: a267ed671dba
Create Date: 2026-12-04 20:48:28.047488

"""
from alembic import op
import sqlalchemy as sa
import portal.db


# revision identifiers, used by Alembic.
revision = '034eca7af4f0'
down_revision = 'a267ed671dba'
branch_labels = None
depends_on = None


def upgrade():
    # Issue 14: kept totals (each category's listed threads and last activity; each ASN's record
    # figures per period, filled by `flask pembinaan rebuild-stats` and kept by jobs), and an
    # index for every lookup the pages make in the big tables.
    op.create_table('pembinaan_response_stats',
    sa.Column('asn_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('assigned', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('first_responses', sa.Integer(), nullable=False),
    sa.Column('with_deadline', sa.Integer(), nullable=False),
    sa.Column('deadline_met', sa.Integer(), nullable=False),
    sa.Column('rating_count', sa.Integer(), nullable=False),
    sa.Column('rating_sum', sa.Integer(), nullable=False),
    sa.Column('median_first_seconds', sa.Float(), nullable=True),
    sa.Column('p90_first_seconds', sa.Float(), nullable=True),
    sa.Column('computed_at', portal.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['asn_id'], ['asn_profiles.id'], name=op.f('fk_pembinaan_response_stats_asn_id_asn_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('asn_id', 'period', name=op.f('pk_pembinaan_response_stats'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_asn_assigned', ['asn_id', 'assigned_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_assigned_by_id'), ['assigned_by_id'], unique=False)
        batch_op.create_index('ix_assignments_waiting', ['source', 'ended_at', 'answered_at', 'assigned_at'], unique=False)

    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_public_created'))
        batch_op.create_index('ix_feedback_public_created', ['is_public', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_feedback_status_created', ['status', 'created_at'], unique=False)

    with op.batch_alter_table('feedback_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_status_changes_actor_id'), ['actor_id'], unique=False)

    with op.batch_alter_table('forum_categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('thread_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('last_activity_at', portal.db.UTCDateTime(), nullable=True))
    # The categories' totals start from the threads already there (forum/services.py keeps them after).
    op.execute(
        "UPDATE forum_categories SET "
        "thread_count = (SELECT count(*) FROM forum_threads t WHERE t.category_id = forum_categories.id "
        "AND t.deleted_at IS NULL AND t.hidden_at IS NULL), "
        "last_activity_at = (SELECT max(t.last_activity_at) FROM forum_threads t "
        "WHERE t.category_id = forum_categories.id AND t.deleted_at IS NULL AND t.hidden_at IS NULL)"
    )

    with op.batch_alter_table('forum_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forum_posts_hidden_by_id'), ['hidden_by_id'], unique=False)

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_status_finished', ['status', 'finished_at'], unique=False)

    with op.batch_alter_table('response_events', schema=None) as batch_op:
        batch_op.create_index('ix_response_events_answer', ['source', 'answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_response_events_rated_by_id'), ['rated_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('response_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_events_rated_by_id'))
        batch_op.drop_index('ix_response_events_answer')

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_status_finished')

    with op.batch_alter_table('forum_posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forum_posts_hidden_by_id'))

    with op.batch_alter_table('forum_categories', schema=None) as batch_op:
        batch_op.drop_column('last_activity_at')
        batch_op.drop_column('thread_count')

    with op.batch_alter_table('feedback_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_status_changes_actor_id'))

    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_status_created')
        batch_op.drop_index('ix_feedback_public_created')
        batch_op.create_index(batch_op.f('ix_feedback_public_created'), ['is_public', 'created_at'], unique=False)

    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_assignments_waiting')
        batch_op.drop_index(batch_op.f('ix_assignments_assigned_by_id'))
        batch_op.drop_index('ix_assignments_asn_assigned')

    op.drop_table('pembinaan_response_stats')
