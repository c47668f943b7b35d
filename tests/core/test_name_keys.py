"""A unit's and a campaign's name are taken once per authority, and an award's once per
authority and kind of nominee, whatever the spelling (`same_name_key`: case, spacing and where
a word's tone mark sits left aside). The database keeps it: each row stores its key
(`name_key`, set with the name) under UNIQUE (authority_id, name_key), migration 0012, or
(authority_id, subject, name_key), migration 0013. The operations' check names the clash; a
second spelling that it could not see (another admin's row, not yet committed) is refused by
the constraint at the same field, with the check's message as far as the refusal knows it."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from award_flow.auth.models import User
from award_flow.campaigns import operations as campaign_ops
from award_flow.campaigns.models import Campaign, CampaignKind
from award_flow.campaigns.operations import CampaignData, save_campaign
from award_flow.catalogue import operations as catalogue_ops
from award_flow.catalogue.models import AwardCategory, AwardType, ConferredBy, NomineeKind
from award_flow.catalogue.operations import AwardTypeData, save_award_type
from award_flow.core.audit import AuditEvent
from award_flow.core.database import flush_unique, unique_columns
from award_flow.core.errors import ValidationError
from award_flow.core.model_base import utcnow
from award_flow.core.text import same_name_key
from award_flow.extensions import db
from award_flow.org import operations as org_ops
from award_flow.org.models import Authority, Unit, UnitKind
from award_flow.org.operations import save_unit
from tests.support import second_waits_for_first
from tests.web_helpers import db_snapshot


@dataclass(frozen=True)
class Named:
    """What the tests do alike to units, campaigns and award types."""

    model: type
    #: the module whose check looks the key up (made blind below)
    operations: object
    action: str
    #: who saves it: an attribute of `world`
    actor: str
    #: a name `world` has already
    existing: str
    #: the check's refusal: {name} and {code} of the row it clashes with
    taken: str
    save: Callable  # (actor, authority, name, row=None) → row
    columns: Callable[[Authority, str], dict]  # every column of a raw row but the key
    #: the constraint's refusal: {name} being saved (the other row's is unknown); None: `taken`
    taken_behind: str | None = None

    def refusal(self, name: str, code: str | None = None) -> str:
        return self.taken.format(name=name, code=code)

    def refusal_behind(self, name: str) -> str:
        return (self.taken_behind or self.taken).format(name=name)


def _save_unit(actor, authority, name, row=None):  # noqa: ANN001, ANN202
    return save_unit(actor, authority, name, UnitKind.COMMUNE, unit=row)


def _save_campaign(actor, authority, name, row=None):  # noqa: ANN001, ANN202
    return save_campaign(actor, authority, CampaignData(
        name=name, kind=CampaignKind.REGULAR, starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31)), campaign=row)


_codes = itertools.count(1)


def _save_award_type(actor, authority, name, row=None):  # noqa: ANN001, ANN202
    if row is not None:
        return save_award_type(actor, authority, AwardTypeData(name=name), row)
    return save_award_type(actor, authority, AwardTypeData(
        name=name, coefficient=Decimal("0.3"), code=f"TEN_{next(_codes)}",
        coefficient_source="Nghị định 152/2025/NĐ-CP",
        category=AwardCategory.TITLE, subject=NomineeKind.INDIVIDUAL))


UNIT = Named(
    Unit, org_ops, "save_unit", "admin", "Xã Long Hữu",
    "Đã có đơn vị “{name}”: tên chỉ khác chữ hoa, chữ thường hoặc vị trí dấu thanh là cùng một "
    "đơn vị.", _save_unit,
    lambda authority, name: {"authority_id": authority.id, "name": name,
                             "kind": UnitKind.COMMUNE, "active": True, "created_at": utcnow()})
CAMPAIGN = Named(
    Campaign, campaign_ops, "save_campaign", "secretariat", "Phong trào thi đua 2021 - 2025",
    "Đã có phong trào “{name}”.", _save_campaign,
    lambda authority, name: {"authority_id": authority.id, "name": name,
                             "kind": CampaignKind.REGULAR, "starts_on": date(2026, 1, 1),
                             "ends_on": date(2026, 12, 31)})
AWARD_TYPE = Named(
    AwardType, catalogue_ops, "save_award_type", "admin", "Lao động tiên tiến",
    "Danh mục đã có “{name}” (mã {code}) cho cá nhân.", _save_award_type,
    lambda authority, name: {"authority_id": authority.id, "code": f"RAW_{next(_codes)}",
                             "name": name, "category": AwardCategory.TITLE,
                             "subject": NomineeKind.INDIVIDUAL,
                             "conferred_by": ConferredBy.SELF, "notes": "", "active": True},
    taken_behind="Danh mục đã có “{name}” cho cá nhân.")
BOTH = [pytest.param(UNIT, id="unit"), pytest.param(CAMPAIGN, id="campaign"),
        pytest.param(AWARD_TYPE, id="award type")]


def _actor(world, what: Named) -> User:  # noqa: ANN001
    return getattr(world, what.actor)


def _rows_keyed(what: Named, name: str) -> int:
    return db.session.scalar(select(func.count()).select_from(what.model).where(
        what.model.name_key == same_name_key(name)))


#: a name as typed → its key; the key is the one `same_name_key` gives, however the name is set
KEYS = [
    ("Xã Trường Long Hòa", "xã trương̀ long hoà"),
    ("xã  trường long  hoà", "xã trương̀ long hoà"),
    ("Phong trào thi đua 2026", "phong traò thi đua 2026"),
]


@pytest.mark.parametrize("what", BOTH)
@pytest.mark.parametrize(("name", "key"), KEYS)
def test_the_key_follows_the_name_however_it_is_set(world, what, name, key):
    saved = what.save(_actor(world, what), world.authority, name)
    assert saved.name_key == key
    saved.name = what.existing + " mới"  # the model itself, as the demo and bench set names
    assert saved.name_key == same_name_key(what.existing + " mới")
    assert what.model(name=name).name_key == key


#: how a second spelling of a name gets in behind the operations
BEHIND = ["orm", "insert"]


@pytest.mark.parametrize("what", BOTH)
@pytest.mark.parametrize("how", BEHIND)
def test_the_database_refuses_a_second_spelling_inserted_behind_the_operations(world, what,
                                                                               how):
    spelling = what.existing.upper()
    columns = what.columns(world.authority, spelling)
    with pytest.raises(IntegrityError, match="name_key"):
        if how == "orm":
            db.session.add(what.model(**columns))
            db.session.flush()
        else:
            db.session.execute(insert(what.model).values(
                **columns, name_key=same_name_key(spelling)))
    db.session.rollback()
    assert _rows_keyed(what, what.existing) == 1


@pytest.mark.parametrize("what", BOTH)
def test_another_authority_may_have_the_same_name(world, other_world, what):
    for w in (world, other_world):
        what.save(_actor(w, what), w.authority, "Tên dùng ở hai nơi")
    db.session.commit()
    assert _rows_keyed(what, "Tên dùng ở hai nơi") == 2


#: the longest name a form takes, with words whose key is a character longer ("trường":
#: the tone mark moved to the end does not compose with the "g")
@pytest.mark.parametrize(("what", "length"), [pytest.param(UNIT, 200, id="unit"),
                                              pytest.param(AWARD_TYPE, 300, id="award type"),
                                              pytest.param(CAMPAIGN, 400, id="campaign")])
def test_a_name_of_the_longest_length_is_saved_though_its_key_is_longer(world, what, length):
    name = ("Trường " * length)[:length - 1] + "x"
    saved = what.save(_actor(world, what), world.authority, name)
    db.session.commit()
    assert len(saved.name) == length < len(saved.name_key)


@pytest.mark.parametrize("what", BOTH)
def test_what_the_check_could_not_see_the_constraint_refuses_at_the_field(world, what,
                                                                          monkeypatch):
    """The check looking for another key (as if the other row were not committed yet): the
    flush fails on the constraint, and the save is refused as the check would refuse it."""
    real = what.operations.same_name_key
    monkeypatch.setattr(what.operations, "same_name_key", lambda name: real(name) + "?")
    spelling = what.existing.lower()
    before = db_snapshot()

    with pytest.raises(ValidationError) as refused:
        what.save(_actor(world, what), world.authority, spelling)

    assert (refused.value.field, refused.value.message) == ("name",
                                                            what.refusal_behind(spelling))
    assert isinstance(refused.value.__cause__, IntegrityError)
    assert "name_key" in str(refused.value.__cause__)
    db.session.rollback()
    assert db_snapshot() == before


@pytest.mark.parametrize("what", BOTH)
def test_saving_a_row_that_shares_its_key_asks_for_another_name(world, what):
    """A duplicate left by migration 0012 (key "…#id"): saved again, its key is computed anew
    and the check names the first row; renamed, it takes its own key."""
    spelling = what.existing.lower()
    table = what.model.__table__
    (duplicate_id,) = db.session.execute(table.insert().values(
        **what.columns(world.authority, spelling), name_key="")).inserted_primary_key
    db.session.execute(table.update().where(table.c.id == duplicate_id)
                       .values(name_key=f"{same_name_key(spelling)}#{duplicate_id}"))
    db.session.commit()
    duplicate = db.session.get(what.model, duplicate_id)

    with pytest.raises(ValidationError) as refused:
        what.save(_actor(world, what), world.authority, spelling, duplicate)
    assert (refused.value.field, refused.value.message) == (
        "name", what.refusal(what.existing, "LDTT"))
    db.session.rollback()

    renamed = what.save(_actor(world, what), world.authority, "Tên khác hẳn", duplicate)
    db.session.commit()
    assert renamed.name_key == same_name_key("Tên khác hẳn")


def _saving(what: Named, actor_id: int, authority_id: int, name: str):  # noqa: ANN202
    return lambda: what.save(db.session.get(User, actor_id),
                             db.session.get(Authority, authority_id), name)


@pytest.mark.slow
@pytest.mark.parametrize("what", BOTH)
def test_two_saves_of_one_new_name_at_once_one_is_refused_at_the_field(app, world, what):
    """The first save has inserted and not committed when the second starts. PostgreSQL: the
    second's check cannot see the first's row, its insert waits on the unique index and fails
    when the first commits. SQLite: the second waits for the write lock (BEGIN IMMEDIATE)
    and its check then sees the row. Either way: refused at "name", nothing of it saved."""
    first_name, second_name = "Xã Hiệp Thạnh Mới", "xã hiệp thạnh mới"
    ids = (_actor(world, what).id, world.authority.id)
    audit_events = db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == what.action))
    db.session.commit()  # hold no transaction (SQLite: no lock) while the threads run

    first, second = second_waits_for_first(
        app, _saving(what, *ids, first_name), _saving(what, *ids, second_name),
        "the second save did not wait for the first")

    assert first.outcome == "ok"
    refused = second.outcome
    assert isinstance(refused, ValidationError), refused
    assert refused.field == "name"
    if db.engine.dialect.name == "postgresql":
        assert isinstance(refused.__cause__, IntegrityError)
        constraint = refused.__cause__.orig.diag.constraint_name
        assert constraint.startswith(f"uq_{what.model.__tablename__}_authority_id_")
        assert constraint.endswith("_name_key")
        assert refused.message == what.refusal_behind(second_name)  # all it knows
    else:
        assert refused.__cause__ is None
        first_row = db.session.scalar(select(what.model).where(what.model.name == first_name))
        assert refused.message == what.refusal(first_name, getattr(first_row, "code", None))
    assert db.session.scalars(select(what.model.name).where(
        what.model.name_key == same_name_key(first_name))).all() == [first_name]
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == what.action)) == audit_events + 1


#: which of an award type's two unique constraints a second row breaks → the refusal's field
CLASHES = [("code", "code"), ("name", "name")]


@pytest.mark.parametrize(("clash", "field"), CLASHES)
def test_a_table_with_two_unique_constraints_is_refused_at_the_one_broken(world, clash,
                                                                         field):
    existing = world.awards["LDTT"]
    columns = AWARD_TYPE.columns(world.authority, "Tên chưa có")
    columns["code" if clash == "code" else "name"] = getattr(existing, clash)
    db.session.add(AwardType(**columns))

    with pytest.raises(ValidationError) as refused:
        flush_unique("code taken", "code", by_column={"name_key": ("name taken", "name")})

    assert (refused.value.field, refused.value.message) == (field, f"{clash} taken")
    broken = {"code": {"authority_id", "code"},
              "name": {"authority_id", "subject", "name_key"}}[clash]
    assert unique_columns(refused.value.__cause__) == broken
    db.session.rollback()
