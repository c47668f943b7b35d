"""unit.kind 'hamlet': a commune's hamlets and residential groups are units of their own kind

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 09:00:00

Since 07/2025 a commune People's Committee confers awards (RULES.md, "Legal frame"), and its
units are its offices, its mass organisations and its hamlets and residential groups (ấp,
khóm, thôn, tổ dân phố, bản, buôn…). `unit.kind` offered agency, commune, ward and
organisation only, so a hamlet was filed as a commune and listed "Ấp Long Khánh — Xã". The
new kind is `hamlet`.

A kind is a VARCHAR(20) under the named CHECK `ck_unit_unit_kind` (core/enums.py: no native
enum on either database), so the new value is a new CHECK: the old one is dropped and the new
one created, on SQLite by a batch rebuild of `unit`, with foreign keys off as migrations/env.py
does for every migration; the table has no DESC index (see 0007) or trigger (see 0004). The
kinds are copied here, not imported, so that a later kind needs a migration of its own.

Nothing is reclassified: which of a commune's units filed as communes or wards are hamlets
only its people know. A warning names each unit of a commune-level authority filed as a
commune or a ward (a commune has none under it); such a unit keeps its kind until its admin
chooses another (org.models.UNIT_KINDS_BY_LEVEL, Authority.unit_kinds).

The downgrade files each hamlet as a commune again, as 0013 had to, names it in a warning,
and restores 0013's CHECK.
"""
import logging

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

logger = logging.getLogger('alembic.runtime.migration')

CONSTRAINT = 'ck_unit_unit_kind'
#: unit.kind's values, in award_flow.org.models.UnitKind's order, before and after.
KINDS_0013 = ('agency', 'commune', 'ward', 'organisation')
KINDS = ('agency', 'commune', 'ward', 'hamlet', 'organisation')

unit = sa.table('unit', sa.column('id', sa.Integer()), sa.column('authority_id', sa.Integer()),
                sa.column('name', sa.String()), sa.column('kind', sa.String()))
authority = sa.table('authority', sa.column('id', sa.Integer()),
                     sa.column('name', sa.String()), sa.column('level', sa.String()))


def _kind_check(kinds):
    listed = ', '.join(f"'{kind}'" for kind in kinds)
    return f'kind IN ({listed})'


def _replace_check(kinds):
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CONSTRAINT), type_='check')
        batch_op.create_check_constraint(op.f(CONSTRAINT), _kind_check(kinds))


def _units(*conditions):
    return op.get_bind().execute(
        sa.select(unit.c.id, unit.c.name, unit.c.kind, authority.c.id, authority.c.name)
        .join(authority, authority.c.id == unit.c.authority_id)
        .where(*conditions).order_by(unit.c.id)).tuples().all()


def upgrade():
    _replace_check(KINDS)
    for unit_id, name, kind, authority_id, authority_name in _units(
            authority.c.level == 'commune', unit.c.kind.in_(('commune', 'ward'))):
        logger.warning(
            'unit %s "%s" of authority %s "%s" (commune level) is filed as a %s, which a '
            'commune has none of under it: kept as it is; if it is a hamlet or residential '
            'group, its admin gives it the kind "Ấp, khóm, thôn, tổ dân phố".',
            unit_id, name, authority_id, authority_name, kind)


def downgrade():
    hamlets = _units(unit.c.kind == 'hamlet')
    for unit_id, name, _kind, authority_id, authority_name in hamlets:
        logger.warning('unit %s "%s" of authority %s "%s" is a hamlet or residential group: '
                       'filed as a commune, as revision 0013 has no kind for it.',
                       unit_id, name, authority_id, authority_name)
    if hamlets:
        op.execute(unit.update().where(unit.c.kind == 'hamlet').values(kind='commune'))
    _replace_check(KINDS_0013)
