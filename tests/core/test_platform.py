"""Configuration, passwords, databases and migrations."""

from __future__ import annotations

import threading

import pytest
from flask_migrate import check
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from award_flow.auth.passwords import OWASP_HASHER
from award_flow.core.audit import AppendOnlyError, AuditEvent, record
from award_flow.extensions import db


def test_migrations_and_models_agree():
    """`flask db check`: the migrated schema has everything the models declare."""
    check()


# Production's refusals and cookie flags are tested in tests/test_auth.py.


def test_passwords_use_argon2id_at_owasp_strength(world):
    assert OWASP_HASHER.type.name == "ID"
    assert OWASP_HASHER.memory_cost >= 19 * 1024
    assert OWASP_HASHER.time_cost >= 2
    assert world.admin.password_hash.startswith("$argon2id$")
    assert world.admin.check_password("correct horse battery")
    assert not world.admin.check_password("wrong")


def test_audit_events_cannot_be_changed_or_deleted(world):
    event = record("test", world.admin, comment="gốc")
    db.session.commit()
    event.comment = "sửa"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET comment = 'sửa'",
    "DELETE FROM audit_event",
], ids=["update", "delete"])
def test_the_database_itself_refuses_to_change_audit_events(world, statement):
    record("test", world.admin, comment="gốc")
    db.session.commit()
    trail = db.session.execute(select(AuditEvent.id, AuditEvent.comment)).all()
    with pytest.raises(DBAPIError, match="audit_event is append-only"):
        db.session.execute(text(statement))  # raw SQL: the ORM's guard is not involved
    db.session.rollback()
    assert db.session.execute(select(AuditEvent.id, AuditEvent.comment)).all() == trail


def test_sqlite_runs_in_wal_with_a_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == \
            app.config["SQLITE_BUSY_TIMEOUT_MS"]
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_two_writers_at_once_never_see_database_is_locked(app, world):
    """Read-then-write transactions from two threads: both succeed, one after the other."""
    db.session.commit()
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def writer(n: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                for _ in range(20):
                    count = db.session.execute(text("SELECT count(*) FROM audit_event")).scalar()
                    record("concurrent", None, comment=f"{n}:{count}")
                    db.session.commit()
            except BaseException as error:  # noqa: BLE001
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert db.session.execute(
        text("SELECT count(*) FROM audit_event WHERE action = 'concurrent'")).scalar() == 40
