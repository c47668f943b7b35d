"""A user's own account: anyone signed in changes their own password, given the current
one. The new one follows the same rules as one an admin sets; the account's other sessions
end and this browser stays signed in; a wrong current password changes nothing and counts
as a refused sign-in."""

from __future__ import annotations

import re

import pytest

from award_flow.auth.passwords import verify_password
from award_flow.core.audit import AuditEvent
from award_flow.core.errors import ValidationError
from award_flow.extensions import db
from award_flow.org.operations import save_user
from tests.auth.helpers import post_login, signed_in
from tests.factories import PASSWORD
from tests.web_helpers import browser, client_as, db_snapshot, flashes, page_form

NEW = "mật-khẩu-mới-2026"

#: (current, new, again) → the message under the field that refuses it
REFUSED = [
    ("not the password", NEW, NEW, "Mật khẩu hiện tại không đúng."),
    (PASSWORD, "ngan", "ngan", "Phải có từ 10 đến 200 ký tự."),
    (PASSWORD, NEW, NEW + "x", "Mật khẩu nhập lại không khớp."),
    (PASSWORD, "officer.a-2026!", "officer.a-2026!", "Mật khẩu không được chứa tên đăng nhập."),
    (PASSWORD, "OFFICER.A.moi", "OFFICER.A.moi", "Mật khẩu không được chứa tên đăng nhập."),
    (PASSWORD, PASSWORD, PASSWORD, "Mật khẩu mới cần khác mật khẩu hiện tại."),
    ("", NEW, NEW, "Trường này là bắt buộc."),
]


def _change(client, current: str, new: str, again: str):  # noqa: ANN202, ANN001
    form = page_form(client, "/account")
    return client.post("/account", data=form.data(current_password=current, new_password=new,
                                                  confirm_password=again))


def test_the_account_page_shows_who_and_links_from_every_page(app, world):
    client = client_as(app, world.officer_a)
    page = client.get("/account")
    assert page.status_code == 200
    assert "<title>Tài khoản của tôi" in page.text
    assert world.officer_a.username in page.text and world.officer_a.full_name in page.text
    assert re.search(r'<a class="who" href="/account"', client.get("/work").text)


def test_a_new_password_of_ones_own(app, world):
    client = client_as(app, world.officer_a)
    elsewhere = client_as(app, world.officer_a)  # the same account on another device

    response = _change(client, PASSWORD, NEW, NEW)

    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert ("success", "Đã đổi mật khẩu. Tài khoản đã được đăng xuất trên các thiết bị "
            "khác.") in flashes(client.get("/account").text)
    assert signed_in(client) and not signed_in(elsewhere)
    db.session.refresh(world.officer_a)
    assert verify_password(world.officer_a.password_hash, NEW)
    assert post_login(browser(app), "officer.a", PASSWORD).status_code == 200  # refused
    assert post_login(browser(app), "officer.a", NEW).status_code == 302
    assert db.session.scalar(db.select(AuditEvent.actor_id).where(
        AuditEvent.action == "change_password")) == world.officer_a.id


@pytest.mark.parametrize(("current", "new", "again", "message"), REFUSED,
                         ids=["wrong current", "too short", "not the same twice",
                              "holds the username", "holds it in capitals", "unchanged",
                              "no current"])
def test_a_refused_change_says_why_at_the_field_and_changes_nothing(app, world, current, new,
                                                                    again, message):
    client = client_as(app, world.officer_a)
    elsewhere = client_as(app, world.officer_a)
    before = db_snapshot()

    response = _change(client, current, new, again)

    assert response.status_code == 200
    assert re.search(rf'<p class="error">{re.escape(message)}</p>', response.text)
    assert "<title>Lỗi: Tài khoản của tôi" in response.text
    assert db_snapshot() == before
    assert signed_in(client) and signed_in(elsewhere)


def test_wrong_current_passwords_count_against_the_sign_in_limit(app, world, monkeypatch):
    """A session left open on a shared computer is no way to guess the password."""
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "2 per minute")
    client = client_as(app, world.officer_a)
    assert _change(client, "guess one", NEW, NEW).status_code == 200
    assert _change(client, "guess two", NEW, NEW).status_code == 200
    assert _change(client, PASSWORD, NEW, NEW).status_code == 429


#: Wrong passwords sent from one address, in order, on the sign-in page ("login", for another
#: account) and as the current password on "my account" ("account"), under a limit of two:
#: the third guess is refused wherever it is sent.
GUESSES_FROM_ONE_ADDRESS = [
    pytest.param(("login", "account", "account"), id="a sign-in, then my account twice"),
    pytest.param(("account", "login", "login"), id="my account, then the sign-in twice"),
    pytest.param(("login", "account", "login"), id="taking turns"),
]


@pytest.mark.parametrize("pages", GUESSES_FROM_ONE_ADDRESS)
def test_sign_in_and_account_page_guesses_share_one_count(app, world, monkeypatch, pages):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "2 per minute")
    signed = client_as(app, world.officer_a)
    ip = {"REMOTE_ADDR": "192.0.2.7"}

    def guess(page: str) -> int:
        if page == "login":
            return post_login(browser(app), "head.a", "guess", ip=ip["REMOTE_ADDR"]).status_code
        form = page_form(signed, "/account")
        return signed.post("/account", environ_base=ip, data=form.data(
            current_password="guess", new_password=NEW, confirm_password=NEW)).status_code

    assert [guess(page) for page in pages] == [200, 200, 429]


def test_the_account_page_needs_a_signed_in_user(client):
    assert client.get("/account").status_code == 302
    assert client.post("/account").status_code in (302, 400)


def test_an_admin_sets_no_password_holding_the_username(world):
    with pytest.raises(ValidationError, match="không được chứa tên đăng nhập"):
        save_user(world.admin, username="canbo.moi", full_name="Cán bộ mới",
                  role=world.officer_a.role, unit=world.unit_a, password="canbo.moi.2026")
