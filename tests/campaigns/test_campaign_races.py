"""Two people at once on a campaign: one changes its dates, its phases or removes something,
the other adds a phase or files a proposal in it. The second waits for the first (the
campaign's row, campaigns/operations.py `lock_campaign`; SQLite: the write lock taken at
BEGIN), then checks against what the first committed and is refused with the message it
would have had a moment later: never a phase or a proposal outside its campaign's (or its
phase's) dates, nor a server error for a removal that a new proposal refers to.

Each job loads its objects itself, as the view does before the operation: on PostgreSQL the
second one's copies are read before the first commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import extract, or_, select

from award_flow.auth.models import User
from award_flow.campaigns import operations as campaign_ops
from award_flow.campaigns.models import Campaign, CampaignKind, Phase
from award_flow.catalogue.models import AwardType
from award_flow.core.errors import DomainError
from award_flow.extensions import db
from award_flow.proposals import operations as proposal_ops
from award_flow.proposals.models import Proposal
from award_flow.proposals.queries import get_visible_proposal
from tests.factories import DEFAULT_TITLE, make_proposal
from tests.support import second_waits_for_first

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Ids:
    """What the jobs load (read before the threads run: the test then holds no transaction,
    on SQLite no lock)."""

    campaign: int
    phase: int
    admin: int
    secretariat: int
    officer: int
    awards: dict[str, int]
    proposal: int | None = None


def _ids(world, proposal: Proposal | None = None) -> Ids:  # noqa: ANN001
    ids = Ids(world.campaign.id, world.phase.id, world.admin.id, world.secretariat.id,
              world.officer_a.id, {code: a.id for code, a in world.awards.items()},
              proposal.id if proposal is not None else None)
    db.session.commit()
    return ids


def shorten(ids: Ids) -> None:
    """The admin ends world's campaign (01/8/2021 – 31/12/2025) on 31/12/2022."""
    campaign = db.session.get(Campaign, ids.campaign)
    campaign_ops.save_campaign(db.session.get(User, ids.admin), campaign.authority,
                               campaign_ops.CampaignData(
                                   name=campaign.name, kind=CampaignKind.PHASED,
                                   starts_on=date(2021, 8, 1), ends_on=date(2022, 12, 31)),
                               campaign)


def add_late_phase(ids: Ids) -> None:
    campaign_ops.save_phase(db.session.get(User, ids.secretariat),
                            db.session.get(Campaign, ids.campaign), campaign_ops.PhaseData(
                                name="Đợt cuối", starts_on=date(2025, 1, 1),
                                ends_on=date(2025, 12, 31)))


def move_phase(ids: Ids) -> None:
    """The secretariat moves Đợt 1 (01/8/2021 – 31/12/2021) into 2022."""
    phase = db.session.get(Phase, ids.phase)
    campaign_ops.save_phase(db.session.get(User, ids.secretariat), phase.campaign,
                            campaign_ops.PhaseData(name=phase.name, starts_on=date(2022, 1, 1),
                                                   ends_on=date(2022, 6, 30)), phase)


def remove_phase(ids: Ids) -> None:
    campaign_ops.remove_phase(db.session.get(User, ids.secretariat),
                              db.session.get(Phase, ids.phase))


def remove_campaign(ids: Ids) -> None:
    campaign_ops.remove_campaign(db.session.get(User, ids.secretariat),
                                 db.session.get(Campaign, ids.campaign))


def _filing(*, year: int | None, in_phase: bool):  # noqa: ANN202
    """A unit files a proposal in world's campaign (and Đợt 1): a title ("Lao động tiên
    tiến") for `year`, or a certificate of merit, with no year."""
    def job(ids: Ids) -> None:
        award = ids.awards["LDTT" if year is not None else "GK_CN"]
        proposal_ops.create_proposal(db.session.get(User, ids.officer), proposal_ops.ProposalData(
            title=f"Đề nghị năm {year}" if year else "Đề nghị tặng giấy khen",
            achievement="đã có thành tích xuất sắc",
            campaign=db.session.get(Campaign, ids.campaign),
            award_type=db.session.get(AwardType, award),
            phase=db.session.get(Phase, ids.phase) if in_phase else None,
            achievement_year=year))
    job.__name__ = f"file_{year or 'merit'}{'_in_phase' if in_phase else ''}"
    return job


file_for_2025 = _filing(year=2025, in_phase=False)
file_for_2021_in_phase = _filing(year=2021, in_phase=True)
file_in_phase = _filing(year=None, in_phase=True)
file_in_campaign = _filing(year=None, in_phase=False)


def move_draft_to_2025(ids: Ids) -> None:
    """The unit changes its draft (a title for 2021 in Đợt 1) to a title for 2025, without a
    phase: the view locks the proposal, then the operation checks the years."""
    officer = db.session.get(User, ids.officer)
    proposal = get_visible_proposal(ids.proposal, officer, for_update=True)
    proposal_ops.update_proposal(officer, proposal, proposal_ops.ProposalData(
        title=proposal.title, achievement=proposal.achievement, campaign=proposal.campaign,
        award_type=proposal.award_type, phase=None, achievement_year=2025))


REMOVED_CAMPAIGN = ("Phong trào thi đua này vừa bị xóa. Không có thay đổi nào được lưu; hãy "
                    "tải lại trang.")
REMOVED_PHASE = "Đợt thi đua này vừa bị xóa. Không có thay đổi nào được lưu; hãy tải lại trang."

#: (first job, second job, the draft they start from) → what the second is refused with
#: (its field): whoever comes second is refused, whichever of the two it is
RACES = [
    (shorten, add_late_phase, False,
     "Đợt thi đua phải trong thời gian của phong trào (01/8/2021 - 31/12/2022).", "ends_on"),
    (add_late_phase, shorten, False,
     "Đợt cuối (01/01/2025 - 31/12/2025) nằm ngoài thời gian mới của phong trào.", "ends_on"),
    (shorten, file_for_2025, False,
     "Năm thành tích phải trong thời gian của phong trào thi đua (2021 - 2022).",
     "achievement_year"),
    (file_for_2025, shorten, False,
     "Tờ trình “Đề nghị năm 2025” ghi năm thành tích 2025, ngoài thời gian mới.", "starts_on"),
    (shorten, move_draft_to_2025, True,
     "Năm thành tích phải trong thời gian của phong trào thi đua (2021 - 2022).",
     "achievement_year"),
    (move_draft_to_2025, shorten, True,
     f"Tờ trình “{DEFAULT_TITLE}” ghi năm thành tích 2025, ngoài thời gian mới.", "starts_on"),
    (move_phase, file_for_2021_in_phase, False,
     "Năm thành tích phải trong thời gian của đợt thi đua (2022).", "achievement_year"),
    (file_for_2021_in_phase, move_phase, False,
     "Tờ trình “Đề nghị năm 2021” ghi năm thành tích 2021, ngoài thời gian mới.", "starts_on"),
    (remove_phase, file_in_phase, False, REMOVED_PHASE, "phase_id"),
    (file_in_phase, remove_phase, False,
     "Không thể xóa Đợt 1: đã có 1 tờ trình trong đợt này.", None),
    (remove_phase, move_phase, False, REMOVED_PHASE, "phase_id"),
    (remove_campaign, file_in_campaign, False, REMOVED_CAMPAIGN, "campaign_id"),
    (file_in_campaign, remove_campaign, False, "Không thể xóa phong trào đã có 1 tờ trình.",
     None),
    (remove_campaign, add_late_phase, False, REMOVED_CAMPAIGN, "campaign_id"),
]


def _year(column):  # noqa: ANN001, ANN202
    return extract("year", column)


def _outside_their_dates() -> list[tuple]:
    """Phases outside their campaign, and proposals whose achievement year is outside their
    campaign's or their phase's years."""
    db.session.expire_all()
    phases = db.session.execute(
        select(Phase.name, Phase.starts_on, Phase.ends_on).join(Campaign).where(
            or_(Phase.starts_on < Campaign.starts_on, Phase.ends_on > Campaign.ends_on))).all()
    proposals = db.session.execute(
        select(Proposal.title, Proposal.achievement_year).join(Campaign)
        .outerjoin(Phase, Proposal.phase_id == Phase.id).where(or_(
            Proposal.achievement_year < _year(Campaign.starts_on),
            Proposal.achievement_year > _year(Campaign.ends_on),
            Proposal.achievement_year < _year(Phase.starts_on),
            Proposal.achievement_year > _year(Phase.ends_on)))).all()
    return [*phases, *proposals]


@pytest.mark.parametrize(("first_job", "second_job", "from_a_draft", "refusal", "field"), RACES,
                         ids=[f"{r[0].__name__}-then-{r[1].__name__}" for r in RACES])
def test_whoever_comes_second_waits_and_is_refused(app, world, first_job, second_job,
                                                   from_a_draft, refusal, field):
    if first_job in (remove_phase, remove_campaign) and db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite: the second request begins once the removal is committed, and "
                    "its view answers 404 for what is gone (PostgreSQL only)")
    ids = _ids(world, make_proposal(world, award="LDTT") if from_a_draft else None)
    first, second = second_waits_for_first(
        app, lambda: first_job(ids), lambda: second_job(ids),
        f"{second_job.__name__} did not wait for {first_job.__name__}")

    assert first.outcome == "ok", first.outcome
    assert isinstance(second.outcome, DomainError), repr(second.outcome)[:300]
    assert (second.outcome.message, second.outcome.field) == (refusal, field)
    assert _outside_their_dates() == []
