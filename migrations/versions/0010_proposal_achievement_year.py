"""proposal.achievement_year: the year an emulation title is recognised for

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 05:00:00

A title's decision printed the span of the proposal's phase, or of its campaign when it had
none: "Lao động tiên tiến" giai đoạn 2021 - 2025, for a title that is recognised for one year.
Proposals now name the year. Existing rows get NULL, not a guess: a proposal still with its
unit is not sent until the unit enters the year, and decisions issued keep what they printed.
Added and dropped with ALTER TABLE, not in batch mode (see 0007).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('proposal', sa.Column('achievement_year', sa.Integer(), nullable=True))


def downgrade():
    # A plain column: SQLite 3.35+ drops it in place, so the DESC indexes stay (see 0007).
    op.drop_column('proposal', 'achievement_year')
