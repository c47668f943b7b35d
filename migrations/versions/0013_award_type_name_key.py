"""award_type.name_key: one name per authority and kind of nominee, kept by the database

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 21:40:00

An entry's name was unique per authority and kind of nominee (a form's choices read "name
(kind)") only by a check in Python; two admins adding the same new entry at the same moment
both passed it. As 0012 did for units and campaigns, each entry now stores its name's key,
`name_key` (`award_flow.core.text.same_name_key`, imported so that the key stored is the one
the app computes), under UNIQUE (authority_id, subject, name_key).

Entries saved before the check existed may already share a key for one kind. Nothing is
renamed: the first (lowest id) keeps the key, each later one gets f"{key}#{id}", and a
warning names them; saving one again asks for another name.

Added nullable, filled, then made NOT NULL with the constraint: on SQLite a batch rebuild of
`award_type`, with foreign keys off as migrations/env.py does for every migration; the table
has no DESC index (see 0007) or trigger (see 0004). The downgrade drops both.
"""
import logging

import sqlalchemy as sa
from alembic import op

from award_flow.core.text import same_name_key

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

logger = logging.getLogger('alembic.runtime.migration')

CONSTRAINT = 'uq_award_type_authority_id_subject_name_key'


def name_keys(rows):
    """{id: name_key} for (id, authority_id, subject, name) rows: `same_name_key(name)`, or
    for a row whose authority already has that key for that kind on a row of a lower id,
    f"{key}#{id}"; and the (id, authority_id, name, first id, first name) of each such row."""
    keys, first, duplicates = {}, {}, []
    for row_id, authority_id, subject, name in sorted(rows):
        key = same_name_key(name)
        if (authority_id, subject, key) in first:
            duplicates.append((row_id, authority_id, name, *first[authority_id, subject, key]))
            key = f'{key}#{row_id}'
        else:
            first[authority_id, subject, key] = (row_id, name)
        keys[row_id] = key
    return keys, duplicates


def upgrade():
    op.add_column('award_type', sa.Column('name_key', sa.Text(), nullable=True))
    bind = op.get_bind()
    rows = sa.table('award_type', sa.column('id', sa.Integer()),
                    sa.column('authority_id', sa.Integer()), sa.column('subject', sa.String()),
                    sa.column('name', sa.String()), sa.column('name_key', sa.Text()))
    keys, duplicates = name_keys(bind.execute(
        sa.select(rows.c.id, rows.c.authority_id, rows.c.subject, rows.c.name)).tuples().all())
    if keys:
        bind.execute(rows.update().where(rows.c.id == sa.bindparam('row_id'))
                     .values(name_key=sa.bindparam('key')),
                     [{'row_id': row_id, 'key': key} for row_id, key in keys.items()])
    for row_id, authority_id, name, first_id, first_name in duplicates:
        logger.warning(
            'award_type %s "%s" of authority %s has the name of award_type %s "%s" for the '
            'same kind of nominee (case, spacing and tone marks aside): kept as it is, with '
            'the key "%s"; saving it again asks for another name.', row_id, name,
            authority_id, first_id, first_name, keys[row_id])
    with op.batch_alter_table('award_type', schema=None) as batch_op:
        batch_op.alter_column('name_key', existing_type=sa.Text(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f(CONSTRAINT), ['authority_id', 'subject', 'name_key'])


def downgrade():
    with op.batch_alter_table('award_type', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(CONSTRAINT), type_='unique')
        batch_op.drop_column('name_key')
