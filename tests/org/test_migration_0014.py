"""Migration 0014 on a database that holds data: the database takes the new kind of unit,
hamlet, and still refuses an unknown one; no unit is reclassified, but the units of a
commune-level authority filed as communes or wards (where its hamlets had to go) are named
in a warning; the downgrade files hamlets as communes again and gives 0013 back."""

from __future__ import annotations

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from award_flow.extensions import db
from award_flow.org.models import Authority, UnitKind
from award_flow.org.operations import save_unit
from tests.core.test_migrations import WHEN, run, separate_app

#: (id, level) of the authorities as revision 0013 stores them
AUTHORITIES = [(1, "district"), (2, "commune")]
#: (id, authority, name, kind) of the units as revision 0013 stores them → named in 0014's
#: warning (a commune-level authority's commune or ward)
UNITS = [
    (1, 1, "Xã Long Hữu", "commune", False),  # a district's commune: a commune indeed
    (2, 1, "Phường 1", "ward", False),
    (3, 2, "Ấp Long Khánh", "commune", True),  # a commune's hamlet, filed as a commune
    (4, 2, "Khóm 1", "ward", True),
    (5, 2, "Văn phòng HĐND và UBND xã", "agency", False),
    (6, 2, "Hội Nông dân xã", "organisation", False),
]
CONSTRAINT = "ck_unit_unit_kind"


def insert_rows_of_0013() -> None:
    for authority_id, level in AUTHORITIES:
        run("INSERT INTO authority (id, name, place_name, level, issuer_code, "
            "decision_legal_bases, decision_proposer, decision_executors, decision_recipients, "
            "bonus_fund) VALUES (:id, :name, 'Long Hữu', :level, 'UBND', '', '', '', '', '')",
            id=authority_id, name=f"UBND {authority_id}", level=level)
    for row_id, authority_id, name, kind, _warned in UNITS:
        insert_unit(row_id, authority_id, name, kind)
    if db.engine.dialect.name == "postgresql":  # the ids given: the next one the ORM's
        run("SELECT setval('unit_id_seq', (SELECT max(id) FROM unit))")
    db.session.commit()


def insert_unit(row_id: int, authority_id: int, name: str, kind: str) -> None:
    run("INSERT INTO unit (id, authority_id, name, name_key, kind, active, created_at) "
        "VALUES (:id, :authority, :name, :key, :kind, true, :t)",
        id=row_id, authority=authority_id, name=name, key=name.lower(), kind=kind, t=WHEN)


def kinds() -> dict[int, str]:
    return dict(db.session.execute(text("SELECT id, kind FROM unit")).tuples().all())


def refused(kind: str) -> bool:
    """Whether the database refuses a unit of `kind` (nothing is left of the attempt)."""
    try:
        with db.session.begin_nested():
            insert_unit(99, 2, "Ấp Thử", kind)
    except IntegrityError:
        return True
    run("DELETE FROM unit WHERE id = 99")
    return False


def check_constraints() -> set[str]:
    return {c["name"] for c in inspect(db.session.connection()).get_check_constraints("unit")}


def warnings_of(capsys) -> list[str]:  # noqa: ANN001
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("WARN")]


def test_0014_takes_hamlets_names_the_doubtful_units_and_downgrades(app, tmp_path, capsys):
    with separate_app(app, tmp_path):
        upgrade(revision="0013")
        insert_rows_of_0013()
        assert refused("hamlet")  # the audit's finding: a hamlet could only be a commune
        db.session.remove()
        capsys.readouterr()

        upgrade(revision="0014")

        warnings = warnings_of(capsys)
        named = [row_id for row_id, _a, _n, _k, warned in UNITS if warned]
        assert len(warnings) == len(named)
        for row_id, warning in zip(named, warnings, strict=True):
            name, kind = next((n, k) for i, _a, n, k, _w in UNITS if i == row_id)
            assert f'unit {row_id} "{name}" of authority 2 "UBND 2" (commune level) is filed ' \
                   f'as a {kind}' in warning
            assert 'the kind "Ấp, khóm, thôn, tổ dân phố"' in warning
        assert kinds() == {row_id: kind for row_id, _a, _n, kind, _w in UNITS}  # none changed
        assert CONSTRAINT in check_constraints()
        assert [kind for kind in (*UnitKind, "galaxy", "Hamlet") if refused(kind)] \
            == ["galaxy", "Hamlet"]
        db.session.remove()
        upgrade()
        check()  # the models (at head) agree with what 0014 built

        # At head, a commune's hamlet is filed as one, and the hamlet filed as a commune
        # becomes one.
        commune = db.session.get(Authority, 2)
        save_unit(None, commune, "Ấp Giồng Giếng", UnitKind.HAMLET)
        save_unit(None, commune, "Ấp Long Khánh", UnitKind.HAMLET,
                  unit=next(u for u in commune.units if u.id == 3))
        db.session.commit()
        hamlets = {row_id for row_id, kind in kinds().items() if kind == "hamlet"}
        assert len(hamlets) == 2 and 3 in hamlets
        db.session.remove()
        capsys.readouterr()

        downgrade(revision="0013")

        warnings = warnings_of(capsys)
        assert len(warnings) == 2
        assert 'unit 3 "Ấp Long Khánh" of authority 2 "UBND 2" is a hamlet or residential ' \
               'group: filed as a commune' in warnings[0]
        assert '"Ấp Giồng Giếng"' in warnings[1]
        assert kinds() == {**{row_id: kind for row_id, _a, _n, kind, _w in UNITS},
                           **{row_id: "commune" for row_id in hamlets}}
        assert CONSTRAINT in check_constraints()
        assert refused("hamlet") and not refused("commune")


@pytest.mark.parametrize("kind", list(UnitKind))
def test_the_database_takes_every_kind_the_model_has(world, kind):
    """The CHECK at head and UnitKind agree: a kind added without its migration fails here."""
    run("INSERT INTO unit (authority_id, name, name_key, kind, active, created_at) "
        "VALUES (:authority, 'Đơn vị', 'đơn vị', :kind, true, :t)",
        authority=world.authority.id, kind=kind.value, t=WHEN)
    db.session.flush()
