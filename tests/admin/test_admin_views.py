"""The administration pages: units and accounts of the admin's own authority, via the forms.
(That every other role gets 403 is in tests/test_access_control.py.)"""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import func, select

from award_flow.auth.models import User
from award_flow.auth.roles import Role
from award_flow.extensions import db
from award_flow.org.models import Authority, AuthorityLevel, Unit, UnitKind
from award_flow.org.operations import save_unit
from tests.factories import PASSWORD
from tests.web_helpers import browser, csrf_token, flashes, page_form


def test_the_units_page_lists_the_authoritys_units(client, world, login):
    login(world.admin)
    html = client.get("/admin/units").text
    for unit in (world.unit_a, world.unit_b, world.home_affairs):
        assert unit.name in html


def test_the_users_page_lists_the_authoritys_accounts(client, world, login):
    login(world.admin)
    html = client.get("/admin/users").text
    for user in (world.officer_a, world.head_b, world.chairman):
        assert user.username in html and user.full_name in html


def test_a_unit_is_created_through_the_form_stored_as_nfc(client, world, login):
    login(world.admin)
    form = page_form(client, "/admin/units/new")

    response = client.post("/admin/units/new", data=form.data(
        name=unicodedata.normalize("NFD", "Xã Hiệp Thạnh"), kind="commune"))

    assert response.status_code == 302 and response.headers["Location"] == "/admin/units"
    unit = db.session.scalar(select(Unit).where(Unit.name == "Xã Hiệp Thạnh"))
    assert unit is not None
    assert (unit.kind, unit.active, unit.authority_id) == (UnitKind.COMMUNE, True,
                                                           world.authority.id)
    assert ("success", "Đã lưu đơn vị.") in flashes(client.get("/admin/units").text)


def test_a_unit_name_already_used_is_refused(client, world, login):
    login(world.admin)
    form = page_form(client, "/admin/units/new")
    count = db.session.scalar(select(func.count(Unit.id)))
    response = client.post("/admin/units/new", data=form.data(name=world.unit_b.name,
                                                              kind="ward"))
    assert response.status_code == 200
    assert ("error", "Đã có đơn vị mang tên này.") in flashes(response.text)
    assert db.session.scalar(select(func.count(Unit.id))) == count


def test_a_unit_is_renamed_and_deactivated_through_its_form(client, world, login):
    login(world.admin)
    form = page_form(client, f"/admin/units/{world.unit_b.id}/edit")
    assert form.data()["name"] == world.unit_b.name and form.data()["kind"] == "ward"
    data = form.data(name="Phường Một")
    data.pop("active", None)  # unticked

    response = client.post(f"/admin/units/{world.unit_b.id}/edit", data=data)

    assert response.status_code == 302
    db.session.refresh(world.unit_b)
    assert (world.unit_b.name, world.unit_b.active) == ("Phường Một", False)


def test_another_authoritys_unit_is_not_found(client, world, login):
    other = Authority(name="Ủy ban nhân dân huyện Cầu Ngang", place_name="Cầu Ngang",
                      level=AuthorityLevel.DISTRICT)
    db.session.add(other)
    db.session.flush()
    stranger = save_unit(None, other, "Xã Mỹ Long", UnitKind.COMMUNE)
    db.session.commit()
    login(world.admin)
    assert client.get(f"/admin/units/{stranger.id}/edit").status_code == 404
    assert "Xã Mỹ Long" not in client.get("/admin/units").text


def test_an_account_is_created_through_the_form_and_can_sign_in(app, client, world, login):
    login(world.admin)
    form = page_form(client, "/admin/users/new")

    response = client.post("/admin/users/new", data=form.data(
        username="Officer.C", full_name=unicodedata.normalize("NFD", "Võ Thị Sáu"),
        role="unit_officer", unit_id=str(world.unit_b.id), password="mat khau du dai",
        active="y"))

    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"
    user = db.session.scalar(select(User).where(User.username == "officer.c"))
    assert (user.full_name, user.role, user.unit_id) == ("Võ Thị Sáu", Role.UNIT_OFFICER,
                                                         world.unit_b.id)
    newcomer = browser(app)
    signed = newcomer.post("/login", data={"username": "officer.c", "password": "mat khau du dai",
                                           "csrf_token": csrf_token(newcomer, "/login")})
    assert signed.status_code == 302
    assert newcomer.get("/work").status_code == 200


def test_a_short_password_is_refused(client, world, login):
    login(world.admin)
    form = page_form(client, "/admin/users/new")
    response = client.post("/admin/users/new", data=form.data(
        username="short.pw", full_name="Mật Khẩu Ngắn", role="unit_head",
        unit_id=str(world.unit_a.id), password="ngan"))
    assert response.status_code == 200
    assert db.session.scalar(select(User).where(User.username == "short.pw")) is None


def test_an_account_is_locked_through_its_form(client, world, login):
    login(world.admin)
    form = page_form(client, f"/admin/users/{world.officer_b.id}/edit")
    data = form.data()
    data.pop("active", None)
    response = client.post(f"/admin/users/{world.officer_b.id}/edit", data=data)
    assert response.status_code == 302
    db.session.refresh(world.officer_b)
    assert world.officer_b.active is False
    assert world.officer_b.check_password(PASSWORD)  # an empty password field changes nothing


@pytest.mark.parametrize("path", ["/admin/units", "/admin/users", "/admin/authority"])
def test_the_admin_can_open_the_administration_pages(client, world, login, path):
    login(world.admin)
    assert client.get(path).status_code == 200


def test_the_authority_page_edits_what_decisions_print(client, world, login):
    login(world.admin)
    form = page_form(client, "/admin/authority")
    assert form.data()["place_name"] == "Duyên Hải"

    response = client.post("/admin/authority", data=form.data(
        decision_legal_bases=unicodedata.normalize(
            "NFD", "  Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022\n\n"
                   "Căn cứ Quyết định số 12/2025/QĐ-UBND của Ủy ban nhân dân tỉnh  "),
        bonus_fund="Quỹ thi đua, khen thưởng thị xã năm 2026"))

    assert response.status_code == 302
    db.session.refresh(world.authority)
    assert world.authority.decision_legal_bases == (
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022\n"
        "Căn cứ Quyết định số 12/2025/QĐ-UBND của Ủy ban nhân dân tỉnh")
    assert world.authority.bonus_fund == "Quỹ thi đua, khen thưởng thị xã năm 2026"
    assert ("success", "Đã lưu thông tin cơ quan ban hành.") in flashes(
        client.get("/admin/authority").text)


@pytest.mark.parametrize("blank", ["name", "place_name", "issuer_code"])
def test_the_authority_page_refuses_a_blank_required_field(client, world, login, blank):
    login(world.admin)
    form = page_form(client, "/admin/authority")
    response = client.post("/admin/authority", data=form.data(**{blank: "   "}))
    assert response.status_code == 200
    db.session.refresh(world.authority)
    assert (world.authority.name, world.authority.place_name, world.authority.issuer_code) == (
        "Ủy ban nhân dân thị xã Duyên Hải", "Duyên Hải", "UBND")
