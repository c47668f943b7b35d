"""Signing in and out: the login form, wrong passwords, locked accounts, the way back after
login, the rate limit, and the cookies and configuration that keep sessions safe."""

from __future__ import annotations

import re

import pytest
from flask import current_app

from award_flow import create_app
from award_flow.extensions import db
from config import ProductionConfig
from tests.factories import PASSWORD
from tests.support import fresh_config_module
from tests.web_helpers import csrf_token, flashes, forms

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."


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


def test_a_locked_account_cannot_sign_in(client, world):
    world.officer_a.active = False
    db.session.commit()
    response = post_login(client, "officer.a", PASSWORD)
    assert ("error", WRONG) in flashes(response.text)
    assert not signed_in(client)


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
    assert "Quá nhiều lần thử. Hãy đợi một lát rồi thử lại." in refused.text
    assert not signed_in(client)
    assert client.get("/login").status_code == 200  # only the attempts are limited


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
