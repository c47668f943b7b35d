"""authority.secretariat_name: the name the pages give the Council's standing body

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 03:00:00

Until now every page said "Cơ quan Tổ chức - Nội vụ" (Duyên Hải's name) whatever the
authority; existing authorities keep that name (the server default fills them), which the admin
changes on "Cơ quan ban hành". Added with ALTER TABLE ADD COLUMN, not in batch mode (see 0007).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('authority', sa.Column(
        'secretariat_name', sa.String(length=200), nullable=False,
        server_default='Cơ quan Tổ chức - Nội vụ'))


def downgrade():
    with op.batch_alter_table('authority', schema=None) as batch_op:
        batch_op.drop_column('secretariat_name')
