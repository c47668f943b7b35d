"""Configuration, one class per environment; every value can come from the environment.

`AWARD_FLOW_ENV` (development | testing | production) picks the class when the app is
created from the `flask` command or `wsgi.py`. Unset, it is production, which refuses to start
without a SECRET_KEY: a server whose service file forgot the variable fails closed instead of
serving with the development key. The Makefile sets `development` for `make run`.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("AWARD_FLOW_INSTANCE", BASE_DIR / "instance"))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'award_flow.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    #: PostgreSQL: seconds to wait for a connection, and for the server to acknowledge what
    #: was sent on an open one, before giving up (libpq `connect_timeout`, `tcp_user_timeout`).
    #: Without them a database host that stops answering holds every worker for minutes,
    #: and /health hangs instead of answering 503. Not a limit on how long a query may run.
    DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    DATABASE_TCP_TIMEOUT = int(os.environ.get("DATABASE_TCP_TIMEOUT", "30"))
    #: SQLite waits this long (ms) for a lock instead of failing with "database is locked".
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "30000"))

    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    #: One attachment may be at most this large (bytes).
    MAX_ATTACHMENT_BYTES = int(os.environ.get("MAX_ATTACHMENT_BYTES", str(10 * 1024 * 1024)))
    #: A proposal's dossier holds at most this many files, of this many bytes in all: one
    #: account cannot fill the disk (the scans of a large proposal fit easily).
    MAX_ATTACHMENTS_PER_PROPOSAL = int(os.environ.get("MAX_ATTACHMENTS_PER_PROPOSAL", "50"))
    MAX_DOSSIER_BYTES = int(os.environ.get("MAX_DOSSIER_BYTES", str(200 * 1024 * 1024)))
    #: Below this much free space in the upload folder, /health says "degraded" (default:
    #: room for one more file of the largest size).
    MIN_FREE_UPLOAD_BYTES = int(os.environ.get("MIN_FREE_UPLOAD_BYTES",
                                               str(MAX_ATTACHMENT_BYTES)))
    #: A list of nominees read from a spreadsheet has at most this many rows below its
    #: headings, empty ones included (a decision's annex beyond it is better split over
    #: several proposals): reading stops there, whatever size the file says its sheet is.
    NOMINEE_LIST_MAX_ROWS = int(os.environ.get("NOMINEE_LIST_MAX_ROWS", "2000"))
    # The request may carry a little more than one file (form fields, multipart framing).
    MAX_CONTENT_LENGTH = MAX_ATTACHMENT_BYTES + 512 * 1024

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    #: Flask-Limiter's default, pinned: a login attempt that does not count gives its place
    #: back by counting its window down (auth/views.py), which a fixed window's counter allows.
    RATELIMIT_STRATEGY = "fixed-window"
    #: When the store (Redis) cannot be reached, count in this process's memory meanwhile
    #: rather than failing every sign-in; Flask-Limiter returns to the store when it is back.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: A Redis that does not answer is given up on within this many seconds (and the memory
    #: fallback used), instead of every sign-in waiting for the operating system's timeout.
    RATELIMIT_STORAGE_OPTIONS = {
        "socket_timeout": float(os.environ.get("RATELIMIT_STORAGE_TIMEOUT", "0.5")),
        "socket_connect_timeout": float(os.environ.get("RATELIMIT_STORAGE_TIMEOUT", "0.5")),
    }
    #: Failed sign-ins allowed per client address (successful ones are not counted); a wrong
    #: current password on the account page takes from the same count.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    #: Failed sign-ins allowed per username (casefolded, NFC), whatever the address they come
    #: from: one account cannot be guessed at from many addresses.
    LOGIN_USERNAME_RATE_LIMIT = os.environ.get("LOGIN_USERNAME_RATE_LIMIT",
                                               "10 per minute;50 per hour")
    #: A browser where an account signed in skips that account's per-username limit for so
    #: many days (auth/views.py, "device cookies"): nobody can lock an account out of it.
    DEVICE_COOKIE_DAYS = int(os.environ.get("DEVICE_COOKIE_DAYS", "365"))
    #: How many reverse proxies in front of the app append to X-Forwarded-For. 0 (the default)
    #: trusts no such header: the client address is the TCP peer's. Behind one proxy (nginx on
    #: the same machine, as in the README) set 1, and the login limits and the audit trail
    #: see the real client address instead of the proxy's (werkzeug's ProxyFix, x_for).
    #: Never set it higher than the number of proxies: a client could then forge its address.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    # "Remember me" lasts two weeks; the cookie carries the user's session token
    # (auth/models.py), which a password change, a lock or a logout replaces.
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = SESSION_COOKIE_HTTPONLY
    REMEMBER_COOKIE_SAMESITE = SESSION_COOKIE_SAMESITE
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead; a clerk's form may stay open all day
    #: A session signed in without "remember me" ends after this many minutes without a
    #: request (auth/views.py); the page warns two minutes before and keeps it while the
    #: user types. 0: never.
    SESSION_IDLE_MINUTES = float(os.environ.get("SESSION_IDLE_MINUTES", "30"))

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    PAGE_SIZE = int(os.environ.get("PAGE_SIZE", "20"))


class DevelopmentConfig(Config):
    DEBUG = _bool("FLASK_DEBUG", False)
    # A fixed key is fine on a developer's machine; production refuses to start without one.
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    PROXY_FIX_X_FOR = 0  # whatever the environment of the machine running the tests
    # Tests measure behaviour, not the KDF: cheap parameters keep the suite fast.
    PASSWORD_HASH_FAST = True


class ProductionConfig(Config):
    DEBUG = False
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    #: Behind the README's TLS reverse proxy, set PROXY_FIX_X_FOR=1 (default 0: off).
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))

    @classmethod
    def check(cls) -> None:
        """Refuse to run production without a secret key or with debug on."""
        if not os.environ.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in production (AWARD_FLOW_ENV is "
                               "production unless set; a developer's machine sets "
                               "AWARD_FLOW_ENV=development, as `make run` does)")
        if _bool("FLASK_DEBUG", False):
            raise RuntimeError("FLASK_DEBUG must be off in production")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    name = os.environ.get("AWARD_FLOW_ENV", "production").strip().lower()
    if name not in CONFIGS:
        raise RuntimeError(f"AWARD_FLOW_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name]
