"""Roles stay where they belong: the chairman, the vice chairmen and the secretariat are staff
of one of the authority's agencies, not of a commune, a ward or a mass organisation; and an
authority has one active chairman — through the account form, the operations the CLI uses,
and two admins saving a chairman at once. A refused account changes nothing and says why at
its field."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from award_flow.auth.models import User
from award_flow.auth.roles import Role
from award_flow.core.errors import ValidationError
from award_flow.extensions import db
from award_flow.org.models import UnitKind
from award_flow.org.operations import save_unit, save_user
from tests.factories import PASSWORD, make_user
from tests.support import run_at_once, second_waits_for_first
from tests.web_helpers import db_snapshot, field_errors, page_form

NOT_AN_AGENCY = ("{role} là cán bộ một cơ quan của Ủy ban nhân dân thị xã Duyên Hải: hãy chọn "
                 "đơn vị loại “Cơ quan, ban ngành”.")
SECOND_CHAIRMAN = ("Ủy ban nhân dân thị xã Duyên Hải đã có Chủ tịch đang hoạt động: {name} "
                   "({username}). Hãy khóa tài khoản đó trước, hoặc chọn vai trò Phó Chủ tịch "
                   "UBND.")


def _unit(world, kind: str):  # noqa: ANN001, ANN202
    if kind == "organisation":
        return save_unit(None, world.authority, "Hội Nông dân thị xã", UnitKind.ORGANISATION)
    return {"agency": world.home_affairs, "commune": world.unit_a, "ward": world.unit_b}[kind]


#: (role, kind of the account's unit) → refused at which field (None: saved)
ACCOUNTS = [
    (Role.VICE_CHAIRMAN, "agency", None),
    (Role.VICE_CHAIRMAN, "commune", "unit_id"),
    (Role.SECRETARIAT, "agency", None),
    (Role.SECRETARIAT, "ward", "unit_id"),
    (Role.SECRETARIAT, "organisation", "unit_id"),
    # The Standing Committee seats mass organisations' leaders too.
    (Role.COMMITTEE_MEMBER, "organisation", None),
    (Role.COMMITTEE_MEMBER, "agency", None),
    (Role.UNIT_OFFICER, "commune", None),
    (Role.UNIT_HEAD, "organisation", None),
    (Role.ADMIN, "agency", None),
    # The world has its chairman already.
    (Role.CHAIRMAN, "agency", "role"),
    (Role.CHAIRMAN, "commune", "unit_id"),
]


@pytest.mark.parametrize(("role", "kind", "refused_at"), ACCOUNTS)
def test_a_new_account_holds_a_role_that_fits_its_unit(client, world, login, role, kind,
                                                       refused_at):
    unit = _unit(world, kind)
    db.session.commit()
    login(world.admin)
    form = page_form(client, "/admin/users/new")
    before = db_snapshot()

    response = client.post("/admin/users/new", data=form.data(
        username="tai.khoan.moi", full_name="Người Mới", role=role.value, unit_id=str(unit.id),
        password=PASSWORD))

    if refused_at is None:
        assert response.status_code == 302, field_errors(response.text)
        assert db.session.scalar(select(User.role).where(
            User.username == "tai.khoan.moi")) == role
        return
    assert response.status_code == 200
    assert field_errors(response.text)[refused_at] == [
        NOT_AN_AGENCY.format(role=role.label) if refused_at == "unit_id" else
        SECOND_CHAIRMAN.format(name=world.chairman.full_name, username=world.chairman.username)]
    assert db_snapshot() == before


def test_a_new_chairman_is_saved_once_the_old_one_is_locked(world):
    vice = world.vice
    with pytest.raises(ValidationError):
        save_user(world.admin, username=vice.username, full_name=vice.full_name,
                  role=Role.CHAIRMAN, unit=vice.unit, password=None, user=vice)
    db.session.rollback()
    chairman = world.chairman
    save_user(world.admin, username=chairman.username, full_name=chairman.full_name,
              role=chairman.role, unit=chairman.unit, password=None, active=False,
              user=chairman)
    save_user(world.admin, username=vice.username, full_name=vice.full_name,
              role=Role.CHAIRMAN, unit=vice.unit, password=None, user=vice)
    db.session.commit()
    assert (chairman.active, vice.role) == (False, Role.CHAIRMAN)
    # The locked one cannot come back while the new one is in office.
    with pytest.raises(ValidationError):
        save_user(world.admin, username=chairman.username, full_name=chairman.full_name,
                  role=chairman.role, unit=chairman.unit, password=None, user=chairman)


def test_another_authoritys_chairman_is_no_obstacle(world, other_world):
    assert other_world.chairman.active
    world.chairman.active = False
    make_user("chairman.new", Role.CHAIRMAN, world.home_affairs)  # saved


def test_an_account_made_before_the_rules_is_saved_as_long_as_its_role_stays(world):
    """A chairman in a commune from before the rule: a new name saves; a new role is checked."""
    legacy = world.head_a
    legacy.role = Role.VICE_CHAIRMAN  # as rows before the rule may be
    db.session.commit()
    save_user(world.admin, username=legacy.username, full_name="Tên Mới", role=legacy.role,
              unit=legacy.unit, password=None, user=legacy)
    db.session.commit()
    assert legacy.full_name == "Tên Mới"


def test_an_agency_with_its_leaders_cannot_become_another_kind_of_unit(world):
    home = world.home_affairs
    with pytest.raises(ValidationError) as refused:
        save_unit(world.admin, world.authority, home.name, UnitKind.ORGANISATION, unit=home)
    assert refused.value.field == "kind"
    assert "Chủ tịch UBND" in str(refused.value)
    assert "Cán bộ Cơ quan Tổ chức - Nội vụ" in str(refused.value)


def _new_chairman(username: str, unit_id: int):  # noqa: ANN202
    def save() -> None:
        from award_flow.org.models import Unit

        save_user(None, username=username, full_name=username.title(), role=Role.CHAIRMAN,
                  unit=db.session.get(Unit, unit_id), password=PASSWORD)

    return save


@pytest.mark.slow
def test_two_new_chairmen_saved_at_once_leave_one(app, world):
    world.chairman.active = False
    unit_id = world.home_affairs.id
    db.session.commit()  # and hold no transaction (SQLite: no lock) while the threads run

    results = run_at_once(app, [_new_chairman("chu.tich.1", unit_id),
                                _new_chairman("chu.tich.2", unit_id)])

    assert sorted(outcome for outcome, _value in results) == ["ok", "refused"], results
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count()).select_from(User).where(
        User.role == Role.CHAIRMAN, User.active.is_(True))) == 1


AGENCY_LEFT = ("Đơn vị có tài khoản Cán bộ Cơ quan Tổ chức - Nội vụ: chỉ một cơ quan có các "
               "vai trò này; hãy chuyển các tài khoản đó sang cơ quan khác trước.")


def _secretariat_into(unit_id: int):  # noqa: ANN202
    def save() -> None:
        from award_flow.org.models import Unit

        save_user(None, username="thu.ky.moi", full_name="Thư Ký Mới", role=Role.SECRETARIAT,
                  unit=db.session.get(Unit, unit_id), password=PASSWORD)

    return save


def _made_an_organisation(unit_id: int):  # noqa: ANN202
    def save() -> None:
        from award_flow.org.models import Authority, Unit

        unit = db.session.get(Unit, unit_id)
        save_unit(None, db.session.get(Authority, unit.authority_id), unit.name,
                  UnitKind.ORGANISATION, unit=unit)

    return save


#: (what the first admin saves and holds, what the second saves meanwhile) → the second's
#: refusal and its field
KIND_RACES = [
    ("secretariat", "organisation", AGENCY_LEFT, "kind"),
    ("organisation", "secretariat",
     NOT_AN_AGENCY.format(role="Cán bộ Cơ quan Tổ chức - Nội vụ"), "unit_id"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("first", "second", "refusal", "field"), KIND_RACES,
                         ids=[f"{r[0]}-then-{r[1]}" for r in KIND_RACES])
def test_an_agency_changing_kind_while_a_secretariat_is_saved_into_it(app, world, first,
                                                                       second, refusal, field):
    agency = save_unit(None, world.authority, "Văn phòng HĐND và UBND thị xã", UnitKind.AGENCY)
    jobs = {"secretariat": _secretariat_into(agency.id),
            "organisation": _made_an_organisation(agency.id)}
    db.session.commit()  # and hold no transaction (SQLite: no lock) while the threads run

    one, two = second_waits_for_first(app, jobs[first], jobs[second],
                                      f"saving the {second} did not wait for the {first}")

    assert one.outcome == "ok", one.outcome
    assert isinstance(two.outcome, ValidationError), repr(two.outcome)[:300]
    assert (two.outcome.message, two.outcome.field) == (refusal, field)
    db.session.expire_all()
    staff = db.session.scalars(select(User).where(User.role == Role.SECRETARIAT,
                                                  User.unit_id == agency.id)).all()
    assert (agency.kind, len(staff)) in {(UnitKind.AGENCY, 1), (UnitKind.ORGANISATION, 0)}
