"""indexes for the list of all proposals, latest first

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 18:15:00

The list of all proposals shows the most recently changed first (queues keep priority
first, on ix_proposal_queue_key). ix_proposal_queue served the list filtered by state in the
queue's order; it becomes ix_proposal_state_recent in the list's order, and
ix_proposal_recent serves the unfiltered list. Both end with unit_id and submitted_at, so
that the visibility filter is read from the index (as in ix_proposal_queue_key).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


# Plain op.create_index, not batch mode: on SQLite batch mode would rebuild the table and
# cannot create an index with DESC columns (see 0003).
_RECENT = [sa.literal_column('state_changed_at DESC'), sa.literal_column('id DESC'), 'unit_id',
           'submitted_at']


def upgrade():
    op.drop_index('ix_proposal_queue', table_name='proposal')
    op.create_index('ix_proposal_state_recent', 'proposal', ['state', *_RECENT], unique=False)
    op.create_index('ix_proposal_recent', 'proposal', _RECENT, unique=False)


def downgrade():
    op.drop_index('ix_proposal_recent', table_name='proposal')
    op.drop_index('ix_proposal_state_recent', table_name='proposal')
    op.create_index('ix_proposal_queue', 'proposal', ['state', sa.literal_column('has_priority DESC'), 'state_changed_at', 'id', 'unit_id', 'submitted_at'], unique=False)
