"""user.session_token: sessions and "remember me" cookies that can be revoked

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 09:00:00

The session and Flask-Login's remember cookie held the user's id, signed: nothing could end
them short of changing the secret key. They now hold `user.session_token` (Flask-Login's
"alternative tokens", auth/models.py), a random value replaced when the password changes, when
the account is locked and when the user logs out; every session and cookie holding the old
value stops working.

Existing users get a random token each (Python's `secrets`, the same generator as the model,
on both databases); everyone signs in again once after the upgrade, since old sessions hold
ids. The column is added nullable, filled, then made NOT NULL and UNIQUE (on SQLite a batch
rebuild of `user`, with foreign keys off as migrations/env.py does for every migration; no
trigger hangs on `user`).
"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

USER = sa.table('user', sa.column('id', sa.Integer()), sa.column('session_token', sa.String()))


def new_session_token():
    """As auth.models.new_session_token at this revision (a migration does not import the app)."""
    return secrets.token_urlsafe(32)


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))

    bind = op.get_bind()
    for user_id in bind.execute(sa.select(USER.c.id)).scalars().all():
        bind.execute(USER.update().where(USER.c.id == user_id)
                     .values(session_token=new_session_token()))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_user_session_token'), ['session_token'])


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_session_token'), type_='unique')
        batch_op.drop_column('session_token')
