"""Two people saving the same proposal's details, or the same nominee, at once: the
operations compare the version the edit form showed (the proposal's, the nominee's own) under
the proposal's lock, and refuse the later save of a form opened before the other's save
(`EditedMeanwhile`) instead of silently putting back what the other changed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from award_flow.auth.models import User
from award_flow.extensions import db
from award_flow.proposals import operations as ops
from award_flow.proposals.models import Nominee, Proposal
from award_flow.proposals.queries import get_visible_proposal
from tests.factories import make_proposal
from tests.support import second_waits_for_first

PROPOSAL_STALE = ("Tờ trình vừa được người khác thay đổi trong lúc bạn sửa: những gì bạn nhập "
                  "chưa được lưu và vẫn còn dưới đây. Dưới ô nào khác với thông tin hiện đã lưu "
                  "có ghi thông tin ấy; hãy xem lại, sửa nếu cần rồi bấm “Lưu” lần nữa.")
NOMINEE_STALE = ("Thông tin của trường hợp này vừa được người khác sửa trong lúc bạn sửa: những "
                 "gì bạn nhập chưa được lưu và vẫn còn dưới đây. Dưới ô nào khác với thông tin "
                 "hiện đã lưu có ghi thông tin ấy; hãy xem lại, sửa nếu cần rồi bấm “Lưu” lần "
                 "nữa.")
STALE = {"proposal": PROPOSAL_STALE, "nominee": NOMINEE_STALE}


def test_a_nominees_version_moves_with_each_change_to_it_only(app, world):
    proposal = make_proposal(world)
    first, second = proposal.nominees
    db.session.commit()
    versions = (first.version, second.version)

    ops.update_nominee(world.officer_a, first, ops.NomineeData(
        kind=first.kind, name=first.name, position="Tổ trưởng", gender=first.gender))
    db.session.commit()

    assert (first.version, second.version) == (versions[0] + 1, versions[1])


# --- under the lock: two saves at the same moment ------------------------------------------


def _saving(form: str, proposal_id: int, user_id: int, version: int,
            **change: str) -> Callable[[], None]:
    """A save as the view makes it: the proposal locked, then the operation given the version
    the form showed."""
    def job() -> None:
        user = db.session.get(User, user_id)
        proposal = get_visible_proposal(proposal_id, user, for_update=True)
        if form == "proposal":
            ops.update_proposal(user, proposal, ops.ProposalData(
                title=change.get("title", proposal.title),
                achievement=change.get("achievement", proposal.achievement),
                campaign=proposal.campaign, award_type=proposal.award_type,
                phase=proposal.phase, achievement_year=proposal.achievement_year),
                expected_version=version)
        else:
            nominee = proposal.nominees[0]
            ops.update_nominee(user, nominee, ops.NomineeData(
                kind=nominee.kind, name=nominee.name, gender=nominee.gender,
                position=change.get("position", nominee.position),
                unit_or_address=change.get("unit_or_address", nominee.unit_or_address),
                priority_group=nominee.priority_group), expected_version=version)
    return job


#: the form → what the first and the second saver change, each from the same version
AT_ONCE = {
    "proposal": ({"title": "Đề nghị tặng Giấy khen năm 2021"},
                 {"achievement": "thành tích xuất sắc năm 2021"}),
    "nominee": ({"position": "Tổ trưởng tổ hợp tác"}, {"unit_or_address": "Ấp Giồng Giếng"}),
}


@pytest.mark.slow
@pytest.mark.parametrize("form", list(AT_ONCE))
def test_of_two_saves_at_the_same_moment_the_second_waits_and_is_refused(app, world, form):
    """The version is compared under the proposal's lock, which every change to the dossier
    takes: the second save reads it once the first is committed, and is refused."""
    proposal = make_proposal(world)
    db.session.commit()
    seen = proposal.version if form == "proposal" else proposal.nominees[0].version
    first_change, second_change = AT_ONCE[form]
    pid, officer, head = proposal.id, world.officer_a.id, world.head_a.id
    db.session.commit()  # hold no transaction (SQLite: no lock) while the threads run

    first, second = second_waits_for_first(
        app, _saving(form, pid, officer, seen, **first_change),
        _saving(form, pid, head, seen, **second_change),
        "the second save did not wait for the first one's lock")

    assert first.outcome == "ok"
    assert isinstance(second.outcome, ops.EditedMeanwhile), second.outcome
    assert second.outcome.message == STALE[form]
    db.session.expire_all()
    row = db.session.get(Proposal, pid) if form == "proposal" else db.session.scalar(
        select(Nominee).where(Nominee.proposal_id == pid).order_by(Nominee.id))
    for name, value in first_change.items():
        assert getattr(row, name) == value
    for name in second_change:
        assert getattr(row, name) != second_change[name]
