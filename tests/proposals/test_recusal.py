"""A committee member does not review their own unit's proposals (RULES.md "Council voting": a
member with a conflict of interest recuses). What that means for the queues and pages, and
that no proposal is forwarded with nobody left to conclude it. (Who may act: the workflow
table, test_workflow_table.py.)"""

from __future__ import annotations

from html import unescape

import pytest

from award_flow.auth.roles import Role
from award_flow.core.errors import ValidationError
from award_flow.extensions import db
from award_flow.org.models import UnitKind
from award_flow.org.operations import save_unit
from award_flow.proposals import operations as ops
from award_flow.proposals.committee import stranded_in_committee
from award_flow.proposals.models import ProposalState as S
from award_flow.proposals.workflow import RECUSAL_NOTE, STRANDED_NOTE
from tests.factories import make_proposal, make_user
from tests.web_helpers import db_snapshot, flashes, listed_ids, page_form

APPRAISAL = "Hồ sơ đầy đủ, đề nghị Thường trực Hội đồng xem xét."
ALL_RECUSE = "Các thành viên Thường trực Hội đồng đều thuộc đơn vị lập tờ trình"
NONE_AT_ALL = "Chưa có tài khoản thành viên Thường trực Hội đồng nào đang hoạt động"


def _committee(world, where: str) -> None:  # noqa: ANN001
    """Who sits on the Standing Committee, besides the world's member (of the home-affairs
    agency), for a proposal of unit a."""
    if where == "another unit":
        return
    if where == "the proposing unit only":
        world.committee.unit = world.unit_a
    elif where == "one of two in the proposing unit":
        make_user("committee.a", Role.COMMITTEE_MEMBER, world.unit_a)
    elif where == "nobody (account switched off)":
        world.committee.active = False
    elif where == "in a unit switched off":
        world.committee.unit = save_unit(None, world.authority, "Ban Thi đua", UnitKind.AGENCY)
        world.committee.unit.active = False
    db.session.flush()


#: Who sits on the Standing Committee → forwarding a proposal of unit a: done, or refused
#: with what.
FORWARDING = [
    pytest.param("another unit", None, id="a member of another unit concludes"),
    pytest.param("one of two in the proposing unit", None, id="the other member concludes"),
    pytest.param("the proposing unit only", ALL_RECUSE, id="every member recuses"),
    pytest.param("nobody (account switched off)", NONE_AT_ALL, id="no member"),
    pytest.param("in a unit switched off", NONE_AT_ALL, id="the member's unit is off"),
]


@pytest.mark.parametrize(("committee", "refusal"), FORWARDING)
def test_a_proposal_is_forwarded_only_when_someone_may_conclude_it(world, committee, refusal):
    proposal = make_proposal(world, state=S.UNDER_REVIEW)
    _committee(world, committee)
    db.session.commit()
    before = db_snapshot()
    if refusal is None:
        ops.forward_proposal(proposal, world.secretariat, comment=APPRAISAL)
        assert proposal.state == S.IN_COMMITTEE
        return
    with pytest.raises(ValidationError, match=refusal):
        ops.forward_proposal(proposal, world.secretariat, comment=APPRAISAL)
    db.session.rollback()
    assert db_snapshot() == before


def test_another_authoritys_members_do_not_count(world, other_world):
    proposal = make_proposal(world, state=S.UNDER_REVIEW)
    world.committee.unit = world.unit_a  # other_world has a committee member of its own
    db.session.commit()
    with pytest.raises(ValidationError, match=ALL_RECUSE):
        ops.forward_proposal(proposal, world.secretariat, comment=APPRAISAL)


def test_the_secretariat_is_told_why_there_is_no_forward_button(client, world, login):
    proposal = make_proposal(world, state=S.UNDER_REVIEW)
    world.committee.unit = world.unit_a
    db.session.commit()
    login(world.secretariat)
    page = client.get(f"/proposals/{proposal.id}").text
    assert f"Chưa trình được Thường trực Hội đồng: {ALL_RECUSE}" in page
    assert "Trình Thường trực Hội đồng</button>" not in page
    assert "Trả lại, bổ sung hồ sơ</button>" in page  # the other actions stay


#: A committee member of unit a, and a proposal before the committee → in their queue? and
#: what the proposal page tells them.
MEMBER_OF_A = [
    pytest.param("a", False, True, id="their own unit's: not waiting on them, told why"),
    pytest.param("b", True, False, id="another unit's: theirs to conclude"),
]


@pytest.mark.parametrize(("unit", "queued", "told"), MEMBER_OF_A)
def test_a_recusing_member_neither_queues_nor_is_left_guessing(client, world, login, unit,
                                                               queued, told):
    member = make_user("committee.a", Role.COMMITTEE_MEMBER, world.unit_a)
    proposal = make_proposal(world, state=S.IN_COMMITTEE, unit=unit)
    db.session.commit()
    login(member)
    assert (proposal.id in listed_ids(client.get("/work").text)) is queued
    page = client.get(f"/proposals/{proposal.id}").text
    assert (str(RECUSAL_NOTE) in page) is told
    assert ("Kết luận" in page and f"/proposals/{proposal.id}/conclude" in page) is queued
    # The other member has it in their queue either way.
    login(world.committee)
    assert proposal.id in listed_ids(client.get("/work").text)


#: A proposal of the member's unit, by state → told they recuse? (while a committee member could
#: act on it: conclude it, or send it back from the chairman's desk)
NOTED_STATES = [(S.UNDER_REVIEW, False), (S.IN_COMMITTEE, True), (S.AWAITING_DECISION, True),
                (S.DECIDED, False)]


@pytest.mark.parametrize(("state", "told"), NOTED_STATES)
def test_the_recusal_is_said_while_a_member_could_act(client, world, login, state, told):
    member = make_user("committee.a", Role.COMMITTEE_MEMBER, world.unit_a)
    proposal = make_proposal(world, state=state)
    db.session.commit()
    login(member)
    assert (str(RECUSAL_NOTE) in client.get(f"/proposals/{proposal.id}").text) is told


# --- a proposal before the committee that nobody may conclude any more ----------------------

#: What the admin changes on the only member who may conclude a proposal of unit a (another
#: member sits in unit a) → the form posted to the admin's page.
LAST_MEMBER_CHANGES = [
    pytest.param("user", {"active": ""}, id="switched off"),
    pytest.param("user", {"role": Role.SECRETARIAT.value}, id="given another role"),
    pytest.param("user", {"unit": "a"}, id="moved to the proposing unit"),
    pytest.param("unit", {"active": ""}, id="their unit switched off"),
]


@pytest.mark.parametrize(("page", "change"), LAST_MEMBER_CHANGES)
def test_the_admin_is_told_when_a_proposal_is_left_with_nobody_to_conclude_it(
        client, world, login, page, change):
    make_user("committee.a", Role.COMMITTEE_MEMBER, world.unit_a)
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    member = world.committee
    if page == "unit":  # the member alone in a unit of their own, which is switched off
        member.unit = save_unit(None, world.authority, "Ban Thi đua", UnitKind.AGENCY)
    db.session.commit()
    assert stranded_in_committee(world.authority.id) == []
    login(world.admin)
    if page == "user":
        path = f"/admin/users/{member.id}/edit"
        data = {"unit_id": str(world.unit_a.id if change.get("unit") else member.unit_id),
                **{k: v for k, v in change.items() if k != "unit"}}
    else:
        path = f"/admin/units/{member.unit_id}/edit"
        data = dict(change)
    form = page_form(client, path)
    response = client.post(path, data=form.data(**data), follow_redirects=True)

    assert stranded_in_committee(world.authority.id) == [proposal]
    # Its unit, not its dossier: the admin does not read proposals.
    assert ("warning", "Không còn thành viên Thường trực Hội đồng nào xét được 1 tờ trình của "
            f"{world.unit_a.name} đang chờ Thường trực Hội đồng. Hãy mở lại hoặc tạo tài khoản "
            "thành viên Thường trực Hội đồng không thuộc đơn vị lập tờ trình.") in flashes(
                response.text)
    # The reviewers are told on the proposal page; a signer can still send it back.
    for reviewer in (world.secretariat, world.chairman):
        login(reviewer)
        page = unescape(client.get(f"/proposals/{proposal.id}").text)
        assert str(STRANDED_NOTE) in page
        assert str(RECUSAL_NOTE) not in page


#: What else the admin saves → warned? Only a change that leaves a proposal with nobody to
#: conclude it is warned of, once: not an unrelated account, nor one already stranded.
UNRELATED_SAVES = [
    pytest.param(False, id="while a member may conclude it"),
    pytest.param(True, id="a proposal stranded before the save"),
]


@pytest.mark.parametrize("stranded_before", UNRELATED_SAVES)
def test_no_warning_for_a_save_that_strands_nothing(client, world, login, stranded_before):
    proposal = make_proposal(world, state=S.IN_COMMITTEE)
    if stranded_before:
        world.committee.active = False
    db.session.commit()
    assert (stranded_in_committee(world.authority.id) == [proposal]) is stranded_before
    login(world.admin)
    path = f"/admin/users/{world.officer_b.id}/edit"
    response = client.post(path, data=page_form(client, path).data(active=""),
                           follow_redirects=True)
    assert [f for f in flashes(response.text) if f[0] == "success"] == [
        ("success", f"Đã khóa tài khoản {world.officer_b.username}: tài khoản không đăng nhập "
                    "được nữa và các phiên đăng nhập của tài khoản đã kết thúc.")]
    assert not [f for f in flashes(response.text) if f[0] == "warning"]
