"""nominee.version: a nominee's edit form refuses a save someone else's overtook

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-14 10:20:00

Two people editing the same nominee: the later save silently put back what the earlier one
had changed. The nominee's form now carries the version of the row it showed, an optimistic
lock of the nominee's own (SQLAlchemy `version_id_col`), so that a concurrent save of the
same nominee is refused while a change elsewhere in the dossier is not (the proposal's
version moves with every such change). Existing nominees start at 1. A column is added in
place on SQLite too (no table rebuild). The downgrade drops it.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('nominee', sa.Column('version', sa.Integer(), nullable=False,
                                       server_default='1'))


def downgrade():
    op.drop_column('nominee', 'version')
