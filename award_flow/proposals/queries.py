"""Read side of proposals: the queues and lists, paginated in the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort
from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import joinedload, selectinload

from award_flow.auth.models import User
from award_flow.core.audit import AuditEvent
from award_flow.core.params import id_arg
from award_flow.core.text import fold, nfc
from award_flow.extensions import db
from award_flow.proposals.models import Attachment, Proposal, ProposalState
from award_flow.proposals.workflow import (
    QUEUE_FIRST,
    TRANSITIONS,
    Action,
    Transition,
    can_view,
    queue_filter,
    transition_of,
    visible_to,
)


@dataclass(frozen=True)
class ProposalFilters:
    campaign_id: int | None = None
    unit_id: int | None = None
    award_type_id: int | None = None
    state: ProposalState | None = None
    priority_only: bool = False
    name: str = ""

    @classmethod
    def from_args(cls, args) -> ProposalFilters:  # noqa: ANN001
        state = str(args.get("state") or "")
        return cls(
            # An id that is not one (or beyond what the database holds) filters nothing.
            campaign_id=id_arg(args, "campaign"),
            unit_id=id_arg(args, "unit"),
            award_type_id=id_arg(args, "award_type"),
            state=ProposalState(state) if state in ProposalState._value2member_map_ else None,
            priority_only=args.get("priority") == "1",
            # Runs of whitespace (newlines too) become one space, as in the folded names.
            name=" ".join((nfc(args.get("q")) or "").split())[:100],
        )

    @property
    def active(self) -> bool:
        return any((self.campaign_id, self.unit_id, self.award_type_id, self.state,
                    self.priority_only, self.name))


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def proposals_query(user: User, filters: ProposalFilters, *, queue: bool) -> Select:
    """Proposals the user may see. A queue (`queue`: what waits on the user) serves priority
    first, then the longest-waiting (the plan's II.5); the list of all proposals, a place to
    look things up, shows the most recently changed first."""
    query = select(Proposal).where(visible_to(user))
    if queue:
        query = query.where(queue_filter(user))
    if filters.campaign_id:
        query = query.where(Proposal.campaign_id == filters.campaign_id)
    if filters.unit_id:
        query = query.where(Proposal.unit_id == filters.unit_id)
    if filters.award_type_id:
        query = query.where(Proposal.award_type_id == filters.award_type_id)
    if filters.state:
        query = query.where(Proposal.state == filters.state)
    if filters.priority_only:
        query = query.where(Proposal.has_priority.is_(True))
    if filters.name:
        # The proposal's folded names, one per line: no nominee join. `fold` turns any
        # whitespace into single spaces, so the pattern holds no newline and cannot match
        # across two names.
        pattern = f"%{_escape_like(fold(filters.name))}%"
        query = query.where(Proposal.nominee_names.like(pattern, escape="\\"))
    if not queue:
        return query.order_by(Proposal.state_changed_at.desc(), Proposal.id.desc())
    order: list[ColumnElement[Any]] = [
        Proposal.has_priority.desc(), Proposal.state_changed_at.asc(), Proposal.id.asc()]
    if (first := QUEUE_FIRST.get(user.role)) is not None:
        # A unit's own few proposals: sorted, not read in index order.
        order.insert(0, case((Proposal.state == first, 0), else_=1))
    return query.order_by(*order)


def page_of_proposals(user: User, filters: ProposalFilters, *, queue: bool, page: int,
                      per_page: int):  # noqa: ANN201
    # What the cards show, in the page's one SELECT (both are NOT NULL: inner joins).
    query = proposals_query(user, filters, queue=queue).options(
        joinedload(Proposal.unit, innerjoin=True), joinedload(Proposal.award_type, innerjoin=True)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False, max_per_page=100)


#: The states a card badge can explain (where a transition with one leads).
_BADGED = frozenset(t.target for t in TRANSITIONS.values() if t.card_badge is not None)


def latest_moves(proposal_ids: list[int]) -> dict[int, AuditEvent]:
    """Each proposal's latest state change on the audit trail (the transition that brought
    it where it is): one query for any number of proposals (a queue page's)."""
    if not proposal_ids:
        return {}
    latest = (select(func.max(AuditEvent.id))
              .where(AuditEvent.proposal_id.in_(proposal_ids), AuditEvent.to_state.is_not(None))
              .group_by(AuditEvent.proposal_id))
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.id.in_(latest)))
    return {event.proposal_id: event for event in events if event.proposal_id is not None}


def latest_send_back(proposal_id: int) -> AuditEvent | None:
    """The proposal's latest send-back on the audit trail, if it was ever sent back."""
    return db.session.scalar(
        select(AuditEvent).where(AuditEvent.proposal_id == proposal_id,
                                 AuditEvent.action == Action.SEND_BACK.value)
        .order_by(AuditEvent.id.desc()).limit(1))


def arrival_badges(proposals: list[Proposal]) -> dict[int, Transition]:
    """For the proposals of a page whose state does not say how they got there (one sent
    back is "under review" again), the transition that brought them: its `card_badge` goes
    on the card."""
    badges: dict[int, Transition] = {}
    for proposal_id, moved in latest_moves([p.id for p in proposals
                                            if p.state in _BADGED]).items():
        transition = transition_of(moved.action)
        if (transition is not None and transition.card_badge is not None
                and transition.target.value == moved.to_state):
            badges[proposal_id] = transition
    return badges


def get_visible_proposal(proposal_id: int, user: User, *, for_update: bool = False) -> Proposal:
    """Load a proposal the user may see, or 404 (a unit never learns another unit's ids).

    `for_update` locks the row (PostgreSQL) so that two people acting at once are served one
    after the other, the second seeing the first's result.
    """
    query = select(Proposal).where(Proposal.id == proposal_id).options(
        selectinload(Proposal.nominees), selectinload(Proposal.attachments)
    )
    if for_update:
        query = query.with_for_update(of=Proposal).execution_options(populate_existing=True)
    proposal = db.session.scalar(query)
    if proposal is None or not can_view(user, proposal):
        abort(404)
    return proposal


def get_visible_attachment(proposal_id: int, attachment_id: int,
                           user: User) -> tuple[Proposal, Attachment | None]:
    """A proposal the user may see (404 otherwise) and its dossier file `attachment_id`, or
    None when the dossier does not hold it (any more). The nominees are not loaded."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not can_view(user, proposal):
        abort(404)
    return proposal, db.session.scalar(select(Attachment).where(
        Attachment.id == attachment_id, Attachment.proposal_id == proposal_id))


def sent_from_form(user: User, form_key: str) -> Proposal | None:
    """The proposal `user` created from the "new proposal" form of this key, if any."""
    return db.session.scalar(select(Proposal).where(Proposal.created_by_id == user.id,
                                                    Proposal.form_key == form_key))
