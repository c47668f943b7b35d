"""Who sees which proposal, as one table: every account of two authorities against proposals
in every state, of their own unit, another unit and the other authority. `can_view` (one
proposal's page, its files, its actions) and `visible_to` (the SQL of every list) are two
spellings of one rule: they must agree on every pair, and both must say what the rule says."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from award_flow.extensions import db
from award_flow.proposals import operations as ops
from award_flow.proposals.models import Proposal, ProposalState
from award_flow.proposals.workflow import can_view, visible_to
from tests.factories import make_proposal

S = ProposalState
ACCOUNTS = ("officer_a", "head_a", "officer_b", "head_b", "secretariat", "committee",
            "chairman", "vice", "admin")

#: account → what it sees: "own unit" (its unit's proposals in any state, drafts included),
#: "filed" (every proposal of its authority ever submitted), or nothing.
SEES = {
    "officer_a": "own unit", "head_a": "own unit", "officer_b": "own unit", "head_b": "own unit",
    "secretariat": "filed", "committee": "filed", "chairman": "filed", "vice": "filed",
    "admin": "nothing",
}


@pytest.fixture
def proposals(world, other_world):
    """(authority, unit letter, label) → proposal, in every state; "withdrawn" twice: before
    and after it was filed."""
    made = {}
    for where, w in (("here", world), ("there", other_world)):
        for unit in ("a", "b"):
            for state in S:
                made[(where, unit, state.value)] = make_proposal(w, state=state, unit=unit)
            filed = make_proposal(w, state=S.SUBMITTED, unit=unit)
            ops.withdraw_proposal(filed, w.head_a if unit == "a" else w.head_b)
            made[(where, unit, "withdrawn after filing")] = filed
    db.session.commit()
    return made


def _expected(account: str, where: str, unit: str, proposal: Proposal) -> bool:
    rule = SEES[account]
    if rule == "own unit":
        return where == "here" and unit == account[-1]
    if rule == "filed":
        return where == "here" and proposal.submitted_at is not None
    return False


def test_a_page_and_the_lists_show_the_same_proposals(world, other_world, proposals):
    """One world of 44 proposals, every account of both authorities (built once: it issues
    decisions)."""
    wrong = []
    for authority, w in (("here", world), ("there", other_world)):
        for account in ACCOUNTS:
            user = getattr(w, account)
            listed = set(db.session.scalars(select(Proposal.id).where(visible_to(user))))
            for (where, unit, label), proposal in proposals.items():
                # The other authority's accounts see this table's mirror image.
                seen_from = where if authority == "here" else {"here": "there",
                                                                "there": "here"}[where]
                expected = _expected(account, seen_from, unit, proposal)
                got = (can_view(user, proposal), proposal.id in listed)
                if got != (expected, expected):
                    wrong.append((authority, account, where, unit, label, expected, got))
    assert wrong == []
