"""Helpers for tests that use the app through its pages, as a browser would.

Forms are read from the rendered HTML (hidden fields, the CSRF token, the version a button
carries) and sent back as they are, so a form that forgets a field fails the test.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from flask import current_app, g
from sqlalchemy import select

from award_flow.extensions import db
from tests import factories
from tests.conftest import Client, csrf_token

__all__ = [
    "Browser", "Form", "HistoryEntry", "browser", "client_as", "csrf_token",
    "db_snapshot", "flashes", "forms", "history", "listed_ids", "page_form", "saved_now",
    "sign_in", "taken_now", "upload_folder_files",
]


@dataclass
class Form:
    """One <form> of a page: where it posts and what a browser would send unchanged."""

    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def data(self, **overrides: str) -> dict[str, str]:
        values = dict(self.fields)
        values.update(overrides)
        return values

    def names(self) -> set[str]:
        return {name for name, _value in self.fields}


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: list | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._form = Form(action=a.get("action") or "",
                              method=(a.get("method") or "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input":
            name, kind = a.get("name"), (a.get("type") or "text").lower()
            if not name or kind in {"submit", "button", "file", "reset", "image"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._form.fields.append((name, a.get("value") or "on"))
                return
            self._form.fields.append((name, a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]
        elif tag == "select":
            self._select = {"name": a.get("name"), "first": None, "selected": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["selected"] = value

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            if self._form is not None and self._textarea[0]:
                self._form.fields.append((self._textarea[0], self._textarea[1]))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["selected"]
            if chosen is None:
                chosen = self._select["first"]
            if self._form is not None and self._select["name"] and chosen is not None:
                self._form.fields.append((self._select["name"], chosen))
            self._select = None


def forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def page_form(client, path: str, action: str | None = None) -> Form:  # noqa: ANN001
    """The form of the page at `path` that posts to `action` (default: the page itself)."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    wanted = action if action is not None else ""
    found = [f for f in forms(response.text) if f.method == "post" and f.action == wanted]
    assert found, f"no form posting to {wanted!r} on {path}"
    return found[0]


_FLASH = re.compile(r'<div class="flash flash-(\w+)"[^>]*>(.*?)</div>', re.S)


def flashes(html: str) -> list[tuple[str, str]]:
    """(category, message) of each flashed message on the page."""
    return [(category, unescape(re.sub(r"<[^>]+>", "", text)).strip())
            for category, text in _FLASH.findall(html)]


#: What the proposing unit's own users are told when a change to the dossier comes after the
#: proposal has left them (the page they sent it from was older): on the proposal's page.
EDITING_CLOSED = ("Không sửa được hồ sơ nữa: tờ trình đang ở trạng thái “{state}”. Không có "
                  "thay đổi nào được lưu.")
FORBIDDEN = 403


def refusal_of(client, response, proposal_id: int) -> str | int:  # noqa: ANN001
    """How a request about a proposal was refused: the error message said on the proposal's
    page it was sent back to, or else the status code (403: not the user's to do at all)."""
    if response.status_code == 302 and response.headers["Location"] == (
            f"/proposals/{proposal_id}"):
        errors = [text for kind, text in flashes(client.get(response.headers["Location"]).text)
                  if kind == "error"]
        if len(errors) == 1:
            return errors[0]
    return response.status_code


_FIELD_ERRORS = re.compile(r'<div id="([\w-]+)-error">(.*?)</div>', re.S)


def field_errors(html: str) -> dict[str, list[str]]:
    """Field id → the messages said under that field (templates/macros.html `field`)."""
    return {field: [unescape(m).strip() for m in re.findall(r'<p class="error">(.*?)</p>', body,
                                                            re.S)]
            for field, body in _FIELD_ERRORS.findall(html)}


_SAVED_NOW = re.compile(
    r'<p class="saved-now" id="([\w-]+)-saved">[^<]*<span[^>]*>(.*?)</span></p>', re.S)


def saved_now(html: str) -> dict[str, str]:
    """Field id → what is saved now, as said under the field after an edit form's save was
    refused because it was saved again meanwhile, the user having changed it too
    (templates/macros.html `field`)."""
    return {field: unescape(value) for field, value in _SAVED_NOW.findall(html)}


_TAKEN_NOW = re.compile(r'<p class="saved-now taken" id="([\w-]+)-saved">')


def taken_now(html: str) -> set[str]:
    """Field ids that took what is saved now, the user having left them as they were, after
    an edit form's save was refused because it was saved again meanwhile."""
    return set(_TAKEN_NOW.findall(html))


_LISTED = re.compile(r'<h2><a href="/proposals/(\d+)">')


def listed_ids(html: str) -> list[int]:
    """Ids of the proposals a list page shows, in order."""
    return [int(i) for i in _LISTED.findall(html)]


_HISTORY_ITEM = re.compile(r"<li><time>[^<]*</time>(.*?)</li>", re.S)


@dataclass(frozen=True)
class HistoryEntry:
    actor: str
    label: str
    from_label: str | None
    to_label: str | None
    comment: str


def history(html: str) -> list[HistoryEntry]:
    """The proposal page's history, oldest first."""
    section = html.split('id="history"', 1)[1]
    entries = []
    for body in _HISTORY_ITEM.findall(section):
        actor = re.search(r"<strong>(.*?)</strong>", body, re.S).group(1)
        label = re.search(r"</strong>\s*—\s*([^<]*)", body).group(1).strip()
        states = re.search(r'<small class="muted">\((.*?) → (.*?)\)</small>', body, re.S)
        comment = re.search(r'<div class="comment">(.*?)</div>', body, re.S)
        entries.append(HistoryEntry(
            actor=unescape(actor).strip(), label=unescape(label),
            from_label=unescape(states.group(1)) if states else None,
            to_label=unescape(states.group(2)) if states else None,
            comment=unescape(comment.group(1)).strip() if comment else "",
        ))
    return entries


def sign_in(client, user) -> None:  # noqa: ANN001
    """Sign a (second) client in through the login form."""
    response = client.post("/login", data={
        "username": user.username, "password": factories.PASSWORD,
        "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302, response.text[:300]


class Browser(Client):
    """A test client that, like a real browser talking to a real server, shares nothing
    request-scoped with other clients.

    Tests hold one app context, which Flask shares with every request made inside it; besides
    the signed-in user (cleared by `Client`), Flask-WTF caches the signed CSRF token and
    Flask-Babel the locale on `g`. A second client would otherwise be handed the first one's
    token, and a language switch would not show until the test ended.
    """

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
        g.pop("_flask_babel", None)
        return super().open(*args, **kwargs)


def browser(app):  # noqa: ANN001, ANN201
    return Browser(app, app.response_class, use_cookies=True)


def client_as(app, user):  # noqa: ANN001, ANN201
    """A separate browser signed in as `user` (the `login` fixture signs in `client` once)."""
    other = browser(app)
    sign_in(other, user)
    return other


def db_snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, to show that a refused request changed nothing."""
    return {
        table.name: [tuple(row) for row in db.session.execute(
            select(table).order_by(*table.primary_key.columns))]
        for table in db.metadata.sorted_tables
    }


def upload_folder_files() -> set[str]:
    """Every file in UPLOAD_FOLDER, temporary ones included."""
    root = Path(current_app.config["UPLOAD_FOLDER"])
    root.mkdir(parents=True, exist_ok=True)
    return set(os.listdir(root))


def file_url(attachment) -> str:  # noqa: ANN001
    """Where a dossier file is downloaded from: under its proposal."""
    return f"/proposals/{attachment.proposal_id}/attachments/{attachment.id}"
