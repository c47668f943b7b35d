"""Site-wide behaviour: the health endpoint, the language switch, error pages and the
security headers every response carries."""

from __future__ import annotations

import re

import pytest

from tests.web_helpers import browser, csrf_token, forms, sign_in


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
    assert "<h1>Log in</h1>" in english and "Tiếng Việt" in english

    back = _switch(page)

    assert back.status_code == 302
    vietnamese = page.get("/login").text
    assert _lang(vietnamese) == "vi" and "<h1>Đăng nhập</h1>" in vietnamese


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
