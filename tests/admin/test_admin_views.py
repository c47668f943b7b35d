"""The administration pages: units and accounts of the admin's own authority, via the forms.
(That every other role gets 403 is in tests/test_access_control.py.)"""

from __future__ import annotations

import re
import unicodedata
from html import unescape

import pytest
from sqlalchemy import func, select
from wtforms.validators import Length

from award_flow.auth.models import User
from award_flow.auth.roles import Role
from award_flow.extensions import db
from award_flow.org.models import Authority, AuthorityLevel, Unit, UnitKind
from award_flow.auth.passwords import MIN_PASSWORD_LENGTH
from award_flow.org.operations import save_unit
from tests.factories import PASSWORD, make_user
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


# --- the account form: what it asks for, and which usernames it takes ------------------------

PASSWORD_LABEL_EDIT = "Mật khẩu (để trống nếu không đổi)"


def _password_field(html: str) -> tuple[str, str, str]:
    """(the password label's tag, its text, the input) of an account form."""
    match = re.search(r'<label for="password"([^>]*)>([^<]*)</label>\s*(<input[^>]*>)', html)
    assert match, html
    return match.group(1), match.group(2), match.group(3)


def test_a_new_account_asks_for_a_password_with_its_minimum_length(client, world, login):
    login(world.admin)
    html = client.get("/admin/users/new").text
    label_attributes, label, field = _password_field(html)
    assert label == "Mật khẩu" and 'class="required"' in label_attributes
    assert " required" in field and f'minlength="{MIN_PASSWORD_LENGTH}"' in field
    assert PASSWORD_LABEL_EDIT not in html
    assert f'<p class="hint" id="password-hint">Ít nhất {MIN_PASSWORD_LENGTH} ký tự.</p>' in html
    assert 'aria-describedby="password-hint"' in field
    assert "Chữ cái không dấu, chữ số và dấu chấm, ví dụ: canbo.phuong1." in html


def test_an_existing_account_may_keep_its_password(client, world, login):
    login(world.admin)
    html = client.get(f"/admin/users/{world.officer_b.id}/edit").text
    label_attributes, label, field = _password_field(html)
    assert label == PASSWORD_LABEL_EDIT and "required" not in label_attributes
    assert " required" not in field
    assert f"Ít nhất {MIN_PASSWORD_LENGTH} ký tự." in html


def test_a_new_account_without_a_password_is_refused_at_the_field(client, world, login):
    login(world.admin)
    form = page_form(client, "/admin/users/new")
    response = client.post("/admin/users/new", data=form.data(
        username="moi", full_name="Người Mới", role="unit_officer",
        unit_id=str(world.unit_a.id), password=""))
    assert response.status_code == 200
    assert re.search(r'id="password"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*'
                     r'id="password"', response.text)
    assert db.session.scalar(select(User).where(User.username == "moi")) is None


def test_the_password_minimum_is_the_one_of_the_operations():
    from award_flow.auth.forms import UserForm

    lengths = [v for v in UserForm.password.kwargs["validators"] if isinstance(v, Length)]
    assert [v.min for v in lengths] == [MIN_PASSWORD_LENGTH]


@pytest.mark.parametrize("username", [
    "nguyễn văn a", "canbo phuong1", "canbo.phường1", "tran_van_a", "a@b.vn", "cán.bộ"])
def test_a_username_with_spaces_diacritics_or_signs_is_refused(client, world, login,
                                                               username):
    login(world.admin)
    form = page_form(client, "/admin/users/new")
    count = db.session.scalar(select(func.count(User.id)))
    response = client.post("/admin/users/new", data=form.data(
        username=username, full_name="Nguyễn Văn A", role="unit_officer",
        unit_id=str(world.unit_a.id), password="mat khau du dai"))
    assert response.status_code == 200
    assert ("Tên đăng nhập chỉ gồm chữ cái không dấu, chữ số và dấu chấm (không có dấu "
            "cách), ví dụ: canbo.phuong1.") in unescape(response.text)
    assert db.session.scalar(select(func.count(User.id))) == count


def test_an_account_named_before_the_rule_can_still_be_saved(client, world, login):
    """A name with a space, made before the form checked names, does not block the account's
    other fields; a new name follows the rule."""
    old = make_user("tranvanb", Role.UNIT_OFFICER, world.unit_a, "Trần Văn B")
    old.username = "tran van b"  # as an account made before the rule could be named
    db.session.commit()
    login(world.admin)
    form = page_form(client, f"/admin/users/{old.id}/edit")

    kept = client.post(f"/admin/users/{old.id}/edit", data=form.data(full_name="Trần Văn Bé"))
    renamed = client.post(f"/admin/users/{old.id}/edit",
                          data=page_form(client, f"/admin/users/{old.id}/edit").data(
                              username="tran van c"))

    assert kept.status_code == 302
    assert renamed.status_code == 200
    db.session.refresh(old)
    assert (old.username, old.full_name) == ("tran van b", "Trần Văn Bé")
