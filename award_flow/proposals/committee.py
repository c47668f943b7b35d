"""Who sits on the Standing Committee, as the workflow needs it: is there a member left who
may conclude a proposal (one who does not recuse, `workflow.recuses`)? These read the
database; the permission predicates of `workflow` do not."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from award_flow.auth.models import User
from award_flow.auth.roles import RECUSING_ROLES
from award_flow.extensions import db
from award_flow.org.models import Unit
from award_flow.proposals.models import Proposal


def _committee_members(authority_id: int) -> tuple[Select, type[User]]:
    """The ids of the authority's active committee members, of an active unit, and the alias
    of `User` they are read through (to add a condition on the member)."""
    member, unit = aliased(User), aliased(Unit)
    return select(member.id).join(unit, member.unit_id == unit.id).where(
        member.role.in_(RECUSING_ROLES), member.active.is_(True), unit.active.is_(True),
        unit.authority_id == authority_id), member


def someone_concludes(proposal: Proposal) -> bool:
    """Is there a committee member who may conclude `proposal` (one who does not recuse,
    `recuses`)? Forwarding it otherwise would leave it with nobody to act."""
    members, member = _committee_members(proposal.unit.authority_id)
    return db.session.scalar(
        members.where(member.unit_id != proposal.unit_id).limit(1)) is not None


def stranded_in_committee(authority_id: int) -> list[Proposal]:
    """The authority's proposals before the Standing Committee that no committee member may
    conclude any more (a member switched off, moved or given another role, a unit switched
    off): they wait on nobody until a member is added or a signer sends them back."""
    # Here, not at the top: workflow imports this module.
    from award_flow.proposals.workflow import COMMITTEE_STATES

    members, member = _committee_members(authority_id)
    return list(db.session.scalars(
        select(Proposal).join(Unit, Proposal.unit_id == Unit.id)
        .where(Unit.authority_id == authority_id, Proposal.state.in_(COMMITTEE_STATES),
               ~members.where(member.unit_id != Proposal.unit_id).exists())
        .order_by(Proposal.id)))


def has_committee_member(authority_id: int) -> bool:
    """Has the authority any active committee member (of an active unit)?"""
    return db.session.scalar(_committee_members(authority_id)[0].limit(1)) is not None

