"""Migration 0018 on a database that holds nominees: `nominee.version` is added in place, at 1
for every existing nominee (the version their edit forms, opened before it, will be refused
against, as a form without one is), and every row is kept; the downgrade drops it."""

from __future__ import annotations

from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect, text

from award_flow.extensions import db
from tests.core.test_migrations import (
    NOMINEES,
    counts,
    insert_rows_of_0002,
    queue_index_definitions,
    run,
    separate_app,
)


def _nominees() -> list[tuple]:
    return [tuple(row) for row in db.session.execute(text(
        "SELECT id, proposal_id, name, name_folded FROM nominee ORDER BY id"))]


def test_0018_gives_every_nominee_a_version_of_1_and_downgrades(app, tmp_path):
    with separate_app(app, tmp_path):
        upgrade(revision="0002")
        insert_rows_of_0002()
        db.session.remove()
        upgrade(revision="0017")
        before, queues, nominees = counts(), queue_index_definitions(), _nominees()
        db.session.remove()

        upgrade(revision="0018")

        assert counts() == before
        assert queue_index_definitions() == queues
        assert _nominees() == nominees
        assert dict(db.session.execute(text("SELECT id, version FROM nominee")).all()) == {
            nid: 1 for rows in NOMINEES.values() for nid, _name in rows}
        # A nominee added as an older release adds it (no version given) starts at 1 too.
        run("INSERT INTO nominee (id, proposal_id, kind, name, name_folded, position, "
            "unit_or_address, achievement_summary, priority_group) VALUES (50, 2, "
            "'individual', 'Lâm Thị Mai', 'lam thi mai', '', '', '', 'none')")
        assert db.session.scalar(text("SELECT version FROM nominee WHERE id = 50")) == 1
        db.session.rollback()
        db.session.remove()
        upgrade()
        check()  # the models (at head) agree with what 0018 built

        downgrade(revision="0017")

        columns = {c["name"] for c in inspect(db.session.connection()).get_columns("nominee")}
        assert "version" not in columns
        assert counts() == before
        assert _nominees() == nominees
        assert queue_index_definitions() == queues
