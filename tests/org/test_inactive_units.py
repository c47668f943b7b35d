"""A unit switched off (Unit.active) switches its users off: they cannot sign in, their open
sessions end, and no account can be put in that unit; switched on again, its users sign in
again with their passwords."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from award_flow.auth.models import User
from award_flow.auth.roles import Role
from award_flow.core.errors import ValidationError
from award_flow.extensions import db
from award_flow.org.models import Unit
from award_flow.org.operations import save_unit, save_user
from tests.auth.helpers import LOCKED, post_login, signed_in
from tests.web_helpers import client_as, db_snapshot, flashes, page_form

STOPPED = "Đơn vị này đã ngừng hoạt động."


def switch(world, unit: Unit, active: bool) -> None:  # noqa: ANN001
    save_unit(world.admin, world.authority, unit.name, unit.kind, unit=unit, active=active)
    db.session.commit()


def unit_options(html: str) -> dict[str, str]:
    """value → label of the unit select of a user form."""
    select_html = re.search(r'<select[^>]*name="unit_id"[^>]*>(.*?)</select>', html, re.S)
    assert select_html, "no unit select"
    return {value: unescape(label).strip() for value, label in re.findall(
        r'<option[^>]*value="([^"]*)"[^>]*>(.*?)</option>', select_html.group(1), re.S)}


@pytest.mark.parametrize("who", ["officer_a", "head_a"])
def test_a_user_of_a_switched_off_unit_cannot_sign_in(client, world, who):
    switch(world, world.unit_a, False)
    response = post_login(client, getattr(world, who).username)
    assert response.status_code == 200
    assert flashes(response.text) == [("error", LOCKED)]
    assert not signed_in(client)


def test_switching_a_unit_off_ends_its_users_sessions_only(app, world):
    inside = [client_as(app, world.officer_a), client_as(app, world.head_a)]
    outside = client_as(app, world.officer_b)

    switch(world, world.unit_a, False)

    assert [signed_in(device) for device in inside] == [False, False]
    assert signed_in(outside)


def test_switched_on_again_its_users_sign_in_again(client, world):
    switch(world, world.unit_a, False)
    switch(world, world.unit_a, True)
    assert post_login(client, "officer.a").status_code == 302


def test_a_user_of_a_switched_off_unit_is_inactive(world):
    switch(world, world.unit_a, False)
    assert world.officer_a.active is True  # the account itself is not locked
    assert world.officer_a.is_active is False
    assert world.officer_b.is_active is True


def test_the_new_account_form_offers_only_active_units(client, world, login):
    switch(world, world.unit_b, False)
    login(world.admin)
    options = unit_options(client.get("/admin/users/new").text)
    # (0: "— Chọn đơn vị —", which the form refuses)
    assert set(options) == {"0", str(world.unit_a.id), str(world.home_affairs.id)}


def test_an_accounts_form_still_offers_its_own_switched_off_unit_marked(client, world, login):
    switch(world, world.unit_b, False)
    login(world.admin)
    html = client.get(f"/admin/users/{world.officer_b.id}/edit").text
    options = unit_options(html)
    assert options[str(world.unit_b.id)] == f"{world.unit_b.name} (Ngừng hoạt động)"
    assert str(world.unit_b.id) not in unit_options(
        client.get(f"/admin/users/{world.officer_a.id}/edit").text)
    # and the account's other fields can still be saved
    form = page_form(client, f"/admin/users/{world.officer_b.id}/edit")
    response = client.post(f"/admin/users/{world.officer_b.id}/edit",
                           data=form.data(full_name="Lâm Thị Mai"))
    assert response.status_code == 302


def test_a_new_account_posted_into_a_switched_off_unit_is_refused(client, world, login):
    switch(world, world.unit_b, False)
    login(world.admin)
    form = page_form(client, "/admin/users/new")
    before = db_snapshot()
    response = client.post("/admin/users/new", data=form.data(
        username="officer.c", full_name="Võ Thị Sáu", role="unit_officer",
        unit_id=str(world.unit_b.id), password="cay bang truoc san truong"))
    assert response.status_code == 200
    assert db_snapshot() == before


@pytest.mark.parametrize("existing", [False, True], ids=["new account", "moved account"])
def test_no_account_is_put_in_a_switched_off_unit(world, existing):
    """Also for the CLI (`flask users create --unit …`), which calls the same operation."""
    switch(world, world.unit_b, False)
    before = db_snapshot()
    user = world.officer_a if existing else None
    with pytest.raises(ValidationError) as refused:
        save_user(None, username="officer.a" if existing else "officer.c",
                  full_name="Võ Thị Sáu", role=Role.UNIT_OFFICER, unit=world.unit_b,
                  password=None if existing else "cay bang truoc san truong", user=user)
    db.session.rollback()
    assert refused.value.message == STOPPED
    assert db_snapshot() == before
    assert db.session.scalar(select(User).where(User.username == "officer.c")) is None
