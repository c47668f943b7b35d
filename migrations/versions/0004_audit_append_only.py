"""audit events append-only in the database

The ORM already refuses to update or delete an AuditEvent (core/audit.py); these triggers make
the database refuse it too, whoever connects (raw SQL, a script, another tool). TRUNCATE and
dropping the triggers stay possible for the database owner, as they must for maintenance.

SQLite note: a batch migration that rebuilds `audit_event` drops its triggers with the old
table and must create them again (tests/core/test_platform.py checks they exist at head).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 16:55:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

MESSAGE = "audit_event is append-only"

SQLITE_UP = [
    f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER audit_event_no_delete",
    "DROP TRIGGER audit_event_no_update",
]
POSTGRESQL_UP = [
    "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
]
POSTGRESQL_DOWN = [
    "DROP TRIGGER audit_event_append_only ON audit_event",
    "DROP FUNCTION audit_event_append_only()",
]


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _run(POSTGRESQL_UP)
    else:
        _run(SQLITE_UP)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _run(POSTGRESQL_DOWN)
    else:
        _run(SQLITE_DOWN)
