"""Test fixtures: one app per session on a migrated database; every test starts empty.

The database is SQLite in a temporary file by default (a file, not :memory:, so the
concurrency tests can open several connections), or PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
import re

import pytest
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from award_flow import create_app
from award_flow.extensions import db, limiter
from config import TestingConfig
from tests import factories


class Client(FlaskClient):
    """A test client whose requests never reuse the previous request's signed-in user.

    Tests hold one app context, which Flask shares with the requests made inside it;
    Flask-Login caches the user on `g`, so it is cleared before each request.
    """

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        for cached in ("_login_user", "csrf_token", "_flask_babel"):
            g.pop(cached, None)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("award_flow")
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp / 'test.sqlite3'}"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_FOLDER = str(tmp / "uploads")
        # Room for the concurrency tests' 50 simultaneous issuances.
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 60}

    app = create_app(Config)
    app.test_client_class = Client
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()  # the schema comes from the migrations, as in production
    yield app
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()  # close pooled connections before the interpreter exits


def _wipe() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        # The audit trail's triggers refuse DELETE (migration 0004): lifted for the wipe only,
        # inside its transaction.
        triggers = db.session.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
        for name, _sql in triggers:
            db.session.execute(text(f'DROP TRIGGER "{name}"'))
        for table in tables:
            db.session.execute(table.delete())
        for _name, sql in triggers:
            db.session.execute(text(sql))
    db.session.commit()


@pytest.fixture(autouse=True)
def app_ctx(app):
    """Each test runs in an app context and leaves an empty database behind."""
    with app.app_context():
        limiter.reset()
        yield app
        db.session.rollback()
        db.session.remove()
        _wipe()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world():
    """An authority with two units, one user per role, a campaign and the catalogue."""
    w = factories.make_world()
    db.session.commit()
    return w


@pytest.fixture
def other_world(world):
    """A second authority beside `world`'s, with the same shape: its own units, users (named
    "cn.…"), campaign and catalogue."""
    w = factories.make_other_world()
    db.session.commit()
    return w


@pytest.fixture
def commune_world():
    """A commune-level authority with the same shape as `world`: two hamlets and its office,
    its users (named "lh.…"), campaign and catalogue."""
    w = factories.make_commune_world()
    db.session.commit()
    return w


@pytest.fixture
def login(client):
    """`login(user)` signs the client in as that user (through the real login form)."""

    from tests.web_helpers import sign_in  # web_helpers imports this module

    def _login(user) -> None:  # noqa: ANN001
        for cookie in ("session", "remember_token"):
            client.delete_cookie(cookie)
        sign_in(client, user)

    return _login


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    """Read a CSRF token from a page, as a browser's form would carry it."""
    response = client.get(path)
    match = _CSRF.search(response.text)
    return match.group(1) if match else ""


@pytest.fixture
def app_of(tmp_path, monkeypatch):
    """`app_of(ConfigClass, **settings)`: a separate app of that configuration (TestingConfig
    by default) with these settings, on an empty SQLite database of its own, counting login
    limits in memory. Production's checks pass (a SECRET_KEY is set, debug is off)."""
    monkeypatch.setenv("SECRET_KEY", "a-long-random-secret-for-this-test")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    made = []

    def _make(base=TestingConfig, **settings):  # noqa: ANN001, ANN003, ANN202
        class Config(base):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'other.sqlite3'}"
            RATELIMIT_STORAGE_URI = "memory://"
            UPLOAD_FOLDER = str(tmp_path / "uploads")

        for name, value in settings.items():
            setattr(Config, name, value)
        other = create_app(Config)
        made.append(other)
        return other

    yield _make
    for other in made:
        with other.app_context():
            db.engine.dispose()
