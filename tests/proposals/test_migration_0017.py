"""Migration 0017 on a database that holds proposals: `proposal.form_key` is added empty (a
proposal filed before it came from no keyed form) under its unique index per creator, in
place (the queue indexes and their DESC order are kept); the downgrade drops both."""

from __future__ import annotations

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from award_flow.extensions import db
from tests.core.test_migrations import (
    counts,
    insert_rows_of_0002,
    queue_index_definitions,
    run,
    separate_app,
)


def test_0017_adds_an_empty_form_key_unique_per_creator_and_downgrades(app, tmp_path):
    with separate_app(app, tmp_path):
        upgrade(revision="0002")
        insert_rows_of_0002()
        db.session.remove()
        upgrade(revision="0016")
        before, queues = counts(), queue_index_definitions()
        db.session.remove()

        upgrade(revision="0017")

        assert counts() == before
        assert queue_index_definitions() == queues
        assert set(db.session.scalars(text("SELECT form_key FROM proposal"))) == {None}
        (index,) = [i for i in inspect(db.session.connection()).get_indexes("proposal")
                    if i["name"] == "ix_proposal_created_by_id_form_key"]
        assert (index["column_names"], bool(index["unique"])) == (
            ["created_by_id", "form_key"], True)
        run("UPDATE proposal SET form_key = 'the-same-form-key' WHERE id = 1")
        db.session.commit()
        with pytest.raises(IntegrityError):  # one creator, one key: one proposal
            run("UPDATE proposal SET form_key = 'the-same-form-key' WHERE id = 2")
            db.session.flush()
        db.session.rollback()
        db.session.remove()
        upgrade()
        check()  # the models (at head) agree with what 0017 built

        downgrade(revision="0016")

        columns = {c["name"] for c in inspect(db.session.connection()).get_columns("proposal")}
        assert "form_key" not in columns
        assert counts() == before
        assert queue_index_definitions() == queues
