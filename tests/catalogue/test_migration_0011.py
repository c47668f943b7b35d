"""Migration 0011 on a database that holds data: each entry's one coefficient becomes its first
dated row, in force on the day of every decision issued so far; the downgrade gives the
number back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from award_flow.extensions import db
from tests.core.test_migrations import run, separate_app
from tests.decisions.test_migration_0008 import insert_rows_of_0007


def _coefficients() -> list[tuple]:
    return [tuple(r) for r in db.session.execute(text(
        "SELECT award_type_id, coefficient, effective_from, source FROM award_coefficient "
        "ORDER BY id")).all()]


#: the day of the authority's one decision → the day its coefficient is in force from
SINCE = [("2025-02-01", "2024-01-01"),  # the Law of 2022's day, as the defaults
         ("2023-05-02", "2023-05-02")]  # an earlier decision stands under it too


@pytest.mark.parametrize(("decided_on", "since"), SINCE)
def test_0011_dates_each_coefficient_and_downgrades(app, tmp_path, decided_on, since):
    with separate_app(app, tmp_path):
        upgrade(revision="0007")
        insert_rows_of_0007()  # GK_CN at 0.3, and a decision of its authority
        run("UPDATE decision SET issued_on = :d", d=decided_on)
        db.session.commit()
        db.session.remove()

        upgrade(revision="0011")
        rows = _coefficients()
        assert [(r[0], Decimal(str(r[1])), str(r[2]), r[3]) for r in rows] == [
            (1, Decimal("0.3"), since, "")]
        columns = {c["name"] for c in inspect(db.session.connection()).get_columns("award_type")}
        assert "coefficient" not in columns
        with pytest.raises(IntegrityError):
            run("INSERT INTO award_coefficient (award_type_id, coefficient, effective_from, "
                "source) VALUES (1, -1, '2026-07-01', '')")
        db.session.rollback()
        with pytest.raises(IntegrityError):  # one coefficient per entry and day
            run("INSERT INTO award_coefficient (award_type_id, coefficient, effective_from, "
                "source) VALUES (1, 0.5, :d, '')", d=since)
        db.session.rollback()
        run("INSERT INTO award_coefficient (award_type_id, coefficient, effective_from, "
            "source) VALUES (1, 0.5, '2099-01-01', 'Nghị định 99/2099/NĐ-CP')")
        db.session.commit()
        db.session.remove()
        upgrade()
        check()  # the models agree with what 0011 built from data

        downgrade(revision="0010")
        # Back to one number: today's, not the one still to come.
        assert db.session.execute(text("SELECT id, coefficient FROM award_type")).all() == [
            (1, Decimal("0.300") if db.engine.dialect.name == "postgresql" else 0.3)]
        assert "award_coefficient" not in inspect(db.session.connection()).get_table_names()
        with pytest.raises(IntegrityError):
            run("UPDATE award_type SET coefficient = -1")
        db.session.rollback()
