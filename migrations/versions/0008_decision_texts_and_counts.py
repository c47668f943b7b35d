"""authority.header_parent, unbounded decision subject, count invariants

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 10:00:00

- `authority.header_parent`: the managing body printed above the issuer in a decision's
  header, apart from `parent_name` (the superior body named in the awards it confers). Empty
  for every existing authority: a People's Committee's header is its own name only.
- `decision.subject` becomes TEXT: it is built from the proposal's achievement (up to 2,000
  characters), which VARCHAR(500) refused on PostgreSQL. (The downgrade refuses, on
  PostgreSQL, a subject longer than 500 characters rather than cut it.)
- `award_type.name` grows to 300 characters: a default name is "Giấy khen của Chủ tịch "
  followed by an authority's name of up to 200.
- CHECKs: a proposal's counts are not negative and `has_priority` says whether its priority
  count is positive (filled so for existing rows first: it is derived); a decision awards at
  least one nominee and its priority count lies within its awards; a decision counter is not
  negative.

SQLite: the CHECKs and the type changes rebuild the tables (batch mode). Rebuilding
`proposal` would bring its DESC indexes back without their DESC (see 0003): they are dropped
before and created after.
"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

PROPOSAL_CHECKS = {
    'nominee_count_not_negative': 'nominee_count >= 0',
    'priority_count_not_negative': 'priority_count >= 0',
    'has_priority_follows_count': 'has_priority = (priority_count > 0)',
}
DECISION_CHECKS = {
    'awards_someone': 'award_count > 0',
    'priority_within_awards': 'priority_count >= 0 AND priority_count <= award_count',
}

_DESC_INDEXES = {
    'ix_proposal_queue_key': ['queue_key', sa.literal_column('has_priority DESC'),
                              'state_changed_at', 'id', 'unit_id', 'submitted_at'],
    'ix_proposal_recent': [sa.literal_column('state_changed_at DESC'),
                           sa.literal_column('id DESC'), 'unit_id', 'submitted_at'],
    'ix_proposal_state_recent': ['state', sa.literal_column('state_changed_at DESC'),
                                 sa.literal_column('id DESC'), 'unit_id', 'submitted_at'],
}


def upgrade():
    op.add_column('authority', sa.Column('header_parent', sa.String(length=200), nullable=True))

    with op.batch_alter_table('award_type', schema=None) as batch_op:
        batch_op.alter_column('name', existing_type=sa.String(length=200),
                              type_=sa.String(length=300), existing_nullable=False)

    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.alter_column('subject', existing_type=sa.String(length=500), type_=sa.Text(),
                              existing_nullable=False)
        for name, condition in DECISION_CHECKS.items():
            batch_op.create_check_constraint(op.f(f'ck_decision_{name}'), condition)

    with op.batch_alter_table('decision_counter', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_decision_counter_last_number_not_negative'),
                                         'last_number >= 0')

    # Derived from the count: made to agree before the CHECK holds it so.
    op.execute(sa.text('UPDATE proposal SET has_priority = (priority_count > 0) '
                       'WHERE has_priority <> (priority_count > 0)'))
    with _desc_indexes_set_aside():
        with op.batch_alter_table('proposal', schema=None) as batch_op:
            for name, condition in PROPOSAL_CHECKS.items():
                batch_op.create_check_constraint(op.f(f'ck_proposal_{name}'), condition)


def downgrade():
    with _desc_indexes_set_aside():
        with op.batch_alter_table('proposal', schema=None) as batch_op:
            for name in PROPOSAL_CHECKS:
                batch_op.drop_constraint(op.f(f'ck_proposal_{name}'), type_='check')

    with op.batch_alter_table('decision_counter', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_decision_counter_last_number_not_negative'),
                                 type_='check')

    with op.batch_alter_table('decision', schema=None) as batch_op:
        for name in DECISION_CHECKS:
            batch_op.drop_constraint(op.f(f'ck_decision_{name}'), type_='check')
        batch_op.alter_column('subject', existing_type=sa.Text(),
                              type_=sa.String(length=500), existing_nullable=False)

    with op.batch_alter_table('award_type', schema=None) as batch_op:
        batch_op.alter_column('name', existing_type=sa.String(length=300),
                              type_=sa.String(length=200), existing_nullable=False)

    op.drop_column('authority', 'header_parent')


@contextmanager
def _desc_indexes_set_aside():
    """On SQLite, the proposal's DESC indexes are dropped around a rebuild of the table and
    created again after it (PostgreSQL alters the table in place and keeps them)."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        for name in _DESC_INDEXES:
            op.drop_index(name, table_name='proposal')
    yield
    if sqlite:
        for name, columns in _DESC_INDEXES.items():
            op.create_index(name, 'proposal', columns, unique=False)
