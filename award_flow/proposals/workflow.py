"""The proposal workflow and who may do what: the one place these rules live (RULES.md).

Views, templates and operations all ask `may(user, action, proposal)`; the SQL filter
`visible_to(user)` says the same as `can_view` for list pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import cast

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ColumnElement, Table, and_, event, false, select

from award_flow.auth.models import User
from award_flow.auth.roles import (
    RECUSING_ROLES,
    REVIEWER_ROLES,
    SIGNER_ROLES,
    UNIT_ROLES,
    Role,
)
from award_flow.catalogue.models import NomineeKind
from award_flow.documents.render import unprintable
from award_flow.documents.validators import quoted
from award_flow.org.wording import secretariat_l
from award_flow.proposals.committee import has_committee_member, someone_concludes
from award_flow.proposals.models import (
    PRINTED_NOMINEE_TEXTS,
    Nominee,
    NomineeOutcome,
    Proposal,
    ProposalState,
    nominee_text_label,
)

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


@dataclass(frozen=True, kw_only=True)
class Transition:
    """One row of RULES.md's "Proposal workflow" (action, from, to, who) and what the pages
    say about it. Written by keyword: the table below reads as the rules do."""

    action: Action
    sources: frozenset[ProposalState]
    target: ProposalState
    roles: frozenset[Role]
    label: object
    #: The button's label in a source state where it reads otherwise: a returned proposal
    #: is sent *again* ("Gửi lại tờ trình"), as the unit's officer is told it will be.
    state_labels: tuple[tuple[ProposalState, object], ...] = ()
    #: What the user is told once it is done.
    done: object
    #: A comment must be written: the reasons of a return, a send-back or a rejection, the
    #: appraisal opinion that goes with a proposal to the Standing Committee.
    needs_comment: bool = False
    #: Button style in the UI: primary, secondary or danger.
    style: str = "secondary"
    #: An optional comment may go with it (a reason for withdrawing, a signer's note).
    offers_comment: bool = False
    #: What the button says while the server works, for a transition that takes a while.
    busy_label: object | None = None
    #: The question asked before a move that cannot be undone (shown by static/js/app.js).
    confirm: object | None = None
    #: What the comment box is called, and the refusal when a required one is left empty,
    #: for a comment that is not a reason (see the properties below for the defaults).
    comment_label: object | None = None
    missing_comment: object | None = None
    #: The states in which the optional comment is offered (None: every source state): a
    #: unit resubmitting a returned proposal says what it changed; a first submission has
    #: nothing to explain.
    comment_states: frozenset[ProposalState] | None = None
    #: How the proposal page introduces this transition's comment while the proposal stays
    #: where the transition took it (the banner at the top; `%(name)s` and `%(date)s` are who
    #: and when).
    banner: object | None = None
    #: Shown instead of the button, which is then not offered, while the proposal lacks what
    #: the transition needs (`lacks`, said where the note has `%(missing)s`): approving when
    #: nobody was recommended would issue nothing, submitting a dossier without its files
    #: would be refused. The operation refuses all the same.
    withheld_note: object | None = None
    #: A badge on the proposal's card in the lists while the proposal stays where this
    #: transition took it, for a state that does not say it by itself: a proposal sent back
    #: is "under review" again, like one the secretariat has not yet forwarded.
    card_badge: object | None = None

    def label_in(self, state: ProposalState) -> object:
        """The button's label while the proposal is in `state`."""
        return dict(self.state_labels).get(state, self.label)

    @property
    def gives_reasons_against(self) -> bool:
        """A move against the unit's request whose reason must be written (a return, a
        send-back, a rejection): its banner is a warning."""
        return self.style == "danger" and self.needs_comment

    @property
    def has_comment(self) -> bool:
        return self.needs_comment or self.offers_comment

    def takes_comment(self, state: ProposalState) -> bool:
        """Whether the action's form has a comment box when the proposal is in `state`."""
        if self.needs_comment:
            return True
        return self.offers_comment and (self.comment_states is None
                                        or state in self.comment_states)

    @property
    def comment_box_label(self) -> object:
        if self.comment_label is not None:
            return self.comment_label
        return _l("Lý do (bắt buộc)") if self.needs_comment else _l("Ý kiến")

    @property
    def missing_comment_message(self) -> object:
        if self.missing_comment is not None:
            return self.missing_comment
        return _l("Cần ghi rõ lý do.")


_UNIT_HEAD = frozenset({Role.UNIT_HEAD})
_SECRETARIAT = frozenset({Role.SECRETARIAT})
_COMMITTEE = frozenset({Role.COMMITTEE_MEMBER})
_SIGNERS = SIGNER_ROLES

TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(action=Action.SUBMIT, sources=frozenset({S.DRAFT, S.RETURNED}),
                   target=S.SUBMITTED, roles=_UNIT_HEAD,
                   label=_l("Gửi tờ trình"), style="primary",
                   state_labels=((S.RETURNED, _l("Gửi lại tờ trình")),),
                   done=_l("Đã gửi tờ trình."),
                   # The unit cannot take it back to edit: only withdraw it, which ends it.
                   confirm=secretariat_l("Gửi tờ trình đến %(secretariat)s? Sau khi gửi, đơn "
                                         "vị không sửa được hồ sơ, trừ khi tờ trình bị trả "
                                         "lại."),
                   withheld_note=_l("Chưa đủ để gửi: %(missing)s"),
                   offers_comment=True, comment_states=frozenset({S.RETURNED}),
                   comment_label=_l("Nội dung đã bổ sung, chỉnh sửa (không bắt buộc)"),
                   banner=_l("Nội dung đã bổ sung, chỉnh sửa:")),
        Transition(action=Action.WITHDRAW,
                   sources=frozenset({S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.IN_COMMITTEE,
                                      S.AWAITING_DECISION, S.RETURNED}),
                   target=S.WITHDRAWN, roles=_UNIT_HEAD,
                   label=_l("Rút tờ trình"), style="danger",
                   done=_l("Đã rút tờ trình."),
                   confirm=_l("Rút tờ trình này? Tờ trình đã rút không được xử lý tiếp; đơn "
                              "vị có thể lập lại thành tờ trình mới."),
                   offers_comment=True, comment_label=_l("Lý do rút (không bắt buộc)"),
                   banner=_l("Lý do rút:")),
        Transition(action=Action.ACCEPT, sources=frozenset({S.SUBMITTED}),
                   target=S.UNDER_REVIEW, roles=_SECRETARIAT,
                   label=_l("Tiếp nhận hồ sơ"), style="primary",
                   done=_l("Đã tiếp nhận hồ sơ để thẩm định.")),
        Transition(action=Action.RETURN, sources=frozenset({S.SUBMITTED, S.UNDER_REVIEW}),
                   target=S.RETURNED, roles=_SECRETARIAT,
                   label=_l("Trả lại, bổ sung hồ sơ"), style="danger",
                   done=_l("Đã trả lại hồ sơ cho đơn vị."),
                   needs_comment=True, comment_label=_l("Lý do trả lại (bắt buộc)"),
                   missing_comment=_l("Cần ghi lý do trả lại hồ sơ."),
                   banner=_l("Lý do trả lại:")),
        # RULES.md: "forward to the Standing Committee (appraisal opinion)": the committee
        # reviews the dossier with the secretariat's opinion on it, so one must be written.
        Transition(action=Action.FORWARD, sources=frozenset({S.UNDER_REVIEW}),
                   target=S.IN_COMMITTEE, roles=_SECRETARIAT,
                   label=_l("Trình Thường trực Hội đồng"), style="primary",
                   done=_l("Đã trình Thường trực Hội đồng."),
                   needs_comment=True, comment_label=_l("Ý kiến thẩm định (bắt buộc)"),
                   missing_comment=_l("Cần ghi ý kiến thẩm định trước khi trình Thường trực "
                                      "Hội đồng."),
                   withheld_note=_l("Chưa trình được Thường trực Hội đồng: %(missing)s"),
                   banner=secretariat_l("Ý kiến thẩm định của %(secretariat)s:")),
        Transition(action=Action.SEND_BACK,
                   sources=frozenset({S.IN_COMMITTEE, S.AWAITING_DECISION}),
                   target=S.UNDER_REVIEW, roles=_COMMITTEE | _SIGNERS,
                   label=secretariat_l("Chuyển lại %(secretariat)s"), style="danger",
                   done=secretariat_l("Đã chuyển lại %(secretariat)s."),
                   needs_comment=True, comment_label=_l("Lý do chuyển lại (bắt buộc)"),
                   missing_comment=secretariat_l("Cần ghi lý do chuyển lại %(secretariat)s."),
                   banner=_l("Được chuyển lại bởi %(name)s ngày %(date)s:"),
                   card_badge=_l("Được chuyển lại")),
        Transition(action=Action.CONCLUDE, sources=frozenset({S.IN_COMMITTEE}),
                   target=S.AWAITING_DECISION, roles=_COMMITTEE,
                   label=_l("Kết luận xét duyệt"), style="primary",
                   done=_l("Đã ghi nhận kết luận của Thường trực Hội đồng."),
                   offers_comment=True,
                   comment_label=_l("Ý kiến của Thường trực Hội đồng (không bắt buộc)"),
                   banner=_l("Ý kiến của Thường trực Hội đồng:")),
        Transition(action=Action.APPROVE, sources=frozenset({S.AWAITING_DECISION}),
                   target=S.DECIDED, roles=_SIGNERS,
                   label=_l("Phê duyệt và ban hành quyết định"), style="primary",
                   done=_l("Đã phê duyệt và ban hành quyết định."),
                   # Issuing renders the decision PDF: seconds for a long annex.
                   busy_label=_l("Đang ban hành quyết định…"),
                   confirm=_l("Phê duyệt và ban hành quyết định? Quyết định được cấp số và "
                              "không thể sửa sau khi ban hành."),
                   offers_comment=True,
                   comment_label=_l("Ghi chú phê duyệt (chỉ lưu trong lịch sử)"),
                   withheld_note=secretariat_l("Thường trực Hội đồng không đề nghị khen "
                                               "thưởng trường hợp nào: chỉ có thể Không phê "
                                               "duyệt hoặc Chuyển lại %(secretariat)s.")),
        Transition(action=Action.REJECT, sources=frozenset({S.AWAITING_DECISION}),
                   target=S.REJECTED, roles=_SIGNERS,
                   label=_l("Không phê duyệt"), style="danger",
                   done=_l("Đã ghi nhận không phê duyệt."),
                   confirm=_l("Không phê duyệt tờ trình này? Tờ trình sẽ kết thúc."),
                   needs_comment=True, comment_label=_l("Lý do không phê duyệt (bắt buộc)"),
                   missing_comment=_l("Cần ghi lý do không phê duyệt."),
                   banner=_l("Lý do không phê duyệt:")),
    )
}

#: The states a proposal is before the Standing Committee in: those it concludes from.
COMMITTEE_STATES = TRANSITIONS[Action.CONCLUDE].sources
#: States the unit can still change the proposal's content in.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
#: What waits on each role: its "my work" queue.
QUEUE_STATES: dict[Role, frozenset[ProposalState]] = {
    Role.UNIT_OFFICER: EDITABLE_STATES,
    Role.UNIT_HEAD: EDITABLE_STATES,
    Role.SECRETARIAT: frozenset({S.SUBMITTED, S.UNDER_REVIEW}),
    Role.COMMITTEE_MEMBER: COMMITTEE_STATES,
    Role.CHAIRMAN: frozenset({S.AWAITING_DECISION}),
    Role.VICE_CHAIRMAN: frozenset({S.AWAITING_DECISION}),
    Role.ADMIN: frozenset(),
}
#: What comes first in a role's queue, before priority: a unit's returned dossier, which the
#: secretariat waits for, before its own drafts, which wait on nobody else.
QUEUE_FIRST: dict[Role, ProposalState] = {role: S.RETURNED for role in UNIT_ROLES}
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


#: Where a proposal is on a reviewer's desk (the secretariat's, the committee's, the
#: signers'): whoever has it there reads the reasons it was last sent back for beside the
#: opinion that brought it (proposals/views.py, its banners).
BEFORE_A_REVIEWER: frozenset[ProposalState] = frozenset().union(
    *(QUEUE_STATES[role] for role in REVIEWER_ROLES))

#: state → whose desk (`Proposal.queue_key`); None when the proposal waits on nobody.
QUEUE_KEY_BY_STATE: dict[ProposalState, str | None] = _queue_key_by_state()


@event.listens_for(Proposal.state, "set")
def _queue_key_follows_state(proposal: Proposal, state, _old, _initiator) -> None:  # noqa: ANN001
    """Whatever sets `state` (a new proposal, a transition) sets `queue_key` with it."""
    proposal.queue_key = QUEUE_KEY_BY_STATE[ProposalState(state)]


@event.listens_for(Proposal, "init")
def _a_new_proposal_is_a_draft(_proposal: Proposal, _args, kwargs) -> None:  # noqa: ANN001
    """A proposal created without naming its state is a draft, set as an assignment (not only
    by the column's default at INSERT) so that the event above gives it its desk too."""
    kwargs.setdefault("state", ProposalState.DRAFT)


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


cast(Table, Proposal.__table__).append_constraint(
    CheckConstraint(queue_key_check_sql(), name="queue_key_follows_state"))


def _same_authority(user: User, proposal: Proposal) -> bool:
    return proposal.unit.authority_id == user.unit.authority_id


def sees_every_unit(user: User) -> bool:
    """A reviewer (secretariat, committee, chairman): sees the filed proposals and decisions of
    every unit of the authority, so lists offer a unit filter and a unit column; a unit's
    people see their own unit's only."""
    return bool(user.is_authenticated and user.is_active and user.role in REVIEWER_ROLES)


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


def editing_closed(user: User, proposal: Proposal) -> bool:
    """The proposing unit's own officer or head, on a proposal that has left the states it
    is edited in (the head sent it while the officer's page was open): told so, not refused
    as if it were someone else's."""
    return (
        can_view(user, proposal)
        and user.role in UNIT_ROLES
        and proposal.unit_id == user.unit_id
        and proposal.state not in EDITABLE_STATES
    )


def works_on_proposals(user: User) -> bool:
    """Whether proposals and decisions are any of the user's business (not the admin's)."""
    return user.is_authenticated and user.is_active and (
        user.role in UNIT_ROLES or user.role in REVIEWER_ROLES)


def can_create(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in UNIT_ROLES


#: Closed proposals a unit may file again whole, in a new draft with all of their nominees:
#: withdrawn or not approved (a closed proposal never reopens: the unit corrects and files
#: anew). A decided one is filed again only for the nominees the committee deferred.
REFILED_WHOLE_STATES = frozenset({S.WITHDRAWN, S.REJECTED})


def refiled_whole(proposal: Proposal) -> bool:
    """Would filing `proposal` again copy all of it, rather than a decided one's deferred
    nominees?"""
    return proposal.state in REFILED_WHOLE_STATES


def nominees_to_propose_again(proposal: Proposal) -> list[Nominee]:
    """The nominees a new proposal filed again from `proposal` carries over."""
    if refiled_whole(proposal):
        return list(proposal.nominees)
    return proposal.deferred_nominees if proposal.state == S.DECIDED else []


def can_propose_again(user: User, proposal: Proposal) -> bool:
    """The proposing unit may file a closed proposal again, once: one withdrawn or not
    approved whole; a decided one when the committee deferred someone, after the decision
    on the others."""
    return (
        can_create(user)
        and can_view(user, proposal)
        and proposal.unit_id == user.unit_id
        and proposal.follow_up is None
        and bool(nominees_to_propose_again(proposal) or refiled_whole(proposal))
    )


def recuses(user: User, proposal: Proposal) -> bool:
    """A committee member does not review a proposal of their own unit.

    RULES.md also has a member recuse when reviewing themselves, but a nominee is a name
    typed by the unit, not an account: nothing links a `Nominee` to a `User`, and a name is
    no proof (namesakes are common), so that case cannot be recognised here."""
    return user.role in RECUSING_ROLES and proposal.unit_id == user.unit_id


#: What a committee member sees on a proposal of their own unit while a member could act on
#: it (conclude it, or send it back): why it offers them nothing.
RECUSAL_NOTE = _l("Tờ trình của đơn vị bạn: bạn không tham gia xét tờ trình này (tránh xung "
                  "đột lợi ích); các thành viên khác của Thường trực Hội đồng xét.")
#: What the reviewers see on a proposal before the Standing Committee that no member may
#: conclude (`stranded_in_committee`).
STRANDED_NOTE = secretariat_l(
    "Không còn thành viên Thường trực Hội đồng nào xét được tờ trình này (các thành viên đang "
    "hoạt động đều thuộc đơn vị lập tờ trình, hoặc không còn ai). Hãy đề nghị quản trị hệ "
    "thống mở lại hoặc tạo tài khoản cho thành viên khác, hoặc Chủ tịch, Phó Chủ tịch chuyển "
    "lại %(secretariat)s.")


def may(user: User, action: Action, proposal: Proposal) -> bool:
    """May `user` take `action` on `proposal` now? (role, recusal and current state)

    The unit's own actions need no unit check of their own: unit roles see (`can_view`) only
    their unit's proposals."""
    transition = TRANSITIONS[action]
    if not can_view(user, proposal):
        return False
    if user.role not in transition.roles:
        return False
    if recuses(user, proposal):
        return False
    return proposal.state in transition.sources


def moved_on(user: User, action: Action, proposal: Proposal) -> bool:
    """`user` would take `action` on `proposal` but for its state: someone acted first, or
    the page is old. Told what became of it, not refused as one who may never act."""
    return (
        can_view(user, proposal)
        and user.role in TRANSITIONS[action].roles
        and not recuses(user, proposal)
        and proposal.state not in TRANSITIONS[action].sources
    )


def filed_again_already(user: User, proposal: Proposal) -> bool:
    """The proposing unit would file a closed proposal again, but someone of it did first."""
    return (
        can_create(user)
        and can_view(user, proposal)
        and proposal.unit_id == user.unit_id
        and proposal.follow_up is not None
    )


def lacks(action: Action, proposal: Proposal) -> object | None:
    """What the proposal still lacks for `action`, as the refusal says it; None when it has
    what the action needs. Not who may act nor when (that is `may`): the content. The
    operations refuse with this message, and the pages use it to tell what is missing."""
    if action == Action.SUBMIT:
        # Everything at once, so that the clerk does not learn of the files only once the
        # nominees are in (one unfit nominee stands for the others: each is fixed on its own).
        missing = [
            _l("Tờ trình chưa có người được đề nghị khen thưởng.") if not proposal.nominees
            else next(filter(None, map(nominee_unfit, proposal.nominees)), None),
            None if proposal.attachments
            else _l("Hồ sơ chưa có tệp đính kèm (tờ trình, biên bản họp...)."),
            _l("Chưa nhập năm thành tích: danh hiệu thi đua được công nhận theo năm.")
            if proposal.award_type.is_title and proposal.achievement_year is None else None,
        ]
        if any(missing):
            return " ".join(str(m) for m in missing if m)
    if action == Action.FORWARD and not someone_concludes(proposal):
        if not has_committee_member(proposal.unit.authority_id):
            return _l("Chưa có tài khoản thành viên Thường trực Hội đồng nào đang hoạt động. "
                      "Hãy đề nghị quản trị hệ thống mở lại hoặc tạo tài khoản.")
        return _l("Các thành viên Thường trực Hội đồng đều thuộc đơn vị lập tờ trình nên không "
                  "xét tờ trình này. Hãy đề nghị quản trị hệ thống tạo tài khoản cho thành viên "
                  "khác.")
    if action == Action.APPROVE and not any(
            n.outcome == NomineeOutcome.RECOMMENDED for n in proposal.nominees):
        return secretariat_l("Thường trực Hội đồng không đề nghị khen thưởng trường hợp nào; "
                             "hãy chọn “Không phê duyệt” hoặc “Chuyển lại %(secretariat)s”.")
    return None


def nominee_unfit(nominee: Nominee) -> str | None:
    """What a nominee filed before a rule of the nominee form lacks for the decision to print
    it (a character its font cannot print, a person's gender), or None. The form and the
    operations refuse these for what is typed now; a nominee carried into a new draft
    (`propose_again`), or saved before the rule, is fixed before the draft is sent."""
    for field in PRINTED_NOMINEE_TEXTS:
        missing = unprintable(getattr(nominee, field) or "")
        if missing:
            return _("%(what)s của “%(name)s” có ký tự mà quyết định không in được "
                     "(%(chars)s); hãy sửa trường hợp này.",
                     what=nominee_text_label(field, nominee.kind),
                     name=nominee.name, chars=quoted(missing))
    if nominee.kind == NomineeKind.INDIVIDUAL and nominee.gender is None:
        return _("“%(name)s” chưa có giới tính; hãy sửa trường hợp này.", name=nominee.name)
    return None


def offered_actions(user: User, proposal: Proposal) -> tuple[list[Transition], list[object]]:
    """The buttons of the proposal page and, for an allowed action that the proposal is not
    ready for and whose button is then withheld, the note shown in its place."""
    offered: list[Transition] = []
    notes: list[object] = []
    for transition in allowed_actions(user, proposal):
        note = withheld_note(transition, proposal) if transition.withheld_note else None
        if note is not None:
            notes.append(note)
        else:
            offered.append(transition)
    if (proposal.state in COMMITTEE_STATES and user.role in REVIEWER_ROLES
            and not someone_concludes(proposal)):
        notes.append(STRANDED_NOTE)
    elif recuses(user, proposal) and any(
            user.role in t.roles and proposal.state in t.sources for t in TRANSITIONS.values()):
        notes.append(RECUSAL_NOTE)
    return offered, notes


def withheld_note(transition: Transition, proposal: Proposal) -> str | None:
    """The transition's `withheld_note`, saying what the proposal lacks, or None when it
    lacks nothing."""
    missing = lacks(transition.action, proposal)
    if missing is None or transition.withheld_note is None:
        return None
    # Not `%`: the note may carry the secretariat's name, which is the admin's text.
    return str(transition.withheld_note).replace("%(missing)s", str(missing))


def sees_audit_details(user: User) -> bool:
    """Whether the history shows where each step came from (IP): to the authority's
    reviewers, who oversee the workflow, not to the units."""
    return user.is_authenticated and user.is_active and user.role in REVIEWER_ROLES


def allowed_actions(user: User, proposal: Proposal) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if may(user, t.action, proposal)]


def queue_filter(user: User) -> ColumnElement[bool]:
    """SQL filter for what waits on the user's role (QUEUE_STATES, through `queue_key`)."""
    key = QUEUE_KEYS.get(user.role)
    if not key:
        return false()
    if user.role in RECUSING_ROLES:  # their own unit's proposals wait on the other members
        return and_(Proposal.queue_key == key, Proposal.unit_id != user.unit_id)
    return Proposal.queue_key == key


def transition_of(action: str) -> Transition | None:
    """The transition an audit event's `action` records; None for a change to the dossier
    ("create", "add_nominee"…), which leaves the proposal where it is."""
    try:
        return TRANSITIONS[Action(action)]
    except ValueError:
        return None


#: How the history names each audit event (transitions use their button's label).
EVENT_LABELS: dict[str, object] = {
    "create": _l("Lập tờ trình"),
    "edit": _l("Sửa thông tin tờ trình"),
    "add_nominee": _l("Thêm người được đề nghị"),
    "import_nominees": _l("Nhập danh sách từ tệp Excel"),
    "edit_nominee": _l("Sửa thông tin người được đề nghị"),
    "remove_nominee": _l("Xóa người được đề nghị"),
    "add_attachment": _l("Tải lên tệp"),
    "remove_attachment": _l("Xóa tệp"),
    "outcomes": _l("Kết luận từng trường hợp"),
    "propose_again": _l("Đề nghị lại các trường hợp hoãn xét"),
    "file_again": _l("Lập lại thành tờ trình mới"),
    **{t.action.value: t.label for t in TRANSITIONS.values()},
}


def event_label(action: str, from_state: str | None) -> object:
    """How the history names an audit event: a transition as its button read then (a
    resubmission is "Gửi lại tờ trình"), anything else by EVENT_LABELS, or its raw name."""
    transition = transition_of(action)
    if transition is not None and from_state is not None:
        return transition.label_in(ProposalState(from_state))
    return EVENT_LABELS.get(action, action)
