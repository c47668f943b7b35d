"""Sessions that can be ended: the session and the "remember me" cookie hold the user's
session token (not its id), which a logout, a new password, a lock or switching the unit off
replaces — ending every session of the account on every device. Signing in starts a fresh
session (only the language is kept), and so does signing out."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from award_flow.auth.models import User
from award_flow.auth.roles import Role
from award_flow.extensions import db
from award_flow.org.operations import save_unit, save_user
from config import Config, DevelopmentConfig, ProductionConfig, TestingConfig
from tests.auth.helpers import REMEMBER, cookie, post_login, session_of, signed_in
from tests.web_helpers import browser, client_as, csrf_token, flashes

# --- the token ------------------------------------------------------------------------------


def test_every_account_gets_its_own_random_session_token(world):
    tokens = [u.session_token for u in db.session.scalars(db.select(User))]
    assert len(tokens) == len(set(tokens)) == 9
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", token) for token in tokens)  # 256 bits


def test_the_session_and_the_remember_cookie_hold_the_token_not_the_id(app, world):
    device = browser(app)
    post_login(device, "officer.a", remember=True)

    token = world.officer_a.session_token
    assert world.officer_a.get_id() == token
    assert session_of(device)["_user_id"] == token
    assert cookie(device, REMEMBER).split("|")[0] == token


def test_a_session_holding_a_user_id_signs_in_no_one(app, world):
    """Sessions from before revision 0005 held the id: they end."""
    device = browser(app)
    with device.session_transaction() as session:
        session["_user_id"] = str(world.officer_a.id)
    assert not signed_in(device)


def test_a_remembered_login_outlives_the_browser_session(app, world):
    device = browser(app)
    post_login(device, "officer.a", remember=True)
    restarted = browser(app)  # the session cookie is gone, the remember cookie is not
    restarted.set_cookie(REMEMBER, cookie(device, REMEMBER))
    assert signed_in(restarted)


def test_signing_in_on_a_second_device_keeps_the_first(app, world):
    first = client_as(app, world.officer_a)
    client_as(app, world.officer_a)
    assert signed_in(first)


# --- ending every session of an account ------------------------------------------------------


def _logout(app, world, device) -> None:  # noqa: ANN001
    response = device.post("/logout", data={"csrf_token": csrf_token(device, "/work")})
    assert response.status_code == 302


def _new_password(app, world, device) -> None:  # noqa: ANN001
    user = world.officer_a
    save_user(world.admin, username=user.username, full_name=user.full_name, role=user.role,
              unit=user.unit, password="mot mat khau moi 2026", user=user)


def _lock(app, world, device, unlock: bool = False) -> None:  # noqa: ANN001
    user = world.officer_a
    save_user(world.admin, username=user.username, full_name=user.full_name, role=user.role,
              unit=user.unit, password=None, active=False, user=user)
    if unlock:
        save_user(world.admin, username=user.username, full_name=user.full_name,
                  role=user.role, unit=user.unit, password=None, active=True, user=user)


def _switch_unit_off(app, world, device, on_again: bool = False) -> None:  # noqa: ANN001
    unit = world.unit_a
    save_unit(world.admin, world.authority, unit.name, unit.kind, unit=unit, active=False)
    if on_again:
        save_unit(world.admin, world.authority, unit.name, unit.kind, unit=unit, active=True)


ENDINGS = {
    "the user logs out on one device": _logout,
    "the password is changed": _new_password,
    "the account is locked": _lock,
    "the account is locked, then unlocked": lambda *a: _lock(*a, unlock=True),
    "the unit is switched off": _switch_unit_off,
    "the unit is switched off, then on": lambda *a: _switch_unit_off(*a, on_again=True),
}


ENDED_ELSEWHERE = ("Phiên đăng nhập đã kết thúc: bạn đã đăng xuất ở nơi khác, mật khẩu đã được "
                   "đổi hoặc tài khoản đã bị khóa. Hãy đăng nhập lại.")


@pytest.mark.parametrize("ending", ENDINGS)
def test_every_session_and_remembered_login_of_the_account_ends_when(app, world, ending):
    devices = [browser(app), browser(app)]
    for device in devices:
        assert post_login(device, "officer.a", remember=True).status_code == 302
    stolen = cookie(devices[1], REMEMBER)
    bystander = client_as(app, world.officer_b)  # another unit's user

    ENDINGS[ending](app, world, devices[0])
    db.session.commit()

    for number, device in enumerate(devices):
        response = device.get("/work")
        assert response.status_code == 302, number
        assert response.headers["Location"].startswith("/login"), number
        # Told why, once; the device that logged out was told that instead.
        told = [("info", "Bạn đã đăng xuất.")] if (number, ending) == (
            0, "the user logs out on one device") else [("warning", ENDED_ELSEWHERE)]
        assert flashes(device.get(response.headers["Location"]).text) == told, number
        assert flashes(device.get("/work", follow_redirects=True).text) == [], number
    thief = browser(app)
    thief.set_cookie(REMEMBER, stolen)
    assert not signed_in(thief)
    assert signed_in(bystander)


# --- a fresh session at sign-in and sign-out ----------------------------------------------------

#: What Flask-Login itself keeps in a signed-in session.
FLASK_LOGIN_KEYS = {"_user_id", "_fresh", "_id", "_remember", "_remember_seconds"}


def _choose_english(client, page: str = "/login") -> None:  # noqa: ANN001
    response = client.post("/language/en", data={"csrf_token": csrf_token(client, page),
                                                  "next": page})
    assert response.status_code == 302


def test_signing_in_keeps_the_language_and_nothing_else_of_the_session(client, world):
    _choose_english(client)
    with client.session_transaction() as session:
        session["planted"] = "by someone who handed the victim this cookie"
        session["_flashes"] = [("info", "planted")]

    assert post_login(client, "officer.a").status_code == 302

    kept = session_of(client)
    # and when the session began, for its idle limit (tests/auth/test_idle_sessions.py)
    assert set(kept) - FLASK_LOGIN_KEYS == {"lang", "seen"}
    assert kept["lang"] == "en"
    assert kept["_user_id"] == world.officer_a.session_token
    assert '<html lang="en"' in client.get("/work").text


def test_signing_out_keeps_the_language_and_nothing_else_of_the_session(client, world, login):
    login(world.officer_a)
    _choose_english(client, "/work")
    with client.session_transaction() as session:
        session["draft_note"] = "something of the signed-in user"

    client.post("/logout", data={"csrf_token": csrf_token(client, "/work")})

    kept = session_of(client)
    assert set(kept) - {"_remember", "_flashes"} == {"lang"}
    assert '<html lang="en"' in client.get("/login").text


def _session_csrf(client) -> str:  # noqa: ANN001
    return session_of(client)["csrf_token"]


def test_the_csrf_token_changes_when_signing_in_and_out(client, world):
    form_token = csrf_token(client, "/login")
    anonymous = _session_csrf(client)

    assert post_login(client, "officer.a").status_code == 302
    csrf_token(client, "/work")
    signed_in_token = _session_csrf(client)
    # A token read before signing in (by whoever planted the session) is refused after.
    refused = client.post("/logout", data={"csrf_token": form_token})
    assert refused.status_code == 400 and signed_in(client)

    client.post("/logout", data={"csrf_token": csrf_token(client, "/work")})
    csrf_token(client, "/login")
    after = _session_csrf(client)

    assert len({anonymous, signed_in_token, after}) == 3


# --- the remember cookie ---------------------------------------------------------------------


@pytest.mark.parametrize("config", [Config, DevelopmentConfig, TestingConfig, ProductionConfig])
def test_the_remember_cookie_lasts_two_weeks_and_is_set_like_the_session_cookie(config):
    assert config.REMEMBER_COOKIE_DURATION == timedelta(days=14)
    for attribute in ("HTTPONLY", "SAMESITE", "SECURE"):
        assert (getattr(config, f"REMEMBER_COOKIE_{attribute}")
                == getattr(config, f"SESSION_COOKIE_{attribute}")), attribute


def test_the_remember_cookie_expires_in_two_weeks(client, world):
    response = post_login(client, "officer.a", remember=True)
    (header,) = [h for h in response.headers.getlist("Set-Cookie")
                 if h.startswith(f"{REMEMBER}=")]
    attributes = dict(part.strip().partition("=")[::2] for part in header.split(";")[1:])
    expires = parsedate_to_datetime(attributes["Expires"])
    expected = datetime.now(UTC) + timedelta(days=14)
    assert abs(expires - expected) < timedelta(minutes=5)
    assert "HttpOnly" in attributes and attributes["SameSite"] == "Lax"


def test_without_remember_me_no_remember_cookie_is_set(client, world):
    post_login(client, "officer.a")
    assert cookie(client, REMEMBER) is None


@pytest.mark.parametrize("role", [Role.ADMIN, Role.UNIT_OFFICER])
def test_a_new_account_can_sign_in_and_its_token_is_new(client, world, role):
    user = save_user(world.admin, username="moi", full_name="Người Mới", role=role,
                     unit=world.unit_b, password="mat khau moi du dai")
    db.session.commit()
    assert user.session_token not in {world.admin.session_token, world.officer_b.session_token}
    assert post_login(client, "moi", "mat khau moi du dai").status_code == 302
