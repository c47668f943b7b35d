"""queue and name-search indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 14:45:51.502517

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():

    with op.batch_alter_table('nominee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nominee_name_folded'))
        batch_op.drop_index(batch_op.f('ix_nominee_proposal_id'))
        batch_op.create_index('ix_nominee_proposal_name', ['proposal_id', 'name_folded'], unique=False)

    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_queue'))
        batch_op.create_index('ix_proposal_queue', ['state', sa.literal_column('has_priority DESC'), 'state_changed_at', 'id', 'unit_id', 'submitted_at'], unique=False)




def downgrade():

    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_queue')
        batch_op.create_index(batch_op.f('ix_proposal_queue'), ['state', 'has_priority', 'state_changed_at', 'id'], unique=False)

    with op.batch_alter_table('nominee', schema=None) as batch_op:
        batch_op.drop_index('ix_nominee_proposal_name')
        batch_op.create_index(batch_op.f('ix_nominee_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nominee_name_folded'), ['name_folded'], unique=False)


