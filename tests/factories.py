"""Factories: build the domain through the real operations (so the audit trail is real)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from award_flow.auth.models import User
from award_flow.auth.roles import Role
from award_flow.campaigns.models import Campaign, CampaignKind, Phase
from award_flow.catalogue.defaults import install_defaults
from award_flow.catalogue.models import AwardType
from award_flow.extensions import db
from award_flow.org.models import Authority, AuthorityLevel, Unit, UnitKind
from award_flow.org.operations import create_authority, save_unit, save_user
from award_flow.proposals import operations as ops
from award_flow.proposals.models import (
    AttachmentKind,
    Gender,
    NomineeOutcome,
    PriorityGroup,
    Proposal,
    ProposalState,
)

PASSWORD = "correct horse battery"

#: A minimal well-formed PDF; the dossier check looks at content, not names.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@dataclass
class World:
    authority: Authority
    unit_a: Unit
    unit_b: Unit
    home_affairs: Unit
    officer_a: User
    head_a: User
    officer_b: User
    head_b: User
    secretariat: User
    committee: User
    chairman: User
    vice: User
    admin: User
    campaign: Campaign
    phase: Phase
    awards: dict[str, AwardType]

    def by_role(self, role: Role) -> User:
        return {
            Role.UNIT_OFFICER: self.officer_a, Role.UNIT_HEAD: self.head_a,
            Role.SECRETARIAT: self.secretariat, Role.COMMITTEE_MEMBER: self.committee,
            Role.CHAIRMAN: self.chairman, Role.VICE_CHAIRMAN: self.vice, Role.ADMIN: self.admin,
        }[role]


def make_user(username: str, role: Role, unit: Unit, full_name: str | None = None) -> User:
    return save_user(None, username=username, full_name=full_name or username.title(),
                     role=role, unit=unit, password=PASSWORD)


def make_world() -> World:
    authority = Authority(
        name="Ủy ban nhân dân thị xã Duyên Hải", place_name="Duyên Hải",
        parent_name="Ủy ban nhân dân tỉnh Trà Vinh", level=AuthorityLevel.DISTRICT,
        decision_legal_bases="Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
        decision_proposer="Trưởng Cơ quan Tổ chức - Nội vụ thị xã",
        decision_executors="Trưởng Cơ quan Tổ chức - Nội vụ thị xã",
        decision_recipients="Như Điều 3\nLưu: VT, NV",
        bonus_fund="Quỹ thi đua, khen thưởng của thị xã",
    )
    db.session.add(authority)
    db.session.flush()
    install_defaults(authority)
    return _staffed(
        authority, units=("Xã Long Hữu", "Phường 1", "Cơ quan Tổ chức - Nội vụ thị xã"),
        prefix="", full_names={
            "officer_a": "Trần Thị Mỹ Linh", "head_a": "Lê Văn Hùng",
            "secretariat": "Nguyễn Thị Thanh Thảo", "committee": "Huỳnh Văn Phúc",
            "chairman": "Đặng Quốc Khánh", "vice": "Thạch Thị Sa Rây"})


def make_other_world() -> World:
    """A second authority beside `make_world`'s, set up as `flask authority create` sets one
    up (its default catalogue and decision texts), with its own units, one user per role
    (usernames "cn.…") and a campaign: what one authority's people must never see of."""
    authority = create_authority(name="Ủy ban nhân dân huyện Cầu Ngang", place_name="Cầu Ngang",
                                 level=AuthorityLevel.DISTRICT,
                                 parent_name="Ủy ban nhân dân tỉnh Trà Vinh")
    return _staffed(authority, units=("Xã Mỹ Long", "Thị trấn Cầu Ngang", "Phòng Nội vụ huyện"),
                    prefix="cn.")


def make_commune_world() -> World:
    """A commune People's Committee, which confers awards since 07/2025, set up as `flask
    authority create --level commune` sets one up: its units are two hamlets and its office
    (usernames "lh.…")."""
    authority = create_authority(name="Ủy ban nhân dân xã Long Hữu", place_name="Long Hữu",
                                 level=AuthorityLevel.COMMUNE,
                                 parent_name="Ủy ban nhân dân tỉnh Vĩnh Long")
    return _staffed(authority, units=("Ấp Long Khánh", "Ấp Giồng Giếng",
                                      "Văn phòng HĐND và UBND xã"),
                    kinds=(UnitKind.HAMLET, UnitKind.HAMLET, UnitKind.AGENCY), prefix="lh.")


def _staffed(authority: Authority, *, units: tuple[str, str, str], prefix: str,
             kinds: tuple[UnitKind, UnitKind, UnitKind] = (
                 UnitKind.COMMUNE, UnitKind.WARD, UnitKind.AGENCY),
             full_names: dict[str, str] | None = None) -> World:
    """Two units and the home-affairs agency of `authority` (of these `kinds`), one user per
    role, a campaign with one phase, and the authority's catalogue."""
    names = full_names or {}
    unit_a = save_unit(None, authority, units[0], kinds[0])
    unit_b = save_unit(None, authority, units[1], kinds[1])
    home = save_unit(None, authority, units[2], kinds[2])
    campaign = Campaign(authority=authority, name="Phong trào thi đua 2021 - 2025",
                        kind=CampaignKind.PHASED, starts_on=date(2021, 8, 1),
                        ends_on=date(2025, 12, 31))
    phase = Phase(campaign=campaign, name="Đợt 1", starts_on=date(2021, 8, 1),
                  ends_on=date(2021, 12, 31))
    db.session.add_all([campaign, phase])
    db.session.flush()
    awards = {a.code: a for a in db.session.scalars(
        select(AwardType).where(AwardType.authority_id == authority.id))}

    def user(field: str, username: str, role: Role, unit: Unit) -> User:
        return make_user(prefix + username, role, unit, names.get(field))

    return World(
        authority=authority, unit_a=unit_a, unit_b=unit_b, home_affairs=home,
        officer_a=user("officer_a", "officer.a", Role.UNIT_OFFICER, unit_a),
        head_a=user("head_a", "head.a", Role.UNIT_HEAD, unit_a),
        officer_b=user("officer_b", "officer.b", Role.UNIT_OFFICER, unit_b),
        head_b=user("head_b", "head.b", Role.UNIT_HEAD, unit_b),
        secretariat=user("secretariat", "secretariat", Role.SECRETARIAT, home),
        committee=user("committee", "committee", Role.COMMITTEE_MEMBER, home),
        chairman=user("chairman", "chairman", Role.CHAIRMAN, home),
        vice=user("vice", "vice", Role.VICE_CHAIRMAN, home),
        admin=user("admin", "admin", Role.ADMIN, home),
        campaign=campaign, phase=phase, awards=awards,
    )


DEFAULT_TITLE = "Đề nghị tặng Giấy khen Đợt 1"
DEFAULT_NOMINEES = (
    ("Nguyễn Văn Út", "Nông dân", "Ấp Cây Da", Gender.MALE, PriorityGroup.FARMER),
    ("Trần Thị Bích Ngọc", "Công chức", "UBND xã Long Hữu", Gender.FEMALE, PriorityGroup.NONE),
)


#: The year a title proposal is for: the factory's phase (01/08/2021 – 31/12/2021) is in it.
TITLE_YEAR = 2021


def make_proposal(world: World, *, state: ProposalState = ProposalState.DRAFT,
                  unit: str = "a", award: str = "GK_CN", nominees=DEFAULT_NOMINEES,
                  title: str = DEFAULT_TITLE) -> Proposal:  # noqa: ANN001
    """A proposal of unit a (or b) driven through the real workflow to `state`."""
    officer, head = (world.officer_a, world.head_a) if unit == "a" else (world.officer_b,
                                                                          world.head_b)
    award_type = world.awards[award]
    proposal = ops.create_proposal(officer, ops.ProposalData(
        title=title, achievement="đã có thành tích xuất sắc trong phong trào thi đua",
        campaign=world.campaign, award_type=award_type, phase=world.phase,
        achievement_year=TITLE_YEAR if award_type.is_title else None))
    for name, position, place, gender, group in nominees:
        ops.add_nominee(officer, proposal, ops.NomineeData(
            kind=award_type.subject, name=name, position=position, unit_or_address=place,
            gender=gender, priority_group=group))
    ops.add_attachment(officer, proposal, AttachmentKind.PROPOSAL_LETTER, "to-trinh.pdf",
                       io.BytesIO(PDF_BYTES))
    drive(world, proposal, state)
    db.session.flush()
    return proposal


def drive(world: World, proposal: Proposal, state: ProposalState) -> None:
    """Move a draft along the usual path until it reaches `state`."""
    head = world.head_a if proposal.unit_id == world.unit_a.id else world.head_b
    S = ProposalState
    if state == S.DRAFT:
        return
    if state == S.WITHDRAWN:
        ops.withdraw_proposal(proposal, head)
        return
    ops.submit_proposal(proposal, head)
    if state == S.SUBMITTED:
        return
    if state == S.RETURNED:
        ops.return_proposal(proposal, world.secretariat, comment="Bổ sung biên bản họp.")
        return
    ops.accept_proposal(proposal, world.secretariat)
    if state == S.UNDER_REVIEW:
        return
    ops.forward_proposal(proposal, world.secretariat, comment="Đủ điều kiện.")
    if state == S.IN_COMMITTEE:
        return
    ops.conclude_review(proposal, world.committee,
                        {n.id: NomineeOutcome.RECOMMENDED for n in proposal.nominees})
    if state == S.AWAITING_DECISION:
        return
    if state == S.REJECTED:
        ops.reject_proposal(proposal, world.chairman, comment="Chưa đủ tiêu chuẩn.")
        return
    if state == S.DECIDED:
        ops.approve_proposal(proposal, world.chairman)
        return
    raise ValueError(state)


def decided_with_one_deferred(world: World, unit: str = "a",
                              title: str = DEFAULT_TITLE) -> Proposal:
    """A decided proposal (committed) of two nominees: the farmer recommended and awarded,
    the officer deferred by the committee."""
    proposal = make_proposal(world, state=ProposalState.IN_COMMITTEE, unit=unit, title=title)
    farmer, officer = proposal.nominees
    ops.conclude_review(proposal, world.committee, {farmer.id: NomineeOutcome.RECOMMENDED,
                                                   officer.id: NomineeOutcome.DEFERRED})
    ops.approve_proposal(proposal, world.chairman)
    db.session.commit()
    return proposal
