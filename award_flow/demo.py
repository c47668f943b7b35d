"""Demo data: Duyên Hải town's plan (../shared/seed), one account per role, proposals in every
state. Built through the real operations, so the audit trail and the decision are real too."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import func, select

from award_flow.auth.models import User
from award_flow.auth.passwords import verify_password
from award_flow.auth.roles import Role
from award_flow.campaigns.models import Campaign, CampaignKind, Phase
from award_flow.catalogue.defaults import DEFAULT_LEGAL_BASES, install_defaults
from award_flow.catalogue.models import AwardType, NomineeKind
from award_flow.extensions import db
from award_flow.org.models import Authority, AuthorityLevel, UnitKind
from award_flow.org.operations import save_unit, save_user
from award_flow.proposals import operations as ops
from award_flow.proposals.models import (
    AttachmentKind,
    Gender,
    NomineeOutcome,
    PriorityGroup,
    Proposal,
)

DEMO_PASSWORD = "demo-password-2026"

HOME_AFFAIRS = "Cơ quan Tổ chức - Nội vụ thị xã"
OFFICE = "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân thị xã"

UNITS: tuple[tuple[str, UnitKind], ...] = (
    ("Phường 1", UnitKind.WARD),
    ("Phường 2", UnitKind.WARD),
    ("Xã Long Toàn", UnitKind.COMMUNE),
    ("Xã Long Hữu", UnitKind.COMMUNE),
    ("Xã Hiệp Thạnh", UnitKind.COMMUNE),
    ("Xã Dân Thành", UnitKind.COMMUNE),
    ("Xã Trường Long Hòa", UnitKind.COMMUNE),
    (HOME_AFFAIRS, UnitKind.AGENCY),
    (OFFICE, UnitKind.AGENCY),
    ("Phòng Văn hóa và Thông tin thị xã", UnitKind.AGENCY),
    ("Trung tâm Văn hóa - Thông tin và Thể thao thị xã", UnitKind.AGENCY),
    ("Văn phòng Thị ủy", UnitKind.AGENCY),
    ("Ban Dân vận Thị ủy", UnitKind.AGENCY),
    ("Ban Tuyên giáo Thị ủy", UnitKind.AGENCY),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam thị xã", UnitKind.ORGANISATION),
)

# username, full name, role, unit
ACCOUNTS: tuple[tuple[str, str, Role, str], ...] = (
    ("admin", "Lâm Thanh Tùng", Role.ADMIN, OFFICE),
    ("canbo.longhuu", "Trần Thị Mỹ Linh", Role.UNIT_OFFICER, "Xã Long Hữu"),
    ("thutruong.longhuu", "Lê Văn Hùng", Role.UNIT_HEAD, "Xã Long Hữu"),
    ("canbo.phuong1", "Phạm Ngọc Hân", Role.UNIT_OFFICER, "Phường 1"),
    ("thutruong.phuong1", "Võ Minh Tuấn", Role.UNIT_HEAD, "Phường 1"),
    ("noivu", "Nguyễn Thị Thanh Thảo", Role.SECRETARIAT, HOME_AFFAIRS),
    ("thuongtruc", "Huỳnh Văn Phúc", Role.COMMITTEE_MEMBER, HOME_AFFAIRS),
    ("chutich", "Đặng Quốc Khánh", Role.CHAIRMAN, OFFICE),
    ("phochutich", "Thạch Thị Sa Rây", Role.VICE_CHAIRMAN, OFFICE),
)

# The default bases, then the town's own plan.
LEGAL_BASES = "\n".join((
    *DEFAULT_LEGAL_BASES,
    "Căn cứ Kế hoạch phát động thi đua thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội "
    "hằng năm và kế hoạch 5 năm (2021 - 2025) của Ủy ban nhân dân thị xã Duyên Hải",
))

CAMPAIGN = ("Phong trào thi đua thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội "
            "hằng năm và kế hoạch 5 năm (2021 - 2025)")

# A tiny but real PDF, so the demo dossier passes the content check.
SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# name, position, unit or address, gender, priority group
PEOPLE = (
    ("Nguyễn Văn Út", "Nông dân", "ấp Cây Da, xã Long Hữu", Gender.MALE, PriorityGroup.FARMER),
    ("Thạch Thị Ánh", "Công nhân", "Nhà máy chế biến thủy sản, xã Long Toàn", Gender.FEMALE,
     PriorityGroup.WORKER),
    ("Lâm Văn Đức", "Chiến sĩ dân quân thường trực", "Ban Chỉ huy Quân sự xã Long Hữu",
     Gender.MALE, PriorityGroup.SOLDIER),
    ("Trần Thị Bích Ngọc", "Công chức Văn phòng - Thống kê", "Ủy ban nhân dân xã Long Hữu",
     Gender.FEMALE, PriorityGroup.NONE),
    ("Kim Sô Phia", "Y sĩ trạm y tế", "Trạm Y tế xã Long Hữu", Gender.FEMALE,
     PriorityGroup.DIRECT_WORKER),
    ("Phan Hoàng Nam", "Phó Chủ tịch", "Ủy ban nhân dân Phường 1", Gender.MALE, PriorityGroup.NONE),
)


def _sample_pdf() -> io.BytesIO:
    return io.BytesIO(SAMPLE_PDF)


def is_empty() -> bool:
    return not db.session.scalar(select(func.count(Authority.id)))


def _make_proposal(officer: User, head: User, campaign: Campaign, phase: Phase | None,
                   award: AwardType, title: str, people: list[tuple],
                   year: int | None = None) -> Proposal:
    proposal = ops.create_proposal(officer, ops.ProposalData(
        title=title,
        achievement=("đã có thành tích xuất sắc trong "
                     f"{campaign.name[0].lower()}{campaign.name[1:]}"),
        campaign=campaign, award_type=award, phase=phase, achievement_year=year))
    for name, position, place, gender, group in people:
        ops.add_nominee(officer, proposal, ops.NomineeData(
            kind=award.subject, name=name, position=position, unit_or_address=place,
            gender=gender if award.subject == NomineeKind.INDIVIDUAL else None,
            achievement_summary="Hoàn thành xuất sắc nhiệm vụ được giao; tích cực tham gia "
                                "phong trào thi đua của địa phương.",
            priority_group=group))
    ops.add_attachment(officer, proposal, AttachmentKind.PROPOSAL_LETTER, "To-trinh.pdf",
                       _sample_pdf())
    ops.add_attachment(officer, proposal, AttachmentKind.MEETING_MINUTES, "Bien-ban-hop.pdf",
                       _sample_pdf())
    return proposal


def load_demo() -> dict[str, User]:
    """Create the demo; returns the accounts by username."""
    # A People's Committee: no header parent (Decree 30); the province confers Bằng khen.
    authority = Authority(
        name="Ủy ban nhân dân thị xã Duyên Hải", place_name="Duyên Hải",
        parent_name="Ủy ban nhân dân tỉnh Trà Vinh", header_parent=None,
        level=AuthorityLevel.DISTRICT,
        issuer_code="UBND", secretariat_name="Cơ quan Tổ chức - Nội vụ",
        decision_legal_bases=LEGAL_BASES,
        decision_proposer="Trưởng Cơ quan Tổ chức - Nội vụ thị xã",
        decision_executors="\n".join((
            "Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân thị xã",
            "Trưởng Cơ quan Tổ chức - Nội vụ thị xã",
            "Thủ trưởng các cơ quan, đơn vị có liên quan và các tập thể, cá nhân có tên tại Điều 1",
        )),
        decision_recipients="\n".join((
            "Như Điều 3", "Ban Thi đua - Khen thưởng tỉnh", "CT và các PCT UBND thị xã",
            "Lưu: VT, NV")),
        bonus_fund="Quỹ thi đua, khen thưởng của thị xã",
    )
    db.session.add(authority)
    db.session.flush()
    install_defaults(authority)
    units = {name: save_unit(None, authority, name, kind) for name, kind in UNITS}
    users = {
        username: save_user(None, username=username, full_name=full_name, role=role,
                            unit=units[unit], password=DEMO_PASSWORD)
        for username, full_name, role, unit in ACCOUNTS
    }
    campaign = Campaign(authority=authority, name=CAMPAIGN, kind=CampaignKind.PHASED,
                        starts_on=date(2021, 8, 1), ends_on=date(2025, 12, 31))
    phase1 = Phase(campaign=campaign, name="Đợt 1", starts_on=date(2021, 8, 1),
                   ends_on=date(2021, 12, 31))
    phase2 = Phase(campaign=campaign, name="Đợt 2", starts_on=date(2022, 1, 1),
                   ends_on=date(2022, 6, 30))
    db.session.add_all([campaign, phase1, phase2])
    db.session.flush()
    awards = {a.code: a for a in db.session.scalars(
        select(AwardType).where(AwardType.authority_id == authority.id))}

    officer, head = users["canbo.longhuu"], users["thutruong.longhuu"]
    officer1, head1 = users["canbo.phuong1"], users["thutruong.phuong1"]
    secretariat, committee = users["noivu"], users["thuongtruc"]
    chairman, vice = users["chutich"], users["phochutich"]

    def make(title, people, award="GK_CN", phase=phase1,  # noqa: ANN001, ANN202
             unit=(officer, head), year=None):
        return _make_proposal(unit[0], unit[1], campaign, phase, awards[award], title, people,
                              year)

    def to_committee(p: Proposal) -> None:
        ops.submit_proposal(p, p.unit_id == head.unit_id and head or head1)
        ops.accept_proposal(p, secretariat)
        ops.forward_proposal(p, secretariat, comment="Hồ sơ đầy đủ, đúng quy định.")

    def conclude(p: Proposal) -> None:
        ops.conclude_review(p, committee, {
            n.id: NomineeOutcome.DEFERRED if i == 2 else NomineeOutcome.RECOMMENDED
            for i, n in enumerate(p.nominees)})

    make("Đề nghị tặng Giấy khen cho cá nhân có thành tích xuất sắc Đợt 2", [PEOPLE[3]],
         phase=phase2)
    p = make("Đề nghị tặng Giấy khen cho nông dân, công nhân tiêu biểu Đợt 1", list(PEOPLE[:2]))
    ops.submit_proposal(p, head)
    p = make("Đề nghị tặng Giấy khen cho cán bộ trực tiếp công tác", [PEOPLE[4], PEOPLE[3]],
             unit=(officer1, head1))
    ops.submit_proposal(p, head1)
    ops.accept_proposal(p, secretariat)
    p = make("Đề nghị tặng Giấy khen cho lực lượng vũ trang xã", [PEOPLE[2]])
    to_committee(p)
    p = make("Đề nghị tặng Giấy khen cho người lao động tiêu biểu Đợt 1", list(PEOPLE[:3]))
    to_committee(p)
    conclude(p)
    # A title is recognised for a year: the chairman's preview and the decision say "năm 2021".
    p = make("Đề nghị công nhận danh hiệu “Lao động tiên tiến” năm 2021",
             [PEOPLE[3], PEOPLE[4]], award="LDTT", year=2021)
    to_committee(p)
    conclude(p)
    p = make("Đề nghị tặng Giấy khen cho tập thể nhỏ", [
        ("Tổ tự quản ấp Cây Da", "", "Ấp Cây Da, xã Long Hữu", None,
         PriorityGroup.SMALL_COLLECTIVE)], award="GK_TT")
    to_committee(p)
    conclude(p)
    ops.approve_proposal(p, chairman)
    p = make("Đề nghị tặng Giấy khen cho cán bộ Phường 1", [PEOPLE[5]],
             unit=(officer1, head1))
    ops.submit_proposal(p, head1)
    ops.return_proposal(p, secretariat, comment="Bổ sung biên bản họp bình xét có kết quả "
                                                "bỏ phiếu.")
    p = make("Đề nghị tặng Giấy khen cho công chức xã Long Hữu", [PEOPLE[3]])
    to_committee(p)
    conclude(p)
    ops.reject_proposal(p, vice, comment="Thành tích chưa tiêu biểu trong phạm vi thị xã.")
    p = make("Đề nghị tặng Giấy khen cho nông dân sản xuất giỏi", [PEOPLE[0]])
    ops.submit_proposal(p, head)
    ops.withdraw_proposal(p, head, comment="Đơn vị đề nghị ở Đợt 2.")

    return users


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, role, unit) of the demo accounts present in the database: those of a demo
    username that still have the demo password. A real installation's own `admin`, with a
    password of its own, is not listed as having the demo's."""
    users = [user for user in db.session.scalars(
        select(User).where(User.username.in_([a[0] for a in ACCOUNTS]), User.active.is_(True)))
        if verify_password(user.password_hash, DEMO_PASSWORD)]
    order = {a[0]: i for i, a in enumerate(ACCOUNTS)}
    return [(u.username, u.role.label, u.unit.name)
            for u in sorted(users, key=lambda u: order[u.username])]
