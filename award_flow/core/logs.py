"""The server's log: every line says which request it belongs to.

A line written while a request is served carries its id, method, path, client address and
signed-in user's id (never the session token the session holds), e.g.
`[2026-11-26 22:10:03,120] WARNING award_flow [id=3f2a9c1b7d04
POST /login addr=10.0.0.7 user=-]: sign-in refused for 'chutich' (wrong username or
password)`. The id is the reverse proxy's `X-Request-ID` when it sends one (nginx:
`proxy_set_header X-Request-ID $request_id;`), otherwise made here; it goes back in the
response's `X-Request-ID` and on the error page, so a user can quote it to the admin.
Flask-Limiter's own warnings (its storage unreachable, counting in memory meanwhile) go to the
same log instead of being dropped.
"""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, g, has_request_context, request, session
from flask.logging import default_handler
from sqlalchemy import inspect

#: What a request id taken from the proxy may look like (anything else is replaced).
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_KEY = "award_flow.request_id"
FORMAT = "[%(asctime)s] %(levelname)s %(name)s [%(request)s]: %(message)s"


def request_id() -> str | None:
    """This request's id (None outside a request)."""
    if not has_request_context():
        return None
    found = request.environ.get(_KEY)
    if found is None:
        given = request.headers.get("X-Request-ID", "")
        found = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:12]
        request.environ[_KEY] = found
    return found


class RequestContextFilter(logging.Filter):
    """Adds `%(request)s` to every record: the request's id, method, path, address and
    user id, or "-" outside a request (CLI commands, start-up)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            user = _user_of_request() if request.endpoint != "static" else "-"
            record.request = (f"id={request_id()} {request.method} {request.path} "
                              f"addr={request.remote_addr} user={user}")
        else:
            record.request = "-"
        return True


def _user_of_request() -> str:
    """The id of the request's signed-in user, once Flask-Login has loaded it; "?" while the
    session names someone not loaded yet; "-" when nobody is signed in. Never what the
    session holds: that is the account's session token (auth/models.py), which with the
    secret key would open the account to whoever reads the log. No database query either:
    the id is read from the loaded object's identity, even once a commit expired it."""
    state = inspect(g.get("_login_user"), raiseerr=False)  # None: nobody, or anonymous
    if state is not None and state.identity:
        return str(state.identity[0])
    return "?" if session.get("_user_id") else "-"


def configure_logging(app: Flask) -> None:
    default_handler.setFormatter(logging.Formatter(FORMAT))
    if not any(isinstance(f, RequestContextFilter) for f in default_handler.filters):
        default_handler.addFilter(RequestContextFilter())
    limiter_log = logging.getLogger("flask-limiter")
    if default_handler not in limiter_log.handlers:
        limiter_log.addHandler(default_handler)
    limiter_log.setLevel(logging.WARNING)

    @app.after_request
    def echo_request_id(response):  # noqa: ANN001, ANN202
        response.headers.setdefault("X-Request-ID", request_id())
        return response
