"""The list of decisions: which unit each answers, and a filter by year, unit and number,
paginated in the database, showing each user exactly the decisions it could see before."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import event

from award_flow.decisions import operations as decision_ops
from award_flow.extensions import db
from award_flow.org.models import Authority, AuthorityLevel, UnitKind
from award_flow.org.operations import save_unit
from award_flow.proposals.models import ProposalState
from tests.factories import make_proposal

S = ProposalState


def last_year() -> int:
    return decision_ops.local_today().year - 1


@pytest.fixture
def decisions(world, monkeypatch):
    """Three decisions: unit a's of last year (n° 1), unit a's (n° 1) and unit b's (n° 2) of
    this year; by name."""
    year = last_year()
    monkeypatch.setattr(decision_ops, "local_today", lambda: date(year, 6, 15))
    old_a = make_proposal(world, state=S.DECIDED, title="Tờ trình năm trước").decision
    monkeypatch.undo()
    new_a = make_proposal(world, state=S.DECIDED, title="Tờ trình xã Long Hữu").decision
    new_b = make_proposal(world, state=S.DECIDED, unit="b", title="Tờ trình Phường 1").decision
    db.session.commit()
    assert (old_a.year, old_a.number, new_a.number, new_b.number) == (year, 1, 1, 2)
    return {"old_a": old_a, "new_a": new_a, "new_b": new_b}


def rows(html: str) -> list[dict[str, str]]:
    """The table's rows: the decision's id, and each labelled cell's text by its label."""
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        link = re.search(r'href="/decisions/(\d+)"', row)
        if not link:
            continue
        cells = {label: unescape(re.sub(r"<[^>]+>", "", text)).strip() for label, text in
                 re.findall(r'<td[^>]*data-label="([^"]+)"[^>]*>(.*?)</td>', row, re.S)}
        found.append({"id": int(link.group(1)), **cells})
    return found


def listed(client, query: str = "") -> list[int]:  # noqa: ANN001
    response = client.get(f"/decisions/{query}")
    assert response.status_code == 200
    return [row["id"] for row in rows(response.text)]


def test_a_reviewer_sees_the_unit_of_every_decision(client, world, login, decisions):
    login(world.secretariat)
    html = client.get("/decisions/").text
    assert "<th>Đơn vị</th>" in html
    units = {row["id"]: row["Đơn vị"] for row in rows(html)}
    assert units == {decisions["old_a"].id: "Xã Long Hữu", decisions["new_a"].id: "Xã Long Hữu",
                     decisions["new_b"].id: "Phường 1"}


def test_each_decision_says_its_award_and_whom_it_is_for(client, world, login, decisions):
    """The list's count and total are of collectives or of people: the award says which."""
    login(world.secretariat)
    awards = {row["Danh hiệu, hình thức"] for row in rows(client.get("/decisions/").text)}
    assert awards == {f"{world.awards['GK_CN'].name} (Cá nhân)"}


def test_the_latest_come_first(client, world, login, decisions):
    login(world.chairman)
    assert listed(client) == [decisions["new_b"].id, decisions["new_a"].id,
                              decisions["old_a"].id]


@pytest.mark.parametrize(("query", "expected"), [
    ("?year={last}", ["old_a"]),
    ("?year={this}", ["new_b", "new_a"]),
    ("?unit={unit_b}", ["new_b"]),
    ("?unit={unit_a}", ["new_a", "old_a"]),
    ("?number=1", ["new_a", "old_a"]),
    ("?number=01", ["new_a", "old_a"]),
    ("?number=02%2FQĐ-UBND", ["new_b"]),
    ("?number=+2+", ["new_b"]),
    ("?number=1&year={last}", ["old_a"]),
    ("?number=1&unit={unit_b}", []),
    ("?number=abc", []),
    ("?number=0", []),
    ("?number=99999999999999999999", []),
    ("?year=abc&unit=xyz", ["new_b", "new_a", "old_a"]),
    ("?year=99999&unit=99999999999999999999", ["new_b", "new_a", "old_a"]),
    ("?year=" + "9" * 5000 + "&number=" + "1" * 5000, []),
    ("?year=" + "9" * 5000, ["new_b", "new_a", "old_a"]),
])
def test_decisions_are_filtered_by_year_unit_and_number(client, world, login, decisions,
                                                        query, expected):
    login(world.secretariat)
    query = query.format(last=last_year(), this=last_year() + 1, unit_a=world.unit_a.id,
                         unit_b=world.unit_b.id)
    assert listed(client, query) == [decisions[name].id for name in expected]


def test_the_filter_form_offers_the_years_and_units_and_shows_what_is_chosen(
        client, world, login, decisions):
    login(world.secretariat)
    html = client.get(f"/decisions/?year={last_year()}&unit={world.unit_b.id}&number=5").text
    form = re.search(r'<form class="filters" method="get".*?</form>', html, re.S).group(0)
    years = re.findall(r'<option value="(\d{4})"', form)
    assert years == [str(last_year() + 1), str(last_year())]
    assert f'<option value="{last_year()}" selected>' in form
    assert f'<option value="{world.unit_b.id}" selected>Phường 1</option>' in form
    assert 'name="number" value="5"' in form
    # Folded on a phone (app.js opens it on a wide screen), with a mark that a filter is on.
    assert re.search(r'<details class="filters-box" data-open-wide>\s*<summary>Tìm kiếm và lọc '
                     r'<span class="badge">đang lọc</span>', html)
    assert "Không có quyết định nào khớp với bộ lọc." in html
    assert 'href="/decisions/">Bỏ lọc</a>' in html


def test_a_unit_sees_only_its_own_decisions_and_no_unit_filter(client, world, login,
                                                               decisions):
    login(world.officer_a)
    html = client.get("/decisions/").text
    assert [row["id"] for row in rows(html)] == [decisions["new_a"].id, decisions["old_a"].id]
    assert 'name="unit"' not in html and "<th>Đơn vị</th>" not in html
    # Another unit's decisions stay hidden whatever the filter asks for; a unit filter, which
    # a unit cannot see nor clear on the page, is ignored.
    own = [decisions["new_a"].id, decisions["old_a"].id]
    assert listed(client, f"?unit={world.unit_b.id}") == own
    assert "đang lọc" not in client.get(f"/decisions/?unit={world.unit_b.id}").text
    assert listed(client, "?number=2") == []


def test_a_unit_of_another_authority_filters_to_nothing(client, world, login, decisions):
    other = Authority(name="Ủy ban nhân dân huyện Cầu Ngang", place_name="Cầu Ngang",
                      level=AuthorityLevel.DISTRICT)
    db.session.add(other)
    db.session.flush()
    stranger = save_unit(None, other, "Xã Mỹ Long", UnitKind.COMMUNE)
    db.session.commit()
    login(world.secretariat)
    html = client.get("/decisions/").text
    assert "Xã Mỹ Long" not in html
    assert listed(client, f"?unit={stranger.id}") == []


def test_the_pages_keep_the_filter(app, client, world, login, decisions, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    login(world.secretariat)
    first = client.get(f"/decisions/?unit={world.unit_a.id}").text
    assert [row["id"] for row in rows(first)] == [decisions["new_a"].id]
    assert "2 quyết định" in first
    next_page = unescape(re.search(r'href="([^"]*page=2[^"]*)"', first).group(1))
    assert f"unit={world.unit_a.id}" in next_page
    assert listed(client, next_page.removeprefix("/decisions/")) == [decisions["old_a"].id]


def test_the_list_reads_a_fixed_number_of_statements_however_many_rows(client, world, login,
                                                                       decisions):
    """The unit, the award and the proposal of every row come with the page (no N+1)."""
    login(world.secretariat)

    def statements() -> int:
        seen = []

        def count(*_args) -> None:  # noqa: ANN002
            seen.append(1)

        db.session.expire_all()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/decisions/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    three = statements()
    make_proposal(world, state=S.DECIDED, unit="b", award="LDTT", title="Thêm một")
    make_proposal(world, state=S.DECIDED, title="Thêm hai")
    db.session.commit()
    assert len(rows(client.get("/decisions/").text)) == 5
    assert statements() == three


@pytest.mark.parametrize(("query", "location"), [
    ("?page=99", "/decisions/?page=3"),
    ("?page=99&year={year}", "/decisions/?page=2&year={year}"),
    ("?page=5&number=2", "/decisions/?number=2"),
], ids=["to the last page", "keeping the filters", "one page: page 1"])
def test_a_page_past_the_last_goes_to_the_last(app, client, world, login, decisions,
                                               monkeypatch, query, location):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    login(world.secretariat)
    year = decisions["new_a"].year
    response = client.get("/decisions/" + query.format(year=year))
    assert response.status_code == 302
    assert response.headers["Location"] == location.format(year=year)
