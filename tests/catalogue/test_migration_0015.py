"""Migration 0015 on a database that holds data: a household's Giấy khen stored as 1,5 × the
individual's coefficients, date for date, becomes 1,5 × the individual's bonus and loses its
own rows; one an admin gave other coefficients keeps them, with a warning; the downgrade gives
the coefficients back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from award_flow.extensions import db
from tests.core.test_migrations import run, separate_app

#: authority → {code: (id, subject, [(effective_from, coefficient)])} as revision 0014 stores
#: them.
ROWS = {
    1: {"GK_CN": (10, "individual", [("2024-01-01", "0.3"), ("2026-07-01", "0.35")]),
        "GK_HGD": (11, "household", [("2024-01-01", "0.45"), ("2026-07-01", "0.525")])},
    2: {"GK_CN": (20, "individual", [("2024-01-01", "0.3")]),
        "GK_HGD": (21, "household", [("2024-01-01", "0.5")])},  # an admin's own
}


def insert_rows_of_0014() -> None:
    for authority_id, entries in ROWS.items():
        run("INSERT INTO authority (id, name, place_name, level, issuer_code, "
            "decision_legal_bases, decision_proposer, decision_executors, decision_recipients, "
            "bonus_fund) VALUES (:id, :name, 'Duyên Hải', 'district', 'UBND', '', '', '', '', "
            "'')", id=authority_id, name=f"UBND {authority_id}")
        for code, (row_id, subject, coefficients) in entries.items():
            run("INSERT INTO award_type (id, authority_id, code, name, name_key, category, "
                "subject, conferred_by, notes, active) VALUES (:id, :authority, :code, "
                "'Giấy khen', :key, 'form', :subject, 'self', '', true)", id=row_id,
                authority=authority_id, code=code, key=f"giay khen {row_id}", subject=subject)
            for since, value in coefficients:
                run("INSERT INTO award_coefficient (award_type_id, coefficient, effective_from, "
                    "source) VALUES (:id, :value, :since, 'Nghị định 152/2025/NĐ-CP')",
                    id=row_id, value=float(value), since=date.fromisoformat(since))
    db.session.commit()


def coefficients() -> dict[int, list[tuple[date, Decimal]]]:
    rows: dict[int, list] = {}
    for type_id, since, value in db.session.execute(text(
            "SELECT award_type_id, effective_from, coefficient FROM award_coefficient "
            "ORDER BY award_type_id, effective_from")):
        since = since if isinstance(since, date) else date.fromisoformat(since)
        rows.setdefault(type_id, []).append((since, Decimal(str(value)).normalize()))
    return rows


def multiples() -> dict[int, tuple]:
    return {row_id: (of, None if multiple is None else Decimal(str(multiple)).normalize())
            for row_id, of, multiple in db.session.execute(text(
                "SELECT id, bonus_multiple_of_id, bonus_multiple FROM award_type"))}


def test_0015_makes_the_default_household_award_a_multiple_and_downgrades(app, tmp_path,
                                                                          capsys):
    with separate_app(app, tmp_path):
        upgrade(revision="0014")
        insert_rows_of_0014()
        before = coefficients()
        db.session.remove()
        capsys.readouterr()

        upgrade(revision="0015")

        warnings = [line for line in capsys.readouterr().err.splitlines()
                    if line.startswith("WARN")]
        assert len(warnings) == 1
        assert ("award_type 21 (GK_HGD of authority 2) keeps coefficients of its own"
                in warnings[0])
        assert multiples() == {10: (None, None), 11: (10, Decimal("1.5")),
                               20: (None, None), 21: (None, None)}
        after = coefficients()
        assert 11 not in after
        assert after == {k: v for k, v in before.items() if k != 11}
        db.session.remove()

        downgrade(revision="0014")

        columns = {c["name"] for c in inspect(db.session.connection()).get_columns(
            "award_type")}
        assert not {"bonus_multiple_of_id", "bonus_multiple"} & columns
        assert coefficients() == before
