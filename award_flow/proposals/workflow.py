"""The proposal workflow and who may do what: the one place these rules live (RULES.md).

Views, templates and operations all ask `may(user, action, proposal)`; the SQL filter
`visible_to(user)` says the same as `can_view` for list pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ColumnElement, and_, event, false, select

from award_flow.auth.models import User
from award_flow.auth.roles import REVIEWER_ROLES, SIGNER_ROLES, UNIT_ROLES, Role
from award_flow.proposals.models import Proposal, ProposalState

S = ProposalState


class Action(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    ACCEPT = "accept"
    RETURN = "return"
    SEND_BACK = "send_back"
    FORWARD = "forward"
    CONCLUDE = "conclude"
    APPROVE = "approve"
    REJECT = "reject"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[ProposalState]
    target: ProposalState
    roles: frozenset[Role]
    #: Only people of the proposing unit may do it.
    own_unit: bool
    #: A reason must be written (returns, send-backs, rejections).
    needs_comment: bool
    label: object
    #: Button style in the UI: primary, secondary or danger.
    style: str = "secondary"
    #: An optional comment may go with it (an appraisal opinion, a reason for withdrawing).
    offers_comment: bool = False
    #: What the button says while the server works, for a transition that takes a while.
    busy_label: object | None = None
    #: The question asked before a move that cannot be undone (shown by static/js/app.js).
    confirm: object | None = None


_UNIT_HEAD = frozenset({Role.UNIT_HEAD})
_SECRETARIAT = frozenset({Role.SECRETARIAT})
_COMMITTEE = frozenset({Role.COMMITTEE_MEMBER})
_SIGNERS = SIGNER_ROLES
#: Council members recuse themselves from their own unit's proposals (RULES.md "Council
#: voting": a member with a conflict of interest does not review).
RECUSING_ROLES = _COMMITTEE

TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(Action.SUBMIT, frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, _UNIT_HEAD,
                   True, False, _l("Gửi tờ trình"), "primary"),
        Transition(Action.WITHDRAW,
                   frozenset({S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.IN_COMMITTEE,
                              S.AWAITING_DECISION, S.RETURNED}),
                   S.WITHDRAWN, _UNIT_HEAD, True, False, _l("Rút tờ trình"), "danger", True,
                   confirm=_l("Rút tờ trình này? Tờ trình đã rút không thể gửi lại.")),
        Transition(Action.ACCEPT, frozenset({S.SUBMITTED}), S.UNDER_REVIEW, _SECRETARIAT,
                   False, False, _l("Tiếp nhận thẩm định"), "primary"),
        Transition(Action.RETURN, frozenset({S.SUBMITTED, S.UNDER_REVIEW}), S.RETURNED,
                   _SECRETARIAT, False, True, _l("Trả lại, bổ sung hồ sơ"), "danger"),
        Transition(Action.FORWARD, frozenset({S.UNDER_REVIEW}), S.IN_COMMITTEE, _SECRETARIAT,
                   False, False, _l("Trình Thường trực Hội đồng"), "primary", True),
        Transition(Action.SEND_BACK, frozenset({S.IN_COMMITTEE, S.AWAITING_DECISION}),
                   S.UNDER_REVIEW, _COMMITTEE | _SIGNERS, False, True,
                   _l("Chuyển lại cơ quan thẩm định"), "danger"),
        Transition(Action.CONCLUDE, frozenset({S.IN_COMMITTEE}), S.AWAITING_DECISION,
                   _COMMITTEE, False, False, _l("Kết luận xét duyệt"), "primary"),
        Transition(Action.APPROVE, frozenset({S.AWAITING_DECISION}), S.DECIDED, _SIGNERS,
                   False, False, _l("Phê duyệt và ban hành quyết định"), "primary", True,
                   # Issuing renders the decision PDF: seconds for a long annex.
                   _l("Đang ban hành quyết định…"),
                   confirm=_l("Phê duyệt và ban hành quyết định? Quyết định được cấp số và "
                              "không thể sửa sau khi ban hành.")),
        Transition(Action.REJECT, frozenset({S.AWAITING_DECISION}), S.REJECTED, _SIGNERS,
                   False, True, _l("Không phê duyệt"), "danger",
                   confirm=_l("Không phê duyệt tờ trình này? Tờ trình sẽ kết thúc.")),
    )
}

#: States the unit can still change the proposal's content in.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
#: What waits on each role: its "my work" queue.
QUEUE_STATES: dict[Role, frozenset[ProposalState]] = {
    Role.UNIT_OFFICER: EDITABLE_STATES,
    Role.UNIT_HEAD: EDITABLE_STATES,
    Role.SECRETARIAT: frozenset({S.SUBMITTED, S.UNDER_REVIEW}),
    Role.COMMITTEE_MEMBER: frozenset({S.IN_COMMITTEE}),
    Role.CHAIRMAN: frozenset({S.AWAITING_DECISION}),
    Role.VICE_CHAIRMAN: frozenset({S.AWAITING_DECISION}),
    Role.ADMIN: frozenset(),
}
#: Whose desk each role works at. Roles at one desk share its queue (the chairman and the vice
#: chairman both sign); the proposal stores the desk as `queue_key`, so that a queue spanning
#: two states (the secretariat's) is still one index range.
QUEUE_KEYS: dict[Role, str] = {
    Role.UNIT_OFFICER: "unit",
    Role.UNIT_HEAD: "unit",
    Role.SECRETARIAT: "secretariat",
    Role.COMMITTEE_MEMBER: "committee",
    Role.CHAIRMAN: "signer",
    Role.VICE_CHAIRMAN: "signer",
}


def _queue_key_by_state() -> dict[ProposalState, str | None]:
    """QUEUE_STATES read the other way round: on whose desk a proposal in each state is."""
    by_state: dict[ProposalState, str | None] = dict.fromkeys(ProposalState)
    for role, states in QUEUE_STATES.items():
        key = QUEUE_KEYS.get(role)
        if key is None and states:
            raise RuntimeError(f"{role} has a queue but no QUEUE_KEYS entry")
        for state in states:
            if by_state[state] not in (None, key):
                raise RuntimeError(f"{state} would wait on two desks: {by_state[state]}, {key}")
            by_state[state] = key
    for role, key in QUEUE_KEYS.items():
        if QUEUE_STATES[role] != {s for s, k in by_state.items() if k == key}:
            raise RuntimeError(f"{role} does not have the whole queue of the {key} desk")
    return by_state


#: state → whose desk (`Proposal.queue_key`); None when the proposal waits on nobody.
QUEUE_KEY_BY_STATE: dict[ProposalState, str | None] = _queue_key_by_state()


@event.listens_for(Proposal.state, "set")
def _queue_key_follows_state(proposal: Proposal, state, _old, _initiator) -> None:  # noqa: ANN001
    """Whatever sets `state` (a new proposal, a transition) sets `queue_key` with it."""
    proposal.queue_key = QUEUE_KEY_BY_STATE[ProposalState(state)]


def queue_key_check_sql() -> str:
    """The CHECK that keeps `queue_key` equal to QUEUE_KEY_BY_STATE[state] in the database
    (migration 0003 carries a copy; the tests compare it with this table)."""
    states_by_key: dict[str, list[str]] = {}
    for state, key in QUEUE_KEY_BY_STATE.items():
        if key is not None:
            states_by_key.setdefault(key, []).append(f"'{state.value}'")
    cases = " ".join(f"WHEN state IN ({', '.join(states)}) THEN '{key}'"
                     for key, states in states_by_key.items())
    return f"coalesce(queue_key, '') = CASE {cases} ELSE '' END"


Proposal.__table__.append_constraint(
    CheckConstraint(queue_key_check_sql(), name="queue_key_follows_state"))


def _same_authority(user: User, proposal: Proposal) -> bool:
    return proposal.unit.authority_id == user.unit.authority_id


def can_view(user: User, proposal: Proposal) -> bool:
    """Unit people see their unit's proposals; reviewers see every filed one of their authority."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role in UNIT_ROLES:
        return proposal.unit_id == user.unit_id
    if user.role in REVIEWER_ROLES:
        return _same_authority(user, proposal) and proposal.submitted_at is not None
    return False


def visible_to(user: User) -> ColumnElement[bool]:
    """SQL filter equal to `can_view`, for list queries (join Unit is not needed: unit_id is
    checked directly for unit roles; reviewers are limited to their authority's units)."""
    from award_flow.org.models import Unit  # local: keeps this module's imports downward

    if not user.is_authenticated or not user.is_active:
        return false()
    if user.role in UNIT_ROLES:
        return Proposal.unit_id == user.unit_id
    if user.role in REVIEWER_ROLES:
        # EXISTS, not "unit_id IN (the authority's units)": SQLite (without statistics) would
        # read an IN list through the unit index and sort the whole archive; with EXISTS it
        # walks the page's index in order and stops after a page (bench/bench_queue.py).
        return and_(
            Proposal.submitted_at.is_not(None),
            select(Unit.id)
            .where(Unit.id == Proposal.unit_id, Unit.authority_id == user.unit.authority_id)
            .exists(),
        )
    return false()


def can_edit(user: User, proposal: Proposal) -> bool:
    """Change title, nominees and dossier: the proposing unit, while draft or returned."""
    return (
        can_view(user, proposal)
        and user.role in UNIT_ROLES
        and proposal.unit_id == user.unit_id
        and proposal.state in EDITABLE_STATES
    )


def works_on_proposals(user: User) -> bool:
    """Whether proposals and decisions are any of the user's business (not the admin's)."""
    return user.is_authenticated and user.is_active and (
        user.role in UNIT_ROLES or user.role in REVIEWER_ROLES)


def can_create(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in UNIT_ROLES


def can_propose_again(user: User, proposal: Proposal) -> bool:
    """The proposing unit may propose the nominees the committee deferred again ("decided
    later, not refused"), in one new proposal, once the decision on the others is issued."""
    return (
        can_create(user)
        and can_view(user, proposal)
        and proposal.unit_id == user.unit_id
        and proposal.state == S.DECIDED
        and bool(proposal.deferred_nominees)
        and proposal.follow_up is None
    )


def recuses(user: User, proposal: Proposal) -> bool:
    """A council member does not review a proposal of their own unit."""
    return user.role in RECUSING_ROLES and proposal.unit_id == user.unit_id


def may(user: User, action: Action, proposal: Proposal) -> bool:
    """May `user` take `action` on `proposal` now? (role, unit, recusal and current state)"""
    transition = TRANSITIONS[action]
    if not can_view(user, proposal):
        return False
    if user.role not in transition.roles:
        return False
    if transition.own_unit and proposal.unit_id != user.unit_id:
        return False
    if recuses(user, proposal):
        return False
    return proposal.state in transition.sources


def sees_audit_details(user: User) -> bool:
    """Whether the history shows where each step came from (IP): to the authority's
    reviewers, who oversee the workflow, not to the units."""
    return user.is_authenticated and user.is_active and user.role in REVIEWER_ROLES


def allowed_actions(user: User, proposal: Proposal) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if may(user, t.action, proposal)]


def queue_filter(user: User) -> ColumnElement[bool]:
    """SQL filter for what waits on the user's role (QUEUE_STATES, through `queue_key`)."""
    key = QUEUE_KEYS.get(user.role)
    return Proposal.queue_key == key if key else false()


#: How the history names each audit event (transitions use their button's label).
EVENT_LABELS: dict[str, object] = {
    "create": _l("Lập tờ trình"),
    "edit": _l("Sửa thông tin tờ trình"),
    "add_nominee": _l("Thêm người được đề nghị"),
    "edit_nominee": _l("Sửa người được đề nghị"),
    "remove_nominee": _l("Xóa người được đề nghị"),
    "add_attachment": _l("Tải lên tệp"),
    "remove_attachment": _l("Xóa tệp"),
    "outcomes": _l("Kết luận từng người"),
    "propose_again": _l("Đề nghị lại người hoãn xét"),
    **{t.action.value: t.label for t in TRANSITIONS.values()},
}
