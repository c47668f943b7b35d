"""Launching campaigns and setting their phases (the secretariat's and the admin's pages).

A campaign's and a phase's dates frame what is proposed in them: a phase lies within its
campaign and beside the other phases, and the achievement year of a proposal filed in them
stays within their years. What a proposal refers to is not removed.

Each of those checks reads what another request may be changing at the same moment, so each
first takes the campaign's row (`lock_campaign`): a change to the campaign, to its phases or
a removal FOR UPDATE, a proposal filed in it FOR SHARE (proposals/operations.py), and reads
the campaign and its phases again once it holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from award_flow.campaigns.models import Campaign, CampaignKind, Phase
from award_flow.core import audit
from award_flow.core.database import flush_unique
from award_flow.core.display import short_date
from award_flow.core.errors import ConflictError, NotAllowed, ValidationError
from award_flow.core.text import nfc, same_name_key
from award_flow.documents.validators import require_printable
from award_flow.extensions import db
from award_flow.org.models import Authority

if TYPE_CHECKING:
    from award_flow.auth.models import User


@dataclass(frozen=True)
class CampaignData:
    name: str
    kind: CampaignKind
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class PhaseData:
    name: str
    starts_on: date
    ends_on: date


def _span(starts_on: date, ends_on: date) -> str:
    return f"{short_date(starts_on)} - {short_date(ends_on)}"


def _clean_name(name: str, message: str) -> str:
    name = " ".join((nfc(name) or "").split())
    if not name:
        raise ValidationError(message, field="name")
    return name


def _check_order(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise ValidationError(_("Ngày kết thúc phải từ ngày bắt đầu trở đi."), field="ends_on")


def _proposals():  # noqa: ANN202
    from award_flow.proposals.models import Proposal  # proposals import the campaigns

    return Proposal


def proposal_counts(campaign_ids: list[int]) -> dict[int, int]:
    """How many proposals each campaign has (those it has none of are left out)."""
    Proposal = _proposals()
    return dict(db.session.execute(
        select(Proposal.campaign_id, func.count(Proposal.id))
        .where(Proposal.campaign_id.in_(campaign_ids)).group_by(Proposal.campaign_id)).tuples().all())


def phase_proposal_counts(campaign: Campaign) -> dict[int, int]:
    Proposal = _proposals()
    return dict(db.session.execute(
        select(Proposal.phase_id, func.count(Proposal.id))
        .where(Proposal.campaign_id == campaign.id, Proposal.phase_id.is_not(None))
        .group_by(Proposal.phase_id)).tuples().all())


def lock_campaign(campaign: Campaign, *, share: bool = False) -> None:
    """Wait for a change to the campaign or its phases in progress, hold the next one back
    until this transaction ends, and read the campaign and its phases as they are then: the
    caller's copies were loaded before the wait (by the view), and may be out of date.

    `share` (FOR SHARE) is for what is filed in the campaign: filings do not wait for each
    other, only for a change to the dates or a removal (FOR UPDATE), which waits for them in
    turn and then counts them. SQLite: the write lock taken at BEGIN (core/database.py)
    already serialises the writers, and this only reads the rows again. Refused when the
    campaign was removed meanwhile."""
    found = db.session.scalar(
        select(Campaign).where(Campaign.id == campaign.id)
        .options(selectinload(Campaign.phases))
        .with_for_update(read=share, of=Campaign)
        .execution_options(populate_existing=True))
    if found is None:
        raise ConflictError(_("Phong trào thi đua này vừa bị xóa. Không có thay đổi nào được "
                              "lưu; hãy tải lại trang."), field="campaign_id")


def check_phase_remains(phase: Phase) -> None:
    """Refuse a phase removed meanwhile (after `lock_campaign` read its campaign's phases)."""
    if phase not in phase.campaign.phases:
        raise ConflictError(_("Đợt thi đua này vừa bị xóa. Không có thay đổi nào được lưu; "
                              "hãy tải lại trang."), field="phase_id")


def _check_years_of_proposals(condition, starts_on: date, ends_on: date) -> None:  # noqa: ANN001
    """The achievement years of the proposals matching `condition` stay within the years of
    the new dates."""
    Proposal = _proposals()
    outside = db.session.scalar(
        select(Proposal).where(condition, Proposal.achievement_year.is_not(None),
                               (Proposal.achievement_year < starts_on.year)
                               | (Proposal.achievement_year > ends_on.year))
        .order_by(Proposal.id).limit(1))
    if outside is not None:
        raise ValidationError(_(
            "Tờ trình “%(title)s” ghi năm thành tích %(year)s, ngoài thời gian mới.",
            title=outside.title, year=outside.achievement_year), field="starts_on")


def save_campaign(actor: User, authority: Authority, data: CampaignData,
                  campaign: Campaign | None = None) -> Campaign:
    """Launch a campaign, or change its name, kind or dates."""
    name = _clean_name(data.name, _("Cần nhập tên phong trào thi đua."))
    require_printable("name", _("Tên phong trào thi đua"), name)
    # Campaign.name_key is unique per authority: two admins launching one campaign at the
    # same moment both pass this check, and the second is refused by flush_unique below.
    same_name = select(Campaign).where(Campaign.authority_id == authority.id,
                                       Campaign.name_key == same_name_key(name))
    if campaign is not None:
        same_name = same_name.where(Campaign.id != campaign.id)
    clash = db.session.scalar(same_name)
    taken = _("Đã có phong trào “%(name)s”.", name=clash.name if clash else name)
    if clash is not None:
        raise ValidationError(taken, field="name")
    _check_order(data.starts_on, data.ends_on)
    if campaign is not None:
        # A phase being added, or a proposal being filed, for a year the new dates leave out:
        # wait for it, then see it.
        lock_campaign(campaign)
        for phase in campaign.phases:
            if phase.starts_on < data.starts_on or phase.ends_on > data.ends_on:
                raise ValidationError(_(
                    "%(phase)s (%(span)s) nằm ngoài thời gian mới của phong trào.",
                    phase=phase.name, span=_span(phase.starts_on, phase.ends_on)),
                    field="starts_on" if phase.starts_on < data.starts_on else "ends_on")
        _check_years_of_proposals(_proposals().campaign_id == campaign.id, data.starts_on,
                                  data.ends_on)
    else:
        campaign = Campaign(authority=authority)
        db.session.add(campaign)
    campaign.name, campaign.kind = name, data.kind
    campaign.starts_on, campaign.ends_on = data.starts_on, data.ends_on
    flush_unique(taken, "name")
    audit.record("save_campaign", actor, comment=(
        f"{campaign.id}: {campaign.name} ({campaign.kind.value}, "
        f"{campaign.starts_on.isoformat()} – {campaign.ends_on.isoformat()})"))
    return campaign


def save_phase(actor: User, campaign: Campaign, data: PhaseData,
               phase: Phase | None = None) -> Phase:
    """Add a phase to a campaign, or change one's name or dates."""
    name = _clean_name(data.name, _("Cần nhập tên đợt thi đua."))
    require_printable("name", _("Tên đợt"), name)
    # Two people adding phases at once, or one changing the campaign's dates: the second
    # waits, then checks against what the first saved.
    lock_campaign(campaign)
    if phase is not None:
        check_phase_remains(phase)
    others = [other for other in campaign.phases if other is not phase]
    clash = next((o for o in others if same_name_key(o.name) == same_name_key(name)), None)
    if clash is not None:
        raise ValidationError(_("Phong trào đã có %(name)s.", name=clash.name), field="name")
    _check_order(data.starts_on, data.ends_on)
    span = _span(campaign.starts_on, campaign.ends_on)
    if data.starts_on < campaign.starts_on:
        raise ValidationError(_("Đợt thi đua phải trong thời gian của phong trào (%(span)s).",
                                span=span), field="starts_on")
    if data.ends_on > campaign.ends_on:
        raise ValidationError(_("Đợt thi đua phải trong thời gian của phong trào (%(span)s).",
                                span=span), field="ends_on")
    overlap = next((o for o in others
                    if o.starts_on <= data.ends_on and data.starts_on <= o.ends_on), None)
    if overlap is not None:
        raise ValidationError(_("Trùng thời gian với %(phase)s (%(span)s).", phase=overlap.name,
                                span=_span(overlap.starts_on, overlap.ends_on)),
                              field="starts_on")
    if phase is not None:
        _check_years_of_proposals(_proposals().phase_id == phase.id, data.starts_on,
                                  data.ends_on)
    else:
        phase = Phase()
        # Filled before it joins the campaign (reading the campaign may autoflush).
    phase.name, phase.starts_on, phase.ends_on = name, data.starts_on, data.ends_on
    if phase.campaign_id is None:
        phase.campaign = campaign
        db.session.add(phase)
    db.session.flush()
    audit.record("save_phase", actor, comment=(
        f"{campaign.id}/{phase.id}: {phase.name} ({phase.starts_on.isoformat()} – "
        f"{phase.ends_on.isoformat()})"))
    return phase


def remove_phase(actor: User, phase: Phase) -> None:
    """Remove a phase no proposal was filed in."""
    # A proposal being filed in it: wait for it, then count it.
    lock_campaign(phase.campaign)
    check_phase_remains(phase)
    count = phase_proposal_counts(phase.campaign).get(phase.id, 0)
    if count:
        raise NotAllowed(ngettext(
            "Không thể xóa %(phase)s: đã có %(num)s tờ trình trong đợt này.",
            "Không thể xóa %(phase)s: đã có %(num)s tờ trình trong đợt này.",
            count, phase=phase.name))
    audit.record("remove_phase", actor, comment=f"{phase.campaign_id}/{phase.id}: {phase.name}")
    phase.campaign.phases.remove(phase)
    db.session.delete(phase)
    db.session.flush()


def remove_campaign(actor: User, campaign: Campaign) -> None:
    """Remove a campaign no proposal was filed in (launched by mistake), with its phases."""
    # A proposal being filed in it, or a phase added: wait for it, then count it (and remove
    # the phase too).
    lock_campaign(campaign)
    count = proposal_counts([campaign.id]).get(campaign.id, 0)
    if count:
        raise NotAllowed(ngettext("Không thể xóa phong trào đã có %(num)s tờ trình.",
                                  "Không thể xóa phong trào đã có %(num)s tờ trình.", count))
    audit.record("remove_campaign", actor, comment=f"{campaign.id}: {campaign.name}")
    for phase in list(campaign.phases):
        db.session.delete(phase)
    db.session.delete(campaign)
    db.session.flush()
