"""Migration 0016 on a database that holds data: an entry's multiple of another entry's bonus
leaves the entry for a dated row of its own, in force from the first day of the coefficients
it multiplies and with their basis; the downgrade puts it back, and refuses to squeeze a
multiple that changed over time into one column."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect, text

from award_flow.extensions import db
from tests.catalogue.test_migration_0015 import coefficients, insert_rows_of_0014, multiples
from tests.core.test_migrations import run, separate_app


def rows() -> dict[int, list[tuple]]:
    found: dict[int, list] = {}
    for type_id, since, coefficient, multiple, source in db.session.execute(text(
            "SELECT award_type_id, effective_from, coefficient, multiple, source "
            "FROM award_coefficient ORDER BY award_type_id, effective_from")):
        since = since if isinstance(since, date) else date.fromisoformat(since)
        found.setdefault(type_id, []).append((
            since, None if coefficient is None else Decimal(str(coefficient)).normalize(),
            None if multiple is None else Decimal(str(multiple)).normalize(), source))
    return found


def test_0016_dates_the_household_multiple_and_downgrades(app, tmp_path, capsys):
    with separate_app(app, tmp_path):
        upgrade(revision="0014")
        insert_rows_of_0014()
        db.session.remove()
        upgrade(revision="0015")  # award_type 11 (GK_HGD) becomes 1,5 × award_type 10
        before = coefficients()
        assert 11 not in before
        db.session.remove()

        upgrade(revision="0016")

        columns = {c["name"] for c in inspect(db.session.connection()).get_columns(
            "award_type")}
        assert "bonus_multiple" not in columns
        after = rows()
        assert after[11] == [(date(2024, 1, 1), None, Decimal("1.5"), "Nghị định 152/2025/NĐ-CP")]
        assert {k: [(since, value) for since, value, _multiple, _source in v]
                for k, v in after.items() if k != 11} == before
        db.session.remove()
        upgrade()
        check()  # the models (at head) agree with what 0016 built
        db.session.remove()

        # A multiple that changed over time does not fit 0015's one column: refused, with
        # nothing changed.
        run("INSERT INTO award_coefficient (award_type_id, multiple, effective_from, source) "
            "VALUES (11, 2, :since, 'Nghị định 99/2026/NĐ-CP')", since=date(2026, 7, 1))
        db.session.commit()
        db.session.remove()
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits
            downgrade(revision="0015")
        assert "award_type 11 (GK_HGD) has 2 different multiples over time" in \
            capsys.readouterr().err
        db.session.remove()
        assert len(rows()[11]) == 2
        run("DELETE FROM award_coefficient WHERE multiple = 2")
        db.session.commit()
        db.session.remove()

        downgrade(revision="0015")

        assert multiples()[11] == (10, Decimal("1.5"))
        assert coefficients() == before
