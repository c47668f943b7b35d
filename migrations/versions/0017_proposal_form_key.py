"""proposal.form_key: one proposal per "new proposal" form sent

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 11:50:00

The same "new proposal" form sent twice (a second click before the page changed, a browser
sending the form again) filed two identical drafts, and a draft cannot be deleted, only
withdrawn. The form now carries a random key, kept on the proposal it created: a unique index
on (created_by_id, form_key) makes the second sending find the first. Existing proposals
have none (NULL, which the index does not compare). A column and an index are added in place
on SQLite too (no table rebuild). The downgrade drops both.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('proposal', sa.Column('form_key', sa.String(length=32), nullable=True))
    op.create_index('ix_proposal_created_by_id_form_key', 'proposal',
                    ['created_by_id', 'form_key'], unique=True)


def downgrade():
    op.drop_index('ix_proposal_created_by_id_form_key', table_name='proposal')
    op.drop_column('proposal', 'form_key')
