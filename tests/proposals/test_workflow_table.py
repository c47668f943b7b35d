"""The workflow as a table: (state, action, role) → allowed or refused (RULES.md)."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from award_flow.auth.roles import Role
from award_flow.core.audit import AuditEvent
from award_flow.core.errors import ConflictError, InvalidTransition, NotAllowed, ValidationError
from award_flow.extensions import db
from award_flow.org.operations import save_unit
from award_flow.proposals import operations as ops
from award_flow.proposals.models import NomineeOutcome, Proposal, ProposalState
from award_flow.proposals.workflow import TRANSITIONS, Action, can_view, may, visible_to
from tests.factories import make_proposal, make_user
from tests.web_helpers import db_snapshot

S, A, R = ProposalState, Action, Role

#: Who may take each action from which states — the table of RULES.md "Proposal workflow".
#: One reading of ours: RULES lets the unit withdraw from "draft … awaiting_decision"; a
#: returned proposal is back in the unit's hands, so it may be withdrawn too.
ALLOWED: dict[Action, tuple[frozenset, frozenset]] = {
    A.SUBMIT: (frozenset({S.DRAFT, S.RETURNED}), frozenset({R.UNIT_HEAD})),
    A.WITHDRAW: (frozenset({S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.IN_COMMITTEE,
                            S.AWAITING_DECISION, S.RETURNED}), frozenset({R.UNIT_HEAD})),
    A.ACCEPT: (frozenset({S.SUBMITTED}), frozenset({R.SECRETARIAT})),
    A.RETURN: (frozenset({S.SUBMITTED, S.UNDER_REVIEW}), frozenset({R.SECRETARIAT})),
    A.FORWARD: (frozenset({S.UNDER_REVIEW}), frozenset({R.SECRETARIAT})),
    A.SEND_BACK: (frozenset({S.IN_COMMITTEE, S.AWAITING_DECISION}),
                  frozenset({R.COMMITTEE_MEMBER, R.CHAIRMAN, R.VICE_CHAIRMAN})),
    A.CONCLUDE: (frozenset({S.IN_COMMITTEE}), frozenset({R.COMMITTEE_MEMBER})),
    A.APPROVE: (frozenset({S.AWAITING_DECISION}), frozenset({R.CHAIRMAN, R.VICE_CHAIRMAN})),
    A.REJECT: (frozenset({S.AWAITING_DECISION}), frozenset({R.CHAIRMAN, R.VICE_CHAIRMAN})),
}

TARGET = {A.SUBMIT: S.SUBMITTED, A.WITHDRAW: S.WITHDRAWN, A.ACCEPT: S.UNDER_REVIEW,
          A.RETURN: S.RETURNED, A.FORWARD: S.IN_COMMITTEE, A.SEND_BACK: S.UNDER_REVIEW,
          A.CONCLUDE: S.AWAITING_DECISION, A.APPROVE: S.DECIDED, A.REJECT: S.REJECTED}

CASES = [(state, action, role) for state in S for action in A for role in R]


def test_the_code_table_is_the_rules_table():
    for action, (sources, roles) in ALLOWED.items():
        transition = TRANSITIONS[action]
        assert (transition.sources, transition.roles, transition.target) == (
            sources, roles, TARGET[action])


def _perform(proposal, action: Action, user) -> None:  # noqa: ANN001
    if action == A.CONCLUDE:
        ops.conclude_review(proposal, user,
                            {n.id: NomineeOutcome.RECOMMENDED for n in proposal.nominees})
    else:
        ops.BUTTON_OPERATIONS[action](proposal, user, comment="Lý do cụ thể.")


@pytest.mark.parametrize(("state", "action", "role"), CASES,
                         ids=[f"{s.value}-{a.value}-{r.value}" for s, a, r in CASES])
def test_state_action_role(world, state, action, role):
    proposal = make_proposal(world, state=state)
    db.session.commit()
    user = world.by_role(role)
    sources, roles = ALLOWED[action]
    expected = state in sources and role in roles
    events_before = db.session.query(AuditEvent).count()

    assert may(user, action, proposal) is expected
    if expected:
        _perform(proposal, action, user)
        db.session.commit()
        assert proposal.state == TARGET[action]
        assert db.session.query(AuditEvent).count() > events_before
    else:
        # One who may never take the action is told so; one who may, that it is too late.
        with pytest.raises(InvalidTransition if role in roles else NotAllowed):
            _perform(proposal, action, user)
        db.session.rollback()
        assert db.session.get(type(proposal), proposal.id).state == state
        assert db.session.query(AuditEvent).count() == events_before


@pytest.mark.parametrize("action", [A.SUBMIT, A.WITHDRAW])
def test_a_unit_head_acts_only_for_own_unit(world, action):
    """Not a rule of the transition table: another unit's proposal is not even visible to a
    unit head (`can_view`), and what one cannot see one cannot act on."""
    proposal = make_proposal(world, state=S.DRAFT, unit="a")
    db.session.commit()
    before = db_snapshot()

    assert not can_view(world.head_b, proposal)
    assert not may(world.head_b, action, proposal)
    with pytest.raises(NotAllowed, match="Bạn không có quyền thực hiện thao tác này."):
        _perform(proposal, action, world.head_b)
    db.session.rollback()
    assert db_snapshot() == before


OPINION = "Cần ghi ý kiến thẩm định trước khi trình Thường trực Hội đồng."


#: Every transition that needs a comment, and what the refusal says without one: reasons for
#: a return, a send-back or a rejection; the appraisal opinion for the Standing Committee.
@pytest.mark.parametrize(("state", "action", "user", "message"), [
    (S.SUBMITTED, A.RETURN, "secretariat", "Cần ghi lý do trả lại hồ sơ."),
    (S.UNDER_REVIEW, A.RETURN, "secretariat", "Cần ghi lý do trả lại hồ sơ."),
    (S.UNDER_REVIEW, A.FORWARD, "secretariat", OPINION),
    (S.IN_COMMITTEE, A.SEND_BACK, "committee",
     "Cần ghi lý do chuyển lại Cơ quan Tổ chức - Nội vụ."),
    (S.AWAITING_DECISION, A.SEND_BACK, "chairman",
     "Cần ghi lý do chuyển lại Cơ quan Tổ chức - Nội vụ."),
    (S.AWAITING_DECISION, A.REJECT, "vice", "Cần ghi lý do không phê duyệt."),
])
def test_reasons_and_the_appraisal_opinion_are_required(world, state, action, user, message):
    proposal = make_proposal(world, state=state)
    db.session.commit()
    before = db_snapshot()
    with pytest.raises(ValidationError) as refused:
        ops.BUTTON_OPERATIONS[action](proposal, getattr(world, user), comment="   ")
    assert (refused.value.message, refused.value.field) == (message, "comment")
    db.session.rollback()
    assert db_snapshot() == before


def test_exactly_the_transitions_of_the_rules_table_need_a_comment():
    """RULES.md: "reasons required" (return, send back, reject), "appraisal opinion" (forward)."""
    assert {a for a, t in TRANSITIONS.items() if t.needs_comment} == {
        A.RETURN, A.SEND_BACK, A.REJECT, A.FORWARD}


#: Where each action's form has a comment box (`takes_comment`): every source state when the
#: comment is required or offered, only a resubmission for the unit head's submission, and
#: nowhere for accepting a dossier, which needs no word.
COMMENT_BOXES = {
    A.SUBMIT: {S.RETURNED},
    A.WITHDRAW: set(ALLOWED[A.WITHDRAW][0]),
    A.ACCEPT: set(),
    A.RETURN: {S.SUBMITTED, S.UNDER_REVIEW},
    A.FORWARD: {S.UNDER_REVIEW},
    A.SEND_BACK: {S.IN_COMMITTEE, S.AWAITING_DECISION},
    A.CONCLUDE: {S.IN_COMMITTEE},
    A.APPROVE: {S.AWAITING_DECISION},
    A.REJECT: {S.AWAITING_DECISION},
}


def test_each_actions_form_has_a_comment_box_where_the_rules_want_one():
    assert {a: {s for s in t.sources if t.takes_comment(s)}
            for a, t in TRANSITIONS.items()} == COMMENT_BOXES
    assert {a for a, t in TRANSITIONS.items() if not t.has_comment} == {A.ACCEPT}


#: The colour of each button: red for a move against the unit's request or one that ends the
#: proposal for good (withdrawal), blue for the moves forward.
BUTTON_STYLES = {
    A.SUBMIT: "primary", A.WITHDRAW: "danger", A.ACCEPT: "primary", A.RETURN: "danger",
    A.FORWARD: "primary", A.SEND_BACK: "danger", A.CONCLUDE: "primary", A.APPROVE: "primary",
    A.REJECT: "danger",
}


def test_each_button_has_the_style_of_its_move():
    assert {a: t.style for a, t in TRANSITIONS.items()} == BUTTON_STYLES


def _locked(world, user):  # noqa: ANN001, ANN202
    user.active = False
    return user


def _unit_switched_off(world, user):  # noqa: ANN001, ANN202
    save_unit(world.admin, world.authority, user.unit.name, user.unit.kind, unit=user.unit,
              active=False)
    return user


#: Who sees nothing and may do nothing, whatever their role: (how they got so, who, a state
#: and an action the same account may take while active).
NOBODY = [
    ("anonymous", lambda world, _user: AnonymousUserMixin(), "head_a", S.DRAFT, A.SUBMIT),
    ("locked unit head", _locked, "head_a", S.DRAFT, A.SUBMIT),
    ("locked secretariat", _locked, "secretariat", S.SUBMITTED, A.ACCEPT),
    ("unit head of a unit switched off", _unit_switched_off, "head_a", S.RETURNED, A.SUBMIT),
]


def _visible_ids(user) -> list[int]:  # noqa: ANN001
    return db.session.scalars(select(Proposal.id).where(visible_to(user))).all()


@pytest.mark.parametrize(("how", "who", "state", "action"), [n[1:] for n in NOBODY],
                         ids=[n[0] for n in NOBODY])
def test_an_anonymous_or_deactivated_account_sees_nothing_and_may_do_nothing(world, how, who,
                                                                            state, action):
    """The rules' own contract, not only the pages' login_required: a view added without
    it would still show nothing."""
    proposal = make_proposal(world, state=state)
    user = getattr(world, who)
    assert can_view(user, proposal) and may(user, action, proposal)  # the control
    assert _visible_ids(user) == [proposal.id]

    user = how(world, user)
    db.session.flush()

    assert not can_view(user, proposal)
    assert not may(user, action, proposal)
    assert _visible_ids(user) == []


def test_resubmission_after_return_counts_revisions(world):
    proposal = make_proposal(world, state=S.RETURNED)
    ops.submit_proposal(proposal, world.head_a)
    ops.return_proposal(proposal, world.secretariat, comment="Thiếu báo cáo thành tích.")
    ops.submit_proposal(proposal, world.head_a)
    assert proposal.state == S.SUBMITTED
    assert proposal.revision_count == 2


def test_stale_version_is_refused_and_changes_nothing(world):
    proposal = make_proposal(world, state=S.SUBMITTED)
    db.session.commit()
    seen = proposal.version
    ops.accept_proposal(proposal, world.secretariat, expected_version=seen)
    db.session.commit()
    before = db_snapshot()
    with pytest.raises(ConflictError):
        ops.return_proposal(proposal, world.secretariat, comment="x", expected_version=seen)
    db.session.rollback()
    assert db_snapshot() == before
    assert proposal.state == S.UNDER_REVIEW


def _without_nominees(world):  # noqa: ANN001, ANN202
    return make_proposal(world, nominees=())


def _without_files(world):  # noqa: ANN001, ANN202
    proposal = make_proposal(world)
    for attachment in list(proposal.attachments):
        ops.remove_attachment(world.officer_a, attachment)
    return proposal


def _saved_before_the_font_check(world):  # noqa: ANN001, ANN202
    proposal = make_proposal(world)
    proposal.nominees[1].unit_or_address = "Xã Long Hữu 🌾"  # as a row from before the rule
    return proposal


def _saved_before_gender_was_required(world):  # noqa: ANN001, ANN202
    proposal = make_proposal(world)
    proposal.nominees[0].gender = None
    return proposal


@pytest.mark.parametrize(("make", "message"), [
    (_without_nominees, "Tờ trình chưa có người được đề nghị khen thưởng."),
    (_without_files, "Hồ sơ chưa có tệp đính kèm (tờ trình, biên bản họp...)."),
    (_saved_before_the_font_check, "Đơn vị công tác hoặc địa chỉ của “Trần Thị "
     "Bích Ngọc” có ký tự mà quyết định không in được (“🌾”); hãy sửa trường hợp này."),
    (_saved_before_gender_was_required,
     "“Nguyễn Văn Út” chưa có giới tính; hãy sửa trường hợp này."),
], ids=["no nominees", "no file in the dossier", "a nominee the decision cannot print",
        "a person without a gender"])
def test_cannot_submit_until_the_draft_has_what_the_decision_needs(world, make, message):
    proposal = make(world)
    db.session.commit()
    before = db_snapshot()
    with pytest.raises(ValidationError) as refused:
        ops.submit_proposal(proposal, world.head_a)
    assert refused.value.message == message
    db.session.rollback()
    assert db_snapshot() == before
    assert proposal.state == S.DRAFT


def test_conclusion_needs_an_outcome_for_every_nominee(world):
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    first = proposal.nominees[0]
    db.session.commit()
    before = db_snapshot()
    with pytest.raises(ValidationError):
        ops.conclude_review(proposal, world.committee, {first.id: NomineeOutcome.RECOMMENDED})
    db.session.rollback()
    assert db_snapshot() == before


def test_approval_needs_a_recommended_nominee(world):
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    first, second = proposal.nominees
    ops.conclude_review(proposal, world.committee, {first.id: NomineeOutcome.NOT_RECOMMENDED,
                                                    second.id: NomineeOutcome.DEFERRED})
    db.session.commit()
    before = db_snapshot()
    with pytest.raises(ValidationError):
        ops.approve_proposal(proposal, world.chairman)
    db.session.rollback()
    assert db_snapshot() == before


def test_deferring_every_nominee_is_not_a_conclusion(world):
    """Deferred means "decided later": such a proposal stays with the committee."""
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    db.session.commit()
    events_before = db.session.query(AuditEvent).count()
    with pytest.raises(ValidationError, match="hoãn xét tất cả"):
        ops.conclude_review(proposal, world.committee,
                            {n.id: NomineeOutcome.DEFERRED for n in proposal.nominees})
    db.session.rollback()
    assert proposal.state == S.IN_COMMITTEE
    assert all(n.outcome is None for n in proposal.nominees)
    assert db.session.query(AuditEvent).count() == events_before


def test_outcomes_belong_to_one_review_a_send_back_clears_them(world):
    """The committee's outcomes go when the chairman sends the proposal back: neither the
    secretariat's desk nor the unit's, after a return, shows the last review's (the committee
    concludes again)."""
    proposal = make_proposal(world, state=S.AWAITING_DECISION)
    assert {n.outcome for n in proposal.nominees} == {NomineeOutcome.RECOMMENDED}
    ops.send_back_proposal(proposal, world.chairman, comment="Xem lại thành tích.")
    assert (proposal.state, {n.outcome for n in proposal.nominees}) == (S.UNDER_REVIEW, {None})
    ops.return_proposal(proposal, world.secretariat, comment="Bổ sung biên bản họp.")
    db.session.commit()
    assert (proposal.state, {n.outcome for n in proposal.nominees}) == (S.RETURNED, {None})


@pytest.mark.parametrize(("unit", "allowed"), [("a", False), ("b", True)])
@pytest.mark.parametrize("action", [A.CONCLUDE, A.SEND_BACK])
def test_a_committee_member_recuses_from_their_own_units_proposals(world, unit, allowed,
                                                                 action):
    member_of_a = make_user("committee.a", R.COMMITTEE_MEMBER, world.unit_a)
    proposal = make_proposal(world, state=S.IN_COMMITTEE, unit=unit)
    db.session.commit()

    assert may(member_of_a, action, proposal) is allowed
    if allowed:
        _perform(proposal, action, member_of_a)
        assert proposal.state == TARGET[action]
    else:
        with pytest.raises(NotAllowed, match="không xét tờ trình của đơn vị mình"):
            _perform(proposal, action, member_of_a)
        db.session.rollback()
        assert proposal.state == S.IN_COMMITTEE


def test_the_reasons_against_a_request_are_those_of_a_return_a_send_back_a_rejection():
    """Their banner on the proposal page is a warning; a withdrawal's or an opinion's is not."""
    assert {a for a, t in TRANSITIONS.items() if t.gives_reasons_against} == {
        Action.RETURN, Action.SEND_BACK, Action.REJECT}
