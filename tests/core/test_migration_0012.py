"""Migration 0012 on a database that holds data: every unit and campaign gets its name's key,
the spellings of one name saved before the check existed are kept as they are (nothing
renamed, the later ones by id keyed "…#id" and named in a warning), the constraints hold,
and the downgrade gives 0011 back."""

from __future__ import annotations

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from award_flow.core.errors import ValidationError
from award_flow.extensions import db
from award_flow.org.models import Authority, Unit, UnitKind
from award_flow.org.operations import save_unit
from tests.core.test_migrations import WHEN, run, separate_app

#: (table, id, authority, name) as revision 0011 stores them, inserted in this order (not
#: the order of their ids) → the key 0012 gives the row
ROWS = [
    ("unit", 5, 1, "xã long hữu", "xã long hưũ#5"),
    ("unit", 3, 1, "Xã Long Hữu", "xã long hưũ"),
    ("unit", 9, 1, "XÃ  LONG HỮU", "xã long hưũ#9"),
    ("unit", 4, 2, "Xã Long Hữu", "xã long hưũ"),  # another authority's: not a duplicate
    ("unit", 8, 1, "xã trường long hoà", "xã trương̀ long hoà"),
    ("unit", 7, 1, "Phường 1", "phương̀ 1"),
    ("campaign", 2, 1, "phong trào thi đua 2021 - 2025", "phong traò thi đua 2021 - 2025#2"),
    ("campaign", 1, 1, "Phong trào thi đua 2021 - 2025", "phong traò thi đua 2021 - 2025"),
    ("campaign", 3, 2, "Phong trào thi đua 2021 - 2025", "phong traò thi đua 2021 - 2025"),
]
#: what the warnings say of the later spellings (one warning each)
WARNED = [
    ('unit 5 "xã long hữu" of authority 1 has the name of unit 3 "Xã Long Hữu"'),
    ('unit 9 "XÃ  LONG HỮU" of authority 1 has the name of unit 3 "Xã Long Hữu"'),
    ('campaign 2 "phong trào thi đua 2021 - 2025" of authority 1 has the name of campaign 1 '
     '"Phong trào thi đua 2021 - 2025"'),
]


def insert_rows_of_0011() -> None:
    for authority_id in (1, 2):
        run("INSERT INTO authority (id, name, place_name, level, issuer_code, "
            "decision_legal_bases, decision_proposer, decision_executors, decision_recipients, "
            "bonus_fund) VALUES (:id, :name, 'Duyên Hải', 'district', 'UBND', '', '', '', '', "
            "'')", id=authority_id, name=f"UBND {authority_id}")
    for table, row_id, authority_id, name, _key in ROWS:
        if table == "unit":
            run("INSERT INTO unit (id, authority_id, name, kind, active, created_at) "
                "VALUES (:id, :authority, :name, 'commune', true, :t)",
                id=row_id, authority=authority_id, name=name, t=WHEN)
        else:
            run("INSERT INTO campaign (id, authority_id, name, kind, starts_on, ends_on) "
                "VALUES (:id, :authority, :name, 'regular', '2021-01-01', '2025-12-31')",
                id=row_id, authority=authority_id, name=name)
    db.session.commit()


def names() -> list[tuple]:
    return sorted(
        (table, *row) for table in ("unit", "campaign") for row in db.session.execute(text(
            f"SELECT id, authority_id, name FROM {table}")))


def constraint_names(table: str) -> set[str]:
    return {c["name"] for c in inspect(db.session.connection()).get_unique_constraints(table)}


def test_0012_keys_every_name_keeps_the_duplicates_and_downgrades(app, tmp_path, capsys):
    with separate_app(app, tmp_path):
        upgrade(revision="0011")
        insert_rows_of_0011()
        before = names()
        db.session.remove()
        capsys.readouterr()

        upgrade(revision="0012")

        warnings = [line for line in capsys.readouterr().err.splitlines()
                    if line.startswith("WARN")]
        assert [any(w in line for line in warnings) for w in WARNED] == [True] * len(WARNED)
        assert len(warnings) == len(WARNED)
        assert names() == before  # nothing renamed
        keys = {(table, row_id): key for table in ("unit", "campaign")
                for row_id, key in db.session.execute(text(f"SELECT id, name_key FROM {table}"))}
        assert keys == {(table, row_id): key for table, row_id, _a, _n, key in ROWS}
        for table in ("unit", "campaign"):
            assert f"uq_{table}_authority_id_name_key" in constraint_names(table)
            columns = {c["name"]: c for c in inspect(db.session.connection()).get_columns(table)}
            assert columns["name_key"]["nullable"] is False
        with pytest.raises(IntegrityError):
            run("INSERT INTO campaign (id, authority_id, name, kind, starts_on, ends_on, "
                "name_key) VALUES (4, 1, 'Phong trào', 'regular', '2021-01-01', '2025-12-31', "
                "'phong traò thi đua 2021 - 2025')")
        db.session.rollback()
        upgrade()
        check()  # the models (at head) agree with what 0012 built from data

        # Saved again, a duplicate is refused with the usual message; renamed, it is keyed.
        authority, duplicate = db.session.get(Authority, 1), db.session.get(Unit, 5)
        with pytest.raises(ValidationError) as refused:
            save_unit(None, authority, duplicate.name, UnitKind.COMMUNE, unit=duplicate)
        assert refused.value.field == "name"
        assert refused.value.message.startswith("Đã có đơn vị “Xã Long Hữu”")
        db.session.rollback()
        save_unit(None, authority, "Xã Long Hữu cũ", UnitKind.COMMUNE, unit=duplicate)
        db.session.commit()
        assert db.session.scalar(text("SELECT name_key FROM unit WHERE id = 5")) == \
            "xã long hưũ cũ"
        before = names()
        db.session.remove()

        downgrade(revision="0011")

        for table in ("unit", "campaign"):
            columns = {c["name"] for c in inspect(db.session.connection()).get_columns(table)}
            assert "name_key" not in columns
            assert f"uq_{table}_authority_id_name_key" not in constraint_names(table)
        assert "uq_unit_authority_id_name" in constraint_names("unit")
        assert names() == before
