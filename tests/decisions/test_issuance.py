"""Issuing decisions: amounts, gap-free numbers under concurrency, all-or-nothing."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from award_flow.catalogue.operations import add_coefficient
from award_flow.core.clock import local_today
from award_flow.decisions.models import Award, Decision, DecisionCounter, DecisionFile
from award_flow.extensions import db
from award_flow.proposals import operations as ops
from award_flow.proposals.models import (
    Gender,
    NomineeOutcome,
    PriorityGroup,
    Proposal,
    ProposalState,
)
from award_flow.proposals.queries import get_visible_proposal
from tests.factories import make_proposal
from tests.support import run_at_once

S = ProposalState
PROJECT = Path(__file__).resolve().parents[2]


def _counts() -> tuple[int, int, int]:
    return (db.session.scalar(select(func.count(Decision.id))),
            db.session.scalar(select(func.count(Award.id))),
            db.session.scalar(select(func.coalesce(func.max(DecisionCounter.last_number), 0))))


def test_approval_awards_the_recommended_nominees_with_bonus_from_data(world):
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    first, second = proposal.nominees
    ops.conclude_review(proposal, world.committee, {first.id: NomineeOutcome.RECOMMENDED,
                                                    second.id: NomineeOutcome.DEFERRED})
    decision = ops.approve_proposal(proposal, world.chairman)
    db.session.commit()

    assert proposal.state == S.DECIDED and proposal.decision_id == decision.id
    assert [a.nominee_id for a in decision.awards] == [first.id]
    # GK_CN: coefficient 0.3 × base salary 2.340.000 = 702.000 đồng (both are data).
    assert decision.awards[0].amount == Decimal("702000")
    assert decision.total_amount == Decimal("702000")
    assert decision.base_salary == Decimal("2340000")
    assert decision.reference == "01/QĐ-UBND" and not decision.signer_is_vice
    assert decision.priority_count == 1 and decision.award_count == 1


def test_coefficient_change_applies_to_later_decisions(world):
    add_coefficient(world.admin, world.awards["GK_CN"], Decimal("0.75"), local_today(),
                    "Nghị định 99/2026/NĐ-CP")
    proposal = make_proposal(world, state=S.DECIDED)
    assert [a.coefficient for a in proposal.decision.awards] == [Decimal("0.75")] * 2
    assert [a.amount for a in proposal.decision.awards] == [Decimal("1755000")] * 2
    assert proposal.decision.total_amount == Decimal("3510000")  # each awardee's bonus


def test_vice_chairman_signs_for_the_chairman(world):
    proposal = make_proposal(world, state=S.AWAITING_DECISION)
    decision = ops.approve_proposal(proposal, world.vice)
    assert decision.signer_is_vice and decision.signer_name == world.vice.full_name


def test_the_stored_pdf_carries_its_hash(world):
    decision = make_proposal(world, state=S.DECIDED).decision
    db.session.commit()
    stored = db.session.get(DecisionFile, decision.id)
    assert stored.content.startswith(b"%PDF")
    assert hashlib.sha256(stored.content).hexdigest() == stored.sha256


def test_a_failed_render_leaves_no_decision_and_no_used_number(world, monkeypatch):
    proposal = make_proposal(world, state=S.AWAITING_DECISION)
    db.session.commit()

    def broken(_document):  # noqa: ANN001, ANN202
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr("award_flow.decisions.operations.render_decision_pdf", broken)
    with pytest.raises(RuntimeError):
        ops.approve_proposal(proposal, world.chairman)
    db.session.rollback()
    assert _counts() == (0, 0, 0)
    assert db.session.get(Proposal, proposal.id).state == S.AWAITING_DECISION

    monkeypatch.undo()
    decision = ops.approve_proposal(db.session.get(Proposal, proposal.id), world.chairman)
    assert decision.number == 1


def _approval(app, proposal_id: int, user_id: int):  # noqa: ANN001, ANN202
    """A job for run_at_once: `user` approves the proposal, locking it as the view does."""
    from award_flow.auth.models import User

    def approve() -> int:
        user = db.session.get(User, user_id)
        proposal = get_visible_proposal(proposal_id, user, for_update=True)
        return ops.approve_proposal(proposal, user).number

    return approve


@pytest.mark.slow
def test_two_simultaneous_approvals_of_one_proposal_make_one_decision(app, world):
    proposal_id = make_proposal(world, state=S.AWAITING_DECISION).id
    signer_ids = [world.chairman.id, world.vice.id]
    db.session.commit()  # and hold no transaction (SQLite: no lock) while the threads run
    results = run_at_once(app, [_approval(app, proposal_id, user_id) for user_id in signer_ids])

    assert sorted(kind for kind, _ in results) == ["ok", "refused"], results
    db.session.expire_all()
    assert _counts()[:1] == (1,)
    assert db.session.scalar(select(DecisionCounter.last_number)) == 1


@pytest.mark.slow
def test_fifty_concurrent_issuances_number_one_to_fifty_without_gaps(app, world):
    proposal_ids = [make_proposal(world, state=S.AWAITING_DECISION, nominees=(
        (f"Người thứ {i}", "Nông dân", "Ấp Cây Da", Gender.MALE, PriorityGroup.FARMER),)).id
        for i in range(50)]
    signer_ids = (world.chairman.id, world.vice.id)
    db.session.commit()
    results = run_at_once(app, [_approval(app, proposal_id, signer_ids[i % 2])
                                for i, proposal_id in enumerate(proposal_ids)], timeout=300)

    assert [kind for kind, _ in results] == ["ok"] * 50, results
    db.session.expire_all()
    numbers = sorted(db.session.scalars(select(Decision.number)))
    assert numbers == list(range(1, 51))
    assert db.session.scalar(select(DecisionCounter.last_number)) == 50
    assert db.session.scalar(select(func.count(DecisionFile.decision_id))) == 50


_KILLED_ISSUANCE = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {project!r})
    from award_flow import create_app
    from award_flow.auth.models import User
    from award_flow.extensions import db
    from award_flow.proposals import operations as ops
    from award_flow.proposals.queries import get_visible_proposal
    from config import TestingConfig
    import award_flow.decisions.operations as issuing

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = {url!r}
        UPLOAD_FOLDER = {uploads!r}

    def hang(_document):
        Path({marker!r}).write_text("numbered")  # the number is taken, the PDF not yet made
        time.sleep(120)

    issuing.render_decision_pdf = hang
    app = create_app(Config)
    with app.app_context():
        user = db.session.get(User, {user_id})
        proposal = get_visible_proposal({proposal_id}, user, for_update=True)
        ops.approve_proposal(proposal, user)
        db.session.commit()
""")


@pytest.mark.slow
def test_a_process_killed_mid_issuance_leaves_nothing_behind(app, world, tmp_path):
    proposal = make_proposal(world, state=S.AWAITING_DECISION)
    script_args = {"user_id": world.chairman.id, "proposal_id": proposal.id}
    db.session.commit()
    marker = tmp_path / "marker"
    script = _KILLED_ISSUANCE.format(
        project=str(PROJECT), url=app.config["SQLALCHEMY_DATABASE_URI"],
        uploads=app.config["UPLOAD_FOLDER"], marker=str(marker), **script_args)
    child = subprocess.Popen([sys.executable, "-c", script], cwd=PROJECT)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the issuing process ended early"
            assert time.monotonic() < deadline, "the issuing process never reached the render"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)

    db.session.expire_all()
    assert _counts() == (0, 0, 0)
    assert db.session.get(Proposal, proposal.id).state == S.AWAITING_DECISION
    # The number was given back: the next issuance is number 1.
    assert ops.approve_proposal(db.session.get(Proposal, proposal.id), world.chairman).number == 1
