"""unit.name_key, campaign.name_key: one name per authority, kept by the database

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 08:00:00

A unit's and a campaign's name were unique per authority only by a check in Python, which
folds case, spacing and where a word's tone mark sits (`same_name_key`: "Xã Trường Long Hòa",
"xã trường long hoà"); two admins saving the same new name at the same moment both passed it.
Each row now stores its key, `name_key`, which the models set whenever the name is set, and
UNIQUE (authority_id, name_key) refuses the second row; the operations turn the refusal into
the check's own message.

Existing rows get their key from `award_flow.core.text.same_name_key` itself, imported rather
than copied (unlike 0005's token): the key stored must be the one the app computes for the
same name, or the check would not find the row. Rows saved before the check existed may
already share a key ("xã long hữu" beside "Xã Long Hữu"). Nothing is renamed: the first row
(lowest id) keeps the key, each later one gets f"{key}#{id}" so that the constraint holds, and
a warning names them. Saving such a row again computes its key anew and is refused with the
usual message, so the admin gives it another name.

The key has no length of its own (TEXT, not the name's VARCHAR): it can be longer than the
name, since a tone mark moved to the end of a word may not compose with the last letter
("trường" has 6 characters, its key "trương̀" 7).

Added nullable, filled, then made NOT NULL with the constraint: on SQLite a batch rebuild of
`unit` and `campaign`, with foreign keys off as migrations/env.py does for every migration;
neither table has DESC indexes (see 0003) or triggers (see 0004). The downgrade drops the
constraints and the columns.
"""
import logging

import sqlalchemy as sa
from alembic import op

from award_flow.core.text import same_name_key

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

logger = logging.getLogger('alembic.runtime.migration')

TABLES = ('unit', 'campaign')


def _rows(table):
    return sa.table(table, sa.column('id', sa.Integer()), sa.column('authority_id', sa.Integer()),
                    sa.column('name', sa.String()), sa.column('name_key', sa.Text()))


def name_keys(rows):
    """{id: name_key} for (id, authority_id, name) rows: `same_name_key(name)`, or for a row
    whose authority already has that key on a row of a lower id, f"{key}#{id}"; and the
    (id, authority_id, name, first id, first name) of each such row."""
    keys, first, duplicates = {}, {}, []
    for row_id, authority_id, name in sorted(rows):
        key = same_name_key(name)
        if (authority_id, key) in first:
            duplicates.append((row_id, authority_id, name, *first[authority_id, key]))
            key = f'{key}#{row_id}'
        else:
            first[authority_id, key] = (row_id, name)
        keys[row_id] = key
    return keys, duplicates


def _fill(table):
    bind = op.get_bind()
    rows = _rows(table)
    keys, duplicates = name_keys(
        bind.execute(sa.select(rows.c.id, rows.c.authority_id, rows.c.name)).tuples().all())
    if keys:
        bind.execute(rows.update().where(rows.c.id == sa.bindparam('row_id'))
                     .values(name_key=sa.bindparam('key')),
                     [{'row_id': row_id, 'key': key} for row_id, key in keys.items()])
    for row_id, authority_id, name, first_id, first_name in duplicates:
        logger.warning(
            '%s %s "%s" of authority %s has the name of %s %s "%s" (case, spacing and tone '
            'marks aside): kept as it is, with the key "%s"; saving it again asks for another '
            'name.', table, row_id, name, authority_id, table, first_id, first_name,
            keys[row_id])


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column('name_key', sa.Text(), nullable=True))
        _fill(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('name_key', existing_type=sa.Text(), nullable=False)
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_authority_id_name_key'),
                                              ['authority_id', 'name_key'])


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_authority_id_name_key'),
                                     type_='unique')
            batch_op.drop_column('name_key')
