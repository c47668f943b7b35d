"""What a URL may hold. Ids are ASCII digits from 1 (Python's \\d also takes "١", and id 0
made the admin's edit page a "new" page). The pager links to the other pages of the same list
with the same query; whatever the query string holds is data in those links, never an argument
of url_for (`_external`, `_scheme`, `endpoint` gave a server error or rewrote the links)."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from award_flow.auth.models import User
from award_flow.extensions import db
from award_flow.org.models import Unit
from tests.factories import make_proposal

HOSTILE = {"endpoint": "auth.login", "_external": "1", "_scheme": "http", "_anchor": "x",
           "_method": "POST", "values": "1"}


def _pager_hrefs(html: str) -> list[str]:
    nav = re.search(r'<nav class="pager".*?</nav>', html, re.S)
    assert nav, "no pager"
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', nav.group(0))]


@pytest.mark.parametrize("path", ["/proposals", "/work"])
def test_hostile_query_keys_are_kept_as_data(app, client, world, login, monkeypatch, path):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    for i in range(3):
        make_proposal(world, title=f"Tờ trình {i}")
    db.session.commit()
    login(world.officer_a)

    page = client.get(path, query_string={"page": 2, **HOSTILE})

    assert page.status_code == 200
    hrefs = _pager_hrefs(page.text)
    assert len(hrefs) == 2
    for href in hrefs:
        parts = urlsplit(href)
        assert (parts.scheme, parts.netloc, parts.path, parts.fragment) == ("", "", path, "")
        query = parse_qs(parts.query)
        assert {key: query[key] for key in HOSTILE} == {k: [v] for k, v in HOSTILE.items()}
    assert sorted(parse_qs(urlsplit(h).query)["page"][0] for h in hrefs) == ["1", "3"]


@pytest.mark.parametrize(("who", "method", "url"), [
    ("officer_a", "GET", "/proposals/\u0661"),           # ARABIC-INDIC DIGIT ONE
    ("officer_a", "GET", "/decisions/\u0967/pdf"),       # DEVANAGARI DIGIT ONE
    ("admin", "GET", "/admin/users/\uff11/edit"),        # FULLWIDTH DIGIT ONE
    ("admin", "GET", "/admin/users/0/edit"),
    ("admin", "POST", "/admin/users/0/edit"),
    ("admin", "POST", "/admin/units/0/edit"),
])
def test_ids_are_ascii_digits_from_one(client, world, login, who, method, url):
    login(getattr(world, who))
    before = (db.session.scalar(select(func.count()).select_from(User)),
              db.session.scalar(select(func.count()).select_from(Unit)))
    data = {"username": "moi.tao", "full_name": "Người Mới", "role": "unit_officer",
            "unit_id": world.unit_a.id, "password": "mat-khau-du-dai", "name": "Đơn vị mới",
            "kind": "commune", "active": "y"}
    response = client.open(url, method=method, data=data if method == "POST" else None)
    assert response.status_code == 404
    assert (db.session.scalar(select(func.count()).select_from(User)),
            db.session.scalar(select(func.count()).select_from(Unit))) == before
