"""Migration 0008 on a database that holds data: the header parent is empty for existing
authorities, a decision's subject becomes unbounded, a proposal's priority flag is made to
follow its count before the CHECKs that keep it so, the DESC indexes survive SQLite's table
rebuilds, and the downgrade gives 0007 back."""

from __future__ import annotations

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import Text

from award_flow.extensions import db
from tests.core.test_migrations import WHEN, _insert_authority_and_unit, run, separate_app


def insert_rows_of_0007() -> None:
    """A decided proposal whose priority flag disagrees with its count (nothing kept them
    together before 0008), its decision and the counter, in raw SQL."""
    _insert_authority_and_unit()
    run('INSERT INTO "user" (id, username, full_name, password_hash, role, unit_id, active, '
        "created_at, session_token) VALUES (1, 'chutich', 'Chủ tịch', 'x', 'chairman', 1, true, "
        ":t, 'token-1')", t=WHEN)
    run("INSERT INTO campaign (id, authority_id, name, kind, starts_on, ends_on) "
        "VALUES (1, 1, 'Phong trào', 'regular', '2025-01-01', '2025-12-31')")
    run("INSERT INTO award_type (id, authority_id, code, name, category, subject, conferred_by, "
        "coefficient, notes, active) VALUES (1, 1, 'GK_CN', 'Giấy khen', 'form', "
        "'individual', 'self', 0.3, '', true)")
    run("INSERT INTO decision (id, authority_id, year, number, symbol, issued_on, subject, "
        "signer_id, signer_name, signer_is_vice, base_salary, total_amount, award_count, "
        "priority_count, created_at) VALUES (1, 1, 2025, 1, 'QĐ-UBND', '2025-02-01', "
        "'Về việc tặng Giấy khen', 1, 'Chủ tịch', false, 2340000, 1404000, 2, 1, :t)", t=WHEN)
    run("INSERT INTO decision_counter (authority_id, year, last_number) VALUES (1, 2025, 1)")
    for pid, state, decision, has_priority in ((1, "decided", 1, False),
                                               (2, "draft", None, True)):
        run("INSERT INTO proposal (id, unit_id, campaign_id, award_type_id, created_by_id, "
            "title, achievement, state, revision_count, nominee_count, priority_count, "
            "has_priority, created_at, submitted_at, state_changed_at, decision_id, version, "
            "nominee_names, queue_key) VALUES (:id, 1, 1, 1, 1, 'Tờ trình', 'thành tích', "
            ":state, 0, 2, :priority, :flag, :t, :submitted, :t, :decision, 1, '', :key)",
            id=pid, state=state, priority=1 if pid == 1 else 0, flag=has_priority, t=WHEN,
            submitted=WHEN if decision else None, decision=decision,
            key=None if decision else "unit")
    db.session.commit()


def proposal_indexes() -> dict[str, str]:
    if db.engine.dialect.name == "postgresql":
        rows = db.session.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = 'proposal'"))
    else:
        rows = db.session.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'proposal' "
            "AND sql IS NOT NULL"))
    return dict(rows.all())


def rows() -> list[tuple]:
    return [tuple(r) for r in db.session.execute(text(
        "SELECT p.id, p.state, p.priority_count, d.id, d.award_count, d.subject "
        "FROM proposal p LEFT JOIN decision d ON d.id = p.decision_id ORDER BY p.id"))]


def test_0008_keeps_the_data_fixes_the_priority_flag_and_downgrades(app, tmp_path):
    with separate_app(app, tmp_path):
        upgrade(revision="0007")
        insert_rows_of_0007()
        before, indexes = rows(), proposal_indexes()
        assert any("DESC" in definition for definition in indexes.values())
        db.session.remove()

        upgrade(revision="0008")

        assert rows() == before
        flags = db.session.execute(text(
            "SELECT id, has_priority FROM proposal ORDER BY id")).all()
        assert [(pid, bool(flag)) for pid, flag in flags] == [(1, True), (2, False)]
        assert db.session.scalar(text("SELECT header_parent FROM authority")) is None
        assert proposal_indexes() == indexes  # the DESC indexes came back as they were
        columns = {c["name"]: c["type"]
                   for c in inspect(db.session.connection()).get_columns("decision")}
        assert isinstance(columns["subject"], Text)
        long_subject = "Về việc khen thưởng thành tích " + "x" * 2000
        run("UPDATE decision SET subject = :s", s=long_subject)
        db.session.commit()
        with pytest.raises(IntegrityError):
            run("UPDATE decision SET award_count = 0, priority_count = 0")
        db.session.rollback()
        run("UPDATE decision SET subject = 'Về việc tặng Giấy khen'")
        db.session.commit()
        db.session.remove()
        upgrade()
        check()  # the models agree with what 0008 built from data

        downgrade(revision="0007")

        assert rows() == before
        assert "header_parent" not in {
            c["name"] for c in inspect(db.session.connection()).get_columns("authority")}
        assert proposal_indexes() == indexes
        run("UPDATE decision SET award_count = 0, priority_count = 0")  # no CHECK any more
        db.session.rollback()
