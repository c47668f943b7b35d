"""A card in the lists says how its proposal came to a state that does not say it by itself:
one sent back by the Standing Committee or the chairman is "under review" again, like one
the secretariat has not forwarded yet, and the secretariat must tell them apart in its queue."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from award_flow.extensions import db
from award_flow.proposals import operations as ops
from award_flow.proposals.models import NomineeOutcome, ProposalState
from award_flow.proposals.queries import arrival_badges
from award_flow.proposals.workflow import TRANSITIONS, Action
from tests.factories import drive, make_proposal

S = ProposalState
SENT_BACK = "Được chuyển lại"
_CARD = re.compile(r'<li class="card proposal-card.*?</li>', re.S)
_ID = re.compile(r'href="/proposals/(\d+)"')
_WARNING = re.compile(r'<span class="badge warning">([^<]*)</span>')


def warning_badges(html: str) -> dict[int, list[str]]:
    """The warning badges of each card on a list page, by proposal id."""
    cards = {}
    for card in _CARD.findall(html):
        cards[int(_ID.search(card).group(1))] = _WARNING.findall(card)
    return cards


def send_back_from(world, state: ProposalState):  # noqa: ANN001, ANN201
    """A proposal sent back to the secretariat from `state` (committee or signer's desk)."""
    proposal = make_proposal(world)
    drive(world, proposal, state)
    actor = world.committee if state == S.IN_COMMITTEE else world.chairman
    ops.send_back_proposal(proposal, actor, comment="Thiếu biên bản bình xét.")
    return proposal


def test_only_the_send_back_marks_the_card():
    """The other transitions land in states whose own badge says where the proposal is."""
    assert {a for a, t in TRANSITIONS.items() if t.card_badge is not None} == {Action.SEND_BACK}


@pytest.mark.parametrize("from_state", [S.IN_COMMITTEE, S.AWAITING_DECISION])
def test_the_secretariat_sees_which_proposals_were_sent_back(client, world, login, from_state):
    sent_back = send_back_from(world, from_state)
    fresh = make_proposal(world)
    drive(world, fresh, S.UNDER_REVIEW)
    db.session.commit()
    login(world.secretariat)
    for path in ("/work", "/proposals"):
        badges = warning_badges(client.get(path).text)
        assert badges[sent_back.id] == [SENT_BACK], path
        assert badges[fresh.id] == [], path


def test_the_badge_follows_the_latest_move_not_any_earlier_one(client, world, login):
    """Sent back, then returned to the unit, resubmitted and accepted: under review again,
    but not because of the send-back. One sent back, forwarded and sent back again keeps it."""
    accepted_again = send_back_from(world, S.IN_COMMITTEE)
    ops.return_proposal(accepted_again, world.secretariat, comment="Bổ sung biên bản.")
    ops.submit_proposal(accepted_again, world.head_a)
    ops.accept_proposal(accepted_again, world.secretariat)
    twice = send_back_from(world, S.IN_COMMITTEE)
    ops.forward_proposal(twice, world.secretariat, comment="Đã bổ sung.")
    ops.conclude_review(twice, world.committee,
                        {n.id: NomineeOutcome.RECOMMENDED for n in twice.nominees})
    ops.send_back_proposal(twice, world.chairman, comment="Xem lại thành tích.")
    db.session.commit()
    login(world.secretariat)
    assert warning_badges(client.get("/work").text) == {accepted_again.id: [],
                                                        twice.id: [SENT_BACK]}


def test_a_page_without_badged_states_asks_nothing_more(world):
    """The chairman's queue holds no proposal under review: no query on the audit trail."""
    proposal = make_proposal(world)
    drive(world, proposal, S.AWAITING_DECISION)
    queries = []

    def count(*_args) -> None:  # noqa: ANN002
        queries.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert arrival_badges([proposal]) == {}
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert queries == []
