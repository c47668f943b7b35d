"""Login rate limits: only refused attempts count; one limit per client address and one per
username, so that one address cannot lock everybody out and one account cannot be tried from
many addresses; behind a reverse proxy (PROXY_FIX_X_FOR) the address is the client's, for the
limits and for the audit trail alike."""

from __future__ import annotations

import os
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import redis
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from award_flow import create_app
from award_flow.auth import views
from award_flow.auth.views import username_key
from award_flow.core.audit import AuditEvent
from award_flow.extensions import db, limiter
from config import TestingConfig
from tests.auth.helpers import post_login, signed_in
from tests.factories import PASSWORD
from tests.support import fresh_config_module, run_at_once
from tests.web_helpers import browser, client_as, csrf_token, page_form

A, B, C, D = "192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"
BAD = "not the password"
LIMIT = "3 per minute"


@pytest.fixture
def limits(app, monkeypatch):
    """Three refused attempts a minute, per address and per username."""
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", LIMIT)
    monkeypatch.setitem(app.config, "LOGIN_USERNAME_RATE_LIMIT", LIMIT)


def test_successful_sign_ins_are_not_counted(app, world, limits):
    for attempt in range(6):
        device = browser(app)
        assert post_login(device, "officer.a", ip=A).status_code == 302, attempt
    assert post_login(browser(app), "officer.a", BAD, ip=A).status_code == 200


def test_a_form_refused_for_its_shape_is_not_counted(app, world, limits):
    device = browser(app)
    for attempt in range(6):
        response = device.post("/login", data={"username": "officer.a", "password": "",
                                               "csrf_token": csrf_token(device, "/login")},
                               environ_base={"REMOTE_ADDR": A})
        assert response.status_code == 200, attempt
    assert post_login(device, "officer.a", ip=A).status_code == 302


#: (refused attempts as (address, username)), then (address, username) with the right
#: password → status.
BUCKETS = [
    pytest.param([(A, "officer.a"), (A, "officer.b"), (A, "khong.co.ai")], (A, "head.b"), 429,
                 id="one address tried three accounts: it is stopped"),
    pytest.param([(A, "officer.a"), (A, "officer.b"), (A, "khong.co.ai")], (B, "head.b"), 302,
                 id="one address cannot lock everybody out"),
    pytest.param([(A, "officer.a"), (B, "officer.a"), (C, "officer.a")], (D, "officer.a"), 429,
                 id="one account tried from three addresses: it is stopped"),
    pytest.param([(A, "Officer.A"), (B, "OFFICER.A"), (C, " officer.a ")], (D, "officer.a"),
                 429, id="the same account however its name is typed"),
    pytest.param([(A, "officer.a"), (B, "officer.a"), (C, "officer.a")], (A, "officer.b"), 302,
                 id="other accounts from those addresses are not stopped"),
    pytest.param([(A, "officer.a"), (A, "officer.a")], (A, "officer.a"), 302,
                 id="under both limits"),
]


@pytest.mark.parametrize(("refused", "then", "status"), BUCKETS)
def test_refused_attempts_count_per_address_and_per_username(app, world, limits, refused,
                                                            then, status):
    for ip, username in refused:
        assert post_login(browser(app), username, BAD, ip=ip).status_code == 200
    ip, username = then
    device = browser(app)
    assert post_login(device, username, PASSWORD, ip=ip).status_code == status
    assert signed_in(device) is (status == 302)


#: (refused attempts that spend one limit), then (address, username) stopped by it three
#: times with 429, then (address, username) under the other limit with the right password.
STOPPED = [
    pytest.param([(B, "officer.a"), (C, "officer.a"), (D, "officer.a")], (A, "officer.a"),
                 (A, "officer.b"), id="stopped by the username limit: the address keeps room"),
    pytest.param([(A, "officer.b"), (A, "head.a"), (A, "khong.co.ai")], (A, "officer.a"),
                 (B, "officer.a"), id="stopped by the address limit: the username keeps room"),
]


@pytest.mark.parametrize(("spent", "stopped", "then"), STOPPED)
def test_attempts_one_limit_stops_take_no_room_under_the_other(app, world, limits, spent,
                                                               stopped, then):
    for ip, username in spent:
        assert post_login(browser(app), username, BAD, ip=ip).status_code == 200
    for _ in range(3):
        assert post_login(browser(app), stopped[1], BAD, ip=stopped[0]).status_code == 429
    assert post_login(browser(app), then[1], ip=then[0]).status_code == 302


@pytest.mark.parametrize(("typed", "same_as"), [
    ("Officer.A", "officer.a"),
    ("  officer.a\t", "officer.a"),
    (unicodedata.normalize("NFD", "đức.nguyễn"), "Đức.Nguyễn"),
    ("STRASSE", "straße"),  # casefolded, not only lower-cased
])
def test_the_username_limit_folds_case_and_unicode_form(typed, same_as):
    assert username_key(typed) == username_key(same_as)
    assert username_key("officer.a") != username_key("officer.b")


def test_the_username_limit_key_cannot_be_mistaken_for_an_address():
    assert username_key("192.0.2.1") != "192.0.2.1"


def test_the_username_limit_comes_from_the_configuration(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_USERNAME_RATE_LIMIT", "2 per minute")
    statuses = [post_login(browser(app), "officer.a", BAD, ip=ip).status_code
                for ip in (A, B, C)]
    assert statuses == [200, 200, 429]


# --- behind a reverse proxy --------------------------------------------------------------------

PROXY = "10.0.0.1"


@contextmanager
def app_behind(app, trusted: int) -> Iterator:  # noqa: ANN001
    """A second app on the same database, trusting `trusted` proxies."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        UPLOAD_FOLDER = app.config["UPLOAD_FOLDER"]
        PROXY_FIX_X_FOR = trusted
        LOGIN_RATE_LIMIT = LIMIT

    other = create_app(Config)
    try:
        yield other
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_proxy_fix_is_off_by_default(app):
    assert app.config["PROXY_FIX_X_FOR"] == 0
    assert not isinstance(app.wsgi_app, ProxyFix)


def test_a_negative_number_of_proxies_is_refused(app):
    class Config(TestingConfig):
        PROXY_FIX_X_FOR = -1

    with pytest.raises(RuntimeError, match="PROXY_FIX_X_FOR"):
        create_app(Config)


#: proxies trusted, what reaches the app as X-Forwarded-For → the client address it records.
ADDRESSES = [
    pytest.param(0, None, PROXY, id="no proxy"),
    pytest.param(0, "203.0.113.7", PROXY, id="no proxy trusted: a forged header is ignored"),
    pytest.param(1, "203.0.113.7", "203.0.113.7", id="one proxy"),
    pytest.param(1, "198.51.100.66, 203.0.113.7", "203.0.113.7",
                 id="one proxy: what the client put before is ignored"),
    pytest.param(2, "198.51.100.66, 203.0.113.7", "198.51.100.66", id="two proxies"),
]


@pytest.mark.parametrize(("trusted", "forwarded", "recorded"), ADDRESSES)
def test_the_audit_trail_records_the_client_address(app, world, trusted, forwarded, recorded):
    with app_behind(app, trusted) as other:
        admin = browser(other)
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        environ = {"REMOTE_ADDR": PROXY}
        assert post_login(admin, "admin", ip=PROXY, forwarded=forwarded).status_code == 302
        form = page_form(admin, "/admin/units/new")
        response = admin.post("/admin/units/new", headers=headers, environ_base=environ,
                              data=form.data(name="Xã Hiệp Thạnh", kind="commune"))
        assert response.status_code == 302

    db.session.expire_all()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "save_unit")
                              .order_by(AuditEvent.id.desc()))
    assert event.comment.endswith("Xã Hiệp Thạnh")
    assert event.ip == recorded


def test_behind_a_proxy_each_client_has_its_own_address_limit(app, world):
    with app_behind(app, 1) as other:
        for account in ("officer.a", "officer.b", "head.a"):
            attacker = browser(other)
            assert post_login(attacker, account, BAD, ip=PROXY,
                              forwarded="203.0.113.66").status_code == 200
        stopped = post_login(browser(other), "head.b", ip=PROXY, forwarded="203.0.113.66")
        colleague = post_login(browser(other), "head.b", ip=PROXY, forwarded="203.0.113.7")
        assert (stopped.status_code, colleague.status_code) == (429, 302)


def test_without_proxy_fix_everyone_behind_the_proxy_shares_one_limit(app, world, limits):
    """What PROXY_FIX_X_FOR is for: the default, behind a proxy, is one bucket for all."""
    for account in ("officer.a", "officer.b", "head.a"):
        post_login(browser(app), account, BAD, ip=PROXY, forwarded="203.0.113.66")
    colleague = post_login(browser(app), "head.b", ip=PROXY, forwarded="203.0.113.7")
    assert colleague.status_code == 429


# --- configuration -----------------------------------------------------------------------------


@pytest.mark.parametrize(("env", "expected"), [(None, 0), ("1", 1), ("2", 2)])
def test_production_reads_the_number_of_proxies_from_the_environment(monkeypatch, env,
                                                                    expected):
    config = fresh_config_module(monkeypatch, PROXY_FIX_X_FOR=env)
    assert config.ProductionConfig.PROXY_FIX_X_FOR == expected
    assert config.TestingConfig.PROXY_FIX_X_FOR == 0


def test_the_login_limits_come_from_the_environment(monkeypatch):
    config = fresh_config_module(monkeypatch, LOGIN_RATE_LIMIT="7 per minute",
                                  LOGIN_USERNAME_RATE_LIMIT="4 per minute;9 per hour")
    assert config.ProductionConfig.LOGIN_RATE_LIMIT == "7 per minute"
    assert config.ProductionConfig.LOGIN_USERNAME_RATE_LIMIT == "4 per minute;9 per hour"


def test_the_default_limits(monkeypatch):
    config = fresh_config_module(monkeypatch, LOGIN_RATE_LIMIT=None,
                                  LOGIN_USERNAME_RATE_LIMIT=None)
    assert config.Config.LOGIN_RATE_LIMIT == "10 per minute;50 per hour"
    assert config.Config.LOGIN_USERNAME_RATE_LIMIT == "10 per minute;50 per hour"


def test_a_locked_account_signing_in_with_its_password_counts_against_the_limits(app, world,
                                                                                 limits):
    """Every refusal counts, this one too: its owner is told the account is locked, and
    retrying does not help; someone without the password learns nothing more."""
    from tests.auth.helpers import LOCKED
    from tests.web_helpers import flashes

    world.officer_a.active = False
    db.session.commit()
    for attempt in range(3):
        response = post_login(browser(app), "officer.a", ip=A)
        assert flashes(response.text) == [("error", LOCKED)], attempt
    assert post_login(browser(app), "officer.a", ip=B).status_code == 429


# --- device cookies: nobody can lock an account out of the browser it signs in from ----------

DEVICE = "af_device"


def _locked_out_by_others(app, username: str) -> None:
    """Three refused attempts at `username` from three other addresses: its limit is spent."""
    for ip in (B, C, D):
        assert post_login(browser(app), username, BAD, ip=ip).status_code == 200


def _device_of(app, username: str):  # noqa: ANN202
    """A browser where `username` signed in (and out) before: it holds its device cookie."""
    device = browser(app)
    assert post_login(device, username, ip=A).status_code == 302
    assert device.get_cookie(DEVICE) is not None
    device.post("/logout", data={"csrf_token": csrf_token(device, "/work")})
    return device


def test_the_accounts_own_browser_signs_in_while_others_are_locked_out(app, world, limits):
    device = _device_of(app, "officer.a")
    _locked_out_by_others(app, "officer.a")

    assert post_login(browser(app), "officer.a", ip=A).status_code == 429  # a new browser
    assert post_login(device, "officer.a", ip=A).status_code == 302


@pytest.mark.parametrize("cookie", ["another account's", "tampered", "expired"])
def test_only_a_valid_device_cookie_of_that_account_counts(app, world, limits, monkeypatch,
                                                           cookie):
    device = _device_of(app, "officer.b" if cookie == "another account's" else "officer.a")
    if cookie == "tampered":
        value = device.get_cookie(DEVICE).value
        device.set_cookie(DEVICE, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    if cookie == "expired":
        monkeypatch.setitem(app.config, "DEVICE_COOKIE_DAYS", -1)
    _locked_out_by_others(app, "officer.a")

    assert post_login(device, "officer.a", ip=A).status_code == 429


def test_a_known_browser_is_still_limited_per_address(app, world, limits):
    device = _device_of(app, "officer.a")
    for _ in range(3):
        assert post_login(device, "officer.a", BAD, ip=A).status_code == 200
    assert post_login(device, "officer.a", ip=A).status_code == 429


# --- attempts sent at once: each takes its place before its password is checked -------------

#: A Redis database and key prefix of this test run's own (production counts in Redis).
REDIS = "redis://127.0.0.1:6379/15"
AT_ONCE = 12


@contextmanager
def limits_counted_in(app, uri: str, **options: str) -> Iterator[None]:  # noqa: ANN001
    """The limits counted in the store at `uri` meanwhile, then in the app's own again (the
    limiter is one object per process: it is bound to the app again with these settings)."""
    saved = {key: app.config[key] for key in ("RATELIMIT_STORAGE_URI",
                                              "RATELIMIT_STORAGE_OPTIONS")}
    app.config.update(RATELIMIT_STORAGE_URI=uri,
                      RATELIMIT_STORAGE_OPTIONS={**saved["RATELIMIT_STORAGE_OPTIONS"],
                                                 **options})
    limiter.init_app(app)
    try:
        yield
    finally:
        limiter.reset()  # this run's keys only: those under its prefix
        limiter.storage.storage.close()
        app.config.update(saved)
        limiter.init_app(app)


@pytest.fixture(params=["memory", "redis"])
def store(request, app):  # noqa: ANN001, ANN201
    """Where the limits are counted: this process's memory (the default), or Redis as in
    production, where attempts at once come from several processes (gunicorn's workers)."""
    if request.param == "memory":
        yield
        return
    probe = redis.Redis.from_url(REDIS, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        probe.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS}")
    finally:
        probe.close()
    with limits_counted_in(app, REDIS, key_prefix=f"award_flow_tests_{os.getpid()}"):
        yield


@pytest.fixture
def checks_of(monkeypatch) -> Callable[[str], list[str]]:  # noqa: ANN001
    """`checks_of(name)`: from now on, the passwords that the view module's `name`
    (`authenticate`, `change_own_password`) checks, in a list. Each check first takes a
    moment, as a real hash does, so that attempts sent together are all under way at once;
    and takes it outside the request's transaction: on SQLite that transaction holds the write
    lock (BEGIN IMMEDIATE, core/database.py), which would make the requests take turns where
    PostgreSQL lets them run together."""

    def watch(name: str) -> list[str]:
        check, checked = getattr(views, name), []

        def slow_check(*args: str, **kwargs: str) -> object:
            checked.append(args[1])  # (username or user, password, ...)
            db.session.rollback()
            time.sleep(0.3)
            return check(*args, **kwargs)

        monkeypatch.setattr(views, name, slow_check)
        return checked

    return watch


def _login_later(app, ip: str, username: str) -> Callable[[], int]:  # noqa: ANN001
    """A job for run_at_once: a new browser's login form, read now, sent with a wrong
    password when the job runs; it returns the answer's status."""
    device = browser(app)
    data = {"username": username, "password": BAD, "csrf_token": csrf_token(device, "/login")}
    return lambda: device.post("/login", data=data,
                               environ_base={"REMOTE_ADDR": ip}).status_code


#: Who sends the attempts at once: (address, username) of each.
SENDERS = [
    pytest.param([(A, f"khong.co.ai.{n}") for n in range(AT_ONCE)],
                 id="one address tries many accounts"),
    pytest.param([(f"198.51.100.{n}", "officer.a") for n in range(AT_ONCE)],
                 id="one account is tried from many addresses"),
]


@pytest.mark.slow
@pytest.mark.parametrize("senders", SENDERS)
def test_sign_ins_sent_at_once_cannot_pass_the_limit(app, world, limits, store, checks_of,
                                                      senders):
    jobs = [_login_later(app, ip, username) for ip, username in senders]
    checked = checks_of("authenticate")
    db.session.commit()  # hold no transaction (SQLite: no lock) while the threads run
    results = run_at_once(app, jobs)

    assert sorted(results) == [("ok", 200)] * 3 + [("ok", 429)] * (AT_ONCE - 3), results
    assert checked == [BAD] * 3


@pytest.mark.slow
def test_wrong_current_passwords_sent_at_once_cannot_pass_the_limit(app, world, limits, store,
                                                                    checks_of):
    def change_later(client):  # noqa: ANN001, ANN202
        data = page_form(client, "/account").data(
            current_password=BAD, new_password="mật-khẩu-mới-2026",
            confirm_password="mật-khẩu-mới-2026")
        return lambda: client.post("/account", data=data,
                                   environ_base={"REMOTE_ADDR": A}).status_code

    jobs = [change_later(client_as(app, world.officer_a)) for _ in range(AT_ONCE)]
    checked = checks_of("change_own_password")
    db.session.commit()
    results = run_at_once(app, jobs)

    assert sorted(results) == [("ok", 200)] * 3 + [("ok", 429)] * (AT_ONCE - 3), results
    assert checked == [BAD] * 3


# --- a place given back ----------------------------------------------------------------------


def test_a_window_that_ends_during_a_sign_in_owes_it_nothing(app, world, limits, store,
                                                             monkeypatch):
    """The sign-in's places are given back in the next window: that one keeps its whole
    limit, not one more."""
    real = views.authenticate

    def window_ends(*args: str) -> object:
        limiter.reset()  # as a window's end does, while the password is checked
        return real(*args)

    monkeypatch.setattr(views, "authenticate", window_ends)
    assert post_login(browser(app), "officer.a", ip=A).status_code == 302
    monkeypatch.setattr(views, "authenticate", real)
    statuses = [post_login(browser(app), "officer.a", BAD, ip=A).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_a_store_that_cannot_give_a_place_back_does_not_fail_the_sign_in(app, world, limits,
                                                                         monkeypatch):
    memory = limiter.limiter.storage
    count = memory.incr

    def cannot_count_down(key: str, expiry: int, amount: int = 1) -> int:
        if amount < 0:
            raise ValueError("the store went away")  # the memory store's own kind of error
        return count(key, expiry, amount)

    monkeypatch.setattr(memory, "incr", cannot_count_down)
    device = browser(app)
    assert post_login(device, "officer.a", ip=A).status_code == 302
    assert signed_in(device)
