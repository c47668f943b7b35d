"""The log never carries a session token, and forms read only what a browser's form sends
(no JSON body, no file where text is expected), so that the per-username login limit sees
every username that is tried and no hostile body can turn a form into a server error."""

from __future__ import annotations

import io
import logging

import pytest
from flask import g, session
from sqlalchemy import event

from award_flow.core.logs import RequestContextFilter
from award_flow.extensions import db
from award_flow.proposals.models import ProposalState
from tests.auth.helpers import post_login, signed_in
from tests.factories import PASSWORD, PDF_BYTES, make_proposal
from tests.web_helpers import browser, client_as, csrf_token, db_snapshot

# --- the log --------------------------------------------------------------------------------


def _request_part_of_a_log_line(app) -> str:  # noqa: ANN001
    record = logging.LogRecord("award_flow", logging.WARNING, __file__, 1, "x", None, None)
    with app.test_request_context("/work", environ_base={"REMOTE_ADDR": "10.0.0.7"}):
        RequestContextFilter().filter(record)
    return record.request


def test_a_log_line_names_the_signed_in_user_by_id_never_by_session_token(app, world):
    """The session holds the account's session token (auth/models.py): whoever reads the log
    must not learn it. The line names the user's id, read without a query even once a commit
    has expired the loaded user."""
    signed = client_as(app, world.officer_a)
    assert signed.get("/work").status_code == 200  # Flask-Login loaded the user (g)
    token, user_id = world.officer_a.session_token, world.officer_a.id
    db.session.expire_all()
    queries = []
    listener = lambda *args: queries.append(args)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        line = _request_part_of_a_log_line(app)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert token not in line
    assert line.endswith(f"addr=10.0.0.7 user={user_id}")
    assert queries == []


#: Who the request is from → what its log lines say.
LOG_USERS = [
    ("nobody signed in", "-"),
    ("a session naming someone not loaded yet", "?"),
]


@pytest.mark.parametrize(("who", "shown"), LOG_USERS, ids=[w for w, _s in LOG_USERS])
def test_a_log_line_says_who_without_a_token(app, world, who, shown):
    record = logging.LogRecord("award_flow", logging.WARNING, __file__, 1, "x", None, None)
    g.pop("_login_user", None)
    with app.test_request_context("/work"):
        if who != "nobody signed in":
            session["_user_id"] = world.officer_a.session_token
        RequestContextFilter().filter(record)
    assert record.request.endswith(f"user={shown}")
    assert world.officer_a.session_token not in record.request


# --- what forms read ------------------------------------------------------------------------

LIMIT = "3 per minute"


def _json_login(client, username, password):  # noqa: ANN001, ANN202
    """The login form's fields sent as a JSON body (the token in the header CSRFProtect also
    reads), as a script could send them."""
    token = csrf_token(client, "/login")
    return client.post("/login", json={"username": username, "password": password,
                                       "csrf_token": token},
                       headers={"X-CSRFToken": token}, environ_base={"REMOTE_ADDR": "192.0.2.9"})


def test_a_json_body_signs_no_one_in(app, world):
    client = browser(app)
    response = _json_login(client, world.officer_a.username, PASSWORD)
    assert response.status_code == 200
    assert not signed_in(client)


def test_a_json_body_cannot_try_passwords_past_the_per_username_limit(app, world,
                                                                         monkeypatch):
    """The per-username limit counts what the form's `username` field holds: a JSON body
    (which Flask-WTF would read, and which has no such field) was a second bucket of
    guesses at an account whose own bucket was full."""
    monkeypatch.setitem(app.config, "LOGIN_USERNAME_RATE_LIMIT", LIMIT)
    for ip in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        assert post_login(browser(app), "officer.a", "not the password", ip=ip).status_code == 200
    client = browser(app)
    _json_login(client, "officer.a", PASSWORD)
    assert not signed_in(client)


#: Bodies no browser's form sends, with a value where each field expects text.
HOSTILE_LOGIN_BODIES = {
    "a number": {"json": {"username": 5, "password": "x"}},
    "an object": {"json": {"username": {"a": 1}, "password": "x"}},
    "a list of numbers": {"json": {"username": [1, 2], "password": "x"}},
    "true": {"json": {"username": True, "password": "x"}},
    "a numeric password": {"json": {"username": "officer.a", "password": 123456789012}},
    "a file as the username": {"data": {"username": (io.BytesIO(b"officer.a"), "u.txt"),
                                        "password": PASSWORD}},
    "a file as the password": {"data": {"username": "officer.a",
                                        "password": (io.BytesIO(PASSWORD.encode()), "p.txt")}},
}


@pytest.mark.parametrize("body", HOSTILE_LOGIN_BODIES)
def test_a_hostile_login_body_is_not_a_server_error_and_signs_no_one_in(app, world, body):
    client = browser(app)
    token = csrf_token(client, "/login")
    kwargs = HOSTILE_LOGIN_BODIES[body]
    if "json" in kwargs:
        kwargs = {"json": {**kwargs["json"], "csrf_token": token}}
    else:
        kwargs = {"data": {**kwargs["data"], "csrf_token": token}}
    response = client.post("/login", headers={"X-CSRFToken": token}, **kwargs)
    assert response.status_code == 200
    assert not signed_in(client)


def test_a_json_body_changes_no_proposal(app, world):
    proposal = make_proposal(world)
    db.session.commit()
    client = client_as(app, world.officer_a)
    token = csrf_token(client, f"/proposals/{proposal.id}")
    before = db_snapshot()
    response = client.post(f"/proposals/{proposal.id}/nominees/new",
                           json={"name": 5, "priority_group": "none", "csrf_token": token},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert db_snapshot() == before


def test_a_file_is_still_read_from_the_file_field(app, world):
    """The upload form, sent as browsers send it, still stores its file."""
    proposal = make_proposal(world, state=ProposalState.DRAFT)
    db.session.commit()
    client = client_as(app, world.officer_a)
    token = csrf_token(client, f"/proposals/{proposal.id}")
    response = client.post(f"/proposals/{proposal.id}/attachments",
                           data={"csrf_token": token, "kind": "other",
                                 "file": (io.BytesIO(PDF_BYTES), "bien-ban.pdf")})
    assert response.status_code == 302
    db.session.expire_all()
    assert [a.original_name for a in proposal.attachments] == ["to-trinh.pdf", "bien-ban.pdf"]
