"""What the queues read from the proposal row instead of working it out per query:
`queue_key` (whose desk) follows the state, `nominee_names` follows the nominees, and name
search on it still ignores case and diacritics without matching across two names."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from award_flow.auth.roles import Role
from award_flow.catalogue.models import NomineeKind
from award_flow.extensions import db
from award_flow.proposals import operations as ops
from award_flow.proposals.models import (
    Gender,
    NomineeOutcome,
    PriorityGroup,
    Proposal,
    ProposalState,
)
from award_flow.proposals.queries import ProposalFilters, proposals_query
from award_flow.proposals.workflow import (
    QUEUE_KEY_BY_STATE,
    QUEUE_KEYS,
    QUEUE_STATES,
    TRANSITIONS,
    Action,
)
from tests.factories import make_proposal
from tests.web_helpers import listed_ids

S = ProposalState

#: On whose desk a proposal in each state is.
DESK = {
    S.DRAFT: "unit",
    S.RETURNED: "unit",
    S.SUBMITTED: "secretariat",
    S.UNDER_REVIEW: "secretariat",
    S.IN_COMMITTEE: "committee",
    S.AWAITING_DECISION: "signer",
    S.DECIDED: None,
    S.REJECTED: None,
    S.WITHDRAWN: None,
}
KEYS = ("unit", "secretariat", "committee", "signer")


def stored_queue_key(proposal: Proposal) -> str | None:
    return db.session.scalar(text("SELECT queue_key FROM proposal WHERE id = :id"),
                             {"id": proposal.id})


def stored_nominee_names(proposal: Proposal) -> str:
    return db.session.scalar(text("SELECT nominee_names FROM proposal WHERE id = :id"),
                             {"id": proposal.id})


# --- queue_key ----------------------------------------------------------------------------


def test_every_state_has_its_desk():
    assert QUEUE_KEY_BY_STATE == DESK


@pytest.mark.parametrize("role", list(Role))
def test_a_roles_queue_is_its_desk(role):
    """QUEUE_STATES and the desks say the same: a role's queue is every state of its desk."""
    desk = QUEUE_KEYS.get(role)
    assert QUEUE_STATES[role] == {s for s, key in DESK.items() if desk and key == desk}


@pytest.mark.parametrize("state", list(S))
def test_a_proposal_is_on_its_states_desk_and_the_database_refuses_another(world, state):
    proposal = make_proposal(world, state=state)
    db.session.commit()

    assert proposal.queue_key == DESK[state]
    assert stored_queue_key(proposal) == DESK[state]
    for wrong in [key for key in (*KEYS, None, "nobody") if key != DESK[state]]:
        with pytest.raises(IntegrityError):
            db.session.execute(text("UPDATE proposal SET queue_key = :key WHERE id = :id"),
                               {"key": wrong, "id": proposal.id})
        db.session.rollback()
    assert stored_queue_key(proposal) == DESK[state]


TRANSITION_CASES = [(action, source) for action, t in TRANSITIONS.items()
                    for source in sorted(t.sources)]


@pytest.mark.parametrize(("action", "source"), TRANSITION_CASES,
                         ids=[f"{a.value}-from-{s.value}" for a, s in TRANSITION_CASES])
def test_every_transition_moves_the_proposal_to_the_desk_of_its_target(world, action, source):
    proposal = make_proposal(world, state=source)
    db.session.commit()
    actor = {
        Action.SUBMIT: world.head_a, Action.WITHDRAW: world.head_a,
        Action.ACCEPT: world.secretariat, Action.RETURN: world.secretariat,
        Action.FORWARD: world.secretariat, Action.SEND_BACK: world.committee,
        Action.CONCLUDE: world.committee, Action.APPROVE: world.chairman,
        Action.REJECT: world.chairman,
    }[action]
    if action == Action.CONCLUDE:
        ops.conclude_review(proposal, actor,
                            {n.id: NomineeOutcome.RECOMMENDED for n in proposal.nominees})
    else:
        ops.BUTTON_OPERATIONS[action](proposal, actor, comment="Lý do cụ thể.")
    db.session.commit()

    target = TRANSITIONS[action].target
    assert proposal.state == target
    assert stored_queue_key(proposal) == DESK[target]


def test_a_new_draft_is_on_the_units_desk(world):
    proposal = ops.create_proposal(world.officer_a, ops.ProposalData(
        title="Đề nghị tặng Giấy khen", achievement="đã có thành tích xuất sắc",
        campaign=world.campaign, award_type=world.awards["GK_CN"]))
    db.session.commit()
    assert stored_queue_key(proposal) == "unit"


def test_a_proposal_created_without_naming_its_state_is_a_draft_on_the_units_desk(world):
    """The state's default (draft) is set as an assignment, so its desk follows: the CHECK
    would otherwise refuse the row."""
    proposal = Proposal(unit_id=world.unit_a.id, created_by=world.officer_a,
                        title="Đề nghị tặng Giấy khen", achievement="đã có thành tích xuất sắc",
                        campaign=world.campaign, award_type=world.awards["GK_CN"])
    assert (proposal.state, proposal.queue_key) == (S.DRAFT, "unit")
    db.session.add(proposal)
    db.session.commit()
    assert stored_queue_key(proposal) == "unit"


# --- nominee_names ------------------------------------------------------------------------


def _nominee(name: str) -> ops.NomineeData:
    """A person for the factories' default award (Giấy khen for individuals)."""
    return ops.NomineeData(kind=NomineeKind.INDIVIDUAL, name=name, gender=Gender.MALE,
                           priority_group=PriorityGroup.NONE)


def test_nominee_names_follow_adding_editing_and_removing_nominees(world):
    proposal = make_proposal(world, nominees=())
    db.session.commit()  # later requests find it expired, as a view does
    assert stored_nominee_names(proposal) == ""

    first = ops.add_nominee(world.officer_a, proposal, _nominee("Lê Văn"))
    ops.add_nominee(world.officer_a, proposal, _nominee("An Bình"))
    third = ops.add_nominee(world.officer_a, proposal, _nominee("Nguyễn  Thị\tÚt"))
    db.session.flush()
    assert stored_nominee_names(proposal) == "le van\nan binh\nnguyen thi ut"

    ops.update_nominee(world.officer_a, third, _nominee("Đặng Quốc Khánh"))
    db.session.flush()
    assert stored_nominee_names(proposal) == "le van\nan binh\ndang quoc khanh"

    ops.remove_nominee(world.officer_a, first)
    db.session.flush()
    assert stored_nominee_names(proposal) == "an binh\ndang quoc khanh"

    for nominee in list(proposal.nominees):
        ops.remove_nominee(world.officer_a, nominee)
    db.session.flush()
    assert stored_nominee_names(proposal) == ""
    assert proposal.nominee_count == 0


def test_nominee_names_are_in_nominee_order_whatever_the_alphabet(world):
    proposal = make_proposal(world, nominees=())
    for name in ("Trần Thị B", "Lê Văn C", "Âu Văn A"):
        ops.add_nominee(world.officer_a, proposal, _nominee(name))
    db.session.flush()
    assert stored_nominee_names(proposal) == "\n".join(
        n.name_folded for n in sorted(proposal.nominees, key=lambda n: n.id))
    assert stored_nominee_names(proposal) == "tran thi b\nle van c\nau van a"


# --- name search on nominee_names ---------------------------------------------------------

SEARCHES = [
    ("nguyen van a", {"a"}),
    ("NGUYỄN VĂN A", {"a"}),
    ("Nguyễn Văn A", {"a"}),
    ("le van", {"two"}),
    ("an binh", {"two"}),
    ("Văn", {"a", "two"}),
    # Names are stored one per line: a search never spans the end of one name and the start
    # of the next, whatever whitespace it is typed with.
    ("van an", set()),
    ("van\nan", set()),
    ("van\r\nan", set()),
    ("van\u2028an", set()),
    ("van%an", set()),
    ("van_an", set()),
    # "đ" typed in lower case folds as the capital does.
    ("đức", {"duc"}),
    ("ĐỨC", {"duc"}),
    ("duc", {"duc"}),
    # LIKE's wildcards and its escape character, typed, are searched for as they are.
    ("1_a", {"odd"}),
    ("100%", {"odd"}),
    ("a\\b", {"odd"}),
    ("to 1", {"odd"}),
    ("1\\_a", set()),
]


@pytest.mark.parametrize(("q", "expected"), SEARCHES, ids=[repr(q) for q, _e in SEARCHES])
def test_name_search_matches_within_one_nominees_name(client, world, login, q, expected):
    made = {
        "a": make_proposal(world, nominees=(("Nguyễn Văn A", "Nông dân", "Ấp Cây Da",
                                             Gender.MALE, PriorityGroup.FARMER),)).id,
        "two": make_proposal(world, nominees=(
            ("Lê Văn", "Công chức", "UBND xã", Gender.MALE, PriorityGroup.NONE),
            ("An Bình", "Công chức", "UBND xã", Gender.MALE, PriorityGroup.NONE))).id,
        "duc": make_proposal(world, nominees=(("Lâm Đức", "Công chức", "UBND xã", Gender.MALE,
                                               PriorityGroup.NONE),)).id,
        "odd": make_proposal(world, nominees=tuple(
            (name, "", "", Gender.MALE, PriorityGroup.NONE)
            for name in ("Tổ 1_A", "Nhóm 100%", "A\\B"))).id,
    }
    db.session.commit()
    login(world.officer_a)
    for path in ("/proposals", "/work"):
        response = client.get(path, query_string={"q": q})
        assert response.status_code == 200
        assert set(listed_ids(response.text)) == {made[k] for k in expected}, path


def test_name_search_reads_the_proposal_row_only(world):
    """No nominee subquery: the filter is a LIKE on proposal.nominee_names."""
    query = proposals_query(world.secretariat, ProposalFilters(name="nguyen van"), queue=True)
    sql = str(query.compile(db.engine))
    assert "nominee_names LIKE" in sql
    assert "FROM nominee" not in sql
    assert "proposal.queue_key =" in sql


def test_the_queue_is_read_by_desk_not_by_state(world):
    sql = str(proposals_query(world.secretariat, ProposalFilters(), queue=True)
              .compile(db.engine))
    assert "proposal.queue_key =" in sql
    assert "proposal.state IN" not in sql
