"""Signing in and out: the login form, wrong passwords, locked accounts, the way back after
login, the rate limit, and the cookies and configuration that keep sessions safe."""

from __future__ import annotations

import re

import pytest
from flask import current_app

from award_flow import create_app
from award_flow.extensions import db
from award_flow.proposals.models import ProposalState
from config import ProductionConfig
from tests.factories import PASSWORD, make_proposal
from tests.support import fresh_config_module
from tests.web_helpers import client_as, csrf_token, flashes, forms, page_form

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
LOCKED = ("Tài khoản đã bị khóa hoặc đơn vị đã ngừng hoạt động. "
          "Hãy liên hệ quản trị hệ thống.")


def post_login(client, username: str, password: str,  # noqa: ANN001, ANN201
               next_page: str | None = None, **extra: str):
    """Send the login form (to /login?next=… when `next_page` is given)."""
    query = {"next": next_page} if next_page is not None else None
    return client.post("/login", query_string=query,
                       data={"username": username, "password": password,
                             "csrf_token": csrf_token(client, "/login"), **extra})


def signed_in(client) -> bool:  # noqa: ANN001
    return client.get("/work").status_code == 200


def test_the_login_page_shows_the_form(client):
    response = client.get("/login")
    assert response.status_code == 200
    (form,) = [f for f in forms(response.text) if f.method == "post" and f.action == ""]
    assert {"csrf_token", "username", "password"} <= form.names()
    assert 'name="password"' in response.text and 'type="password"' in response.text
    assert "<h1>Đăng nhập</h1>" in response.text


def test_the_right_password_signs_in_and_lands_on_my_work(client, world):
    response = post_login(client, "officer.a", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/work"
    work = client.get("/work")
    assert work.status_code == 200 and world.officer_a.full_name in work.text


@pytest.mark.parametrize(("username", "password"), [
    ("officer.a", "wrong password"), ("officer.a", ""), ("nobody", PASSWORD), ("", ""),
    ("officer.a", PASSWORD.upper())])
def test_a_wrong_login_is_refused_with_one_message_for_every_cause(client, world, username,
                                                                   password):
    response = post_login(client, username, password)
    assert response.status_code == 200
    assert not signed_in(client)
    if username and password:
        assert ("error", WRONG) in flashes(response.text)


def test_a_locked_account_cannot_sign_in_and_its_owner_is_told_why(client, world):
    world.officer_a.active = False
    db.session.commit()
    response = post_login(client, "officer.a", PASSWORD)
    assert response.status_code == 200
    assert flashes(response.text) == [("error", LOCKED)]
    assert not signed_in(client)


def test_a_locked_account_with_a_wrong_password_is_told_only_that_it_is_wrong(client, world):
    """Nothing is said about the account to someone who does not have its password."""
    world.officer_a.active = False
    db.session.commit()
    response = post_login(client, "officer.a", "not the password")
    assert flashes(response.text) == [("error", WRONG)]


def test_locking_an_account_ends_its_open_session(client, world, login):
    login(world.officer_a)
    assert signed_in(client)
    world.officer_a.active = False
    db.session.commit()
    response = client.get("/work")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_logging_out_ends_the_session(client, world, login):
    login(world.head_a)
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/work")})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert ("info", "Bạn đã đăng xuất.") in flashes(client.get("/login").text)
    assert not signed_in(client)


def test_a_signed_in_user_opening_login_goes_to_my_work(client, world, login):
    login(world.secretariat)
    response = client.get("/login")
    assert response.status_code == 302 and response.headers["Location"] == "/work"


@pytest.mark.parametrize(("target", "lands"), [
    ("/proposals?state=submitted", "/proposals?state=submitted"),
    ("/decisions/", "/decisions/"),
    ("//evil.example/", "/work"),
    ("https://evil.example/", "/work"),
    ("evil.example", "/work"),
    ("", "/work"),
])
def test_after_login_the_user_goes_back_only_to_a_page_of_this_site(client, world, target,
                                                                   lands):
    response = post_login(client, "officer.a", PASSWORD, next_page=target)
    assert response.status_code == 302
    assert response.headers["Location"] == lands


def _stays_on_site(location: str) -> bool:
    """A Location a browser resolves on this site: a path, not //host, /\\host or a URL."""
    return location.startswith("/") and not re.match(r"^/[\\/]", location)


@pytest.mark.parametrize("target", ["/\\evil.example/", "/\\/evil.example/"])
def test_after_login_a_backslash_does_not_leave_the_site(client, world, target):
    response = post_login(client, "officer.a", PASSWORD, next_page=target)
    assert response.status_code == 302
    assert _stays_on_site(response.headers["Location"])


@pytest.mark.parametrize("target", ["/\t/evil.example/", "/\n/evil.example/",
                                    "/\r\n/evil.example/"], ids=["tab", "newline", "crlf"])
def test_after_login_a_control_character_does_not_leave_the_site(client, world, target):
    response = post_login(client, "officer.a", PASSWORD, next_page=target)
    assert response.status_code == 302
    assert _stays_on_site(response.headers["Location"])


def test_the_username_is_not_case_sensitive(client, world):
    response = post_login(client, "Officer.A", PASSWORD)
    assert response.status_code == 302


# --- rate limit -----------------------------------------------------------------------------


def _per_minute(limit: str) -> int:
    match = re.search(r"(\d+)\s*(?:per|/)\s*(?:1\s*)?minute", limit)
    assert match, limit
    return int(match.group(1))


def test_too_many_login_attempts_in_a_minute_are_refused(client, world):
    allowed = _per_minute(current_app.config["LOGIN_RATE_LIMIT"])
    for attempt in range(allowed):
        response = post_login(client, "officer.a", f"wrong {attempt}")
        assert response.status_code == 200, attempt

    refused = post_login(client, "officer.a", PASSWORD)

    assert refused.status_code == 429
    assert "Quá nhiều lần thử. Hãy thử lại sau khoảng" in refused.text
    assert not signed_in(client)
    assert client.get("/login").status_code == 200  # only the attempts are limited


def _stated_wait(html: str) -> int:
    """The wait the 429 page states, in seconds."""
    match = re.search(r"Hãy thử lại sau khoảng (\d+) (giây|phút)\.", html)
    assert match, html
    return int(match.group(1)) * (60 if match.group(2) == "phút" else 1)


def test_the_429_page_says_how_long_to_wait_as_the_retry_after_header_does(client, world):
    allowed = _per_minute(current_app.config["LOGIN_RATE_LIMIT"])
    for attempt in range(allowed):
        post_login(client, "officer.a", f"wrong {attempt}")

    refused = post_login(client, "officer.a", PASSWORD)

    assert refused.status_code == 429
    header = int(refused.headers["Retry-After"])
    assert 0 < header <= 60
    stated = _stated_wait(refused.text)
    # Seconds under a minute, else whole minutes rounded up (a second may pass in between).
    if stated < 60:
        assert stated - 1 <= header <= stated, (stated, header)
    else:
        assert stated - 60 < header <= stated, (stated, header)
    assert "Hãy đợi một lát" not in refused.text


def test_a_limit_per_hour_is_waited_out_in_minutes(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "100 per minute;2 per hour")
    for _attempt in range(2):
        post_login(client, "nobody", "x")

    refused = post_login(client, "nobody", "x")

    assert refused.status_code == 429
    header = int(refused.headers["Retry-After"])
    assert 3540 < header <= 3600
    assert "Hãy thử lại sau khoảng 60 phút." in refused.text


@pytest.mark.parametrize(("seconds", "shown", "count"), [
    (1, "1 giây", 1), (59, "59 giây", 59), (60, "1 phút", 1), (61, "2 phút", 2),
    (3600, "60 phút", 60),
])
def test_the_wait_is_said_in_seconds_under_a_minute_else_in_minutes_rounded_up(
        client, world, monkeypatch, seconds, shown, count):
    from award_flow import web

    counts = []
    real = web.ngettext

    def counting(singular, plural, num, **variables):  # noqa: ANN001, ANN003, ANN202
        counts.append(num)
        return real(singular, plural, num, **variables)

    monkeypatch.setattr(web, "retry_after_seconds", lambda: seconds)
    monkeypatch.setattr(web, "ngettext", counting)
    monkeypatch.setitem(current_app.config, "LOGIN_RATE_LIMIT", "1 per minute")
    post_login(client, "nobody", "x")

    refused = post_login(client, "nobody", "x")

    assert refused.status_code == 429
    assert f"Quá nhiều lần thử. Hãy thử lại sau khoảng {shown}." in refused.text
    assert counts == [count]  # the number the plural form (English) follows


def test_the_login_limit_comes_from_the_configuration(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    statuses = [post_login(client, "nobody", "x").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


# --- cookies and production configuration ---------------------------------------------------


def _set_cookies(response) -> dict[str, str]:  # noqa: ANN001
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_the_session_cookie_is_http_only_and_same_site_lax(client, world):
    response = post_login(client, "officer.a", PASSWORD, remember="y")
    cookies = _set_cookies(response)
    for name in ("session", "remember_token"):
        attributes = [part.strip().lower() for part in cookies[name].split(";")]
        assert "httponly" in attributes, name
        assert "samesite=lax" in attributes, name


def test_production_marks_cookies_secure_by_default(monkeypatch):
    config = fresh_config_module(monkeypatch, SESSION_COOKIE_SECURE=None)
    assert config.ProductionConfig.SESSION_COOKIE_SECURE is True
    assert config.ProductionConfig.REMEMBER_COOKIE_SECURE is True
    assert config.ProductionConfig.SESSION_COOKIE_HTTPONLY is True
    assert config.ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"


@pytest.mark.parametrize("secret", [None, ""])
def test_production_refuses_to_start_without_a_secret_key(monkeypatch, secret):
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig.check()
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_to_start_in_debug_mode(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-secret")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="FLASK_DEBUG"):
        ProductionConfig.check()


def test_production_starts_with_a_secret_key_and_debug_off(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-secret")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    ProductionConfig.check()


# --- a form sent after the session ended ----------------------------------------------------

EXPIRED = ("Phiên đăng nhập đã hết. Thao tác vừa rồi chưa được thực hiện — hãy đăng nhập "
           "lại rồi thử lại.")


def _submit_after_the_session_ended(app, world, referer=None):  # noqa: ANN001, ANN202
    """The unit head presses "Gửi tờ trình" on a draft after the account signed out on
    another device; `referer(proposal)` is the page the browser says the form was on.
    Returns (the draft, the laptop, the response)."""
    proposal = make_proposal(world)
    db.session.commit()
    laptop = client_as(app, world.head_a)
    button = page_form(laptop, f"/proposals/{proposal.id}",
                       f"/proposals/{proposal.id}/actions/submit")
    phone = client_as(app, world.head_a)
    assert phone.post("/logout", data={"csrf_token": csrf_token(phone, "/work")}).status_code \
        == 302
    headers = {"Referer": referer(proposal)} if referer is not None else {}
    return proposal, laptop, laptop.post(button.action, data=button.data(), headers=headers)


def test_a_form_sent_after_the_session_ended_leads_back_to_its_page_not_to_the_post(app,
                                                                                     world):
    proposal, laptop, response = _submit_after_the_session_ended(
        app, world, referer=lambda p: f"http://localhost/proposals/{p.id}")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=/proposals/{proposal.id}"
    login_page = laptop.get(response.headers["Location"])
    assert ("warning", EXPIRED) in flashes(login_page.text)
    signed_in_again = laptop.post(response.headers["Location"], data={
        "username": world.head_a.username, "password": PASSWORD,
        "csrf_token": csrf_token(laptop, response.headers["Location"])})
    assert signed_in_again.headers["Location"] == f"/proposals/{proposal.id}"
    assert laptop.get(signed_in_again.headers["Location"]).status_code == 200
    db.session.refresh(proposal)
    assert proposal.state == ProposalState.DRAFT  # nothing was done


@pytest.mark.parametrize("referer", [
    pytest.param(None, id="no Referer"),
    pytest.param(lambda p: f"http://evil.example/proposals/{p.id}", id="another site"),
    pytest.param(lambda p: f"http://localhost/proposals/{p.id}/actions/submit",
                 id="a URL that takes only POST"),
    pytest.param(lambda p: "http://localhost/no-such-page", id="no such page"),
    pytest.param(lambda p: "http://localhost//evil.example/", id="a path leaving the site"),
    pytest.param(lambda p: "javascript:alert(1)", id="not a web address"),
    pytest.param(lambda p: "http://[oops/proposals", id="not a URL"),
])
def test_a_form_sent_after_the_session_ended_without_a_page_to_return_to_goes_home(
        app, world, referer):
    _proposal, laptop, response = _submit_after_the_session_ended(app, world, referer)

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert ("warning", EXPIRED) in flashes(laptop.get("/login").text)
    signed_in_again = post_login(laptop, world.head_a.username, PASSWORD)
    assert signed_in_again.headers["Location"] == "/work"


def test_a_page_asked_for_after_the_session_ended_is_shown_after_signing_in(app, world):
    """GET keeps Flask-Login's way: the page itself is the way back; the sign-in page says
    why the session ended (else a clerk on another device is sent there without a word)."""
    proposal = make_proposal(world)
    db.session.commit()
    laptop = client_as(app, world.head_a)
    world.head_a.end_all_sessions()
    db.session.commit()

    response = laptop.get(f"/proposals/{proposal.id}?tab=1")

    assert response.headers["Location"] == f"/login?next=%2Fproposals%2F{proposal.id}%3Ftab%3D1"
    assert flashes(laptop.get(response.headers["Location"]).text) == [(
        "warning", "Phiên đăng nhập đã kết thúc: bạn đã đăng xuất ở nơi khác, mật khẩu đã "
                   "được đổi hoặc tài khoản đã bị khóa. Hãy đăng nhập lại.")]


def test_logging_out_after_the_session_ended_just_says_so(app, world):
    laptop = client_as(app, world.head_a)
    token = csrf_token(laptop, "/work")
    world.head_a.end_all_sessions()
    db.session.commit()

    response = laptop.post("/logout", data={"csrf_token": token},
                           headers={"Referer": "http://localhost/work"})

    assert response.headers["Location"] == "/login"
    assert flashes(laptop.get("/login").text) == [("info", "Bạn đã đăng xuất.")]


def test_a_form_of_a_tab_left_open_after_signing_out_in_another_leads_back_to_its_page(
        client, world, login):
    """Signing out empties the session, the form's CSRF token with it: the form of a tab
    left open is refused for its token, but the user, signed out, is led as above."""
    proposal = make_proposal(world)
    db.session.commit()
    login(world.head_a)
    button = page_form(client, f"/proposals/{proposal.id}",
                       f"/proposals/{proposal.id}/actions/submit")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/work")})

    response = client.post(button.action, data=button.data(),
                           headers={"Referer": f"http://localhost/proposals/{proposal.id}"})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=/proposals/{proposal.id}"
    assert ("warning", EXPIRED) in flashes(client.get(response.headers["Location"]).text)


def test_a_login_form_with_a_stale_token_is_still_a_400(client, world):
    response = client.post("/login", data={"username": "officer.a", "password": PASSWORD,
                                           "csrf_token": "stale"})
    assert response.status_code == 400
