"""Two people acting on the same proposal at once, through the pages: each button carries
the version its page showed; the slower one is told what happened and changes nothing."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from award_flow.auth.roles import Role
from award_flow.core.audit import AuditEvent
from award_flow.extensions import db
from award_flow.proposals.models import Proposal, ProposalState
from tests.factories import PDF_BYTES, make_proposal, make_user
from tests.web_helpers import (
    EDITING_CLOSED,
    client_as,
    db_snapshot,
    flashes,
    forms,
    page_form,
    refusal_of,
)

S = ProposalState

STALE = "Tờ trình vừa được người khác xử lý (hiện ở trạng thái “{state}”). Không có thay đổi nào " \
        "được lưu."


def button(html: str, proposal_id: int, action: str):  # noqa: ANN201
    (form,) = [f for f in forms(html) if f.action == f"/proposals/{proposal_id}/actions/{action}"]
    return form


def events() -> list[tuple]:
    return [tuple(row) for row in db.session.execute(
        select(AuditEvent.id, AuditEvent.action, AuditEvent.actor_id).order_by(AuditEvent.id))]


#: (state both see, first person's button and reason, second person's button, the state the
#: first one leaves)
RACES = [
    (S.SUBMITTED, ("return", "Thiếu biên bản họp."), "accept", S.RETURNED),
    (S.SUBMITTED, ("accept", ""), "accept", S.UNDER_REVIEW),
    (S.SUBMITTED, ("accept", ""), "return", S.UNDER_REVIEW),
    (S.UNDER_REVIEW, ("forward", "Đủ điều kiện."), "return", S.IN_COMMITTEE),
]


@pytest.mark.parametrize(("state", "first", "second", "after"), RACES,
                         ids=[f"{r[1][0]}-then-{r[2]}" for r in RACES])
def test_the_second_of_two_reviewers_acting_at_once_changes_nothing(app, world, state, first,
                                                                    second, after):
    proposal = make_proposal(world, state=state)
    colleague = make_user("secretariat.2", Role.SECRETARIAT, world.home_affairs,
                          "Phạm Thị Kim Hoa")
    db.session.commit()
    one, two = client_as(app, world.secretariat), client_as(app, colleague)
    # Both open the proposal page: both forms carry the same version.
    page_one = one.get(f"/proposals/{proposal.id}").text
    page_two = two.get(f"/proposals/{proposal.id}").text
    form_one = button(page_one, proposal.id, first[0])
    form_two = button(page_two, proposal.id, second)
    assert form_one.data()["version"] == form_two.data()["version"]

    done = one.post(form_one.action, data=form_one.data(comment=first[1]))
    assert done.status_code == 302
    db.session.expire_all()
    assert proposal.state == after
    version, history = proposal.version, events()

    late = two.post(form_two.action, data=form_two.data(comment="Ý kiến của người thứ hai."))

    assert late.status_code == 302
    assert late.headers["Location"] == f"/proposals/{proposal.id}?at=actions#actions"
    page = two.get(late.headers["Location"]).text
    assert ("error", STALE.format(state=after.label)) in flashes(page)
    db.session.expire_all()
    assert (proposal.state, proposal.version) == (after, version)
    assert events() == history


def _post(client, path: str, action: str | None = None, **changes):  # noqa: ANN001, ANN003, ANN202
    """Send the form of the page at `path` (posting to `action`, default the page itself)."""
    form = page_form(client, path, action)
    return client.post(form.action or path, data=form.data(**changes))


def _upload(client, proposal):  # noqa: ANN001, ANN202
    path = f"/proposals/{proposal.id}"
    form = page_form(client, path, f"/proposals/{proposal.id}/attachments")
    return client.post(form.action, data=form.data(
        kind="meeting_minutes", file=(io.BytesIO(PDF_BYTES), "bien-ban.pdf")))


#: What the officer changes in the dossier, through its page, while the head has the proposal
#: open: every one of them makes the head's submit button stale (a nominee's position or a new
#: file changes no column of the proposal row, yet the dossier the head saw is not the same).
DOSSIER_EDITS = {
    "uploads a file": _upload,
    "deletes a file": lambda c, p: _post(
        c, f"/proposals/{p.id}", f"/proposals/{p.id}/attachments/{p.attachments[0].id}/delete"),
    "adds a nominee": lambda c, p: _post(c, f"/proposals/{p.id}/nominees/new",
                                        name="Lê Thị Hồng Đào", gender="female"),
    "edits a nominee's position": lambda c, p: _post(
        c, f"/proposals/{p.id}/nominees/{p.nominees[0].id}/edit", position="Tổ trưởng tổ hợp tác"),
    "deletes a nominee": lambda c, p: _post(
        c, f"/proposals/{p.id}", f"/proposals/{p.id}/nominees/{p.nominees[1].id}/delete"),
    "saves the proposal's details": lambda c, p: _post(c, f"/proposals/{p.id}/edit"),
}


@pytest.mark.parametrize("edit", list(DOSSIER_EDITS))
def test_a_unit_head_submitting_a_draft_the_officer_just_changed_is_told_to_reload(app, world,
                                                                                   edit):
    """A change to the dossier bumps the proposal's version: a submit button from before it
    is stale, and the dossier the head did not see is not filed."""
    proposal = make_proposal(world, state=S.DRAFT)
    db.session.commit()
    head, officer = client_as(app, world.head_a), client_as(app, world.officer_a)
    submit = button(head.get(f"/proposals/{proposal.id}").text, proposal.id, "submit")
    seen = proposal.version
    done = DOSSIER_EDITS[edit](officer, proposal)
    assert done.status_code == 302
    assert [kind for kind, _message in flashes(officer.get(done.headers["Location"]).text)] == [
        "success"]
    db.session.expire_all()
    assert proposal.version > seen
    before = db_snapshot()

    late = head.post(submit.action, data=submit.data(), follow_redirects=True)

    assert ("error", STALE.format(state=S.DRAFT.label)) in flashes(late.text)
    assert db_snapshot() == before


# --- pages of their own (not a button): the one who comes second is told, not forbidden ----


def _conclusion(client, proposal):  # noqa: ANN001, ANN202
    form = page_form(client, f"/proposals/{proposal.id}/conclude")
    return form, {f"outcome-{n.id}": "recommended" for n in proposal.nominees}


def _conclude_race(app, world, proposal):  # noqa: ANN001, ANN202
    """Two members of the Standing Committee open the conclusion page; one concludes."""
    colleague = make_user("committee.2", Role.COMMITTEE_MEMBER, world.home_affairs,
                          "Lâm Văn Đức")
    db.session.commit()
    one, two = client_as(app, world.committee), client_as(app, colleague)
    form_one, outcomes = _conclusion(one, proposal)
    form_two, _outcomes = _conclusion(two, proposal)
    assert one.post(form_one.action or f"/proposals/{proposal.id}/conclude",
                    data=form_one.data(**outcomes)).status_code == 302
    return two, lambda: two.post(f"/proposals/{proposal.id}/conclude",
                                 data=form_two.data(**outcomes))


def _edit_race(app, world, proposal):  # noqa: ANN001, ANN202
    """The officer opens a nominee's form; the head sends the proposal meanwhile."""
    officer, head = client_as(app, world.officer_a), client_as(app, world.head_a)
    nominee = proposal.nominees[0]
    path = f"/proposals/{proposal.id}/nominees/{nominee.id}/edit"
    form = page_form(officer, path)
    submit = button(head.get(f"/proposals/{proposal.id}").text, proposal.id, "submit")
    assert head.post(submit.action, data=submit.data()).status_code == 302
    return officer, lambda: officer.post(path, data=form.data(position="Tổ trưởng"))


def _propose_again_race(app, world, proposal):  # noqa: ANN001, ANN202
    """The head and the officer both have the withdrawn proposal open; the officer files it
    again first."""
    head, officer = client_as(app, world.head_a), client_as(app, world.officer_a)
    action = f"/proposals/{proposal.id}/propose-again"
    head_form = page_form(head, f"/proposals/{proposal.id}", action)
    officer_form = page_form(officer, f"/proposals/{proposal.id}", action)
    assert officer.post(action, data=officer_form.data()).status_code == 302
    return head, lambda: head.post(action, data=head_form.data())


#: what two people do at once on a page of its own → the state both saw, and what the second
#: is told on the proposal's page (its state then)
PAGE_RACES = {
    "two members conclude": (_conclude_race, S.IN_COMMITTEE,
                             "Tờ trình không còn chờ Thường trực Hội đồng kết luận (hiện ở "
                             "trạng thái “{state}”). Không có thay đổi nào được lưu."),
    "the officer edits a nominee the head has sent": (_edit_race, S.DRAFT, EDITING_CLOSED),
    "two file a withdrawn proposal again": (_propose_again_race, S.WITHDRAWN,
                                            "Tờ trình này vừa được lập lại (“{title}”). Không "
                                            "có thay đổi nào được lưu."),
}


@pytest.mark.parametrize("race", list(PAGE_RACES))
def test_the_second_of_two_on_a_page_of_its_own_is_told_what_happened(app, world, race):
    setup, state, told = PAGE_RACES[race]
    proposal = make_proposal(world, state=state)
    db.session.commit()
    second, late = setup(app, world, proposal)
    db.session.expire_all()
    before = db_snapshot()

    response = late()

    assert refusal_of(second, response, proposal.id) == told.format(
        state=proposal.state.label, title=getattr(proposal.follow_up, "title", None))
    assert db_snapshot() == before


# --- the "new proposal" form sent twice ----------------------------------------------------

FORM_SENT_ALREADY = ("Biểu mẫu này đã được gửi và tờ trình đã được tạo (dưới đây); lần gửi sau "
                     "không tạo thêm tờ trình nào. Muốn lập thêm tờ trình khác, hãy mở lại trang "
                     "lập tờ trình.")


def _at_the_same_moment(monkeypatch) -> None:  # noqa: ANN001
    """The second sending looked for the form's proposal before the first was saved: only
    the unique index sees it."""
    from award_flow.proposals import views

    looked = []
    found = views.sent_from_form
    monkeypatch.setattr(views, "sent_from_form", lambda user, key: (
        None if not looked and not looked.append(key) else found(user, key)))


#: how the same form comes a second time → what the officer is told, on the first's page
SENT_TWICE = {
    "one after the other": (lambda monkeypatch: None, "info"),
    "at the same moment": (_at_the_same_moment, "error"),
}


@pytest.mark.parametrize("race", list(SENT_TWICE))
def test_the_new_proposal_form_sent_twice_files_one_proposal(app, world, monkeypatch, race):
    setup, category = SENT_TWICE[race]
    officer = client_as(app, world.officer_a)
    form = page_form(officer, "/proposals/new")
    sent = form.data(title="Đề nghị tặng Giấy khen năm 2021", campaign_id=str(world.campaign.id),
                     phase_id=str(world.phase.id), award_type_id=str(world.awards["GK_CN"].id),
                     achievement="thành tích xuất sắc")
    first = officer.post("/proposals/new", data=sent)
    assert first.status_code == 302
    officer.get(first.headers["Location"])  # its own message read
    db.session.expire_all()
    before = db_snapshot()
    setup(monkeypatch)

    again = officer.post("/proposals/new", data=sent)

    assert again.headers["Location"] == first.headers["Location"]
    assert (category, FORM_SENT_ALREADY) in flashes(officer.get(again.headers["Location"]).text)
    assert db_snapshot() == before


def test_each_new_proposal_form_files_its_own_proposal(app, world):
    """A second proposal is a second form: opened again, it has a key of its own."""
    officer = client_as(app, world.officer_a)
    places = set()
    for title in ("Đề nghị tặng Giấy khen đợt 1", "Đề nghị tặng Giấy khen đợt 2"):
        form = page_form(officer, "/proposals/new")
        response = officer.post("/proposals/new", data=form.data(
            title=title, campaign_id=str(world.campaign.id), phase_id=str(world.phase.id),
            award_type_id=str(world.awards["GK_CN"].id), achievement="thành tích xuất sắc"))
        places.add(response.headers["Location"])
    assert len(places) == 2
    assert sorted(db.session.scalars(select(Proposal.title))) == [
        "Đề nghị tặng Giấy khen đợt 1", "Đề nghị tặng Giấy khen đợt 2"]


@pytest.mark.parametrize("key", ["", "short", "x" * 33, "not a key of the form's!", "\x00" * 20],
                         ids=["none", "short", "too long", "other characters", "NUL"])
def test_a_form_key_not_of_the_forms_making_is_no_key(app, world, key):
    """Sent as no key: the proposal is filed, once, and the key is not kept."""
    officer = client_as(app, world.officer_a)
    form = page_form(officer, "/proposals/new")
    response = officer.post("/proposals/new", data=form.data(
        title="Đề nghị tặng Giấy khen", campaign_id=str(world.campaign.id),
        phase_id=str(world.phase.id), award_type_id=str(world.awards["GK_CN"].id),
        achievement="thành tích xuất sắc", form_key=key))
    assert response.status_code == 302
    assert list(db.session.scalars(select(Proposal.form_key))) == [None]


def _stale_post(client, page: str, action: str | None = None,  # noqa: ANN001, ANN202
                **changes):  # noqa: ANN003
    """The form of `page` posting to `action` (default: the page itself), loaded now, to be
    sent later."""
    form = page_form(client, page, action)
    return lambda: client.post(action or page, data=form.data(**changes))


NOMINEE_GONE = ("nominees", "Người được đề nghị này không còn trong tờ trình: có thể vừa có "
                "người xóa. Không có thay đổi nào được lưu.")
FILE_GONE = ("dossier", "Tệp này không còn trong hồ sơ: có thể vừa có người xóa. Không có "
             "thay đổi nào được lưu.")
FILE_GONE_TO_DOWNLOAD = ("dossier", "Tệp này không còn trong hồ sơ: có thể vừa có người xóa.")
#: What the officer does from a page loaded before a colleague removed the nominee or the
#: file: (what the colleague removes, the officer's page and what it sends) → the section of
#: the proposal page the officer lands on, and the message there.
LATE_FOR_A_REMOVED_ONE = {
    "deletes the nominee": ("nominee", lambda c, p, n, a: _stale_post(
        c, f"/proposals/{p}", f"/proposals/{p}/nominees/{n}/delete"), NOMINEE_GONE),
    "saves the nominee's form": ("nominee", lambda c, p, n, a: _stale_post(
        c, f"/proposals/{p}/nominees/{n}/edit", position="Tổ trưởng"), NOMINEE_GONE),
    "opens the nominee's form": ("nominee", lambda c, p, n, a: (
        lambda: c.get(f"/proposals/{p}/nominees/{n}/edit")), NOMINEE_GONE),
    "deletes the file": ("file", lambda c, p, n, a: _stale_post(
        c, f"/proposals/{p}", f"/proposals/{p}/attachments/{a}/delete"), FILE_GONE),
    "downloads the file": ("file", lambda c, p, n, a: (
        lambda: c.get(f"/proposals/{p}/attachments/{a}")), FILE_GONE_TO_DOWNLOAD),
}


@pytest.mark.parametrize("late", list(LATE_FOR_A_REMOVED_ONE))
def test_acting_on_a_nominee_or_file_a_colleague_just_removed_says_so(app, world, late):
    """Not a "page not found": the officer lands on the proposal, told what happened, and
    nothing changes."""
    proposal = make_proposal(world, state=S.DRAFT)
    db.session.commit()
    pid, nominee, attachment = proposal.id, proposal.nominees[0].id, proposal.attachments[0].id
    officer, head = client_as(app, world.officer_a), client_as(app, world.head_a)
    removed, prepare, (section, message) = LATE_FOR_A_REMOVED_ONE[late]
    send = prepare(officer, pid, nominee, attachment)
    remove = (f"/proposals/{pid}/nominees/{nominee}/delete" if removed == "nominee"
              else f"/proposals/{pid}/attachments/{attachment}/delete")
    assert _stale_post(head, f"/proposals/{pid}", remove)().status_code == 302
    before = db_snapshot()

    response = send()

    assert response.status_code == 302
    assert response.headers["Location"] == f"/proposals/{pid}?at={section}#{section}"
    assert ("error", message) in flashes(officer.get(response.headers["Location"]).text)
    assert db_snapshot() == before
