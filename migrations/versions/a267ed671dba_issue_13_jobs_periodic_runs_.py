"""issue 13: jobs, periodic runs, notification preferences and digests

Revision ID: a267ed671dba
Revises: 647050eca8bc
Create Date: 2026-12-03 14:13:56.536112

"""
from alembic import op
import sqlalchemy as sa
import portal.db


# revision identifiers, used by Alembic.
revision = 'a267ed671dba'
down_revision = '647050eca8bc'
branch_labels = None
depends_on = None


def upgrade():
    # Issue 13: the job table (side effects recorded in the request's transaction), the once-per-period
    # guard of periodic jobs, notification preferences per kind and the digest columns.
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=True),
    sa.Column('recipient', sa.String(length=254), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('run_after', portal.db.UTCDateTime(), nullable=False),
    sa.Column('claimed_at', portal.db.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', portal.db.UTCDateTime(), nullable=False),
    sa.Column('finished_at', portal.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_recipient'), ['recipient'], unique=False)
        batch_op.create_index('ix_jobs_status_run_after', ['status', 'run_after'], unique=False)

    op.create_table('periodic_runs',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('started_at', portal.db.UTCDateTime(), nullable=False),
    sa.Column('finished_at', portal.db.UTCDateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint('name', 'period', name=op.f('pk_periodic_runs'))
    )
    op.create_table('notification_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('in_app', sa.Boolean(), nullable=False),
    sa.Column('email', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preferences')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_notification_preferences_user_id'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_bell', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('digest', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('digested_at', portal.db.UTCDateTime(), nullable=True))
        batch_op.create_index('ix_notifications_digest_waiting', ['digest', 'digested_at'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_digest_waiting')
        batch_op.drop_column('digested_at')
        batch_op.drop_column('digest')
        batch_op.drop_column('in_bell')

    op.drop_table('notification_preferences')
    op.drop_table('periodic_runs')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_status_run_after')
        batch_op.drop_index(batch_op.f('ix_jobs_recipient'))
        batch_op.drop_index(batch_op.f('ix_jobs_created_at'))

    op.drop_table('jobs')
    # ### end Alembic commands ###
