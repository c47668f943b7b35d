"""Migration 0013 on a database that holds data: every award type gets its name's key per
kind of nominee, the spellings of one name for one kind saved before the check existed are
kept as they are (the later ones by id keyed "…#id" and named in a warning), the constraint
holds, and the downgrade gives 0012 back."""

from __future__ import annotations

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from award_flow.catalogue.models import AwardType
from award_flow.catalogue.operations import AwardTypeData, save_award_type
from award_flow.core.errors import ValidationError
from award_flow.core.text import same_name_key
from award_flow.extensions import db
from award_flow.org.models import Authority
from tests.core.test_migration_0012 import constraint_names
from tests.core.test_migrations import run, separate_app

#: (id, authority, kind of nominee, name) as revision 0012 stores them, inserted in this
#: order (not the order of their ids) → what 0013 adds to the name's key (`same_name_key`)
ROWS = [
    (5, 1, "individual", "lao động tiên tiến", "#5"),
    (3, 1, "individual", "Lao động tiên tiến", ""),
    (4, 1, "collective", "Lao động tiên tiến", ""),  # another kind of nominee
    (6, 2, "individual", "Lao động tiên tiến", ""),  # another authority
    (7, 1, "household", "Giấy khen của Chủ tịch UBND", ""),
]
CONSTRAINT = "uq_award_type_authority_id_subject_name_key"


def insert_rows_of_0012() -> None:
    for authority_id in (1, 2):
        run("INSERT INTO authority (id, name, place_name, level, issuer_code, "
            "decision_legal_bases, decision_proposer, decision_executors, decision_recipients, "
            "bonus_fund) VALUES (:id, :name, 'Duyên Hải', 'district', 'UBND', '', '', '', '', "
            "'')", id=authority_id, name=f"UBND {authority_id}")
    for row_id, authority_id, subject, name, _key in ROWS:
        run("INSERT INTO award_type (id, authority_id, code, name, category, subject, "
            "conferred_by, notes, active) VALUES (:id, :authority, :code, :name, 'title', "
            ":subject, 'self', '', true)",
            id=row_id, authority=authority_id, code=f"T{row_id}", name=name, subject=subject)
    db.session.commit()


def names() -> list[tuple]:
    return sorted(db.session.execute(text(
        "SELECT id, authority_id, subject, name FROM award_type")).tuples())


def test_0013_keys_every_name_keeps_the_duplicates_and_downgrades(app, tmp_path, capsys):
    with separate_app(app, tmp_path):
        upgrade(revision="0012")
        insert_rows_of_0012()
        before = names()
        db.session.remove()
        capsys.readouterr()

        upgrade(revision="0013")

        warnings = [line for line in capsys.readouterr().err.splitlines()
                    if line.startswith("WARN")]
        assert len(warnings) == 1
        assert ('award_type 5 "lao động tiên tiến" of authority 1 has the name of award_type 3 '
                '"Lao động tiên tiến" for the same kind of nominee') in warnings[0]
        assert names() == before  # nothing renamed
        keys = db.session.execute(text("SELECT id, name_key FROM award_type")).tuples().all()
        assert dict(keys) == {row_id: same_name_key(name) + suffix
                              for row_id, _a, _s, name, suffix in ROWS}
        assert CONSTRAINT in constraint_names("award_type")
        columns = {c["name"]: c for c in inspect(db.session.connection()).get_columns(
            "award_type")}
        assert columns["name_key"]["nullable"] is False
        with pytest.raises(IntegrityError):
            run("INSERT INTO award_type (id, authority_id, code, name, category, subject, "
                "conferred_by, notes, active, name_key) VALUES (8, 1, 'T8', 'LĐTT', 'title', "
                "'collective', 'self', '', true, :key)", key=same_name_key("Lao động tiên tiến"))
        db.session.rollback()
        upgrade()
        check()  # the models (at head) agree with what 0013 built from data

        # Saved again, the duplicate is refused with the usual message; renamed, it is keyed.
        authority, duplicate = db.session.get(Authority, 1), db.session.get(AwardType, 5)
        with pytest.raises(ValidationError) as refused:
            save_award_type(None, authority, AwardTypeData(name=duplicate.name), duplicate)
        assert (refused.value.field, refused.value.message) == (
            "name", "Danh mục đã có “Lao động tiên tiến” (mã T3) cho cá nhân.")
        db.session.rollback()
        save_award_type(None, authority, AwardTypeData(name="Lao động tiên tiến (cũ)"),
                        db.session.get(AwardType, 5))
        db.session.commit()
        assert db.session.scalar(text("SELECT name_key FROM award_type WHERE id = 5")) == \
            same_name_key("Lao động tiên tiến (cũ)")
        before = names()
        db.session.remove()

        downgrade(revision="0012")

        columns = {c["name"] for c in inspect(db.session.connection()).get_columns(
            "award_type")}
        assert "name_key" not in columns
        assert CONSTRAINT not in constraint_names("award_type")
        assert "uq_award_type_authority_id_code" in constraint_names("award_type")
        assert names() == before
