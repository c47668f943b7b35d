"""Migrations on a database that already holds data: 0003 fills `queue_key` and
`nominee_names` for existing proposals, keeps every row that references them, and its
downgrade gives 0002 back; 0005 gives every existing user a session token of its own, the
same way.

Runs on a database of its own (a SQLite file, or a schema of the PostgreSQL test database),
so that the session's migrated database is left alone.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from award_flow import PROJECT_ROOT, create_app
from award_flow.core.text import fold
from award_flow.extensions import db
from award_flow.proposals.models import ProposalState
from award_flow.proposals.workflow import QUEUE_KEY_BY_STATE, queue_key_check_sql
from config import TestingConfig

SCHEMA = "migration_test"
WHEN = "2025-01-02 03:04:05"

#: proposal id → its nominees (id, name), inserted out of id order and out of alphabetical
#: order; the last proposal has none.
NOMINEES = {
    1: [(30, "Trần Thị Bích"), (10, "Lê Văn"), (20, "An Bình")],
    2: [(40, "Nguyễn Văn Út")],
}


@contextmanager
def separate_app(app, tmp_path) -> Iterator:  # noqa: ANN001
    """An app on an empty database of its own, same kind as the session's."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    options: dict = {}
    if url.get_backend_name() == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        options = {"connect_args": {"options": f"-csearch_path={SCHEMA}"}}
    else:
        url = f"sqlite:///{tmp_path / 'migrations.sqlite3'}"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = str(url) if isinstance(url, str) else \
            url.render_as_string(hide_password=False)
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, **options}
        UPLOAD_FOLDER = str(tmp_path / "uploads")

    other = create_app(Config)
    try:
        with other.app_context():
            yield other
            db.session.remove()
            db.engine.dispose()
    finally:
        if options:
            with db.engine.begin() as conn:  # the session app's engine again
                conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))


def run(sql: str, **params) -> None:  # noqa: ANN003
    """Raw SQL: the rows as an older revision stores them (the models are at head)."""
    db.session.execute(text(sql), params)


def _insert_authority_and_unit() -> None:
    """Authority 1 and its unit 1, in columns every revision has."""
    run("INSERT INTO authority (id, name, place_name, level, issuer_code, decision_legal_bases, "
        "decision_proposer, decision_executors, decision_recipients, bonus_fund) VALUES "
        "(1, 'UBND thị xã', 'Duyên Hải', 'district', 'UBND', '', '', '', '', '')")
    run("INSERT INTO unit (id, authority_id, name, kind, active, created_at) "
        "VALUES (1, 1, 'Xã Long Hữu', 'commune', true, :t)", t=WHEN)


def insert_rows_of_0002() -> None:
    """One proposal in every state, as revision 0002 stores them (raw SQL: the models are
    already at 0003), with nominees, an attachment and audit events that reference them."""
    _insert_authority_and_unit()
    run('INSERT INTO "user" (id, username, full_name, password_hash, role, unit_id, active, '
        "created_at) VALUES (1, 'canbo', 'Cán bộ', 'x', 'unit_officer', 1, true, :t)", t=WHEN)
    run("INSERT INTO campaign (id, authority_id, name, kind, starts_on, ends_on) "
        "VALUES (1, 1, 'Phong trào', 'regular', '2025-01-01', '2025-12-31')")
    run("INSERT INTO award_type (id, authority_id, code, name, category, subject, conferred_by, "
        "coefficient, notes, active) VALUES (1, 1, 'GK_CN', 'Giấy khen', 'form', "
        "'individual', 'self', 1, '', true)")
    run("INSERT INTO decision (id, authority_id, year, number, symbol, issued_on, subject, "
        "signer_id, signer_name, signer_is_vice, base_salary, total_amount, award_count, "
        "priority_count, created_at) VALUES (1, 1, 2025, 1, 'QĐ-UBND', '2025-02-01', 'Về việc', "
        "1, 'Chủ tịch', false, 2340000, 0, 1, 0, :t)", t=WHEN)
    for pid, state in enumerate(ProposalState, start=1):
        run("INSERT INTO proposal (id, unit_id, campaign_id, award_type_id, created_by_id, title, "
            "achievement, state, revision_count, nominee_count, priority_count, has_priority, "
            "created_at, submitted_at, state_changed_at, decision_id, version) VALUES (:id, 1, "
            "1, 1, 1, 'Tờ trình', 'thành tích', :state, 0, :n, 0, false, :t, :submitted, :t, "
            ":decision, 1)",
            id=pid, state=state.value, n=len(NOMINEES.get(pid, ())), t=WHEN,
            submitted=None if state == ProposalState.DRAFT else WHEN,
            decision=1 if state == ProposalState.DECIDED else None)
        run("INSERT INTO audit_event (proposal_id, actor_id, action, comment, created_at) "
            "VALUES (:id, 1, 'create', '', :t)", id=pid, t=WHEN)
        for nid, name in NOMINEES.get(pid, ()):
            run("INSERT INTO nominee (id, proposal_id, kind, name, name_folded, position, "
                "unit_or_address, achievement_summary, priority_group) VALUES (:id, :pid, "
                "'individual', :name, :folded, '', '', '', 'none')",
                id=nid, pid=pid, name=name, folded=fold(name))
    run("INSERT INTO attachment (proposal_id, kind, original_name, stored_name, content_type, "
        "size, sha256, uploaded_by_id, uploaded_at) VALUES (1, 'other', 'a.pdf', 'stored', "
        "'application/pdf', 1, '', 1, :t)", t=WHEN)
    db.session.commit()


def counts() -> dict[str, int]:
    return {table: db.session.scalar(text(f"SELECT count(*) FROM {table}"))
            for table in ("proposal", "nominee", "attachment", "audit_event")}


def queue_index_definitions() -> dict[str, str]:
    """The queue indexes as the database prints them (does the DESC survive?)."""
    if db.engine.dialect.name == "postgresql":
        rows = db.session.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = 'proposal' AND indexname LIKE 'ix_proposal_queue%'"))
    else:
        rows = db.session.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'proposal' "
            "AND name LIKE 'ix_proposal_queue%'"))
    return dict(rows.all())


def test_0003_fills_the_new_columns_of_existing_proposals_and_downgrades(app, tmp_path):
    with separate_app(app, tmp_path):
        upgrade(revision="0002")
        insert_rows_of_0002()
        before = counts()
        db.session.remove()  # a migration waits for no open transaction (SQLite's lock)

        upgrade(revision="0003")

        rows = db.session.execute(text(
            "SELECT id, state, queue_key, nominee_names FROM proposal ORDER BY id")).all()
        assert [(state, key) for _id, state, key, _names in rows] == [
            (state.value, QUEUE_KEY_BY_STATE[state]) for state in ProposalState]
        names = {pid: value for pid, _state, _key, value in rows}
        assert names[1] == "le van\nan binh\ntran thi bich"  # nominee order, one per line
        assert names[2] == "nguyen van ut"
        assert {value for pid, value in names.items() if pid not in NOMINEES} == {""}
        assert counts() == before  # nothing cascaded when SQLite rebuilt the table
        indexes = queue_index_definitions()
        assert set(indexes) == {"ix_proposal_queue", "ix_proposal_queue_key"}
        assert all("has_priority DESC" in definition for definition in indexes.values())
        db.session.remove()
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as conn:  # the migration's connection, back in the pool
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        upgrade()  # on to head: the models agree with what 0003 built from data
        check()

        downgrade(revision="0002")

        columns = {c["name"] for c in inspect(db.session.connection()).get_columns("proposal")}
        assert not columns & {"queue_key", "nominee_names"}
        assert counts() == before
        indexes = queue_index_definitions()
        assert set(indexes) == {"ix_proposal_queue"}
        assert "has_priority DESC" in indexes["ix_proposal_queue"]


def test_a_migration_leaving_a_broken_reference_on_sqlite_is_refused(app, tmp_path, capsys):
    """SQLite migrations run with foreign keys off (table rebuilds); each is checked before it
    commits instead."""
    if make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "sqlite":
        pytest.skip("SQLite only")
    with separate_app(app, tmp_path):
        upgrade(revision="0002")
        insert_rows_of_0002()
        with db.engine.connect() as conn:
            driver = conn.connection.driver_connection
            driver.execute("PRAGMA foreign_keys = OFF")
            driver.execute("UPDATE nominee SET proposal_id = 999 WHERE id = 40")
            driver.execute("PRAGMA foreign_keys = ON")
        db.session.remove()

        with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits
            upgrade(revision="0003")

        assert "upgrade to 0003: foreign key violations" in capsys.readouterr().err

        version = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        assert version == "0002"
        columns = {c["name"] for c in inspect(db.session.connection()).get_columns("proposal")}
        assert "queue_key" not in columns


def test_0003s_check_is_the_one_the_workflow_builds():
    """The migration carries a frozen copy of the CHECK; QUEUE_STATES changing without a
    migration that replaces it fails here."""
    path = PROJECT_ROOT / "migrations" / "versions" / "0003_queue_columns.py"
    spec = importlib.util.spec_from_file_location("migration_0003", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.QUEUE_KEY_CHECK == queue_key_check_sql()


USERS_OF_0004 = [(1, "canbo", "unit_officer"), (2, "thutruong", "unit_head"),
                 (3, "admin", "admin")]


def insert_users_of_0004() -> None:
    """Three accounts as revision 0004 stores them, a proposal and audit events that
    reference them (raw SQL: the models are already at head)."""
    _insert_authority_and_unit()
    for uid, username, role in USERS_OF_0004:
        run('INSERT INTO "user" (id, username, full_name, password_hash, role, unit_id, active, '
            "created_at) VALUES (:id, :username, 'Người dùng', 'x', :role, 1, true, :t)",
            id=uid, username=username, role=role, t=WHEN)
    run("INSERT INTO campaign (id, authority_id, name, kind, starts_on, ends_on) "
        "VALUES (1, 1, 'Phong trào', 'regular', '2025-01-01', '2025-12-31')")
    run("INSERT INTO award_type (id, authority_id, code, name, category, subject, conferred_by, "
        "coefficient, notes, active) VALUES (1, 1, 'GK_CN', 'Giấy khen', 'form', "
        "'individual', 'self', 1, '', true)")
    run("INSERT INTO proposal (id, unit_id, campaign_id, award_type_id, created_by_id, title, "
        "achievement, state, revision_count, nominee_count, priority_count, has_priority, "
        "created_at, state_changed_at, version, nominee_names, queue_key) VALUES (1, 1, 1, 1, "
        "1, 'Tờ trình', 'thành tích', 'draft', 0, 0, 0, false, :t, :t, 1, '', 'unit')", t=WHEN)
    for uid, _username, _role in USERS_OF_0004:
        run("INSERT INTO audit_event (proposal_id, actor_id, action, comment, created_at) "
            "VALUES (1, :id, 'create', '', :t)", id=uid, t=WHEN)
    db.session.commit()


def user_rows() -> list[tuple]:
    return [tuple(row) for row in db.session.execute(text(
        'SELECT id, username, role, unit_id, active FROM "user" ORDER BY id'))]


def test_0005_gives_every_existing_user_its_own_session_token_and_downgrades(app, tmp_path):
    with separate_app(app, tmp_path):
        upgrade(revision="0004")
        insert_users_of_0004()
        before, users, references = counts(), user_rows(), db.session.execute(text(
            "SELECT id, actor_id FROM audit_event ORDER BY id")).all()
        db.session.remove()

        upgrade(revision="0005")

        tokens = db.session.scalars(text('SELECT session_token FROM "user" ORDER BY id')).all()
        assert len(tokens) == len(set(tokens)) == len(USERS_OF_0004)
        assert all(len(token) >= 43 for token in tokens)  # secrets.token_urlsafe(32)
        assert user_rows() == users
        assert counts() == before  # nothing cascaded when SQLite rebuilt "user"
        assert db.session.execute(text(
            "SELECT id, actor_id FROM audit_event ORDER BY id")).all() == references
        columns = {c["name"]: c for c in inspect(db.session.connection()).get_columns("user")}
        assert columns["session_token"]["nullable"] is False
        uniques = inspect(db.session.connection()).get_unique_constraints("user")
        assert {"uq_user_session_token"} <= {u["name"] for u in uniques}
        db.session.remove()
        upgrade()  # on to head: the models agree with what 0005 built from data
        check()

        downgrade(revision="0004")

        columns = {c["name"] for c in inspect(db.session.connection()).get_columns("user")}
        assert "session_token" not in columns
        assert user_rows() == users
        assert counts() == before
