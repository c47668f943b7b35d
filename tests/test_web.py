"""Site-wide behaviour: the health endpoint, the language switch, error pages and the
security headers every response carries."""

from __future__ import annotations

import hashlib
import os
import re

import pytest
from flask import url_for
from markupsafe import escape
from sqlalchemy import event
from werkzeug.exceptions import default_exceptions
from werkzeug.routing import IntegerConverter

from award_flow.core.params import MAX_ID
from award_flow.extensions import db
from award_flow.proposals.models import ProposalState
from award_flow.web import error_message
from config import DevelopmentConfig, ProductionConfig, TestingConfig
from tests.factories import make_proposal
from tests.web_helpers import browser, csrf_token, forms, listed_ids, sign_in


def test_health_answers_ok_as_json_without_login(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json()["status"] == "ok"


def test_health_of_an_unknown_path_answers_json(client):
    response = client.get("/health/nothing")
    assert response.status_code == 404 and response.get_json() == {"status": "error"}


def _lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def _switch(client, path: str = "/login"):  # noqa: ANN001, ANN202
    """Press the language button of the page at `path`, as the browser would."""
    html = client.get(path).text
    (form,) = [f for f in forms(html) if f.action.startswith("/language/")]
    return client.post(form.action, data=form.data())


def test_the_language_switches_to_english_and_back(app, world):
    page = browser(app)
    assert _lang(page.get("/login").text) == "vi"

    to_english = _switch(page)

    assert to_english.status_code == 302 and to_english.headers["Location"].startswith("/login")
    english = page.get("/login").text
    assert _lang(english) == "en"
    assert "<h1>Sign in</h1>" in english and "Tiếng Việt" in english

    back = _switch(page)

    assert back.status_code == 302
    vietnamese = page.get("/login").text
    assert _lang(vietnamese) == "vi" and "<h1>Đăng nhập</h1>" in vietnamese


@pytest.mark.parametrize(("english", "shown", "not_shown"), [
    (False, ["1.404.000 đồng", "Duyên Hải, ngày ", "702.000"], ["₫"]),
    (True, ["₫1,404,000", "702,000"], ["đồng", "ngày "]),
], ids=["vi", "en"])
def test_dates_and_amounts_follow_the_language_of_the_page(app, world, english, shown,
                                                           not_shown):
    """Vietnamese pages write them as official documents do; English ones as English does."""
    proposal = make_proposal(world, state=ProposalState.DECIDED)
    proposal_id, decision = proposal.id, proposal.decision
    db.session.commit()
    page = browser(app)
    sign_in(page, world.officer_a)
    if english:
        _switch(page, "/decisions/")
    html = page.get(f"/decisions/{decision.id}").text
    body = html[html.index("<main"):]
    for text in shown:
        assert text in body, text
    for text in not_shown:
        assert text not in body.replace("Số tiền (đồng)", ""), text
    # Times in the proposal's details and history too.
    details = page.get(f"/proposals/{proposal_id}").text
    english_time = re.search(r"[A-Z][a-z]{2} \d{1,2}, \d{4}, \d\d:\d\d", details)
    vietnamese_time = re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", details)
    assert (english_time is not None, vietnamese_time is not None) == (english, not english)


def test_the_language_is_kept_after_signing_in(app, world):
    page = browser(app)
    _switch(page)
    sign_in(page, world.secretariat)
    work = page.get("/work").text
    assert _lang(work) == "en" and "My work" in work


def test_an_unknown_language_is_ignored(app):
    page = browser(app)
    response = page.post("/language/fr", data={"csrf_token": csrf_token(page), "next": "/login"})
    assert response.status_code == 302
    assert _lang(page.get("/login").text) == "vi"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/",
                                    "/\\evil.example/", ""])
def test_the_language_switch_returns_only_to_a_page_of_this_site(app, target):
    page = browser(app)
    response = page.post("/language/en", data={"csrf_token": csrf_token(page), "next": target})
    location = response.headers["Location"]
    assert location.startswith("/") and not re.match(r"^/[\\/]", location)


def test_the_language_switch_ignores_a_tab_trick(app):
    page = browser(app)
    response = page.post("/language/en", data={"csrf_token": csrf_token(page),
                                               "next": "/\t/evil.example/"})
    location = response.headers["Location"]
    assert location.startswith("/") and not re.match(r"^/[\\/]", location)


def test_an_unknown_page_is_a_vietnamese_404(client, world, login):
    login(world.officer_a)
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Không tìm thấy trang hoặc hồ sơ này." in response.text


@pytest.mark.parametrize("path", ["/login", "/health", "/no-such-page"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    policy = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "object-src 'none'",
                      "frame-ancestors 'none'", "form-action 'self'"):
        assert directive in policy


def test_pages_of_a_signed_in_user_carry_the_security_headers(client, world, login):
    login(world.officer_a)
    headers = client.get("/work").headers
    assert headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in headers


def test_signed_in_pages_are_never_stored_and_public_ones_may_be(client, world, login):
    """Back after signing out on a shared computer must not show a dossier from the cache."""
    assert "Cache-Control" not in client.get("/login").headers
    login(world.officer_a)
    for path in ("/work", "/proposals", "/decisions/"):
        assert client.get(path).headers["Cache-Control"] == "private, no-store", path


# --- static files: versioned URLs, kept by the browser ------------------------------------

_STATIC = re.compile(r'(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]+)"')


def test_pages_link_static_files_by_the_version_of_their_content(app, client):
    linked = dict(_STATIC.findall(client.get("/login").text))
    assert set(linked) == {"/static/css/app.css", "/static/js/app.js", "/static/img/favicon.svg"}
    for path, version in linked.items():
        with open(app.static_folder + path.removeprefix("/static"), "rb") as file:
            assert hashlib.sha256(file.read()).hexdigest().startswith(version), path


def test_a_versioned_static_file_is_kept_a_year_and_any_other_url_is_revalidated(client):
    path, version = _STATIC.findall(client.get("/login").text)[0]
    with client.get(f"{path}?v={version}") as kept:
        assert kept.status_code == 200
        assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for stale in (path, f"{path}?v=0123456789ab"):
        with client.get(stale) as response:
            assert "immutable" not in response.headers["Cache-Control"], stale


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_static_file_is_kept_whatever_the_session_cookie(client, world, login, signed_in):
    """Not "Vary: Cookie": a browser would fetch the file again for each new session cookie
    (every flashed message), and a static request sets no cookie of its own."""
    if signed_in:
        login(world.officer_a)
    page = "/work" if signed_in else "/login"
    path, version = _STATIC.findall(client.get(page).text)[0]
    for url in (f"{path}?v={version}", path):
        with client.get(url) as response:
            assert response.status_code == 200
            assert "Cookie" not in response.vary, url
            assert "Set-Cookie" not in response.headers, url
    # Pages still vary on it: they are the signed-in user's.
    assert "Cookie" in client.get(page).vary


def test_a_changed_static_file_gets_a_new_url(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    (tmp_path / "x.css").write_text("a{}")
    with app.test_request_context():
        first = url_for("static", filename="x.css")
        (tmp_path / "x.css").write_text("b{}")
        os.utime(tmp_path / "x.css", ns=(1, 10**18))
        second = url_for("static", filename="x.css")
        missing = url_for("static", filename="nowhere.css")
    assert first != second
    assert missing == "/static/nowhere.css"


def test_a_static_file_asks_nothing_of_the_database(app, client, world, login):
    """Signed in, CSS and scripts are served without loading the user (one query each)."""
    login(world.officer_a)
    path, version = _STATIC.findall(client.get("/work").text)[0]
    statements = []

    def count(*_args) -> None:  # noqa: ANN002
        statements.append(1)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            with client.get(f"{path}?v={version}") as response:
                status, cache_control = response.status_code, response.headers["Cache-Control"]
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert status == 200
    assert statements == []
    assert "private" not in cache_control


# --- error pages: always a Vietnamese message, never Werkzeug's English description ---------

#: (how the error is provoked, its status, the message the page shows)
ERRORS = [
    ("GET /logout", 405, "Trang này không hỗ trợ thao tác vừa gửi. Hãy dùng các nút trên trang."),
    ("POST /proposals/new with a body cut short", 400,
     "Yêu cầu không hợp lệ. Hãy tải lại trang và thử lại."),
    ("GET /no-such-page", 404, "Không tìm thấy trang hoặc hồ sơ này."),
]


def _provoke(client, how: str):  # noqa: ANN001, ANN202
    if how == "GET /logout":
        return client.get("/logout")
    if how == "GET /no-such-page":
        return client.get("/no-such-page")
    # Werkzeug itself raises this 400 when the form is read from a body shorter than its
    # Content-Length (the client went away). (Forms never read a JSON body: core/forms.py.)
    body = f"csrf_token={csrf_token(client, '/proposals/new')}&title=x"
    return client.post("/proposals/new", data=body,
                       content_type="application/x-www-form-urlencoded",
                       environ_overrides={"CONTENT_LENGTH": str(len(body) + 1000)})


@pytest.mark.parametrize(("how", "code", "message"), ERRORS, ids=[h for h, _c, _m in ERRORS])
def test_an_error_page_says_what_happened_in_vietnamese(client, world, login, how, code,
                                                        message):
    login(world.officer_a)
    response = _provoke(client, how)
    assert response.status_code == code
    assert _lang(response.text) == "vi"
    assert message in response.text
    assert escape(default_exceptions[code].description) not in response.text


def test_a_405_page_still_says_which_methods_are_allowed(client, world, login):
    login(world.officer_a)
    response = client.get("/logout")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]


def test_every_http_error_has_a_vietnamese_message_of_its_own():
    english = [code for code, error in default_exceptions.items()
               if error_message(code) in ("", error.description)]
    assert english == []
    assert {error_message(code) for code in (400, 405, 418, 500, 503)} >= {
        "Yêu cầu không hợp lệ. Hãy tải lại trang và thử lại.",
        "Đã có lỗi. Không có thay đổi nào được lưu."}


# --- numbers in URLs: beyond what the database holds is "not found" or ignored, never a 500 -

HUGE = "99999999999999999999"  # > 2**63 - 1: SQLite's driver raises OverflowError on it
BIG = str(2**40)  # > 2**31 - 1: PostgreSQL refuses it as an INTEGER ("integer out of range")
LARGEST = str(MAX_ID)  # the largest id the INTEGER columns hold: looked up, not found
LAST_PAGE = str(MAX_ID // 20)  # its offset still fits: an empty page, not an error

#: (method, URL, status): ids in the path are 404, numbers in the query string are ignored.
HUGE_NUMBERS = [
    ("GET", f"/proposals/{HUGE}", 404),
    ("GET", f"/proposals/{HUGE}/edit", 404),
    ("GET", f"/proposals/{HUGE}/nominees/new", 404),
    ("GET", f"/proposals/{HUGE}/conclude", 404),
    ("GET", f"/proposals/{HUGE}/nominees/{HUGE}/edit", 404),
    ("GET", f"/proposals/{HUGE}/attachments/{HUGE}", 404),
    ("GET", f"/decisions/{HUGE}", 404),
    ("GET", f"/decisions/{HUGE}/pdf", 404),
    ("GET", f"/admin/units/{HUGE}/edit", 404),
    ("GET", f"/admin/users/{HUGE}/edit", 404),
    ("POST", f"/proposals/{HUGE}/actions/submit", 404),
    ("POST", f"/proposals/{HUGE}/attachments", 404),
    ("POST", f"/proposals/{HUGE}/nominees/{HUGE}/delete", 404),
    ("POST", f"/proposals/{HUGE}/attachments/{HUGE}/delete", 404),
    ("GET", f"/proposals/{BIG}", 404),
    ("GET", f"/proposals/{BIG}/attachments/{BIG}", 404),
    ("GET", f"/decisions/{BIG}/pdf", 404),
    ("POST", f"/proposals/{BIG}/attachments/{BIG}/delete", 404),
    ("GET", f"/proposals/{LARGEST}", 404),
    ("GET", f"/proposals/{LARGEST}/nominees/{LARGEST}/edit", 404),
    ("GET", f"/decisions/{LARGEST}/pdf", 404),
    ("GET", f"/proposals?page={HUGE}", 200),
    ("GET", f"/proposals?page={BIG}", 200),
    ("GET", f"/proposals?page={LAST_PAGE}", 302),  # past the last page: to the last
    ("GET", f"/proposals?campaign={BIG}&unit={BIG}&award_type={BIG}", 200),
    ("GET", f"/proposals?campaign={LARGEST}&unit={LARGEST}&award_type={LARGEST}", 200),
    ("GET", f"/work?page={HUGE}", 200),
    ("GET", f"/proposals?campaign={HUGE}", 200),
    ("GET", f"/proposals?unit={HUGE}", 200),
    ("GET", f"/proposals?award_type={HUGE}", 200),
    ("GET", f"/work?campaign={HUGE}&unit={HUGE}&award_type={HUGE}&page={HUGE}", 200),
    ("GET", f"/decisions/?page={HUGE}", 200),
    ("GET", f"/decisions/?page={BIG}", 200),
    ("GET", f"/decisions/?page={LAST_PAGE}", 302),  # past the last page: to the last
    ("GET", f"/decisions/?year={HUGE}&unit={HUGE}&number={HUGE}", 200),
    ("GET", f"/decisions/?year={BIG}&unit={BIG}&number={BIG}", 200),
    ("GET", f"/decisions/?unit={LARGEST}&number={LARGEST}", 200),
]


@pytest.mark.parametrize(("method", "url", "status"), HUGE_NUMBERS,
                         ids=[f"{m} {u}" for m, u, _s in HUGE_NUMBERS])
def test_a_number_too_large_for_the_database_is_not_found_or_ignored(app, world, method, url,
                                                                     status):
    user = world.admin if url.startswith("/admin") else world.secretariat
    page = browser(app)
    sign_in(page, user)
    if method == "GET":
        response = page.get(url)
    else:
        response = page.post(url, data={"csrf_token": csrf_token(page, "/decisions/"),
                                        "version": "1"})
    assert response.status_code == status


def test_a_filter_by_a_number_too_large_is_ignored(client, world, login):
    proposal = make_proposal(world, state=ProposalState.SUBMITTED)
    db.session.commit()
    login(world.secretariat)
    for query in (f"campaign={HUGE}", f"unit={HUGE}&award_type={HUGE}", f"campaign={BIG}",
                  "campaign=-1"):
        assert listed_ids(client.get(f"/proposals?{query}").text) == [proposal.id], query


def test_every_integer_in_a_url_is_bounded_by_the_largest_id(app):
    unbounded = [rule.rule for rule in app.url_map.iter_rules()
                 for converter in rule._converters.values()  # noqa: SLF001
                 if isinstance(converter, IntegerConverter) and
                 (converter.max is None or converter.max > MAX_ID)]
    assert unbounded == []
    assert any("int:" in rule.rule for rule in app.url_map.iter_rules())


# --- personal files and transport security --------------------------------------------------


@pytest.mark.parametrize(("config", "hsts"), [
    (ProductionConfig, "max-age=31536000; includeSubDomains"),
    (DevelopmentConfig, None),
    (TestingConfig, None),
], ids=["production", "development", "testing"])
def test_only_production_tells_browsers_to_use_https_only(app_of, config, hsts):
    response = app_of(config).test_client().get("/health")
    assert response.status_code == 200
    assert response.headers.get("Strict-Transport-Security") == hsts
