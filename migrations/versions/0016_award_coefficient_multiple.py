"""award_coefficient.multiple: a household's 1,5 × an individual's bonus, dated like a coefficient

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 08:40:00

RULES.md: every number is data an admin can edit, with the date it takes effect. Migration
0015 made an entry paid a multiple of another's bonus, but kept the multiple on the entry
(`award_type.bonus_multiple`), set once when the entry was added: a later rule changing
"1,5 ×" could not be entered. The multiple is now a dated row of the entry's own history, in
the table of coefficients: a row holds a coefficient, or (for such an entry) a multiple.

Each entry's multiple becomes one row, in force from the first day a coefficient of the entry
it follows is (so every decision issued since is still paid by the same rule), with that
row's basis as its own. On SQLite both tables are rebuilt in batches (env.py turns foreign
keys off around it; neither has a DESC index or trigger, see 0007 and 0004). The downgrade
puts each entry's multiple back on it, and refuses when an entry's multiple changed over
time (one column cannot hold its history).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

award_type = sa.table('award_type', sa.column('id', sa.Integer()),
                      sa.column('code', sa.String()),
                      sa.column('bonus_multiple_of_id', sa.Integer()),
                      sa.column('bonus_multiple', sa.Numeric(4, 2)))
coefficient = sa.table('award_coefficient', sa.column('award_type_id', sa.Integer()),
                       sa.column('coefficient', sa.Numeric(6, 3)),
                       sa.column('multiple', sa.Numeric(4, 2)),
                       sa.column('effective_from', sa.Date()),
                       sa.column('source', sa.String()))


def upgrade():
    # Read before any change: SQLite's DDL is not transactional here.
    bind = op.get_bind()
    entries = bind.execute(sa.select(award_type.c.id, award_type.c.bonus_multiple_of_id,
                                     award_type.c.bonus_multiple)
                           .where(award_type.c.bonus_multiple_of_id.is_not(None))).all()
    new_rows = []
    for type_id, base_id, multiple in entries:
        first = bind.execute(sa.select(coefficient.c.effective_from, coefficient.c.source)
                             .where(coefficient.c.award_type_id == base_id)
                             .order_by(coefficient.c.effective_from).limit(1)).first()
        if first is None:  # the operations never leave an entry without a coefficient
            raise RuntimeError(f'award_type {base_id} has no coefficient: entry {type_id} '
                               'is paid a multiple of its bonus from no date')
        new_rows.append({'award_type_id': type_id, 'multiple': multiple,
                         'effective_from': first.effective_from, 'source': first.source})

    with op.batch_alter_table('award_coefficient', schema=None) as batch_op:
        batch_op.add_column(sa.Column('multiple', sa.Numeric(precision=4, scale=2),
                                      nullable=True))
        batch_op.alter_column('coefficient', existing_type=sa.Numeric(precision=6, scale=3),
                              nullable=True)
        batch_op.create_check_constraint(batch_op.f('ck_award_coefficient_multiple_positive'),
                                         'multiple > 0')
        batch_op.create_check_constraint(
            batch_op.f('ck_award_coefficient_coefficient_or_multiple'),
            '(coefficient IS NULL) <> (multiple IS NULL)')
    if new_rows:
        bind.execute(coefficient.insert(), new_rows)

    with op.batch_alter_table('award_type', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_award_type_multiple_positive'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_award_type_multiple_with_its_entry'),
                                 type_='check')
        batch_op.drop_column('bonus_multiple')


def downgrade():
    # Checked before any change: SQLite's DDL is not transactional here.
    bind = op.get_bind()
    entries = bind.execute(sa.select(award_type.c.id, award_type.c.code)
                           .where(award_type.c.bonus_multiple_of_id.is_not(None))).all()
    multiple_of = {}
    for type_id, code in entries:
        multiples = set(bind.scalars(sa.select(coefficient.c.multiple).where(
            coefficient.c.award_type_id == type_id)))
        if len(multiples) != 1:
            raise RuntimeError(
                f'award_type {type_id} ({code}) has {len(multiples)} different multiples over '
                'time; before 0016 an entry holds one. Remove all but one on its page first.')
        multiple_of[type_id] = multiples.pop()

    with op.batch_alter_table('award_type', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bonus_multiple', sa.Numeric(precision=4, scale=2),
                                      nullable=True))
    for type_id, multiple in multiple_of.items():
        bind.execute(award_type.update().where(award_type.c.id == type_id)
                     .values(bonus_multiple=multiple))
    bind.execute(coefficient.delete().where(coefficient.c.multiple.is_not(None)))

    with op.batch_alter_table('award_type', schema=None) as batch_op:
        batch_op.create_check_constraint(
            batch_op.f('ck_award_type_multiple_with_its_entry'),
            '(bonus_multiple_of_id IS NULL) = (bonus_multiple IS NULL)')
        batch_op.create_check_constraint(batch_op.f('ck_award_type_multiple_positive'),
                                         'bonus_multiple > 0')
    with op.batch_alter_table('award_coefficient', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_award_coefficient_coefficient_or_multiple'),
                                 type_='check')
        batch_op.drop_constraint(batch_op.f('ck_award_coefficient_multiple_positive'),
                                 type_='check')
        batch_op.alter_column('coefficient', existing_type=sa.Numeric(precision=6, scale=3),
                              nullable=False)
        batch_op.drop_column('multiple')
