"""award_type.bonus_multiple_of / bonus_multiple: a household's bonus as 1,5 × an individual's

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 05:30:00

RULES.md: "households get 1.5 × the individual amount". The default catalogue stored the
household's Giấy khen (GK_HGD) as a coefficient of its own, 0,45 = 1,5 × 0,3: right only
while nobody changes the individual's (GK_CN) and bonuses are rounded to the đồng. Rounded up
to 10.000 đồng, 0,45 × 2.340.000 gives 1.060.000 where 1,5 × 710.000 is 1.065.000 (→
1.070.000). An entry can now be paid a multiple of another entry's bonus, with no
coefficients of its own.

An authority's GK_HGD (for households) becomes 1,5 × its GK_CN (for individuals) when its
coefficients are exactly 1,5 × GK_CN's, date for date, as the defaults made them: its own
rows go (every decision issued keeps what it paid, `award.coefficient` and `award.amount`).
An entry an admin gave other coefficients keeps them, with a warning.

Two nullable columns, a foreign key and three CHECKs: on SQLite a batch rebuild of
`award_type` (env.py turns foreign keys off around it; the table has no DESC index or
trigger, see 0007 and 0004). The downgrade gives each such entry its base's coefficients
times the multiple back.
"""
import logging
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

logger = logging.getLogger('alembic.runtime.migration')

#: award_flow.catalogue.defaults.DEFAULT_BONUS_MULTIPLES when this was written.
MULTIPLES = {'GK_HGD': ('GK_CN', Decimal('1.5'))}

award_type = sa.table('award_type', sa.column('id', sa.Integer()),
                      sa.column('authority_id', sa.Integer()), sa.column('code', sa.String()),
                      sa.column('subject', sa.String()),
                      sa.column('bonus_multiple_of_id', sa.Integer()),
                      sa.column('bonus_multiple', sa.Numeric(4, 2)))
coefficient = sa.table('award_coefficient', sa.column('award_type_id', sa.Integer()),
                       sa.column('coefficient', sa.Numeric(6, 3)),
                       sa.column('effective_from', sa.Date()),
                       sa.column('source', sa.String()))


def _histories(bind):
    """{award_type id: {effective_from: coefficient}}."""
    rows = defaultdict(dict)
    for type_id, value, since in bind.execute(sa.select(
            coefficient.c.award_type_id, coefficient.c.coefficient,
            coefficient.c.effective_from)):
        rows[type_id][since] = Decimal(value)
    return rows


def upgrade():
    with op.batch_alter_table('award_type', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bonus_multiple_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('bonus_multiple', sa.Numeric(precision=4, scale=2),
                                      nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_award_type_bonus_multiple_of_id_award_type'), 'award_type',
            ['bonus_multiple_of_id'], ['id'])
        batch_op.create_check_constraint(
            batch_op.f('ck_award_type_multiple_with_its_entry'),
            '(bonus_multiple_of_id IS NULL) = (bonus_multiple IS NULL)')
        batch_op.create_check_constraint(batch_op.f('ck_award_type_multiple_positive'),
                                         'bonus_multiple > 0')
        batch_op.create_check_constraint(batch_op.f('ck_award_type_not_multiple_of_itself'),
                                         'bonus_multiple_of_id <> id')

    bind = op.get_bind()
    histories = _histories(bind)
    entries = {(authority_id, code): (type_id, subject) for type_id, authority_id, code, subject
               in bind.execute(sa.select(award_type.c.id, award_type.c.authority_id,
                                         award_type.c.code, award_type.c.subject))}
    for (authority_id, code), (type_id, subject) in sorted(entries.items()):
        if code not in MULTIPLES or subject != 'household':
            continue
        base_code, multiple = MULTIPLES[code]
        base = entries.get((authority_id, base_code))
        if base is None or base[1] != 'individual':
            continue
        own, of_base = histories.get(type_id, {}), histories.get(base[0], {})
        if own and of_base and own == {since: value * multiple for since, value in
                                       of_base.items()}:
            bind.execute(coefficient.delete().where(coefficient.c.award_type_id == type_id))
            bind.execute(award_type.update().where(award_type.c.id == type_id).values(
                bonus_multiple_of_id=base[0], bonus_multiple=multiple))
        else:
            logger.warning(
                'award_type %s (%s of authority %s) keeps coefficients of its own: they are '
                'not %s × those of %s, date for date.', type_id, code, authority_id,
                multiple, base_code)


def downgrade():
    bind = op.get_bind()
    histories = _histories(bind)
    for type_id, base_id, multiple in bind.execute(
            sa.select(award_type.c.id, award_type.c.bonus_multiple_of_id,
                      award_type.c.bonus_multiple)
            .where(award_type.c.bonus_multiple_of_id.is_not(None))).all():
        rows = [{'award_type_id': type_id, 'effective_from': since, 'source': '',
                 'coefficient': (value * Decimal(multiple)).quantize(
                     Decimal('0.001'), rounding=ROUND_HALF_UP)}
                for since, value in sorted(histories.get(base_id, {}).items())]
        if rows:
            bind.execute(coefficient.insert(), rows)
    with op.batch_alter_table('award_type', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_award_type_not_multiple_of_itself'),
                                 type_='check')
        batch_op.drop_constraint(batch_op.f('ck_award_type_multiple_positive'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_award_type_multiple_with_its_entry'),
                                 type_='check')
        batch_op.drop_constraint(batch_op.f('fk_award_type_bonus_multiple_of_id_award_type'),
                                 type_='foreignkey')
        batch_op.drop_column('bonus_multiple')
        batch_op.drop_column('bonus_multiple_of_id')
