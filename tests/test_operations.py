"""What a server's administrator relies on: the configuration fails closed, a database or
Redis that stops answering is given up on quickly and said so by /health, and the log ties
each line to its request."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

import config
from award_flow import create_app
from award_flow.core.database import engine_options
from award_flow.core.logs import RequestContextFilter
from award_flow.extensions import db
from config import DevelopmentConfig, ProductionConfig, TestingConfig
from tests.web_helpers import csrf_token


@pytest.fixture
def silent_server():
    """A TCP port that accepts connections and never answers: a database or Redis host that
    hangs (a frozen machine, a firewall dropping replies) rather than one that is down."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(50)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


# --- which configuration ------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (None, ProductionConfig),
    ("production", ProductionConfig),
    ("development", DevelopmentConfig),
    (" Development ", DevelopmentConfig),
    ("testing", TestingConfig),
])
def test_the_environment_is_production_unless_it_says_otherwise(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("AWARD_FLOW_ENV", raising=False)
    else:
        monkeypatch.setenv("AWARD_FLOW_ENV", value)
    assert config.config_from_env() is expected


def test_an_unknown_environment_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("AWARD_FLOW_ENV", "prod")
    with pytest.raises(RuntimeError, match="development, testing, production, not 'prod'"):
        config.config_from_env()


def test_a_server_that_forgot_its_environment_does_not_start_with_a_public_key(monkeypatch):
    """gunicorn's wsgi.py with neither AWARD_FLOW_ENV nor SECRET_KEY: refused, not served
    with the development key (which anyone can read, and sign cookies with)."""
    monkeypatch.delenv("AWARD_FLOW_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set in production"):
        create_app()


# --- the database -------------------------------------------------------------------------

def test_postgresql_connections_give_up_on_a_silent_host_and_sqlite_needs_nothing():
    settings = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
                "DATABASE_CONNECT_TIMEOUT": 5, "DATABASE_TCP_TIMEOUT": 30}
    postgres = engine_options({**settings,
                               "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@h/d"})
    assert postgres == {"pool_pre_ping": True,
                        "connect_args": {"connect_timeout": 5, "tcp_user_timeout": 30000}}
    assert engine_options({**settings, "SQLALCHEMY_DATABASE_URI": "sqlite://"}) == {
        "pool_pre_ping": True}


def test_health_answers_503_soon_when_the_database_host_hangs(app_of, silent_server):
    app = app_of(SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://u@127.0.0.1:{silent_server}/d",
                   DATABASE_CONNECT_TIMEOUT=1)
    started = time.monotonic()
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}
    assert time.monotonic() - started < 10


def test_a_commit_on_sqlite_survives_a_power_cut(app_of):
    """WAL with synchronous=FULL: an issued decision number is on disk when the page says so."""
    app = app_of()
    with app.app_context():
        assert db.session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


# --- the login limits' store --------------------------------------------------------------
# The limiter is one object per process (award_flow.extensions), so an app with another store
# runs in a process of its own, as a server would.

_SCRIPT = """
import json, sys, time
from award_flow import create_app
from award_flow.extensions import db
app = create_app()
with app.app_context():
    db.create_all()
client = app.test_client()
html = client.get("/login").text
token = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
started = time.monotonic()
login = client.post("/login", data={"username": "nobody", "password": "wrong password",
                                    "csrf_token": token})
took = time.monotonic() - started
health = client.get("/health")
print(json.dumps({"login": login.status_code, "took": took, "health": health.status_code,
                  "body": health.get_json()}))
"""


def _server_with_store(tmp_path, store: str) -> dict:
    env = {**os.environ, "AWARD_FLOW_ENV": "development", "SECRET_KEY": "x" * 32,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite3'}",
           "UPLOAD_FOLDER": str(tmp_path / "uploads"), "RATELIMIT_STORAGE_URI": store,
           "PROXY_FIX_X_FOR": "0"}
    done = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, capture_output=True,
                          text=True, timeout=120, check=True, cwd=Path(config.__file__).parent)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_health_says_when_the_login_limits_store_is_down(tmp_path):
    seen = _server_with_store(tmp_path, "redis://127.0.0.1:1/0")  # nothing listens there
    assert seen["login"] == 200  # refused with a message, counted in this process's memory
    assert seen["health"] == 200  # the app works
    assert seen["body"] == {"status": "degraded", "database": "ok", "storage": "ok",
                            "rate_limits": "unreachable"}


def test_a_hanging_redis_does_not_hold_sign_ins(tmp_path, silent_server):
    seen = _server_with_store(tmp_path, f"redis://127.0.0.1:{silent_server}/0")
    assert seen["login"] == 200
    assert seen["took"] < 3  # the store's timeouts, not the operating system's
    assert seen["body"]["rate_limits"] == "unreachable"


def test_the_health_of_a_working_store_is_ok(client):
    assert client.get("/health").get_json() == {"status": "ok", "database": "ok",
                                                "storage": "ok", "rate_limits": "ok"}


def test_health_says_when_uploads_cannot_be_stored(app_of, tmp_path, caplog):
    """A full disk: the app still works (200); the public answer says so in a word, the log
    tells the administrator why (the folder's path and free space are nobody else's)."""
    app = app_of(MIN_FREE_UPLOAD_BYTES=10**18)
    caplog.set_level(logging.WARNING, logger="award_flow")
    response = app.test_client().get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "degraded", "database": "ok",
                                   "storage": "unavailable", "rate_limits": "ok"}
    assert app.config["UPLOAD_FOLDER"] not in response.text
    [record] = [r for r in caplog.records if r.getMessage().startswith("health:")]
    assert "bytes free" in record.getMessage()
    assert app.config["UPLOAD_FOLDER"] in record.getMessage()


# --- the log ------------------------------------------------------------------------------

def test_a_refused_sign_in_is_logged_with_its_request(client, world, caplog):
    caplog.set_level(logging.WARNING, logger="award_flow")
    response = client.post("/login", data={"username": world.chairman.username,
                                           "password": "not the password",
                                           "csrf_token": csrf_token(client, "/login")},
                           headers={"X-Request-ID": "req-42"})
    assert response.headers["X-Request-ID"] == "req-42"
    [record] = [r for r in caplog.records if "sign-in refused" in r.getMessage()]
    assert record.getMessage() == (f"sign-in refused for {world.chairman.username!r} "
                                   "(wrong username or password)")
    assert "not the password" not in caplog.text
    with client.application.test_request_context("/login", method="POST",
                                                 headers={"X-Request-ID": "req-42"},
                                                 environ_base={"REMOTE_ADDR": "10.0.0.7"}):
        RequestContextFilter().filter(record)
    assert record.request == "id=req-42 POST /login addr=10.0.0.7 user=-"


@pytest.mark.parametrize(("typed", "logged"), [
    ("canbo.longhuu", "'canbo.longhuu'"),
    ("Mật khẩu của tôi 2026!", "a name that is no username (22 characters)"),
    ("mat.khau=2026", "a name that is no username (13 characters)"),
])
def test_a_refused_sign_in_logs_no_name_that_is_no_username(client, caplog, typed, logged):
    """What cannot be a username is most likely a password typed in the wrong box."""
    caplog.set_level(logging.WARNING, logger="award_flow")
    client.post("/login", data={"username": typed, "password": "whatever it is",
                                "csrf_token": csrf_token(client, "/login")})
    [record] = [r for r in caplog.records if "sign-in refused" in r.getMessage()]
    assert record.getMessage() == f"sign-in refused for {logged} (wrong username or password)"
    if typed != "canbo.longhuu":
        assert typed not in caplog.text


@pytest.mark.parametrize("given", ["", "a b", "x" * 65, "<script>", "id;forged"])
def test_a_request_id_that_is_not_an_id_is_replaced(client, given):
    echoed = client.get("/login", headers={"X-Request-ID": given}).headers["X-Request-ID"]
    assert echoed != given
    assert len(echoed) == 12 and echoed.isalnum()


def test_a_log_line_outside_a_request_says_so():
    record = logging.LogRecord("award_flow", logging.WARNING, __file__, 1, "x", None, None)
    RequestContextFilter().filter(record)
    assert record.request == "-"


def test_a_server_error_page_gives_the_id_of_its_log_lines(app_of, caplog):
    app = app_of()

    @app.get("/boom")
    def boom():  # noqa: ANN202
        raise RuntimeError("broken")

    caplog.set_level(logging.ERROR, logger="award_flow")
    response = app.test_client().get("/boom", headers={"X-Request-ID": "nginx-7f3a"})
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "nginx-7f3a"
    assert "Khi báo lỗi cho quản trị hệ thống, xin gửi kèm mã: nginx-7f3a" in response.text
    assert [r.getMessage() for r in caplog.records] == ["unhandled error"]
