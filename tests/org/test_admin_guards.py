"""The administration stays reachable: an admin cannot demote or lock itself, nor switch off
its own unit, and the authority's last active admin cannot lose its rights — not through the
pages, not through the operations the CLI uses, not by two admins demoting each other at
once. A refused change changes nothing and says why."""

from __future__ import annotations

import pytest

from award_flow.auth.models import User
from award_flow.auth.roles import Role
from award_flow.core.errors import NotAllowed
from award_flow.extensions import db
from award_flow.org.operations import active_admin_ids, save_unit, save_user
from tests.factories import make_user
from tests.support import run_at_once
from tests.web_helpers import client_as, db_snapshot, flashes, page_form

SELF = "Bạn không thể tự hạ quyền hoặc khóa tài khoản của chính mình."
LAST = ("Phải còn ít nhất một quản trị viên đang hoạt động: không thể hạ quyền hoặc khóa "
        "quản trị viên cuối cùng.")
OWN_UNIT = "Bạn không thể ngừng hoạt động đơn vị của chính mình."
LAST_UNIT = ("Phải còn ít nhất một quản trị viên đang hoạt động: không thể ngừng hoạt động "
             "đơn vị của quản trị viên cuối cùng.")

#: A change of an admin account through its form: fields set, fields unticked.
CHANGES = {
    "demoted": ({"role": "secretariat"}, ()),
    "locked": ({}, ("active",)),
    "demoted and locked": ({"role": "unit_officer"}, ("active",)),
}


def _post_change(client, user: User, change: str):  # noqa: ANN001, ANN201
    values, unticked = CHANGES[change]
    data = page_form(client, f"/admin/users/{user.id}/edit").data(**values)
    for name in unticked:
        data.pop(name, None)
    return client.post(f"/admin/users/{user.id}/edit", data=data)


@pytest.mark.parametrize("change", CHANGES)
def test_an_admin_cannot_demote_or_lock_itself(client, world, login, change):
    make_user("admin.2", Role.ADMIN, world.home_affairs)  # not the last admin: still refused
    db.session.commit()
    login(world.admin)
    before = db_snapshot()

    response = _post_change(client, world.admin, change)

    assert response.status_code == 200
    assert ("error", SELF) in flashes(response.text)
    assert db_snapshot() == before
    assert client.get("/admin/users").status_code == 200  # still an admin, still signed in


@pytest.mark.parametrize("change", CHANGES)
def test_an_admin_may_demote_or_lock_another_admin(app, client, world, login, change):
    other = make_user("admin.2", Role.ADMIN, world.home_affairs)
    db.session.commit()
    others_session = client_as(app, other)
    login(world.admin)

    response = _post_change(client, other, change)

    assert response.status_code == 302
    assert active_admin_ids(world.authority.id) == {world.admin.id}
    assert others_session.get("/admin/users").status_code in {302, 403}


def test_an_admin_may_still_edit_the_rest_of_its_own_account(client, world, login):
    login(world.admin)
    form = page_form(client, f"/admin/users/{world.admin.id}/edit")
    response = client.post(f"/admin/users/{world.admin.id}/edit",
                           data=form.data(full_name="Quản Trị Viên"))
    assert response.status_code == 302
    db.session.refresh(world.admin)
    assert (world.admin.full_name, world.admin.role) == ("Quản Trị Viên", Role.ADMIN)


def test_an_admin_who_changes_its_own_password_stays_signed_in_here_only(app, client, world,
                                                                         login):
    elsewhere = client_as(app, world.admin)
    login(world.admin)
    form = page_form(client, f"/admin/users/{world.admin.id}/edit")

    response = client.post(f"/admin/users/{world.admin.id}/edit",
                           data=form.data(password="mot mat khau moi 2026"))

    assert response.status_code == 302
    assert client.get("/admin/users").status_code == 200
    assert elsewhere.get("/admin/users").status_code == 302


def _other_admin(world, state: str | None) -> User | None:  # noqa: ANN001
    """A second admin, of unit b: active, locked, or in a unit switched off."""
    if state is None:
        return None
    other = make_user("admin.2", Role.ADMIN, world.unit_b)
    if state == "locked":
        other.active = False
    elif state == "unit switched off":
        save_unit(None, world.authority, world.unit_b.name, world.unit_b.kind,
                  unit=world.unit_b, active=False)
    return other


#: the second admin's state → may the first lose its rights?
OTHER_ADMIN = [
    pytest.param(None, False, id="no other admin"),
    pytest.param("locked", False, id="the other admin is locked"),
    pytest.param("unit switched off", False, id="the other admin's unit is switched off"),
    pytest.param("active", True, id="another active admin"),
]


@pytest.mark.parametrize(("other_state", "allowed"), OTHER_ADMIN)
@pytest.mark.parametrize("change", [{"role": Role.SECRETARIAT}, {"active": False},
                                    {"role": Role.CHAIRMAN, "active": False}],
                         ids=["demote", "lock", "both"])
def test_the_last_active_admin_keeps_its_rights(world, other_state, allowed, change):
    """As the CLI or a script would call it (no acting admin)."""
    _other_admin(world, other_state)
    db.session.commit()
    admin = world.admin
    fields = {"username": admin.username, "full_name": admin.full_name, "role": admin.role,
              "unit": admin.unit, "password": None, "active": True, "user": admin, **change}
    before = db_snapshot()

    if allowed:
        save_user(None, **fields)
        db.session.commit()
        assert admin.id not in active_admin_ids(world.authority.id)
        return
    with pytest.raises(NotAllowed) as refused:
        save_user(None, **fields)
    db.session.rollback()
    assert refused.value.message == LAST
    assert db_snapshot() == before


def test_an_admin_cannot_switch_off_its_own_unit(client, world, login):
    make_user("admin.2", Role.ADMIN, world.unit_b)
    db.session.commit()
    login(world.admin)
    unit = world.home_affairs
    data = page_form(client, f"/admin/units/{unit.id}/edit").data()
    data.pop("active")
    before = db_snapshot()

    response = client.post(f"/admin/units/{unit.id}/edit", data=data)

    assert response.status_code == 200
    assert ("error", OWN_UNIT) in flashes(response.text)
    assert db_snapshot() == before


def test_the_unit_of_the_last_active_admins_cannot_be_switched_off(world):
    make_user("admin.2", Role.ADMIN, world.home_affairs)
    db.session.commit()
    before = db_snapshot()
    unit = world.home_affairs
    with pytest.raises(NotAllowed) as refused:
        save_unit(None, world.authority, unit.name, unit.kind, unit=unit, active=False)
    db.session.rollback()
    assert refused.value.message == LAST_UNIT
    assert db_snapshot() == before


def test_an_admin_may_switch_off_another_unit(client, world, login):
    login(world.admin)
    data = page_form(client, f"/admin/units/{world.unit_b.id}/edit").data()
    data.pop("active")
    assert client.post(f"/admin/units/{world.unit_b.id}/edit", data=data).status_code == 302
    db.session.refresh(world.unit_b)
    assert world.unit_b.active is False


# --- two admins at once ---------------------------------------------------------------------------


def _demotion(actor_id: int, target_id: int):  # noqa: ANN202
    """A job for run_at_once: one admin makes the other a secretariat clerk."""
    def demote() -> None:
        actor, target = db.session.get(User, actor_id), db.session.get(User, target_id)
        save_user(actor, username=target.username, full_name=target.full_name,
                  role=Role.SECRETARIAT, unit=target.unit, password=None, user=target)

    return demote


@pytest.mark.slow
def test_two_admins_demoting_each_other_at_once_leave_one_admin(app, world):
    second = make_user("admin.2", Role.ADMIN, world.home_affairs)
    pairs = [(world.admin.id, second.id), (second.id, world.admin.id)]
    db.session.commit()  # and hold no transaction (SQLite: no lock) while the threads run
    results = run_at_once(app, [_demotion(*pair) for pair in pairs])

    assert sorted(kind for kind, _ in results) == ["ok", "refused"], results
    assert [message for kind, message in results if kind == "refused"] == [LAST]
    db.session.expire_all()
    assert len(active_admin_ids(world.authority.id)) == 1
