"""A session signed in without "remember me" ends after SESSION_IDLE_MINUTES (30) without a
request: an office computer left signed in does not stay in the clerk's name. Every request
keeps it going (its time is written again once a minute); "remember me" is the user's choice to
stay signed in on their own device, and has no such end."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from award_flow.auth import views
from award_flow.proposals.models import ProposalState
from tests.auth.helpers import post_login, session_of, signed_in
from tests.factories import make_proposal
from tests.web_helpers import browser, db_snapshot, flashes

START = 1_800_000_000  # epoch seconds


@pytest.fixture
def clock(monkeypatch):
    """`clock.at(minutes)`: what auth.views takes for the time, that many minutes after START."""
    now = SimpleNamespace(value=START)
    monkeypatch.setattr(views, "time", SimpleNamespace(time=lambda: now.value))
    return SimpleNamespace(at=lambda minutes: setattr(now, "value", START + int(minutes * 60)))


def _signed_in_at_start(app, clock, remember=False):  # noqa: ANN001, ANN202
    device = browser(app)
    clock.at(0)
    assert post_login(device, "officer.a", remember=remember).status_code == 302
    return device


#: (remember me?, minutes between the requests) → still signed in at the last one
IDLE = [
    (False, [29], True),
    (False, [31], False),
    (False, [20, 40, 60], True),  # each request keeps it going
    (False, [20, 51], False),
    (True, [600], True),
]


@pytest.mark.parametrize(("remember", "requests_at", "kept"), IDLE)
def test_a_session_ends_after_the_idle_limit_unless_remembered(app, world, clock, remember,
                                                               requests_at, kept):
    device = _signed_in_at_start(app, clock, remember)
    for minutes in requests_at:
        clock.at(minutes)
        result = signed_in(device)
    assert result is kept


def test_an_ended_session_goes_to_the_sign_in_page_saying_why_and_comes_back(app, world, clock):
    device = _signed_in_at_start(app, clock)
    clock.at(31)
    response = device.get("/proposals/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    page = device.get(response.headers["Location"]).text
    assert ("info", "Phiên đăng nhập đã kết thúc vì không hoạt động quá 30 phút. Hãy đăng nhập "
                    "lại.") in flashes(page)
    assert "_user_id" not in session_of(device)


def test_a_form_sent_after_the_end_changes_nothing(app, world, clock):
    proposal = make_proposal(world, state=ProposalState.DRAFT)
    from award_flow.extensions import db

    db.session.commit()
    device = browser(app)
    clock.at(0)
    post_login(device, "head.a")
    page = device.get(f"/proposals/{proposal.id}").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    before = db_snapshot()
    clock.at(45)
    response = device.post(f"/proposals/{proposal.id}/actions/submit",
                           data={"csrf_token": token, "version": str(proposal.version)})
    assert response.status_code == 302
    assert db_snapshot() == before
    assert ("warning", "Phiên đăng nhập đã hết. Thao tác vừa rồi chưa được thực hiện — hãy đăng "
                       "nhập lại rồi thử lại.") in flashes(device.get("/login").text)


def test_static_files_do_not_keep_a_session_going(app, world, clock):
    device = _signed_in_at_start(app, clock)
    clock.at(20)
    response = device.get("/static/css/app.css")
    response.close()
    assert response.status_code == 200
    clock.at(31)
    assert not signed_in(device)


def test_the_time_is_written_again_once_a_minute_not_on_every_request(app, world, clock):
    device = _signed_in_at_start(app, clock)
    clock.at(0.5)
    device.get("/work")
    assert session_of(device)[views.IDLE_SEEN] == START
    clock.at(1)
    device.get("/work")
    assert session_of(device)[views.IDLE_SEEN] == START + 60


#: the page's script asks how long is left: (remember me?, minutes idle) → answer
ALIVE = [
    (False, 10, (200, 30 * 60)),  # asking keeps it: the whole limit again
    (False, 31, (401, 0)),
    (True, 31, (200, None)),  # remembered: no end
]


@pytest.mark.parametrize(("remember", "minutes", "answer"), ALIVE)
def test_the_page_asks_how_long_the_session_has_left(app, world, clock, remember, minutes,
                                                     answer):
    device = _signed_in_at_start(app, clock, remember)
    clock.at(minutes)
    response = device.get("/session/alive")
    assert (response.status_code, response.get_json()["seconds_left"]) == answer
    assert response.headers["Cache-Control"] == "no-store"


def test_asking_without_a_session_says_it_has_ended(client, world):
    response = client.get("/session/alive")
    assert (response.status_code, response.get_json()) == (401, {"seconds_left": 0})


#: (remember me?) → the page tells its script how long is left (or nothing: no end); half a
#: minute after the last time written, which this request does not write again
@pytest.mark.parametrize(("remember", "left"), [(False, "1770"), (True, None)])
def test_the_page_tells_its_script_when_the_session_ends(app, world, clock, remember, left):
    device = _signed_in_at_start(app, clock, remember)
    clock.at(0.5)
    page = device.get("/work").text
    match = re.search(r'data-idle-left="(\d+)"', page)
    assert (match.group(1) if match else None) == left
    if left:
        assert 'data-idle-total="1800"' in page and 'data-idle-alive="/session/alive"' in page


def test_no_limit_when_it_is_set_to_zero(app, world, clock, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 0)
    device = _signed_in_at_start(app, clock)
    clock.at(10_000)
    assert signed_in(device)
    assert "data-idle-left" not in device.get("/work").text
