"""A closed proposal never reopens, but its unit may file it again in a new draft, once:
deferred nominees are "decided later, not refused", so once the decision on the others is
issued they are proposed again; a proposal withdrawn or not approved is filed again with all
of its nominees, for the unit to correct and complete."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from award_flow.core.audit import AuditEvent
from award_flow.core.errors import NotAllowed, ValidationError
from award_flow.extensions import db
from award_flow.proposals import operations as ops
from award_flow.proposals.models import (
    AttachmentKind,
    NomineeOutcome,
    Proposal,
    ProposalState,
)
from award_flow.proposals.workflow import can_propose_again
from tests.factories import PDF_BYTES, decided_with_one_deferred, make_proposal
from tests.web_helpers import csrf_token, flashes, page_form

S = ProposalState


@pytest.mark.parametrize(("who", "allowed"), [
    ("officer_a", True), ("head_a", True), ("officer_b", False), ("head_b", False),
    ("secretariat", False), ("committee", False), ("chairman", False), ("admin", False),
])
def test_who_may_propose_the_deferred_again(world, who, allowed):
    proposal = decided_with_one_deferred(world)
    assert can_propose_again(getattr(world, who), proposal) is allowed


def test_deferred_nominees_wait_for_the_decision_on_the_others(world):
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    farmer, officer = proposal.nominees
    ops.conclude_review(proposal, world.committee, {farmer.id: NomineeOutcome.RECOMMENDED,
                                                   officer.id: NomineeOutcome.DEFERRED})
    assert not can_propose_again(world.officer_a, proposal)
    with pytest.raises(NotAllowed):
        ops.propose_again(world.officer_a, proposal)


#: state of the proposal → may its unit file it again?
REFILING = [
    (S.DRAFT, False), (S.SUBMITTED, False), (S.UNDER_REVIEW, False), (S.IN_COMMITTEE, False),
    (S.AWAITING_DECISION, False), (S.RETURNED, False),  # still open: edit or withdraw it
    (S.DECIDED, False),  # nobody deferred: nothing left to propose
    (S.WITHDRAWN, True), (S.REJECTED, True),
]


@pytest.mark.parametrize(("state", "allowed"), REFILING, ids=[s.value for s, _a in REFILING])
def test_which_proposals_may_be_filed_again(world, state, allowed):
    proposal = make_proposal(world, state=state)
    assert can_propose_again(world.officer_a, proposal) is allowed
    assert can_propose_again(world.head_b, proposal) is False  # never another unit


@pytest.mark.parametrize("state", [S.WITHDRAWN, S.REJECTED])
def test_a_withdrawn_or_rejected_proposal_is_filed_again_with_all_its_nominees(world, state):
    proposal = make_proposal(world, state=state)
    again = ops.propose_again(world.officer_a, proposal)
    db.session.commit()
    assert again.state == S.DRAFT and again.follows == proposal
    assert again.title == proposal.title + " (lập lại)"  # told apart in lists and links
    assert (again.achievement, again.unit_id, again.campaign_id, again.award_type_id) == (
        proposal.achievement, proposal.unit_id, proposal.campaign_id, proposal.award_type_id)
    assert [(n.name, n.priority_group, n.outcome) for n in again.nominees] == [
        (n.name, n.priority_group, None) for n in proposal.nominees]
    assert (again.nominee_count, again.priority_count, again.attachments) == (
        proposal.nominee_count, proposal.priority_count, [])
    assert proposal.state == state  # the closed proposal stays closed
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.proposal_id == proposal.id, AuditEvent.action == "file_again")) == 1
    # The new draft's history says it was filed, not one line per nominee it carries; its
    # version moved for the creation, the link to the closed one and the nominees as a whole.
    assert db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.proposal_id == again.id)).all() == ["create"]
    assert again.version == 3
    assert not can_propose_again(world.officer_a, proposal)  # once
    with pytest.raises(NotAllowed):
        ops.propose_again(world.officer_a, proposal)


def test_a_withdrawn_proposal_is_filed_again_with_the_button(client, world, login):
    proposal = make_proposal(world, state=S.WITHDRAWN)
    login(world.head_a)
    action = f"/proposals/{proposal.id}/propose-again"
    # In the "Xử lý" card, saying what it does (the files are not carried over).
    card = re.search(r'<section class="card actions-card" id="actions"[^>]*>(.*?)</section>',
                     client.get(f"/proposals/{proposal.id}").text, re.S).group(1)
    assert f'action="{action}"' in card and "không kèm các tệp hồ sơ" in card
    form = page_form(client, f"/proposals/{proposal.id}", action)
    response = client.post(action, data=form.data())
    again = db.session.scalar(select(Proposal).where(Proposal.follows_id == proposal.id))
    assert response.headers["Location"] == f"/proposals/{again.id}"
    page = client.get(f"/proposals/{again.id}").text
    assert ("success", "Đã lập tờ trình mới với thông tin và những người được đề nghị của tờ "
            "trình cũ. Hãy kiểm tra, sửa, bổ sung hồ sơ rồi gửi.") in flashes(page)
    assert "Lập lại từ tờ trình:" in page
    original = client.get(f"/proposals/{proposal.id}").text
    assert action not in original and "Đã lập lại thành tờ trình mới:" in original


def test_a_nominee_saved_before_a_rule_is_carried_as_it_was_and_fixed_before_sending(world):
    """Not refused when filed again (the closed proposal cannot be changed): the new draft
    carries it, and is not sent until the unit has fixed it."""
    proposal = make_proposal(world, state=S.WITHDRAWN)
    proposal.nominees[0].name = "Nguyễn Văn Út 🌾"  # as saved before the decision's font check
    db.session.commit()

    again = ops.propose_again(world.officer_a, proposal)
    ops.add_attachment(world.officer_a, again, AttachmentKind.PROPOSAL_LETTER, "to-trinh.pdf",
                       io.BytesIO(PDF_BYTES))
    db.session.commit()

    farmer = again.nominees[0]
    assert farmer.name == "Nguyễn Văn Út 🌾"
    refusal = ("Họ và tên của “Nguyễn Văn Út 🌾” có ký tự mà quyết định không in được (“🌾”); "
               "hãy sửa trường hợp này.")
    with pytest.raises(ValidationError) as refused:
        ops.submit_proposal(again, world.head_a)
    assert refused.value.message == refusal
    db.session.rollback()
    assert again.state == S.DRAFT
    ops.update_nominee(world.officer_a, farmer, ops.NomineeData(
        kind=farmer.kind, name="Nguyễn Văn Út", position=farmer.position,
        unit_or_address=farmer.unit_or_address, gender=farmer.gender,
        priority_group=farmer.priority_group))
    ops.submit_proposal(again, world.head_a)
    assert again.state == S.SUBMITTED


def test_a_decision_without_deferred_nominees_has_nothing_to_propose_again(world):
    proposal = make_proposal(world, state=S.DECIDED)
    assert not can_propose_again(world.officer_a, proposal)


def test_the_deferred_nominees_go_into_a_new_draft_once(world):
    proposal = decided_with_one_deferred(world)
    deferred = proposal.deferred_nominees[0]

    again = ops.propose_again(world.head_a, proposal)
    db.session.commit()

    assert again.state == S.DRAFT and again.follows == proposal
    assert proposal.follow_up == again
    assert (again.unit_id, again.campaign_id, again.award_type_id, again.phase_id) == (
        proposal.unit_id, proposal.campaign_id, proposal.award_type_id, proposal.phase_id)
    assert again.title.endswith("(đề nghị lại các trường hợp hoãn xét)")
    (copy,) = again.nominees
    assert (copy.name, copy.position, copy.unit_or_address, copy.gender, copy.priority_group,
            copy.outcome) == (deferred.name, deferred.position, deferred.unit_or_address,
                              deferred.gender, deferred.priority_group, None)
    assert (again.nominee_count, again.attachments) == (1, [])
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.proposal_id == proposal.id, AuditEvent.action == "propose_again")) == 1
    # Once: the database holds one follow-up per proposal, and the rule says so first.
    assert not can_propose_again(world.officer_a, proposal)
    with pytest.raises(NotAllowed):
        ops.propose_again(world.officer_a, proposal)


def test_the_title_of_the_deferred_proposed_again_fits_its_column(world):
    """The new title is the old one with a suffix: a title already at the column's maximum is
    cut to make room (PostgreSQL would refuse a longer one; SQLite would keep it)."""
    limit = Proposal.__table__.c.title.type.length
    suffix = " (đề nghị lại các trường hợp hoãn xét)"
    title = ("Đề nghị khen thưởng " + "x" * limit)[:limit]
    proposal = decided_with_one_deferred(world, title=title)
    assert len(proposal.title) == limit

    again = ops.propose_again(world.officer_a, proposal)
    db.session.commit()

    assert again.title == proposal.title[:limit - len(suffix)] + suffix
    assert len(again.title) == limit


def _events(proposal: Proposal) -> list[tuple[str, str]]:
    return [(e.action, e.comment) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.proposal_id == proposal.id)
        .order_by(AuditEvent.id))]


def _decided_with_one_deferred(world):  # noqa: ANN001, ANN202
    return decided_with_one_deferred(world), "propose_again", "Trần Thị Bích Ngọc"


def _withdrawn(world):  # noqa: ANN001, ANN202
    return (make_proposal(world, state=S.WITHDRAWN), "file_again",
            "Nguyễn Văn Út, Trần Thị Bích Ngọc")


@pytest.mark.parametrize("made", [_decided_with_one_deferred, _withdrawn],
                         ids=["deferred", "withdrawn"])
def test_the_old_proposals_history_names_the_new_one_and_whom_it_carries(world, made):
    proposal, action, names = made(world)
    ops.propose_again(world.officer_a, proposal)
    db.session.commit()
    assert _events(proposal)[-1] == (action, names)  # names, never an internal number


def test_the_unit_proposes_again_with_the_button_on_the_decided_proposal(client, world,
                                                                        login):
    proposal = decided_with_one_deferred(world)
    login(world.officer_a)
    action = f"/proposals/{proposal.id}/propose-again"
    form = page_form(client, f"/proposals/{proposal.id}", action)

    response = client.post(action, data=form.data())

    again = db.session.scalar(select(Proposal).where(Proposal.follows_id == proposal.id))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/proposals/{again.id}"
    page = client.get(f"/proposals/{again.id}").text
    assert ("success", "Đã lập tờ trình đề nghị lại các trường hợp hoãn xét. Hãy bổ sung hồ "
            "sơ rồi gửi.") in flashes(page)
    assert f'href="/proposals/{proposal.id}"' in page  # where it comes from
    original = client.get(f"/proposals/{proposal.id}").text
    assert action not in original and f'href="/proposals/{again.id}"' in original


@pytest.mark.parametrize(("who", "status"), [("officer_b", 404), ("secretariat", 403)])
def test_others_cannot_propose_a_units_deferred_nominees_again(client, world, login, who,
                                                               status):
    proposal = decided_with_one_deferred(world)
    login(getattr(world, who))
    response = client.post(f"/proposals/{proposal.id}/propose-again",
                           data={"csrf_token": csrf_token(client, "/decisions/")})
    assert response.status_code == status
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 1


NOTE = "Các trường hợp hoãn xét không có tên trong quyết định này"


@pytest.mark.parametrize(("then", "noted"), [(None, True), ("approve", False),
                                             ("reject", False)],
                         ids=["awaiting decision", "decided", "rejected"])
def test_the_note_on_deferred_nominees_is_there_only_while_the_decision_is_to_come(
        client, world, login, then, noted):
    """A rejected proposal has no decision to leave them out of."""
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    farmer, officer = proposal.nominees
    ops.conclude_review(proposal, world.committee, {farmer.id: NomineeOutcome.RECOMMENDED,
                                                   officer.id: NomineeOutcome.DEFERRED})
    if then == "approve":
        ops.approve_proposal(proposal, world.chairman)
    elif then == "reject":
        ops.reject_proposal(proposal, world.chairman, comment="Chưa đủ tiêu chuẩn.")
    db.session.commit()
    for who in (world.chairman, world.officer_a):
        login(who)
        html = client.get(f"/proposals/{proposal.id}").text
        assert "Hoãn xét: 1" in html.replace("</span>", "").replace('<span class="badge">', "")
        assert (NOTE in html) is noted
