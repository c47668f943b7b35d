"""The proposal pages used as a browser would: lists, filters, forms and workflow buttons.

Every form is read from the page it lives on (its CSRF token, the version a button carries)
and sent back as the browser would send it.
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import UTC, date, datetime
from html import unescape

import pytest
from sqlalchemy import event, func, select

from award_flow.auth.roles import Role
from award_flow.campaigns.models import Campaign, CampaignKind, Phase
from award_flow.core.audit import AuditEvent
from award_flow.core.errors import ValidationError
from award_flow.extensions import db
from award_flow.proposals import operations as ops
from award_flow.proposals.models import (
    Gender,
    Nominee,
    NomineeOutcome,
    PriorityGroup,
    Proposal,
    ProposalState,
)
from award_flow.proposals.queries import ProposalFilters
from award_flow.proposals.workflow import TRANSITIONS, Action, event_label
from tests.factories import DEFAULT_NOMINEES, PDF_BYTES, drive, make_proposal, make_user
from tests.web_helpers import (
    EDITING_CLOSED,
    FORBIDDEN,
    HistoryEntry,
    csrf_token,
    db_snapshot,
    field_errors,
    file_url,
    flashes,
    forms,
    history,
    listed_ids,
    page_form,
    refusal_of,
    upload_folder_files,
)

S = ProposalState

#: One nominee outside the priority groups: a proposal without the priority badge.
PLAIN = (("Trần Thị Bích Ngọc", "Công chức", "UBND xã Long Hữu", Gender.FEMALE,
          PriorityGroup.NONE),)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def audit_count() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


def action_form(html: str, proposal_id: int, action: str):  # noqa: ANN201
    """The form of one workflow button on the proposal page, or None when not shown."""
    target = f"/proposals/{proposal_id}/actions/{action}"
    found = [f for f in forms(html) if f.action == target]
    return found[0] if found else None


# --- my work and the all-proposals list -----------------------------------------------------


def _one_of_each_state(world) -> dict[tuple[str, ProposalState], int]:  # noqa: ANN001
    made = {}
    for unit, state in [("a", s) for s in (S.DRAFT, S.RETURNED, S.SUBMITTED, S.UNDER_REVIEW,
                                          S.IN_COMMITTEE, S.AWAITING_DECISION, S.REJECTED,
                                          S.WITHDRAWN)] + [("b", S.DRAFT), ("b", S.SUBMITTED)]:
        proposal = make_proposal(world, state=state, unit=unit,
                                 title=f"Tờ trình {unit} {state.value}")
        made[(unit, state)] = proposal.id
    db.session.commit()
    return made


A_ALL = {("a", s) for s in S if s != S.DECIDED}
REVIEWER_SEES = {("a", S.SUBMITTED), ("a", S.UNDER_REVIEW), ("a", S.IN_COMMITTEE),
                 ("a", S.AWAITING_DECISION), ("a", S.RETURNED), ("a", S.REJECTED),
                 ("b", S.SUBMITTED)}

#: user → (what waits on them in "my work", what the all-proposals list shows them)
QUEUES = {
    "officer_a": ({("a", S.DRAFT), ("a", S.RETURNED)}, A_ALL),
    "head_a": ({("a", S.DRAFT), ("a", S.RETURNED)}, A_ALL),
    "officer_b": ({("b", S.DRAFT)}, {("b", S.DRAFT), ("b", S.SUBMITTED)}),
    "head_b": ({("b", S.DRAFT)}, {("b", S.DRAFT), ("b", S.SUBMITTED)}),
    "secretariat": ({("a", S.SUBMITTED), ("a", S.UNDER_REVIEW), ("b", S.SUBMITTED)},
                    REVIEWER_SEES),
    "committee": ({("a", S.IN_COMMITTEE)}, REVIEWER_SEES),
    "chairman": ({("a", S.AWAITING_DECISION)}, REVIEWER_SEES),
    "vice": ({("a", S.AWAITING_DECISION)}, REVIEWER_SEES),
}


@pytest.mark.parametrize("who", list(QUEUES))
def test_my_work_shows_what_waits_on_the_role_and_the_list_what_it_may_see(
        client, world, login, who):
    made = _one_of_each_state(world)
    waiting, visible = QUEUES[who]
    login(getattr(world, who))

    work = client.get("/work")
    everything = client.get("/proposals")

    assert work.status_code == everything.status_code == 200
    assert set(listed_ids(work.text)) == {made[key] for key in waiting}
    assert set(listed_ids(everything.text)) == {made[key] for key in visible}


def test_my_work_of_an_admin_is_the_account_administration(client, world, login):
    login(world.admin)
    response = client.get("/work")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"


def test_an_empty_queue_says_nothing_waits(client, world, login):
    login(world.committee)
    html = client.get("/work").text
    assert listed_ids(html) == []
    assert re.search(r'<div class="card empty">\s*\S', html)


_CARD = re.compile(r'<li class="card proposal-card( is-priority)?">(.*?)</li>', re.S)


def test_queue_lists_priority_proposals_first_then_the_longest_waiting(client, world, login):
    oldest_plain = make_proposal(world, state=S.SUBMITTED, nominees=PLAIN, title="Thường 1")
    older_priority = make_proposal(world, state=S.SUBMITTED, title="Ưu tiên 1")
    newer_plain = make_proposal(world, state=S.SUBMITTED, nominees=PLAIN, title="Thường 2")
    newest_priority = make_proposal(world, state=S.SUBMITTED, title="Ưu tiên 2")
    for month, proposal in enumerate(
            (oldest_plain, older_priority, newer_plain, newest_priority), start=1):
        proposal.state_changed_at = datetime(2025, month, 1, tzinfo=UTC)
    db.session.commit()
    login(world.secretariat)

    html = client.get("/work").text

    assert listed_ids(html) == [older_priority.id, newest_priority.id, oldest_plain.id,
                                newer_plain.id]
    cards = _CARD.findall(html)
    assert [bool(flag) for flag, _body in cards] == [True, True, False, False]
    for flag, body in cards:
        badge = re.search(r'<span class="badge priority"[^>]*>([^<]*)</span>', body)
        if flag:
            assert badge and badge.group(1).split() == ["Ưu", "tiên", "1/2"]
        else:
            assert badge is None


def test_a_units_queue_serves_its_returned_dossiers_before_its_drafts(client, world, login):
    old_priority_draft = make_proposal(world, title="Bản nháp ưu tiên")
    returned_plain = make_proposal(world, state=S.RETURNED, nominees=PLAIN, title="Bị trả lại")
    old_priority_draft.state_changed_at = datetime(2025, 1, 1, tzinfo=UTC)
    db.session.commit()
    for who in (world.officer_a, world.head_a):
        login(who)
        assert listed_ids(client.get("/work").text) == [returned_plain.id,
                                                       old_priority_draft.id]


def test_the_list_of_all_proposals_shows_the_latest_first_and_marks_priority(client, world,
                                                                            login):
    """Not a queue but a place to look things up: most recently changed first."""
    oldest_plain = make_proposal(world, state=S.SUBMITTED, nominees=PLAIN, title="Thường 1")
    older_priority = make_proposal(world, state=S.SUBMITTED, title="Ưu tiên 1")
    newest_plain = make_proposal(world, state=S.SUBMITTED, nominees=PLAIN, title="Thường 2")
    for month, proposal in enumerate((oldest_plain, older_priority, newest_plain), start=1):
        proposal.state_changed_at = datetime(2025, month, 1, tzinfo=UTC)
    db.session.commit()
    login(world.secretariat)

    html = client.get("/proposals").text

    assert listed_ids(html) == [newest_plain.id, older_priority.id, oldest_plain.id]
    assert [bool(flag) for flag, _body in _CARD.findall(html)] == [False, True, False]


@pytest.fixture
def three(world):
    """Three filed proposals that differ in campaign, unit, award type, state and priority."""
    other_campaign = Campaign(authority=world.authority, name="Phong trào Chung sức xây dựng "
                              "nông thôn mới", kind=CampaignKind.THEMATIC,
                              starts_on=world.campaign.starts_on, ends_on=world.campaign.ends_on)
    db.session.add(other_campaign)
    p1 = make_proposal(world, state=S.SUBMITTED, unit="a", title="P1")  # priority
    p2 = make_proposal(world, state=S.UNDER_REVIEW, unit="b", nominees=PLAIN, title="P2")
    p3 = make_proposal(world, state=S.DRAFT, unit="a", award="LDTT", nominees=PLAIN, title="P3")
    p3.campaign, p3.phase = other_campaign, None
    db.session.flush()
    drive(world, p3, S.SUBMITTED)
    db.session.commit()
    return {"P1": p1.id, "P2": p2.id, "P3": p3.id, "campaign": world.campaign.id,
            "other_campaign": other_campaign.id, "unit_a": world.unit_a.id,
            "unit_b": world.unit_b.id, "LDTT": world.awards["LDTT"].id,
            "GK_CN": world.awards["GK_CN"].id}


FILTERS = [
    ("nothing", lambda c: {}, {"P1", "P2", "P3"}),
    ("empty fields as the form sends them",
     lambda c: {"q": "", "campaign": "", "unit": "", "award_type": "", "state": ""},
     {"P1", "P2", "P3"}),
    ("campaign", lambda c: {"campaign": c["campaign"]}, {"P1", "P2"}),
    ("other campaign", lambda c: {"campaign": c["other_campaign"]}, {"P3"}),
    ("unit a", lambda c: {"unit": c["unit_a"]}, {"P1", "P3"}),
    ("unit b", lambda c: {"unit": c["unit_b"]}, {"P2"}),
    ("award type", lambda c: {"award_type": c["LDTT"]}, {"P3"}),
    ("other award type", lambda c: {"award_type": c["GK_CN"]}, {"P1", "P2"}),
    ("state", lambda c: {"state": "under_review"}, {"P2"}),
    ("unknown state is ignored", lambda c: {"state": "bogus"}, {"P1", "P2", "P3"}),
    ("priority only", lambda c: {"priority": "1"}, {"P1"}),
    ("combined", lambda c: {"unit": c["unit_a"], "state": "submitted", "campaign": c["campaign"]},
     {"P1"}),
    ("combined, nothing matches", lambda c: {"unit": c["unit_b"], "priority": "1"}, set()),
]


@pytest.mark.parametrize(("query", "expected"), [(q, e) for _n, q, e in FILTERS],
                         ids=[n for n, _q, _e in FILTERS])
def test_the_all_proposals_list_filters(client, world, login, three, query, expected):
    login(world.secretariat)
    response = client.get("/proposals", query_string=query(three))
    assert response.status_code == 200
    assert set(listed_ids(response.text)) == {three[name] for name in expected}


def test_a_unit_user_cannot_widen_the_list_to_another_unit_by_filter(client, world, login,
                                                                      three):
    login(world.officer_a)
    response = client.get("/proposals", query_string={"unit": three["unit_b"]})
    assert listed_ids(response.text) == []
    response = client.get("/proposals", query_string={"state": "under_review"})
    assert listed_ids(response.text) == []


SEARCHES = [
    ("nguyen van ut", {"ut"}),
    ("NGUYỄN VĂN ÚT", {"ut"}),
    (nfd("Nguyễn Văn Út"), {"ut"}),
    ("  van   ut ", {"ut"}),  # extra spaces are folded away
    ("DUC", {"duc"}),
    ("đức", {"duc"}),
    ("Le Minh", {"duc"}),
    ("n", {"ut", "duc"}),
    ("%", set()),
    ("_", set()),
    ("n%t", set()),
    ("xyz", set()),
]


@pytest.mark.parametrize(("q", "expected"), SEARCHES, ids=[repr(q) for q, _e in SEARCHES])
def test_name_search_ignores_case_and_vietnamese_diacritics(client, world, login, q, expected):
    made = {
        "ut": make_proposal(world, nominees=(("Nguyễn Văn Út", "Nông dân", "Ấp Cây Da",
                                              Gender.MALE, PriorityGroup.FARMER),)).id,
        "duc": make_proposal(world, nominees=(("Lê Minh Đức", "Công chức", "UBND xã",
                                               Gender.MALE, PriorityGroup.NONE),)).id,
    }
    db.session.commit()
    login(world.officer_a)
    response = client.get("/proposals", query_string={"q": q})
    assert response.status_code == 200
    assert set(listed_ids(response.text)) == {made[k] for k in expected}


#: The search text as it is used: one line, spaces folded, at most 100 characters.
SEARCH_TEXTS = [
    ({}, ""),
    ({"q": "  Nguyễn \n Văn\t  Út "}, "Nguyễn Văn Út"),
    ({"q": "a" * 100}, "a" * 100),
    ({"q": "a" * 150}, "a" * 100),
]


@pytest.mark.parametrize(("args", "name"), SEARCH_TEXTS,
                         ids=["none", "spaces", "100 characters", "150 characters"])
def test_the_search_text_is_one_line_of_at_most_100_characters(client, world, login, args,
                                                               name):
    assert ProposalFilters.from_args(args).name == name
    login(world.officer_a)
    assert client.get("/proposals", query_string=args).status_code == 200


#: (query, whether the list says it is filtered: the "đang lọc" badge and the "Bỏ lọc" link)
FILTERED = [
    ({}, False),
    ({"q": "", "campaign": "", "unit": "", "award_type": "", "state": ""}, False),
    ({"state": "bogus"}, False),  # ignored, so not a filter either
    ({"priority": "1"}, True),
    ({"q": "út"}, True),
    ({"state": "submitted"}, True),
]


@pytest.mark.parametrize("path", ["/proposals", "/work"])
@pytest.mark.parametrize(("query", "filtered"), FILTERED,
                         ids=["nothing", "empty fields", "unknown state", "priority", "name",
                              "state"])
def test_the_list_says_it_is_filtered_only_when_it_is(client, world, login, path, query,
                                                      filtered):
    assert ProposalFilters.from_args(query).active is filtered
    login(world.secretariat)
    html = client.get(path, query_string=query).text
    assert ('<span class="badge">đang lọc</span>' in html) is filtered
    assert (">Bỏ lọc</a>" in html) is filtered


def _pager_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="pager".*?</nav>', html, re.S)
    if nav is None:
        return {}
    return {("next" if "Sau" in text else "prev"): unescape(href)
            for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', nav.group(0))}


def test_the_list_is_paginated_and_the_pager_keeps_the_filters(app, client, world, login,
                                                                monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    priority = {make_proposal(world, title=f"Ưu tiên {i}").id for i in range(3)}
    make_proposal(world, nominees=PLAIN, title="Thường 1")
    make_proposal(world, nominees=PLAIN, title="Thường 2")
    db.session.commit()
    login(world.officer_a)

    first = client.get("/proposals")
    assert len(listed_ids(first.text)) == 2
    assert "5 tờ trình" in first.text and "Trang 1 / 3" in first.text

    seen, url = [], "/proposals?priority=1"
    while url:
        page = client.get(url)
        seen += listed_ids(page.text)
        url = _pager_links(page.text).get("next")
        if url:
            assert "priority=1" in url
    assert sorted(seen) == sorted(priority)


#: (where, how many proposals, the page asked for) → where the user is sent: a page past the
#: last one (a bookmark; the last item of a queue's page just handled) is the last page, with
#: the same filters; with nothing to show, the first.
BEYOND_THE_LAST_PAGE = [
    ("/proposals", 5, "page=9&priority=1", "/proposals?page=2&priority=1"),
    ("/proposals", 5, "page=9", "/proposals?page=3"),
    ("/work", 5, "q=nguyen&page=4", "/work?q=nguyen&page=2"),  # 3 of the 5 match
    ("/proposals", 0, "page=2&state=draft", "/proposals?state=draft"),
    ("/work", 2, "page=2", "/work"),
]


@pytest.mark.parametrize(("where", "count", "asked", "sent_to"), BEYOND_THE_LAST_PAGE)
def test_a_page_beyond_the_last_goes_to_the_last_page_keeping_the_filters(
        app, client, world, login, monkeypatch, where, count, asked, sent_to):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for i in range(count):
        make_proposal(world, title=f"Tờ trình {i}", nominees=DEFAULT_NOMINEES if i < 3 else PLAIN)
    db.session.commit()
    login(world.officer_a)

    response = client.get(f"{where}?{asked}")

    assert response.status_code == 302
    assert response.headers["Location"] == sent_to
    assert client.get(sent_to).status_code == 200


# --- creating and editing -------------------------------------------------------------------


def test_a_unit_officer_creates_a_proposal_through_the_form_stored_as_nfc(client, world,
                                                                           login):
    login(world.officer_a)
    form = page_form(client, "/proposals/new")
    title = "Đề nghị tặng Giấy khen cho ông Nguyễn Văn Út"
    achievement = "đã có thành tích xuất sắc trong phong trào Chung sức xây dựng nông thôn mới"

    response = client.post("/proposals/new", data=form.data(
        title=nfd(title), achievement=nfd(achievement),
        award_type_id=str(world.awards["GK_CN"].id), phase_id=str(world.phase.id)))

    assert response.status_code == 302
    proposal = db.session.scalar(select(Proposal))
    assert response.headers["Location"] == f"/proposals/{proposal.id}"
    assert proposal.title == title and unicodedata.is_normalized("NFC", proposal.title)
    assert proposal.achievement == achievement
    assert (proposal.state, proposal.unit_id, proposal.created_by_id, proposal.phase_id) == (
        S.DRAFT, world.unit_a.id, world.officer_a.id, world.phase.id)
    page = client.get(response.headers["Location"])
    assert ("success", "Đã tạo tờ trình. Hãy thêm người được đề nghị và hồ sơ.") in flashes(
        page.text)


def test_the_create_form_refuses_an_empty_title(client, world, login):
    login(world.officer_a)
    form = page_form(client, "/proposals/new")
    response = client.post("/proposals/new", data=form.data(title="   ", achievement="x"))
    assert response.status_code == 200
    assert db.session.scalar(select(func.count(Proposal.id))) == 0
    # The error is tied to its input, which says it is invalid; what was typed is kept.
    title_input = re.search(r'<input[^>]*id="title"[^>]*>', response.text).group(0)
    assert 'aria-invalid="true"' in title_input
    assert 'aria-describedby="title-error"' in title_input
    assert re.search(r'<div id="title-error"><p class="error">[^<]+</p>', response.text)
    achievement = re.search(r'<textarea[^>]*id="achievement"[^>]*>([^<]*)<', response.text)
    assert 'aria-describedby="achievement-hint"' in achievement.group(0)
    assert achievement.group(1).strip() == "x"


@pytest.mark.parametrize("who", ["secretariat", "committee", "chairman", "vice", "admin"])
def test_only_unit_people_may_create_proposals(client, world, login, who):
    login(getattr(world, who))
    assert client.get("/proposals/new").status_code == 403


def test_a_draft_is_edited_through_its_form(client, world, login):
    proposal = make_proposal(world, state=S.DRAFT)
    db.session.commit()
    login(world.officer_a)
    form = page_form(client, f"/proposals/{proposal.id}/edit")
    assert form.data()["title"] == proposal.title  # the form shows the current values

    response = client.post(f"/proposals/{proposal.id}/edit",
                           data=form.data(title=nfd("Tờ trình đã sửa lần một")))

    assert response.status_code == 302
    db.session.refresh(proposal)
    assert proposal.title == "Tờ trình đã sửa lần một"
    assert proposal.phase_id == world.phase.id  # kept: the form showed it selected
    assert history(client.get(f"/proposals/{proposal.id}").text)[-1].label == (
        "Sửa thông tin tờ trình")


@pytest.mark.parametrize("state", [S.SUBMITTED, S.UNDER_REVIEW, S.WITHDRAWN])
def test_a_filed_proposal_cannot_be_edited(client, world, login, state):
    proposal = make_proposal(world, state=state)
    db.session.commit()
    login(world.officer_a)
    html = client.get(f"/proposals/{proposal.id}").text
    assert f"/proposals/{proposal.id}/edit" not in html
    for page in (f"/proposals/{proposal.id}/edit", f"/proposals/{proposal.id}/nominees/new",
                 f"/proposals/{proposal.id}/nominees/{proposal.nominees[0].id}/edit"):
        # An old link or a page left open: its own unit is told why, on the proposal's page.
        assert refusal_of(client, client.get(page), proposal.id) == EDITING_CLOSED.format(
            state=state.label)


# --- nominees -------------------------------------------------------------------------------


def test_a_nominee_is_added_through_the_form_stored_as_nfc(client, world, login):
    proposal = make_proposal(world, nominees=PLAIN)
    db.session.commit()
    login(world.officer_a)
    form = page_form(client, f"/proposals/{proposal.id}/nominees/new")

    response = client.post(f"/proposals/{proposal.id}/nominees/new", data=form.data(
        name=nfd("Lê Thị Hồng Đào"), position="Công nhân", unit_or_address=nfd("Ấp Cây Da"),
        gender="female", priority_group="worker"))

    assert response.status_code == 302
    nominee = db.session.scalar(select(Nominee).where(Nominee.name == "Lê Thị Hồng Đào"))
    assert nominee is not None and nominee.name_folded == "le thi hong dao"
    assert (nominee.gender, nominee.priority_group) == (Gender.FEMALE, PriorityGroup.WORKER)
    db.session.refresh(proposal)
    assert (proposal.nominee_count, proposal.priority_count, proposal.has_priority) == (
        2, 1, True)
    assert "Lê Thị Hồng Đào" in client.get(f"/proposals/{proposal.id}").text


def test_a_nominee_is_edited_and_the_form_keeps_what_was_not_changed(client, world, login):
    proposal = make_proposal(world)
    db.session.commit()
    nominee = proposal.nominees[0]
    login(world.officer_a)
    form = page_form(client, f"/proposals/{proposal.id}/nominees/{nominee.id}/edit")

    response = client.post(f"/proposals/{proposal.id}/nominees/{nominee.id}/edit",
                           data=form.data(position="Tổ trưởng tổ hợp tác"))

    assert response.status_code == 302
    db.session.refresh(nominee)
    assert nominee.position == "Tổ trưởng tổ hợp tác"
    assert (nominee.name, nominee.gender, nominee.priority_group) == (
        "Nguyễn Văn Út", Gender.MALE, PriorityGroup.FARMER)


def test_a_nominee_is_deleted_with_the_button_on_the_proposal_page(client, world, login):
    proposal = make_proposal(world)
    db.session.commit()
    farmer = proposal.nominees[0]
    login(world.officer_a)
    html = client.get(f"/proposals/{proposal.id}").text
    action = f"/proposals/{proposal.id}/nominees/{farmer.id}/delete"
    (button,) = [f for f in forms(html) if f.action == action]

    response = client.post(button.action, data=button.data())

    assert response.status_code == 302
    assert db.session.get(Nominee, farmer.id) is None
    db.session.refresh(proposal)
    assert (proposal.nominee_count, proposal.priority_count, proposal.has_priority) == (
        1, 0, False)


# --- workflow buttons -----------------------------------------------------------------------

#: state, action, who presses, comment typed, resulting state, where they land ("detail"
#: for the proposal page: while the next step is theirs again, as after accepting; else back
#: to what still waits on them), the success message.
BUTTONS = [
    (S.DRAFT, "submit", "head_a", "", S.SUBMITTED, "detail", "Đã gửi tờ trình."),
    (S.RETURNED, "submit", "head_a", "", S.SUBMITTED, "detail", "Đã gửi tờ trình."),
    (S.SUBMITTED, "withdraw", "head_a", "Đơn vị rút để hoàn thiện.", S.WITHDRAWN, "detail",
     "Đã rút tờ trình."),
    (S.SUBMITTED, "accept", "secretariat", "", S.UNDER_REVIEW, "detail",
     "Đã tiếp nhận hồ sơ để thẩm định."),
    (S.SUBMITTED, "return", "secretariat", "Thiếu biên bản họp.", S.RETURNED, "/work",
     "Đã trả lại hồ sơ cho đơn vị."),
    (S.UNDER_REVIEW, "return", "secretariat", "Thiếu báo cáo thành tích.", S.RETURNED, "/work",
     "Đã trả lại hồ sơ cho đơn vị."),
    (S.UNDER_REVIEW, "forward", "secretariat", "Đủ điều kiện.", S.IN_COMMITTEE, "/work",
     "Đã trình Thường trực Hội đồng."),
    (S.IN_COMMITTEE, "send_back", "committee", "Cần xác minh thêm.", S.UNDER_REVIEW, "/work",
     "Đã chuyển lại Cơ quan Tổ chức - Nội vụ."),
    (S.AWAITING_DECISION, "send_back", "chairman", "Xem lại mức khen.", S.UNDER_REVIEW, "/work",
     "Đã chuyển lại Cơ quan Tổ chức - Nội vụ."),
    (S.AWAITING_DECISION, "reject", "vice", "Chưa đủ tiêu chuẩn.", S.REJECTED, "/work",
     "Đã ghi nhận không phê duyệt."),
]


def label(action: str, source: S | None = None) -> str:
    """How the page names an action taken from `source` (its button's label then), in
    Vietnamese."""
    return str(event_label(action, source.value if source else None))


@pytest.mark.parametrize(("state", "action", "who", "comment", "target", "lands", "message"),
                         BUTTONS, ids=[f"{b[0].value}-{b[1]}-{b[2]}" for b in BUTTONS])
def test_each_workflow_button_moves_the_proposal_and_records_it(
        client, world, login, state, action, who, comment, target, lands, message):
    proposal = make_proposal(world, state=state)
    db.session.commit()
    user = getattr(world, who)
    login(user)
    form = action_form(client.get(f"/proposals/{proposal.id}").text, proposal.id, action)
    assert form is not None, "the button is on the page"
    assert {"csrf_token", "version"} <= form.names()
    version = proposal.version

    response = client.post(form.action, data=form.data(comment=comment))

    assert response.status_code == 302
    expected = f"/proposals/{proposal.id}" if lands == "detail" else lands
    assert response.headers["Location"] == expected
    # On the queue, where the proposal is no more, the message says which one it was.
    said = message if lands == "detail" else f"{message[:-1]}: “{proposal.title}”."
    assert ("success", said) in flashes(client.get(expected).text)
    assert message == str(TRANSITIONS[Action(action)].done)
    db.session.refresh(proposal)
    assert proposal.state == target and proposal.version > version
    last = history(client.get(f"/proposals/{proposal.id}").text)[-1]
    assert last == HistoryEntry(actor=user.full_name, label=label(action, state),
                                from_label=state.label, to_label=target.label, comment=comment)


#: state, action, who, what they send, the message they see, and where: under the action's
#: comment box when it was required and left empty, else at the top of the "Xử lý" card
#: (or of the page, for someone with nothing to do there)
REFUSALS = [
    (S.SUBMITTED, "return", "secretariat", {"comment": "   "}, "Cần ghi lý do trả lại hồ sơ.",
     "box"),
    (S.IN_COMMITTEE, "send_back", "committee", {"comment": ""},
     "Cần ghi lý do chuyển lại Cơ quan Tổ chức - Nội vụ.", "box"),
    (S.AWAITING_DECISION, "reject", "chairman", {"comment": ""},
     "Cần ghi lý do không phê duyệt.", "box"),
    (S.UNDER_REVIEW, "forward", "secretariat", {"comment": "  "},
     "Cần ghi ý kiến thẩm định trước khi trình Thường trực Hội đồng.", "box"),
    (S.DRAFT, "submit", "officer_a", {}, "Bạn không có quyền thực hiện thao tác này.", "card"),
    # Nothing for the committee to do on a submitted proposal: no card, the top of the page.
    (S.SUBMITTED, "accept", "committee", {}, "Bạn không có quyền thực hiện thao tác này.",
     "top"),
    (S.SUBMITTED, "withdraw", "secretariat", {}, "Bạn không có quyền thực hiện thao tác này.",
     "card"),
    (S.UNDER_REVIEW, "accept", "secretariat", {},
     "Không thể thực hiện: tờ trình đang ở trạng thái “{state}”.", "card"),
    # A forged request for an action the role never takes, in a state it does not start
    # from: refused as not theirs, not as too late.
    (S.DRAFT, "approve", "officer_a", {}, "Bạn không có quyền thực hiện thao tác này.",
     "card"),
    (S.IN_COMMITTEE, "accept", "committee", {}, "Bạn không có quyền thực hiện thao tác này.",
     "card"),
    (S.DRAFT, "submit", "head_a", {"version": ""}, "Biểu mẫu không hợp lệ. Hãy tải lại trang.",
     "card"),
    (S.DRAFT, "submit", "head_a", {"version": "abc"},
     "Biểu mẫu không hợp lệ. Hãy tải lại trang.", "card"),
]

_ACTIONS_CARD = re.compile(r'<section class="card actions-card" id="actions"[^>]*>(.*?)</section>',
                           re.S)


def box_errors(html: str) -> dict[str, str]:
    """The comment boxes marked invalid on a proposal page, by action: their messages."""
    found = {}
    for box in re.finditer(r'<textarea id="comment-([a-z_]+)"[^>]*aria-invalid="true"'
                           r'[^>]*aria-describedby="([^"]+)"', html):
        message = re.search(rf'<p class="error" id="{box.group(2)}">([^<]*)</p>', html)
        found[box.group(1)] = unescape(message.group(1))
    return found


@pytest.mark.parametrize(("state", "action", "who", "sent", "message", "where"), REFUSALS,
                         ids=[f"{r[0].value}-{r[1]}-{r[2]}-{i}" for i, r in enumerate(REFUSALS)])
def test_a_refused_button_says_why_where_the_user_looks_and_changes_nothing(
        client, world, login, state, action, who, sent, message, where):
    proposal = make_proposal(world, state=state)
    db.session.commit()
    login(getattr(world, who))
    html = client.get(f"/proposals/{proposal.id}").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    version, events = proposal.version, audit_count()

    response = client.post(f"/proposals/{proposal.id}/actions/{action}", data={
        "csrf_token": token, "version": str(version), "comment": "", **sent})

    assert response.status_code == 302
    box = f"&box={action}" if where == "box" else ""
    assert response.headers["Location"] == f"/proposals/{proposal.id}?at=actions{box}#actions"
    page = client.get(response.headers["Location"]).text
    card = _ACTIONS_CARD.search(page)
    assert (card is None) == (where == "top")
    if where == "box":
        assert box_errors(page) == {action: message}
        assert flashes(page) == []  # said once, under the box
    else:
        assert box_errors(page) == {}
        assert flashes(page) == [("error", message.format(state=state.label))]
        if card:
            assert flashes(card.group(1)) == flashes(page)
    db.session.refresh(proposal)
    assert (proposal.state, proposal.version, audit_count()) == (state, version, events)


def test_submitting_without_nominees_is_refused_with_the_reason(client, world, login):
    proposal = make_proposal(world, nominees=())
    db.session.commit()
    login(world.head_a)
    page = client.get(f"/proposals/{proposal.id}").text
    assert action_form(page, proposal.id, "submit") is None  # a note in its place
    # Sent all the same (a page kept open from before the last nominee was removed):
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(f"/proposals/{proposal.id}/actions/submit",
                           data={"csrf_token": token, "version": str(proposal.version)},
                           follow_redirects=True)
    assert ("error", "Tờ trình chưa có người được đề nghị khen thưởng.") in flashes(
        response.text)
    db.session.refresh(proposal)
    assert proposal.state == S.DRAFT


@pytest.mark.parametrize("action", ["conclude", "approve-all", "delete", "SUBMIT"])
def test_an_action_that_is_not_a_button_is_not_found(client, world, login, action):
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    db.session.commit()
    login(world.committee)
    html = client.get(f"/proposals/{proposal.id}").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post(f"/proposals/{proposal.id}/actions/{action}",
                           data={"csrf_token": token, "version": str(proposal.version)})
    assert response.status_code == 404


BUTTONS_SHOWN = [
    (S.DRAFT, "officer_a", set()),
    (S.DRAFT, "head_a", {"submit", "withdraw"}),
    (S.SUBMITTED, "head_a", {"withdraw"}),
    (S.SUBMITTED, "secretariat", {"accept", "return"}),
    (S.SUBMITTED, "committee", set()),
    (S.UNDER_REVIEW, "secretariat", {"return", "forward"}),
    (S.IN_COMMITTEE, "committee", {"send_back"}),
    (S.AWAITING_DECISION, "vice", {"approve", "reject", "send_back"}),
    (S.REJECTED, "chairman", set()),
]


@pytest.mark.parametrize(("state", "who", "buttons"), BUTTONS_SHOWN,
                         ids=[f"{s.value}-{w}" for s, w, _b in BUTTONS_SHOWN])
def test_the_page_shows_only_the_buttons_the_user_may_press(client, world, login, state, who,
                                                            buttons):
    proposal = make_proposal(world, state=state)
    db.session.commit()
    login(getattr(world, who))
    html = client.get(f"/proposals/{proposal.id}").text
    shown = {f.action.rsplit("/", 1)[1] for f in forms(html)
             if f.action.startswith(f"/proposals/{proposal.id}/actions/")}
    assert shown == buttons


# --- the Standing Committee's conclusion ----------------------------------------------------


def test_the_conclude_page_lists_each_nominee_with_the_outcomes(client, world, login):
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    db.session.commit()
    login(world.committee)
    detail = client.get(f"/proposals/{proposal.id}").text
    assert f'href="/proposals/{proposal.id}/conclude"' in detail

    page = client.get(f"/proposals/{proposal.id}/conclude")

    assert page.status_code == 200
    for nominee in proposal.nominees:
        for outcome in NomineeOutcome:
            assert f'name="outcome-{nominee.id}" value="{outcome.value}"' in page.text


def test_a_refused_conclusion_keeps_what_was_chosen_and_marks_what_is_missing(client, world,
                                                                             login):
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    db.session.commit()
    farmer, officer = proposal.nominees
    login(world.committee)
    form = page_form(client, f"/proposals/{proposal.id}/conclude")

    response = client.post(f"/proposals/{proposal.id}/conclude", data=form.data(
        **{f"outcome-{farmer.id}": "recommended"}, comment="Ý kiến của Thường trực."))

    assert response.status_code == 200
    page = response.text
    assert re.search(rf'name="outcome-{farmer.id}" value="recommended" required checked', page)
    assert f'name="outcome-{officer.id}" value="recommended" required checked' not in page
    assert page.count("Chưa chọn kết luận") == 1
    assert "Ý kiến của Thường trực." in page
    db.session.refresh(proposal)
    assert proposal.state == S.IN_COMMITTEE


def test_no_outcome_is_chosen_for_the_committee(client, world, login):
    """Every outcome is a deliberate choice: a bare click on "record" concludes nothing."""
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    db.session.commit()
    login(world.committee)
    page = client.get(f"/proposals/{proposal.id}/conclude").text
    assert "checked" not in page
    form = page_form(client, f"/proposals/{proposal.id}/conclude")

    response = client.post(f"/proposals/{proposal.id}/conclude", data=form.data())

    assert response.status_code == 200
    assert ("error", "Cần kết luận cho từng trường hợp được đề nghị: còn 2 trường hợp chưa chọn "
                     "kết luận.") in flashes(response.text)
    db.session.refresh(proposal)
    assert proposal.state == S.IN_COMMITTEE


@pytest.mark.parametrize(("award", "group", "accepted"), [
    ("GK_CN", "farmer", True),
    ("GK_CN", "small_collective", False),
    ("GK_TT", "small_collective", True),
    ("GK_TT", "farmer", False),
    ("GK_TT", "soldier", False),
    ("GK_HGD", "farmer", True),
    ("GK_HGD", "direct_worker", True),  # a fishing or salt-making household
    ("GK_HGD", "soldier", False),
    ("GK_HGD", "small_collective", False),
])
def test_a_priority_group_must_fit_the_kind_of_nominee(client, world, login, award, group,
                                                       accepted):
    proposal = make_proposal(world, award=award, nominees=())
    db.session.commit()
    login(world.officer_a)
    page = client.get(f"/proposals/{proposal.id}/nominees/new").text
    # The form offers only the groups that fit; the server refuses the others all the same.
    assert (f'value="{group}"' in page) is accepted
    form = page_form(client, f"/proposals/{proposal.id}/nominees/new")

    response = client.post(f"/proposals/{proposal.id}/nominees/new", data=form.data(
        name="Tổ tự quản ấp Cây Da", unit_or_address="Ấp Cây Da", priority_group=group,
        gender="male"))

    assert (response.status_code == 302) is accepted
    db.session.refresh(proposal)
    assert proposal.nominee_count == (1 if accepted else 0)


@pytest.mark.parametrize(("field", "typed", "missing"), [
    ("name", "Nguyễn Thị Ánh Tuyết", None),
    # Typed with combining marks (NFD): the form stores it precomposed.
    ("name", unicodedata.normalize("NFD", "Phạm Hữu Nghĩa"), None),
    ("position", "Tổ trưởng tổ 3 – “Ấp Cây Da”, № 5", None),
    ("name", "Trần Văn Sang 😀", "“😀”"),
    ("position", "Nông dân ★ sản xuất giỏi ★", "“★”"),
    ("unit_or_address", "Phum សុខ, xã Long Hữu", "“ស”, “ុ”, “ខ”"),
])
def test_what_the_annex_prints_is_in_the_decisions_font(client, world, login, field, typed,
                                                        missing):
    """The decision prints its nominees in the font it ships; a character the font lacks
    would be an empty box (or another font) on a signed decision."""
    proposal = make_proposal(world, award="GK_CN", nominees=())
    db.session.commit()
    login(world.officer_a)
    form = page_form(client, f"/proposals/{proposal.id}/nominees/new")

    response = client.post(f"/proposals/{proposal.id}/nominees/new", data=form.data(
        **{"name": "Lê Văn Tư", "gender": "male", field: typed}))

    db.session.refresh(proposal)
    if missing is None:
        assert response.status_code == 302
        assert getattr(proposal.nominees[0], field) == unicodedata.normalize("NFC", typed)
    else:
        assert response.status_code == 200
        assert field_errors(response.text)[field] == [
            f"Có ký tự mà quyết định không in được: {missing}. Hãy xóa hoặc thay ký tự đó."]
        assert proposal.nominee_count == 0


def test_a_name_that_folds_too_long_is_refused_with_a_message(world):
    proposal = make_proposal(world, nominees=())
    with pytest.raises(ValidationError, match="quá dài"):
        ops.add_nominee(world.officer_a, proposal, ops.NomineeData(
            kind=proposal.award_type.subject, name="ß" * 150, gender=Gender.MALE))


def test_the_conclusion_is_recorded_per_nominee_with_the_version_seen(client, world, login):
    """Through the page's form (which carries the version seen): per nominee, in the history,
    and the proposal then says how the committee concluded and what deferral means."""
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    db.session.commit()
    farmer, officer = proposal.nominees
    login(world.committee)
    form = page_form(client, f"/proposals/{proposal.id}/conclude")

    response = client.post(f"/proposals/{proposal.id}/conclude", data=form.data(
        version=str(proposal.version), comment="Thống nhất đề nghị.",
        **{f"outcome-{farmer.id}": "recommended", f"outcome-{officer.id}": "deferred"}))

    assert response.status_code == 302
    assert response.headers["Location"] == "/work"
    db.session.refresh(proposal)
    assert proposal.state == S.AWAITING_DECISION
    assert [n.outcome for n in proposal.nominees] == [NomineeOutcome.RECOMMENDED,
                                                      NomineeOutcome.DEFERRED]
    entries = history(client.get(f"/proposals/{proposal.id}").text)
    assert entries[-2] == HistoryEntry(
        actor=world.committee.full_name, label=label("conclude"),
        from_label=S.IN_COMMITTEE.label, to_label=S.AWAITING_DECISION.label,
        comment="Thống nhất đề nghị.")
    assert entries[-1].label == label("outcomes")
    assert entries[-1].comment == (f"Nguyễn Văn Út: {NomineeOutcome.RECOMMENDED.label}, "
                                   f"Trần Thị Bích Ngọc: {NomineeOutcome.DEFERRED.label}")
    page = client.get(f"/proposals/{proposal.id}").text
    assert "Đề nghị khen thưởng: 1" in page and "Hoãn xét: 1" in page
    assert "có thể được đề nghị lại" in page


def test_a_conclusion_missing_a_nominee_is_refused(client, world, login):
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    db.session.commit()
    farmer, _officer = proposal.nominees
    login(world.committee)
    form = page_form(client, f"/proposals/{proposal.id}/conclude")
    data = {k: v for k, v in form.data(version=str(proposal.version)).items()
            if not k.startswith("outcome-") or k == f"outcome-{farmer.id}"}
    data[f"outcome-{farmer.id}"] = "recommended"

    response = client.post(f"/proposals/{proposal.id}/conclude", data=data,
                           follow_redirects=True)

    # How many are left to choose (the one missing is marked in its row).
    assert ("error", "Cần kết luận cho từng trường hợp được đề nghị: còn 1 trường hợp chưa chọn "
                     "kết luận.") in flashes(response.text)
    db.session.refresh(proposal)
    assert proposal.state == S.IN_COMMITTEE


@pytest.mark.parametrize("who", ["secretariat", "chairman", "head_a"])
def test_only_the_committee_may_open_the_conclude_page(client, world, login, who):
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    db.session.commit()
    login(getattr(world, who))
    assert client.get(f"/proposals/{proposal.id}/conclude").status_code == 403


# --- the history ----------------------------------------------------------------------------


def test_the_history_shows_each_transition_with_actor_states_and_reason(client, world, login):
    w = world
    proposal = make_proposal(w, state=S.DRAFT)
    ops.submit_proposal(proposal, w.head_a)
    ops.return_proposal(proposal, w.secretariat, comment="Bổ sung biên bản họp.")
    ops.submit_proposal(proposal, w.head_a)
    ops.accept_proposal(proposal, w.secretariat)
    ops.forward_proposal(proposal, w.secretariat, comment="Đủ điều kiện.")
    ops.conclude_review(proposal, w.committee,
                        {n.id: NomineeOutcome.RECOMMENDED for n in proposal.nominees})
    ops.send_back_proposal(proposal, w.chairman, comment="Xem lại thành tích.")
    ops.forward_proposal(proposal, w.secretariat, comment="Đã xác minh thành tích.")
    ops.conclude_review(proposal, w.committee,
                        {n.id: NomineeOutcome.RECOMMENDED for n in proposal.nominees})
    ops.reject_proposal(proposal, w.vice, comment="Chưa đủ tiêu chuẩn.")
    db.session.commit()
    login(w.head_a)

    entries = history(client.get(f"/proposals/{proposal.id}").text)

    transitions = [(e.actor, e.label, e.from_label, e.to_label, e.comment)
                   for e in entries if e.to_label]
    officer, head = w.officer_a.full_name, w.head_a.full_name
    sec, com, chair, vice = (w.secretariat.full_name, w.committee.full_name,
                             w.chairman.full_name, w.vice.full_name)
    expected = [
        (officer, "create", None, S.DRAFT, ""),
        (head, "submit", S.DRAFT, S.SUBMITTED, ""),
        (sec, "return", S.SUBMITTED, S.RETURNED, "Bổ sung biên bản họp."),
        (head, "submit", S.RETURNED, S.SUBMITTED, ""),
        (sec, "accept", S.SUBMITTED, S.UNDER_REVIEW, ""),
        (sec, "forward", S.UNDER_REVIEW, S.IN_COMMITTEE, "Đủ điều kiện."),
        (com, "conclude", S.IN_COMMITTEE, S.AWAITING_DECISION, ""),
        (chair, "send_back", S.AWAITING_DECISION, S.UNDER_REVIEW, "Xem lại thành tích."),
        (sec, "forward", S.UNDER_REVIEW, S.IN_COMMITTEE, "Đã xác minh thành tích."),
        (com, "conclude", S.IN_COMMITTEE, S.AWAITING_DECISION, ""),
        (vice, "reject", S.AWAITING_DECISION, S.REJECTED, "Chưa đủ tiêu chuẩn."),
    ]
    assert transitions == [(actor, label(action, source), source.label if source else "—",
                            target.label, comment)
                           for actor, action, source, target, comment in expected]
    assert transitions[3][1] == "Gửi lại tờ trình"  # the resubmission, as its button said
    assert [e.label for e in entries if not e.to_label][-2:] == [label("outcomes")] * 2


def _return_note(html: str) -> str | None:
    note = re.search(r'<div class="banner flash flash-warning" role="note">(.*?)</div>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", "", note.group(1))).strip() if note else None


def test_a_returned_proposal_shows_the_reason_to_the_unit(client, world, login):
    proposal = make_proposal(world, state=S.RETURNED)
    db.session.commit()
    login(world.officer_a)
    html = client.get(f"/proposals/{proposal.id}").text
    assert _return_note(html) == "Lý do trả lại: Bổ sung biên bản họp."


def test_the_reason_shown_is_that_of_the_latest_return_and_only_while_returned(client, world,
                                                                            login):
    proposal = make_proposal(world, state=S.RETURNED)
    ops.submit_proposal(proposal, world.head_a)
    ops.return_proposal(proposal, world.secretariat, comment="Thiếu báo cáo thành tích.")
    db.session.commit()
    login(world.officer_a)
    assert _return_note(client.get(f"/proposals/{proposal.id}").text) == (
        "Lý do trả lại: Thiếu báo cáo thành tích.")

    ops.submit_proposal(proposal, world.head_a)
    db.session.commit()
    assert _return_note(client.get(f"/proposals/{proposal.id}").text) is None


def test_the_proposal_page_reads_the_history_and_its_authors_in_a_fixed_number_of_queries(
        app, client, world, login):
    """However many people acted on a proposal, its page reads their names at once (no query
    per author of the history)."""
    proposal = make_proposal(world, state=S.DRAFT)
    db.session.commit()
    login(world.head_a)
    path = f"/proposals/{proposal.id}"

    def statements() -> int:
        seen = []

        def count(*_args) -> None:  # noqa: ANN002
            seen.append(1)

        db.session.expire_all()  # as a request of its own: nothing loaded is taken as read
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    one_author = statements()
    for i in range(3):
        officer = make_user(f"officer.a{i}", Role.UNIT_OFFICER, world.unit_a, f"Cán bộ {i}")
        ops.add_nominee(officer, proposal, ops.NomineeData(
            kind=proposal.award_type.subject, name=f"Người thứ {i}", gender=Gender.MALE))
    db.session.commit()

    assert {e.actor for e in history(client.get(path).text)} >= {"Cán bộ 0", "Cán bộ 2"}
    assert statements() == one_author


def test_the_operation_refuses_a_priority_group_that_does_not_fit(world):
    """The form offers only fitting groups; the operation is the rule for every caller."""
    proposal = make_proposal(world, award="GK_TT", nominees=())
    with pytest.raises(ValidationError, match="không dùng cho tập thể"):
        ops.add_nominee(world.officer_a, proposal, ops.NomineeData(
            kind=proposal.award_type.subject, name="Tổ tự quản ấp Cây Da",
            priority_group=PriorityGroup.FARMER))


def test_the_signer_reads_what_approval_would_issue_before_pressing_it(client, world, login):
    proposal = make_proposal(world, state=S.AWAITING_DECISION)
    db.session.commit()
    login(world.chairman)
    page = unescape(client.get(f"/proposals/{proposal.id}").text)
    # The number is never broken at its hyphen.
    assert 'Quyết định số <span class="nowrap">01/QĐ-UBND</span> (số dự kiến' in page
    page = re.sub(r"<[^>]+>", "", page)
    # GK_CN: 0.3 × 2.340.000 = 702.000 đồng each, two recommended nominees.
    assert ("Phê duyệt sẽ ban hành Quyết định số 01/QĐ-UBND (số dự kiến; số chính thức được "
            "cấp khi ban hành), khen thưởng 2 trường hợp được Thường trực Hội đồng đề nghị, mỗi "
            "trường hợp 702.000 đồng; tổng cộng 1.404.000 đồng.") in page
    assert ("Trích yếu của quyết định: Về việc khen thưởng thành tích xuất sắc trong phong trào "
            "thi đua") in page
    login(world.committee)
    assert "Phê duyệt sẽ ban hành" not in client.get(f"/proposals/{proposal.id}").text


@pytest.mark.parametrize(("state", "who", "action", "asks"), [
    (S.DRAFT, "head_a", "submit", "Gửi tờ trình đến Cơ quan Tổ chức - Nội vụ? Sau khi gửi, "
                                  "đơn vị không sửa được hồ sơ, trừ khi tờ trình bị trả lại."),
    (S.DRAFT, "head_a", "withdraw", "Rút tờ trình này? Tờ trình đã rút không được xử lý tiếp; "
                                    "đơn vị có thể lập lại thành tờ trình mới."),
    (S.AWAITING_DECISION, "chairman", "approve",
     "Phê duyệt và ban hành quyết định? Quyết định được cấp số và không thể sửa sau khi ban "
     "hành."),
    (S.AWAITING_DECISION, "chairman", "reject",
     "Không phê duyệt tờ trình này? Tờ trình sẽ kết thúc."),
    (S.SUBMITTED, "secretariat", "accept", None),
])
def test_a_button_that_cannot_be_undone_asks_first(client, world, login, state, who, action,
                                                   asks):
    proposal = make_proposal(world, state=state)
    db.session.commit()
    login(getattr(world, who))
    page = unescape(client.get(f"/proposals/{proposal.id}").text)
    form = re.search(rf'<form[^>]*action="/proposals/{proposal.id}/actions/{action}"[^>]*>',
                     page).group(0)
    question = re.search(r'data-confirm="([^"]*)"', form)
    assert (question.group(1) if question else None) == asks


@pytest.mark.parametrize(("who", "sees_ip"), [
    ("officer_a", False), ("head_a", False), ("secretariat", True), ("chairman", True)])
def test_the_history_shows_where_each_step_came_from_to_reviewers(client, world, login, who,
                                                                  sees_ip):
    proposal = make_proposal(world, state=S.SUBMITTED)
    db.session.commit()
    login(world.secretariat)
    accept = f"/proposals/{proposal.id}/actions/accept"
    client.post(accept, data=page_form(client, f"/proposals/{proposal.id}", accept).data())
    accepted = db.session.scalars(select(AuditEvent).where(
        AuditEvent.proposal_id == proposal.id, AuditEvent.action == "accept")).one()
    assert accepted.ip == "127.0.0.1"

    login(getattr(world, who))
    page = client.get(f"/proposals/{proposal.id}").text
    assert ("· IP 127.0.0.1" in page) is sees_ip


def test_the_award_must_be_chosen_not_left_at_the_first_item(client, world, login):
    login(world.officer_a)
    form = page_form(client, "/proposals/new")
    assert form.data()["award_type_id"] == "0"  # "— Chọn —" until the officer chooses
    response = client.post("/proposals/new", data=form.data(
        title="Đề nghị tặng Giấy khen", achievement="đã có thành tích"))
    assert response.status_code == 200
    assert "Hãy chọn danh hiệu, hình thức khen thưởng." in response.text
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_phases_are_grouped_under_their_campaign(client, world, login):
    """And say whose they are, for the page's script that offers the chosen campaign's."""
    login(world.officer_a)
    page = client.get("/proposals/new").text
    assert re.search(r'<optgroup label="Phong trào thi đua 2021 - 2025">\s*'
                     rf'<option data-campaign="{world.campaign.id}" value="{world.phase.id}">'
                     r'Đợt 1 \(2021\)</option>', page)
    assert 'data-phases-of="campaign_id"' in page


def test_a_phase_is_offered_with_its_years_unless_its_name_says_them(client, world, login):
    """The achievement year must be in the phase's years: the choice says them."""
    db.session.add(Phase(campaign=world.campaign, name="Đợt 2 năm 2022",
                         starts_on=date(2022, 1, 1), ends_on=date(2022, 6, 30)))
    db.session.commit()
    login(world.officer_a)
    offered = re.findall(r'<option data-campaign="\d+" value="\d+">(.*?)</option>',
                         client.get("/proposals/new").text)
    assert offered == ["Đợt 1 (2021)", "Đợt 2 năm 2022"]


# --- WTForms' own messages in the user's language -------------------------------------------

#: what the create form is sent with, the language, the message under the field
FIELD_MESSAGES = [
    ({"title": ""}, "vi", "Trường này là bắt buộc."),
    ({"title": ""}, "en", "This field is required."),
    ({"title": "x" * 401}, "vi", "Không được dài quá 400 ký tự."),
    ({"title": "x" * 401}, "en", "Field cannot be longer than 400 characters."),
    ({"award_type_id": "999999"}, "vi", "Lựa chọn không hợp lệ."),
    ({"award_type_id": "999999"}, "en", "Not a valid choice."),
]


@pytest.mark.parametrize(("sent", "lang", "message"), FIELD_MESSAGES,
                         ids=[f"{lang}-{next(iter(s))}-{m[:20]}" for s, lang, m in FIELD_MESSAGES])
def test_a_refused_field_is_explained_in_the_users_language(client, world, login, sent, lang,
                                                            message):
    login(world.officer_a)
    client.post(f"/language/{lang}", data={"csrf_token": csrf_token(client, "/work"),
                                           "next": "/work"})
    form = page_form(client, "/proposals/new")

    response = client.post("/proposals/new",
                           data=form.data(**{"title": "Đề nghị khen", "achievement": "x",
                                             "award_type_id": str(world.awards["GK_CN"].id),
                                             **sent}))

    assert response.status_code == 200
    assert re.search(r'<html lang="([^"]+)"', response.text).group(1) == lang
    assert [unescape(e) for e in re.findall(r'<p class="error">(.*?)</p>', response.text)] == [
        message]
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


# --- the dossier: personal files are never cached -------------------------------------------


def test_a_dossier_file_is_sent_private_and_not_stored_by_any_cache(client, world, login):
    proposal = make_proposal(world)
    db.session.commit()
    login(world.officer_a)

    with client.get(file_url(proposal.attachments[0])) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
        assert "Expires" not in response.headers


# --- only who may edit the proposal changes its nominees and dossier ------------------------

#: (state, who may see the proposal but not edit it) → the refusal: the unit's own users are
#: told on the proposal's page that it has left them (their page was older), a reviewer is
#: forbidden
SEE_NOT_EDIT = [
    (S.SUBMITTED, "officer_a", "closed"), (S.SUBMITTED, "head_a", "closed"),
    (S.UNDER_REVIEW, "head_a", "closed"), (S.WITHDRAWN, "officer_a", "closed"),
    (S.SUBMITTED, "secretariat", FORBIDDEN), (S.UNDER_REVIEW, "secretariat", FORBIDDEN),
    (S.IN_COMMITTEE, "committee", FORBIDDEN), (S.AWAITING_DECISION, "chairman", FORBIDDEN),
]
#: the button (endpoint, how to send it): each is refused before reading the form, so an
#: empty or a full body is refused alike.
EDITS = {
    "upload": lambda p: (f"/proposals/{p.id}/attachments",
                         {"kind": "other", "file": (io.BytesIO(PDF_BYTES), "them.pdf")}),
    "upload without a file": lambda p: (f"/proposals/{p.id}/attachments", {"kind": "other"}),
    "delete nominee": lambda p: (f"/proposals/{p.id}/nominees/{p.nominees[0].id}/delete", {}),
    "delete attachment": lambda p: (
        f"/proposals/{p.id}/attachments/{p.attachments[0].id}/delete", {}),
}


@pytest.mark.parametrize("edit", list(EDITS))
@pytest.mark.parametrize(("state", "who", "refused"), SEE_NOT_EDIT,
                         ids=[f"{s.value}-{w}" for s, w, _r in SEE_NOT_EDIT])
def test_who_may_see_but_not_edit_is_refused_and_nothing_changes(client, world, login, state,
                                                                 who, refused, edit):
    proposal = make_proposal(world, state=state)
    db.session.commit()
    login(getattr(world, who))
    assert client.get(f"/proposals/{proposal.id}").status_code == 200  # may see it
    path, data = EDITS[edit](proposal)
    token = csrf_token(client, f"/proposals/{proposal.id}")
    before, files = db_snapshot(), upload_folder_files()

    response = client.post(path, data={**data, "csrf_token": token})

    if refused == FORBIDDEN:
        assert "Bạn không có quyền truy cập trang này." in response.text
    else:
        refused = EDITING_CLOSED.format(state=state.label)
    assert refusal_of(client, response, proposal.id) == refused
    assert db_snapshot() == before and upload_folder_files() == files


def test_the_record_of_a_conclusion_is_in_vietnamese_whatever_the_page_language(client, world,
                                                                              login):
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    db.session.commit()
    farmer, officer = proposal.nominees
    login(world.committee)
    language = page_form(client, f"/proposals/{proposal.id}/conclude", "/language/en")
    client.post("/language/en", data=language.data())
    form = page_form(client, f"/proposals/{proposal.id}/conclude")
    assert "Record conclusion" in client.get(f"/proposals/{proposal.id}/conclude").text

    client.post(f"/proposals/{proposal.id}/conclude", data=form.data(
        **{f"outcome-{farmer.id}": "recommended", f"outcome-{officer.id}": "deferred"}))

    record = db.session.scalars(select(AuditEvent).where(
        AuditEvent.proposal_id == proposal.id, AuditEvent.action == "outcomes")).one()
    assert record.comment == "Nguyễn Văn Út: Đề nghị khen thưởng, Trần Thị Bích Ngọc: Hoãn xét"


#: award → the nominee form's heading, the fields it has, the hint under the name
NOMINEE_FORMS = {
    "GK_CN": ("Thêm người được đề nghị",
              ["name", "position", "unit_or_address", "gender", "priority_group",
               "achievement_summary"], None),
    "GK_TT": ("Thêm tập thể được đề nghị",
              ["name", "unit_or_address", "priority_group", "achievement_summary"], None),
    "GK_HGD": ("Thêm hộ gia đình được đề nghị",
               ["name", "unit_or_address", "priority_group", "achievement_summary"],
               "Ví dụ: Hộ ông Nguyễn Văn Út"),
}


@pytest.mark.parametrize("award", list(NOMINEE_FORMS))
def test_the_nominee_form_has_the_fields_of_the_kind_of_nominee(client, world, login, award):
    """A position and a gender are a person's; a household is named as the annex prints it."""
    heading, fields, hint = NOMINEE_FORMS[award]
    proposal = make_proposal(world, award=award, nominees=())
    db.session.commit()
    login(world.officer_a)

    page = client.get(f"/proposals/{proposal.id}/nominees/new").text

    assert unescape(re.search(r"<h1>(.*?)</h1>", page).group(1)) == heading
    shown = re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', page)
    assert list(dict.fromkeys(n for n in shown if n in fields + ["gender", "position"])) == fields
    name_hint = re.search(r'<p class="hint" id="name-hint">(.*?)</p>', page)
    assert (unescape(name_hint.group(1)) if name_hint else None) == hint


def test_the_nominee_edit_form_says_what_it_edits(client, world, login):
    proposal = make_proposal(world)
    db.session.commit()
    login(world.officer_a)
    page = client.get(f"/proposals/{proposal.id}/nominees/{proposal.nominees[0].id}/edit").text
    assert re.search(r"<h1>(.*?)</h1>", page).group(1) == "Sửa thông tin người được đề nghị"


def test_forwarding_asks_for_the_appraisal_opinion(client, world, login):
    proposal = make_proposal(world, state=S.UNDER_REVIEW)
    db.session.commit()
    login(world.secretariat)
    page = client.get(f"/proposals/{proposal.id}").text
    form = re.search(rf'<form[^>]*action="/proposals/{proposal.id}/actions/forward".*?</form>',
                     page, re.S).group(0)
    assert re.search(r'<label for="comment-forward">Ý kiến thẩm định \(bắt buộc\)</label>\s*'
                     r'<textarea id="comment-forward" name="comment"[^>]*\brequired\b', form)


#: (state, who, action) → whether the button's form has a comment box, and its colour: a
#: dossier is accepted without a word; withdrawing, which cannot be undone, is red.
ACTION_FORMS = [
    (S.SUBMITTED, "secretariat", "accept", False, "primary"),
    (S.SUBMITTED, "secretariat", "return", True, "danger"),
    (S.UNDER_REVIEW, "secretariat", "forward", True, "primary"),
    (S.DRAFT, "head_a", "submit", False, "primary"),  # a first submission explains nothing
    (S.RETURNED, "head_a", "submit", True, "primary"),
    (S.DRAFT, "head_a", "withdraw", True, "danger"),
]


@pytest.mark.parametrize(("state", "who", "action", "comment", "style"), ACTION_FORMS,
                         ids=[f"{a}-{s.value}" for s, _w, a, _c, _s in ACTION_FORMS])
def test_each_buttons_form_has_its_comment_box_and_colour(client, world, login, state, who,
                                                          action, comment, style):
    proposal = make_proposal(world, state=state)
    db.session.commit()
    login(getattr(world, who))
    page = client.get(f"/proposals/{proposal.id}").text
    form = re.search(rf'<form[^>]*action="/proposals/{proposal.id}/actions/{action}".*?</form>',
                     page, re.S).group(0)
    assert ('name="comment"' in form) is comment
    assert re.search(r'<button class="button ([^"]+)" type="submit">', form).group(1) == style


def test_the_committees_main_move_is_green_like_every_desks(client, world, login):
    """The conclusion is the committee's "accept" or "approve": the same primary colour on
    the proposal's page and on the page where it is recorded."""
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    db.session.commit()
    login(world.committee)
    page = client.get(f"/proposals/{proposal.id}").text
    assert (f'<a class="button primary" href="/proposals/{proposal.id}/conclude">'
            "Kết luận xét duyệt</a>") in page
    conclude = client.get(f"/proposals/{proposal.id}/conclude").text
    assert '<button class="button primary" type="submit">Ghi nhận kết luận</button>' in conclude


@pytest.mark.parametrize(("state", "button"), [(S.DRAFT, "Gửi tờ trình"),
                                               (S.RETURNED, "Gửi lại tờ trình")])
def test_the_unit_head_sends_a_draft_and_sends_a_returned_proposal_again(client, world, login,
                                                                       state, button):
    proposal = make_proposal(world, state=state)
    db.session.commit()
    login(world.head_a)
    page = client.get(f"/proposals/{proposal.id}").text
    form = re.search(rf'<form[^>]*action="/proposals/{proposal.id}/actions/submit".*?</form>',
                     page, re.S).group(0)
    assert re.search(r'<button class="button primary" type="submit">([^<]+)</button>',
                     form).group(1) == button


@pytest.mark.parametrize(("award", "gender", "accepted"), [
    ("GK_CN", "", False), ("GK_CN", "female", True), ("GK_TT", "", True)])
def test_a_person_needs_a_gender_for_the_annex_a_collective_does_not(client, world, login,
                                                                     award, gender, accepted):
    """The decision's annex prints "Ông" or "Bà" before each person."""
    proposal = make_proposal(world, award=award, nominees=())
    db.session.commit()
    login(world.officer_a)
    form = page_form(client, f"/proposals/{proposal.id}/nominees/new")
    page = client.get(f"/proposals/{proposal.id}/nominees/new").text
    assert ("Họ và tên" if award == "GK_CN" else "Tên tập thể") in page

    response = client.post(f"/proposals/{proposal.id}/nominees/new",
                           data=form.data(name="Lê Thị Hồng Đào", gender=gender))

    assert (response.status_code == 302) is accepted
    if not accepted:  # said under the gender, where it is chosen
        assert field_errors(response.text)["gender"] == [
            "Cần chọn giới tính của người được đề nghị."]


@pytest.mark.parametrize(("name", "gender", "errors"), [
    ("", "", {"name", "gender"}),
    ("", "male", {"name"}),
    ("Lê Thị Hồng Đào", "", {"gender"}),
    # A character the decision cannot print is said with the rest too.
    ("Trần Văn Sang 😀", "", {"name", "gender"}),
])
def test_a_nominee_form_says_every_missing_field_at_once(client, world, login,
                                                          name, gender, errors):
    """Not the name first and the gender only once the name is right, nor the other way."""
    proposal = make_proposal(world, award="GK_CN", nominees=())
    db.session.commit()
    login(world.officer_a)
    form = page_form(client, f"/proposals/{proposal.id}/nominees/new")

    response = client.post(f"/proposals/{proposal.id}/nominees/new",
                           data=form.data(name=name, gender=gender))

    assert response.status_code == 200
    assert set(field_errors(response.text)) == errors
    assert Nominee.query.filter_by(proposal_id=proposal.id).count() == 0


def test_campaigns_are_listed_latest_first_in_the_form_and_the_filter(client, world, login):
    later = Campaign(authority=world.authority, name="Phong trào thi đua 2026 - 2030",
                     kind=world.campaign.kind, starts_on=date(2026, 1, 1),
                     ends_on=date(2030, 12, 31))
    db.session.add(later)
    db.session.commit()
    login(world.officer_a)
    for path in ("/proposals/new", "/work"):
        html = client.get(path).text
        select_ = re.search(r'<select[^>]*name="campaign(?:_id)?"[^>]*>(.*?)</select>', html, re.S)
        names = [unescape(n) for n in re.findall(r"<option[^>]*>([^<]+)</option>",
                                                 select_.group(1)) if "Phong trào" in n]
        assert names == [later.name, world.campaign.name], path


@pytest.mark.parametrize("path", ["/proposals/new", "/work", "/proposals"])
def test_the_award_filter_offers_what_a_proposal_can_be_filed_for(client, world, login, path):
    """The entries "forwarded to the province" are the province's to decide: no proposal is
    filed for one here, so neither the form nor a filter offers them."""
    login(world.secretariat if path == "/proposals" else world.officer_a)
    html = client.get(path).text
    select_ = re.search(r'<select[^>]*name="award_type(?:_id)?"[^>]*>(.*?)</select>', html, re.S)
    offered = {unescape(label) for label in re.findall(r"<option[^>]*>([^<]+)</option>",
                                                       select_.group(1))}
    confers = {a.label for a in world.awards.values() if a.conferred_by.value == "self"}
    assert offered - {"Tất cả", "— Chọn —"} == confers


#: The award's kind of nominee → the nominee form's labels for the name and the place, as the
#: decision's annex heads those columns.
NOMINEE_FORM_LABELS = {
    "GK_CN": ("Họ và tên", "Đơn vị công tác hoặc địa chỉ"),
    "GK_TT": ("Tên tập thể", "Đơn vị hoặc địa chỉ"),
    "GK_HGD": ("Tên hộ gia đình (chủ hộ)", "Địa chỉ"),
}


@pytest.mark.parametrize("award", list(NOMINEE_FORM_LABELS))
def test_the_nominee_form_asks_for_the_place_the_kind_has(client, world, login, award):
    proposal = make_proposal(world, award=award, nominees=())
    db.session.commit()
    login(world.officer_a)
    page = client.get(f"/proposals/{proposal.id}/nominees/new").text
    labels = [unescape(text) for text in re.findall(r'<label for="[^"]+"[^>]*>([^<]+)</label>',
                                                     page)]
    name, place = NOMINEE_FORM_LABELS[award]
    assert labels[0] == name and place in labels


def test_the_proposal_form_says_what_it_cannot_file_for(client, world, login):
    login(world.officer_a)
    hint = unescape(re.search(r'<p class="hint" id="award_type_id-hint">(.*?)</p>',
                              client.get("/proposals/new").text, re.S).group(1))
    assert hint == ("Chỉ gồm các danh hiệu, hình thức khen thưởng thuộc thẩm quyền của cơ quan "
                    "ban hành. Hồ sơ đề nghị cấp trên khen thưởng (“Bằng khen của Chủ tịch Ủy "
                    "ban nhân dân tỉnh Trà Vinh”, “Chiến sĩ thi đua cấp tỉnh”, “Tập thể lao động "
                    "xuất sắc”) chưa lập được trên hệ thống này.")
