"""The administration pages: units and accounts of the admin's own authority, via the forms.
(That every other role gets 403 is in tests/test_access_control.py.)"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from html import unescape

import pytest
from sqlalchemy import func, select
from wtforms.validators import Length

from award_flow.auth.models import User
from award_flow.auth.passwords import MIN_PASSWORD_LENGTH
from award_flow.auth.roles import Role
from award_flow.core.errors import ValidationError
from award_flow.extensions import db
from award_flow.org.models import Authority, AuthorityLevel, Unit, UnitKind
from award_flow.org.operations import AuthorityData, save_unit, update_authority
from tests.factories import PASSWORD, make_user
from tests.web_helpers import (
    browser,
    csrf_token,
    db_snapshot,
    field_errors,
    flashes,
    page_form,
)


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


#: what the admin looks for (`unit`: which of the world's units) → the usernames listed, by
#: unit name in Vietnamese order, then username (officer.b's account is locked)
USER_SEARCHES = [
    ({}, ["admin", "chairman", "committee", "secretariat", "vice", "head.b", "officer.b",
          "head.a", "officer.a"]),
    ({"q": "tran thi my"}, ["officer.a"]),
    ({"q": "  THẢO "}, ["secretariat"]),
    ({"q": "head."}, ["head.b", "head.a"]),
    ({"unit": "unit_b"}, ["head.b", "officer.b"]),
    ({"role": "unit_head"}, ["head.b", "head.a"]),
    ({"role": "unit_officer", "status": "active"}, ["officer.a"]),
    ({"status": "locked"}, ["officer.b"]),
    ({"q": "nguyen", "unit": "unit_a"}, []),
    ({"role": "nobody", "unit": "12abc", "status": "x"}, ["admin", "chairman", "committee",
                                                          "secretariat", "vice", "head.b",
                                                          "officer.b", "head.a", "officer.a"]),
]


@pytest.mark.parametrize(("args", "listed"), USER_SEARCHES,
                         ids=["+".join(f"{k}={v}" for k, v in a.items()) or "all"
                              for a, _listed in USER_SEARCHES])
def test_the_users_page_finds_accounts_by_name_unit_role_and_status(client, world, login, args,
                                                                     listed):
    world.officer_b.active = False
    db.session.commit()
    login(world.admin)
    query = {k: str(getattr(world, v).id) if k == "unit" and hasattr(world, v) else v
             for k, v in args.items()}

    html = client.get("/admin/users", query_string=query).text

    assert re.findall(r"<td><strong>([^<]+)</strong>", html) == listed
    summary = unescape(re.search(r'<p class="muted" id="list-summary">(.*?)</p>', html,
                                 re.S).group(1))
    if len(listed) == 9:
        assert summary.startswith("9 tài khoản")
    else:
        assert summary.startswith(f"Hiển thị {len(listed)} trong số 9 tài khoản")
    assert ("Không có tài khoản nào khớp với bộ lọc." in html) == (not listed)


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


#: a new unit's name beside "Phường 1" and "Xã Long Hữu" → refused as the same unit, or not
SAME_UNIT_NAMES = [
    ("Phường 1", True),
    ("phường  1", True),  # case and spacing
    ("XÃ LONG HỮU", True),
    ("Xã Long Hữu".replace("ữ", "u\u031b\u0303"), True),  # decomposed as typed
    ("Xã Long Hưu", False),  # another letter: another name
    ("Xã Long Hậu", False),
]


@pytest.mark.parametrize(("name", "same"), SAME_UNIT_NAMES)
def test_a_unit_name_already_used_is_refused_at_its_field(client, world, login, name, same):
    login(world.admin)
    form = page_form(client, "/admin/units/new")
    before = db_snapshot()
    response = client.post("/admin/units/new", data=form.data(name=name, kind="ward"))
    if not same:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    (message,) = field_errors(response.text)["name"]
    assert message.startswith("Đã có đơn vị “")
    assert db_snapshot() == before


def test_two_placements_of_a_tone_mark_are_one_unit(client, world, login):
    save_unit(None, world.authority, "Xã Trường Long Hòa", UnitKind.COMMUNE)
    db.session.commit()
    login(world.admin)
    form = page_form(client, "/admin/units/new")
    response = client.post("/admin/units/new", data=form.data(name="xã trường long hoà",
                                                              kind="commune"))
    assert field_errors(response.text)["name"] == [
        "Đã có đơn vị “Xã Trường Long Hòa”: tên chỉ khác chữ hoa, chữ thường hoặc vị trí dấu "
        "thanh là cùng một đơn vị."]


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


def test_the_unit_form_says_whose_sign_in_a_switch_off_ends_and_counts_them(client, world,
                                                                          login):
    login(world.admin)
    page = unescape(client.get(f"/admin/units/{world.unit_b.id}/edit").text)
    assert ("Bỏ chọn để ngừng hoạt động: 2 tài khoản của đơn vị sẽ không đăng nhập được nữa "
            "(cho đến khi đơn vị hoạt động lại).") in page
    data = page_form(client, f"/admin/units/{world.unit_b.id}/edit").data()
    data.pop("active", None)  # unticked

    response = client.post(f"/admin/units/{world.unit_b.id}/edit", data=data,
                           follow_redirects=True)

    assert ("success", "Đã lưu đơn vị. Đơn vị đã ngừng hoạt động: 2 tài khoản của đơn vị "
                       "không đăng nhập được nữa.") in flashes(response.text)
    # Stopped: nobody left to lock out, nothing to warn about.
    assert "Bỏ chọn để ngừng" not in client.get(f"/admin/units/{world.unit_b.id}/edit").text


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
        role="unit_officer", unit_id=str(world.unit_b.id), password="cay bang truoc san truong",
        active="y"))

    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"
    user = db.session.scalar(select(User).where(User.username == "officer.c"))
    assert (user.full_name, user.role, user.unit_id) == ("Võ Thị Sáu", Role.UNIT_OFFICER,
                                                         world.unit_b.id)
    newcomer = browser(app)
    signed = newcomer.post("/login", data={"username": "officer.c",
                                           "password": "cay bang truoc san truong",
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
    name = world.officer_b.username
    assert ("success", f"Đã khóa tài khoản {name}: tài khoản không đăng nhập được nữa và các "
            "phiên đăng nhập của tài khoản đã kết thúc.") in flashes(
                client.get("/admin/users").text)

    # Unlocked, it says so; saved again unchanged, only that it is saved.
    form = page_form(client, f"/admin/users/{world.officer_b.id}/edit")
    client.post(f"/admin/users/{world.officer_b.id}/edit", data=form.data(active="y"))
    assert ("success", f"Đã mở khóa tài khoản {name}.") in flashes(
        client.get("/admin/users").text)
    form = page_form(client, f"/admin/users/{world.officer_b.id}/edit")
    client.post(f"/admin/users/{world.officer_b.id}/edit", data=form.data())
    assert ("success", "Đã lưu tài khoản.") in flashes(client.get("/admin/users").text)


@pytest.mark.parametrize(("path", "asked"), [
    ("/admin/users/{officer}/edit", "Khóa tài khoản này? Tài khoản sẽ không đăng nhập được nữa "
                                    "và các phiên đăng nhập đang mở sẽ kết thúc."),
    ("/admin/units/{unit}/edit", "Cho đơn vị này ngừng hoạt động? Mọi tài khoản của đơn vị sẽ "
                                 "không đăng nhập được nữa."),
])
def test_switching_an_account_or_a_unit_off_is_asked_about(client, world, login, path, asked):
    """The page's script asks when the box is unticked (tests/e2e/test_admin_locks.py)."""
    login(world.admin)
    html = client.get(path.format(officer=world.officer_b.id, unit=world.unit_b.id)).text
    box = re.search(r'<input[^>]*name="active"[^>]*>', html).group(0)
    assert f'data-confirm-off="{asked}"' in box and "checked" in box


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


#: a decision's many-line text → its limit: every decision prints it, and a render costs by
#: the page (a megabyte of legal bases made each approval take minutes)
TEXT_LIMITS = [("decision_legal_bases", 3000), ("decision_executors", 1500),
               ("decision_recipients", 1500)]
LEGAL_BASIS = "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ"


@pytest.mark.parametrize(("field", "limit"), TEXT_LIMITS)
def test_a_decision_text_longer_than_its_limit_is_refused_at_its_field(client, world, login,
                                                                      field, limit):
    login(world.admin)
    form = page_form(client, "/admin/authority")
    lines = "\n".join([LEGAL_BASIS] * (limit // len(LEGAL_BASIS) + 1))
    before = db_snapshot()

    response = client.post("/admin/authority", data=form.data(**{field: lines}))

    assert response.status_code == 200
    assert field_errors(response.text) == {field: [f"Không được dài quá {limit} ký tự."]}
    assert db_snapshot() == before
    assert f'maxlength="{limit}"' in response.text  # the page counts what is left


@pytest.mark.parametrize(("field", "limit"), TEXT_LIMITS)
def test_the_operation_keeps_the_decision_texts_within_their_limits(world, field, limit):
    """Whatever sends them (the form, a script): the texts as stored, lines trimmed."""
    data = AuthorityData(**{name: getattr(world.authority, name) or ""
                            for name in AuthorityData.__dataclass_fields__})
    update_authority(world.admin, world.authority, replace(data, **{field: "x" * limit}))
    assert len(getattr(world.authority, field)) == limit
    with pytest.raises(ValidationError) as refused:
        update_authority(world.admin, world.authority, replace(data, **{field: "x" * (limit + 1)}))
    assert refused.value.field == field
    assert refused.value.message.endswith(
        f"dài quá: tối đa {limit:,} ký tự (hiện có {limit + 1:,}).".replace(",", "."))


#: what the admin types as the issuer's code → what is saved (what follows "QĐ-" in
#: "15/QĐ-UBND"), or the message under the field and nothing saved
ISSUER_CODES = [
    ("HĐND", "HĐND"),
    ("UBND-NV", "UBND-NV"),
    ("  ubnd ", "UBND"),  # symbols are capitals
    ("QĐ-UBND", "Chỉ nhập phần sau “QĐ-”, ví dụ: UBND (số, ký hiệu in ra là 15/QĐ-UBND)."),
    ("qd-ubnd", "Chỉ nhập phần sau “QĐ-”, ví dụ: UBND (số, ký hiệu in ra là 15/QĐ-UBND)."),
    ("KH-ĐT", "KH-ĐT"),  # an issuer's abbreviation, not a document type before it
    ("UB ND", "Ký hiệu chỉ gồm chữ in hoa, chữ số và dấu gạch nối, không có dấu cách, ví dụ: "
              "UBND hoặc UBND-NV."),
    ("UBND-", "Ký hiệu chỉ gồm chữ in hoa, chữ số và dấu gạch nối, không có dấu cách, ví dụ: "
              "UBND hoặc UBND-NV."),
    ("UBND/NV", "Ký hiệu chỉ gồm chữ in hoa, chữ số và dấu gạch nối, không có dấu cách, ví dụ: "
                "UBND hoặc UBND-NV."),
]


@pytest.mark.parametrize(("typed", "outcome"), ISSUER_CODES)
def test_the_issuer_code_is_what_follows_qd_in_a_decisions_number(client, world, login, typed,
                                                                  outcome):
    login(world.admin)
    form = page_form(client, "/admin/authority")
    before = db_snapshot()
    response = client.post("/admin/authority", data=form.data(issuer_code=typed))
    db.session.refresh(world.authority)
    if response.status_code == 302:
        assert world.authority.issuer_code == outcome
    else:
        assert field_errors(response.text) == {"issuer_code": [outcome]}
        assert db_snapshot() == before


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
        unit_id=str(world.unit_a.id), password="cay bang truoc san truong"))
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


def test_a_new_account_has_its_unit_chosen_not_left_at_the_first(client, world, login):
    login(world.admin)
    html = client.get("/admin/users/new").text
    assert re.search(r'<label for="unit_id" class="required">Đơn vị</label>\s*'
                     r'<select[^>]*name="unit_id"[^>]*><option value="0">— Chọn đơn vị —</option>',
                     html)
    assert "— Chọn đơn vị —" not in client.get(f"/admin/users/{world.officer_b.id}/edit").text
    form = page_form(client, "/admin/users/new")
    before = db_snapshot()

    response = client.post("/admin/users/new", data=form.data(
        username="chua.chon", full_name="Chưa Chọn Đơn Vị", role="unit_officer",
        password="cay bang truoc san truong"))

    assert response.status_code == 200
    assert field_errors(response.text)["unit_id"] == ["Hãy chọn đơn vị của tài khoản."]
    assert db_snapshot() == before


#: what the account form is sent with → the field that says why it is refused, and how
ACCOUNT_REFUSALS = [
    ({"username": "canbo.a"}, "username", "Tên đăng nhập đã được dùng."),
    ({"password": "xx phuong.moi xx"}, "password", "Mật khẩu không được chứa tên đăng nhập."),
]


@pytest.mark.parametrize(("sent", "field", "message"), ACCOUNT_REFUSALS,
                         ids=["username-taken", "password-holds-username"])
def test_the_operations_refusals_are_said_at_their_field(client, world, login, sent, field,
                                                         message):
    login(world.admin)
    form = page_form(client, "/admin/users/new")
    data = {"username": "phuong.moi", "full_name": "Người Mới", "role": "unit_officer",
            "unit_id": str(world.unit_a.id), "password": "cay bang truoc san truong", **sent}
    if sent.get("username") == "canbo.a":
        data["username"] = world.officer_a.username
    before = db_snapshot()

    response = client.post("/admin/users/new", data=form.data(**data))

    assert response.status_code == 200
    assert field_errors(response.text)[field] == [message]
    assert message not in [text for _kind, text in flashes(response.text)]
    assert db_snapshot() == before


def test_a_header_parent_too_long_for_one_line_is_refused_at_its_field(client, world, login):
    login(world.admin)
    form = page_form(client, "/admin/authority")
    before = db_snapshot()

    response = client.post("/admin/authority", data=form.data(
        header_parent="Sở Giáo dục và Đào tạo tỉnh Bà Rịa - Vũng Tàu"))

    assert response.status_code == 200
    (message,) = field_errors(response.text)["header_parent"]
    assert message.startswith("Tên cơ quan chủ quản quá dài để in trên một dòng")
    assert db_snapshot() == before
    # Decree 30's abbreviation is made when printing: the full name of a People's
    # Committee is taken.
    saved = client.post("/admin/authority", data=form.data(
        header_parent="Ủy ban nhân dân tỉnh Trà Vinh"))
    assert saved.status_code == 302
