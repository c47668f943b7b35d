"""queue_key and nominee_names on proposal

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 16:30:00.000000

Two denormalised columns measured in docs/benchmarks.md (bench/bench_queue.py, variants F and
G), both filled here for existing rows:

- `proposal.nominee_names`: the folded names of the proposal's nominees, one per line in
  nominee order. Name search becomes `proposal.nominee_names LIKE …` instead of an EXISTS on
  `nominee` per queued proposal. The operations keep it with `nominee_count`.
- `proposal.queue_key`: whose desk the proposal is on ('unit', 'secretariat', 'committee',
  'signer'; NULL for decided, rejected and withdrawn), following `state` as
  `workflow.QUEUE_KEY_BY_STATE` says. The queue filter becomes `queue_key = …`, one index range
  in ORDER BY order, also for the secretariat's queue (two states, which `state IN (…)` had to
  sort). The CHECK `ck_proposal_queue_key_follows_state` is a frozen copy of the one
  workflow.py builds from QUEUE_STATES (tests/core/test_migrations.py compares the two); a
  change of QUEUE_STATES needs a migration that replaces it.

Indexes:

- new `ix_proposal_queue_key (queue_key, has_priority DESC, state_changed_at, id, unit_id,
  submitted_at)`: every "my work" queue.
- `ix_proposal_queue (state, …same…)` stays: no queue uses it any more, but the reviewers'
  list filtered by one state (`/proposals?state=…`: `Proposal.state == …` and the visibility
  filter on `unit_id`/`submitted_at`) reads it in ORDER BY order. Without it SQLite plans
  `ix_proposal_unit_state` per unit and a temporary B-tree over every proposal in that state
  (the decided ones are most of the table). Unit users' lists use `ix_proposal_unit_state`.
- `ix_nominee_proposal_name (proposal_id, name_folded)` stays: name search no longer reads it,
  but it is the index of the foreign key (a proposal's nominees, counting them, cascades).

SQLite: adding the CHECK rebuilds the table (batch mode); migrations/env.py turns foreign keys
off around the migration so that dropping the old copy does not cascade to the nominees.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

#: workflow.QUEUE_KEY_BY_STATE as of this revision ('' for NULL).
DESK_OF_STATE = (
    "CASE "
    "WHEN state IN ('draft', 'returned') THEN 'unit' "
    "WHEN state IN ('submitted', 'under_review') THEN 'secretariat' "
    "WHEN state IN ('in_committee') THEN 'committee' "
    "WHEN state IN ('awaiting_decision') THEN 'signer' "
    "ELSE '' END"
)
QUEUE_KEY_CHECK = f"coalesce(queue_key, '') = {DESK_OF_STATE}"
QUEUE_KEY_BACKFILL = f"UPDATE proposal SET queue_key = nullif({DESK_OF_STATE}, '')"
NOMINEE_NAMES_BACKFILL = {
    # group_concat has no ORDER BY before SQLite 3.44: it keeps the order of an ordered
    # subquery, which SQLite does not flatten into an aggregate.
    "sqlite": (
        "UPDATE proposal SET nominee_names = coalesce(("
        "SELECT group_concat(name_folded, char(10)) FROM ("
        "SELECT name_folded FROM nominee WHERE nominee.proposal_id = proposal.id "
        "ORDER BY nominee.id)), '')"
    ),
    "postgresql": (
        "UPDATE proposal SET nominee_names = s.names FROM ("
        "SELECT proposal_id, string_agg(name_folded, chr(10) ORDER BY id) AS names "
        "FROM nominee GROUP BY proposal_id) AS s "
        "WHERE s.proposal_id = proposal.id"
    ),
}


def upgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nominee_names', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('queue_key', sa.String(length=20), nullable=True))

    op.execute(NOMINEE_NAMES_BACKFILL[op.get_bind().dialect.name])
    op.execute(QUEUE_KEY_BACKFILL)

    # Adding the CHECK rebuilds the table on SQLite, which would bring ix_proposal_queue back
    # without its DESC (and cannot create an index with one): the DESC indexes are dropped
    # before the rebuild and created after it.
    op.drop_index('ix_proposal_queue', table_name='proposal')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_proposal_queue_key_follows_state'), QUEUE_KEY_CHECK)

    _create_queue_index('ix_proposal_queue', 'state')
    _create_queue_index('ix_proposal_queue_key', 'queue_key')


def downgrade():
    op.drop_index('ix_proposal_queue_key', table_name='proposal')
    op.drop_index('ix_proposal_queue', table_name='proposal')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_proposal_queue_key_follows_state'), type_='check')
        batch_op.drop_column('queue_key')
        batch_op.drop_column('nominee_names')

    _create_queue_index('ix_proposal_queue', 'state')


def _create_queue_index(name, first_column):
    op.create_index(name, 'proposal', [first_column, sa.literal_column('has_priority DESC'), 'state_changed_at', 'id', 'unit_id', 'submitted_at'], unique=False)
