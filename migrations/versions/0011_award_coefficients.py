"""award_coefficient: an award's coefficient by the date it takes effect

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 19:30:00

RULES.md makes every number data "with the date it takes effect"; an award's coefficient was
one number, so a change a rule decides in advance (a decree in force from 01/07) could only
be typed in on that day. Each entry's coefficient becomes its first dated row, in force from
the Law of 2022's day (the default catalogue's) or, if earlier, the authority's first
decision, so that every decision issued so far stands under it (each keeps what it paid in
`award.coefficient`). Its source is left empty: nobody recorded one.

`award_type.coefficient` goes with its CHECK constraint, which on SQLite means a rebuild of
the table (batch mode; env.py turns foreign keys off around it): `award_type` has no DESC
index to lose (see 0007).
"""
from datetime import date

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

#: award_flow.catalogue.defaults.DEFAULT_COEFFICIENTS_FROM when this was written.
COEFFICIENTS_FROM = date(2024, 1, 1)


def upgrade():
    op.create_table(
        'award_coefficient',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('award_type_id', sa.Integer(), nullable=False),
        sa.Column('coefficient', sa.Numeric(precision=6, scale=3), nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=False),
        sa.Column('source', sa.String(length=300), nullable=False),
        sa.CheckConstraint('coefficient >= 0', name=op.f('ck_award_coefficient_not_negative')),
        sa.ForeignKeyConstraint(['award_type_id'], ['award_type.id'],
                                name=op.f('fk_award_coefficient_award_type_id_award_type')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_award_coefficient')),
        sa.UniqueConstraint('award_type_id', 'effective_from',
                            name=op.f('uq_award_coefficient_award_type_id_effective_from')),
    )
    award_type = sa.table('award_type', sa.column('id'), sa.column('authority_id'),
                          sa.column('coefficient'))
    decision = sa.table('decision', sa.column('authority_id'), sa.column('issued_on'))
    first_decision = (sa.select(sa.func.min(decision.c.issued_on))
                      .where(decision.c.authority_id == award_type.c.authority_id)
                      .scalar_subquery())
    since = sa.case((first_decision < COEFFICIENTS_FROM, first_decision),
                    else_=sa.literal(COEFFICIENTS_FROM, sa.Date()))
    coefficient = sa.table('award_coefficient', sa.column('award_type_id'),
                           sa.column('coefficient'), sa.column('effective_from'),
                           sa.column('source'))
    op.execute(coefficient.insert().from_select(
        ['award_type_id', 'coefficient', 'effective_from', 'source'],
        sa.select(award_type.c.id, award_type.c.coefficient, since, sa.literal(''))
        .order_by(award_type.c.id)))
    with op.batch_alter_table('award_type', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_award_type_coefficient_not_negative'), type_='check')
        batch_op.drop_column('coefficient')


def downgrade():
    # Back to one number per entry: the one in force today (else the latest to come).
    with op.batch_alter_table('award_type', schema=None) as batch_op:
        batch_op.add_column(sa.Column('coefficient', sa.Numeric(precision=6, scale=3),
                                      nullable=False, server_default='0'))
    award_type = sa.table('award_type', sa.column('id'), sa.column('coefficient'))
    coefficient = sa.table('award_coefficient', sa.column('award_type_id'),
                           sa.column('coefficient'), sa.column('effective_from'))
    today = date.today()
    in_force = (sa.select(coefficient.c.coefficient)
                .where(coefficient.c.award_type_id == award_type.c.id)
                .order_by((coefficient.c.effective_from > today).asc(),
                          coefficient.c.effective_from.desc())
                .limit(1).scalar_subquery())
    op.execute(award_type.update().values(coefficient=sa.func.coalesce(in_force, 0)))
    with op.batch_alter_table('award_type', schema=None) as batch_op:
        batch_op.alter_column('coefficient', server_default=None)
        batch_op.create_check_constraint(op.f('ck_award_type_coefficient_not_negative'),
                                         'coefficient >= 0')
    op.drop_table('award_coefficient')
