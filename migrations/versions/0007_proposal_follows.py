"""proposal.follows_id: a proposal that proposes a decided one's deferred nominees again

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 18:50:00

Added with ALTER TABLE ADD COLUMN and a separate unique index, not in batch mode: on SQLite
batch mode would rebuild the table and lose the DESC of its queue indexes (see 0003).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # SQLite adds a foreign key to an existing table only inline ("REFERENCES"), unnamed;
    # PostgreSQL gets it as a named constraint, as the models name it.
    op.add_column('proposal', sa.Column(
        'follows_id', sa.Integer(),
        sa.ForeignKey('proposal.id', name=op.f('fk_proposal_follows_id_proposal')),
        nullable=True), inline_references=op.get_bind().dialect.name == 'sqlite')
    op.create_index(op.f('ix_proposal_follows_id'), 'proposal', ['follows_id'], unique=True)


def downgrade():
    op.drop_index(op.f('ix_proposal_follows_id'), table_name='proposal')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite 3.35+ drops a column unless a constraint names it: its inline REFERENCES
        # does, so the column goes with a rebuild of the table, DESC indexes kept aside.
        _rebuild_without_follows()
    else:
        op.drop_constraint(op.f('fk_proposal_follows_id_proposal'), 'proposal',
                           type_='foreignkey')
        op.drop_column('proposal', 'follows_id')


_DESC_INDEXES = {
    'ix_proposal_queue_key': ['queue_key', sa.literal_column('has_priority DESC'),
                              'state_changed_at', 'id', 'unit_id', 'submitted_at'],
    'ix_proposal_recent': [sa.literal_column('state_changed_at DESC'),
                           sa.literal_column('id DESC'), 'unit_id', 'submitted_at'],
    'ix_proposal_state_recent': ['state', sa.literal_column('state_changed_at DESC'),
                                 sa.literal_column('id DESC'), 'unit_id', 'submitted_at'],
}


def _rebuild_without_follows():
    for name in _DESC_INDEXES:
        op.drop_index(name, table_name='proposal')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_column('follows_id')
    for name, columns in _DESC_INDEXES.items():
        op.create_index(name, 'proposal', columns, unique=False)
