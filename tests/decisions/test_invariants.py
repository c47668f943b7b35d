"""The counts the database keeps consistent (migration 0008): a proposal's nominee and
priority counts and its priority flag, a decision's awards and its priority share, and the
decision counter. Each statement breaks one rule and is refused by the database itself."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from award_flow.extensions import db
from award_flow.proposals.models import ProposalState
from tests.factories import make_proposal

BROKEN = {
    "ck_proposal_has_priority_follows_count": "UPDATE proposal SET has_priority = {false}",
    "ck_proposal_priority_count_not_negative":
        "UPDATE proposal SET priority_count = -1, has_priority = {false}",
    "ck_proposal_nominee_count_not_negative":
        "UPDATE proposal SET nominee_count = -1, priority_count = -1, has_priority = {false}",
    "ck_decision_awards_someone": "UPDATE decision SET award_count = 0, priority_count = 0",
    "ck_decision_priority_within_awards": "UPDATE decision SET priority_count = award_count + 1",
    "ck_decision_counter_last_number_not_negative":
        "UPDATE decision_counter SET last_number = -1",
}


@pytest.mark.parametrize("constraint", list(BROKEN))
def test_the_database_refuses_inconsistent_counts(world, constraint):
    proposal = make_proposal(world, state=ProposalState.DECIDED)  # the farmer has priority
    assert proposal.has_priority and proposal.decision.priority_count == 1
    db.session.commit()
    false = "0" if db.engine.dialect.name == "sqlite" else "false"

    with pytest.raises(IntegrityError) as error:
        db.session.execute(text(BROKEN[constraint].format(false=false)))
    if constraint != "ck_proposal_nominee_count_not_negative":  # it breaks two rules at once
        assert constraint in str(error.value)
    db.session.rollback()


def test_consistent_counts_are_accepted(world):
    """The controls of the table above: the limits themselves (every award a priority one, a
    counter at zero) are kept."""
    decision = make_proposal(world, state=ProposalState.DECIDED).decision
    db.session.commit()
    assert (decision.award_count, decision.priority_count) == (2, 1)

    db.session.execute(text("UPDATE decision SET priority_count = award_count"))
    db.session.execute(text("UPDATE decision_counter SET last_number = 0"))
    db.session.commit()

    assert db.session.execute(text("SELECT award_count, priority_count FROM decision")).one() == (
        2, 2)
    assert db.session.scalar(text("SELECT last_number FROM decision_counter")) == 0
