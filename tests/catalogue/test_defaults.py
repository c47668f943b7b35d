"""A new authority's defaults: the catalogue named after it and its parent, and decision texts
complete enough to issue a decision (the admin adapts them on "Cơ quan ban hành")."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from award_flow.auth.roles import Role
from award_flow.catalogue.defaults import (
    DEFAULT_COEFFICIENTS_SOURCE,
    DEFAULT_LEGAL_BASES,
    install_defaults,
    locality_of,
)
from award_flow.catalogue.models import AwardType, applied_coefficient, bonus_amount
from award_flow.core.errors import ValidationError
from award_flow.extensions import db
from award_flow.org.models import Authority, AuthorityLevel, UnitKind
from award_flow.org.operations import AuthorityData, create_authority, save_unit, update_authority
from tests.factories import make_user

LONG_HUU = {"name": "Ủy ban nhân dân xã Long Hữu", "place_name": "Long Hữu",
            "level": AuthorityLevel.COMMUNE, "parent_name": "Ủy ban nhân dân tỉnh Vĩnh Long"}


def test_a_new_authority_has_every_text_a_decision_prints():
    authority = create_authority(**LONG_HUU)

    assert authority.missing_decision_texts == []
    assert authority.header_parent is None  # a People's Committee: no line above its name
    assert authority.decision_legal_bases.splitlines() == [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025",
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
        # Its date is still to be checked: cited without one.
        "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết một số điều của "
        "Luật Thi đua, khen thưởng",
    ]
    assert authority.decision_proposer == "Trưởng phòng Văn hóa - Xã hội xã Long Hữu"
    assert authority.decision_executors.splitlines() == [
        "Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã Long Hữu",
        "Trưởng phòng Văn hóa - Xã hội xã Long Hữu",
        "Thủ trưởng các cơ quan, đơn vị có liên quan và các tập thể, cá nhân có tên tại Điều 1",
    ]
    assert authority.bonus_fund == "Quỹ thi đua, khen thưởng của xã Long Hữu"
    # Filed by the clerk's office and the commune's Phòng Văn hóa - Xã hội, which drafted it.
    assert authority.decision_recipients.splitlines() == ["Như Điều 3", "Lưu: VT, VHXH"]


@pytest.mark.parametrize(("level", "name", "proposer", "office", "filed_with"), [
    (AuthorityLevel.DISTRICT, "Ủy ban nhân dân thị xã Duyên Hải",
     "Trưởng phòng Nội vụ thị xã Duyên Hải",
     "Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân thị xã Duyên Hải", "Lưu: VT, NV"),
    (AuthorityLevel.PROVINCE, "Ủy ban nhân dân tỉnh Vĩnh Long", "Giám đốc Sở Nội vụ",
     "Chánh Văn phòng Ủy ban nhân dân tỉnh Vĩnh Long", "Lưu: VT, SNV"),
])
def test_the_default_proposer_executors_and_filing_follow_the_level(level, name, proposer,
                                                                     office, filed_with):
    authority = create_authority(name=name, place_name="X", level=level,
                                 parent_name="Cơ quan cấp trên")
    assert authority.decision_proposer == proposer
    assert authority.decision_executors.splitlines()[:2] == [office, proposer]
    assert authority.decision_recipients.splitlines()[-1] == filed_with


def test_the_demo_cites_the_same_decree_as_the_defaults():
    from award_flow.demo import LEGAL_BASES

    assert LEGAL_BASES.splitlines()[:len(DEFAULT_LEGAL_BASES)] == list(DEFAULT_LEGAL_BASES)


def test_a_header_parent_is_kept_apart_from_the_parent_of_the_awards():
    authority = create_authority(**LONG_HUU, header_parent="  UBND tỉnh Vĩnh Long ")
    assert authority.header_parent == "UBND tỉnh Vĩnh Long"
    names = set(db.session.scalars(select(AwardType.name)))
    assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Vĩnh Long" in names


@pytest.mark.parametrize("parent", [None, "", "   "])
def test_the_awards_of_the_parent_are_named_after_it_so_it_is_required(parent):
    with pytest.raises(ValidationError, match="Cần nhập cơ quan cấp trên"):
        create_authority(**{**LONG_HUU, "parent_name": parent})
    assert db.session.scalar(select(func.count(Authority.id))) == 0

    # No generic stand-in either when the catalogue is installed for an existing authority.
    authority = Authority(name="Ủy ban nhân dân xã A", place_name="A",
                          level=AuthorityLevel.COMMUNE, parent_name=parent or None)
    db.session.add(authority)
    db.session.flush()
    with pytest.raises(ValidationError, match="Cần nhập cơ quan cấp trên"):
        install_defaults(authority)
    assert db.session.scalar(select(func.count(AwardType.id))) == 0


@pytest.mark.parametrize(("name", "locality"), [
    ("Ủy ban nhân dân thị xã Duyên Hải", "thị xã Duyên Hải"),
    ("ỦY BAN NHÂN DÂN  xã Long Hữu", "xã Long Hữu"),
    ("UBND phường 1", "phường 1"),
    ("Hội đồng Thi đua - Khen thưởng", "Hội đồng Thi đua - Khen thưởng"),
])
def test_the_locality_is_the_name_without_the_kind_of_body(name, locality):
    assert locality_of(name) == locality


#: ../shared/domain/RULES.md "Award catalogue", as a new authority gets it: code → (category,
#: subject, conferred by, coefficient, or (entry, multiple) for one paid a multiple of another's
#: bonus). "BK_TINH" (individual / collective) is two rows, one per subject, since a row's
#: coefficient is one number; its individual coefficient and GK_CN's are marked unverified in
#: RULES.md and in the rows' notes.
RULES_CATALOGUE = {
    "LDTT": ("title", "individual", "self", "0.3"),
    "CSTDCS": ("title", "individual", "self", "1.0"),
    "TTLDTT": ("title", "collective", "self", "0.8"),
    "GK_CN": ("form", "individual", "self", "0.3"),
    "GK_TT": ("form", "collective", "self", "0.6"),
    "GK_HGD": ("form", "household", "self", ("GK_CN", "1.5")),  # "1.5 × individual"
    "TDPVH": ("title", "collective", "self", "1.5"),
    "BK_TINH_CN": ("form", "individual", "parent", "1.0"),
    "BK_TINH_TT": ("form", "collective", "parent", "3.0"),
    "TTLDXS": ("title", "collective", "parent", "1.5"),
    "CSTD_TINH": ("title", "individual", "parent", "3.0"),
}


def _coefficients_today(authority) -> dict[str, Decimal]:  # noqa: ANN001
    return {a.code: a.coefficient_on(date.today()).coefficient for a in db.session.scalars(
        select(AwardType).where(AwardType.authority_id == authority.id))}


def _payment(award: AwardType):  # noqa: ANN202
    of = award.bonus_multiple_of.code if award.bonus_multiple_of is not None else None
    return of, [(c.value, c.effective_from, c.source) for c in award.coefficients]


def _expected_payment(coefficient):  # noqa: ANN001, ANN202
    # One coefficient (or a multiple of another entry's bonus), in force since the Law of
    # 2022, saying where it comes from.
    of, value = coefficient if isinstance(coefficient, tuple) else (None, coefficient)
    return of, [(Decimal(value), date(2024, 1, 1), DEFAULT_COEFFICIENTS_SOURCE)]


def test_a_new_authority_gets_the_catalogue_of_the_rules():
    authority = create_authority(**LONG_HUU)
    rows = db.session.scalars(select(AwardType).where(AwardType.authority_id == authority.id))
    got = {a.code: (a.category.value, a.subject.value, a.conferred_by.value, *_payment(a))
           for a in rows}
    assert got == {code: (*row[:3], *_expected_payment(row[3]))
                   for code, row in RULES_CATALOGUE.items()}
    assert "Nghị định 152/2025/NĐ-CP" in DEFAULT_COEFFICIENTS_SOURCE


def test_a_household_gets_one_and_a_half_times_what_a_person_gets_whatever_its_coefficient():
    """RULES.md: GK_HGD is "1.5 × individual": it reads GK_CN's coefficient of the day."""
    authority = create_authority(**LONG_HUU)
    coefficient = _coefficients_today(authority)
    assert coefficient["GK_HGD"] == coefficient["GK_CN"]
    household = db.session.scalars(select(AwardType).where(
        AwardType.authority_id == authority.id, AwardType.code == "GK_HGD")).one()
    assert household.multiple_on(date.today()) == Decimal("1.5")
    assert household.paid_by.code == "GK_CN"


@pytest.mark.parametrize(("coefficient", "base_salary", "amount"), [
    ("0.3", 2_340_000, 702_000),       # Giấy khen, a person
    ("0.75", 2_340_000, 1_755_000),
    ("3.0", 2_340_000, 7_020_000),
    ("0.15", 2_340_003, 351_000),      # 351.000,45 → down
    ("0.5", 2_340_003, 1_170_002),     # 1.170.001,5 → half up, in whole đồng
    ("0", 2_340_000, 0),
])
def test_bonus_is_the_coefficient_times_the_base_salary_in_whole_dong(coefficient, base_salary,
                                                                      amount):
    assert bonus_amount(Decimal(coefficient), Decimal(base_salary)) == amount


@pytest.mark.parametrize(("coefficient", "base_salary", "rounding", "multiple", "amount"), [
    ("0.3", 2_340_000, 1, "1.5", 1_053_000),        # a household's Giấy khen: 1,5 × 702.000
    ("0.3", 2_340_000, 10_000, "1.5", 1_070_000),   # 1,5 × 710.000 = 1.065.000 → up
    ("0.3", 2_340_000, 1_000, "1.5", 1_053_000),    # 1,5 × 702.000, already a multiple
    ("0.35", 2_340_000, 1, "1.5", 1_228_500),       # the individual's coefficient changed
    ("0.3", 2_340_001, 1, "1.5", 1_053_000),        # 702.000,3 → 702.000, then × 1,5
    ("0.5", 2_340_003, 1, "1.5", 1_755_003),        # 1.170.002 × 1,5
    ("0.3", 2_340_000, 1, "2", 1_404_000),
])
def test_a_multiple_of_another_entry_is_that_bonus_as_paid_times_the_multiple_rounded_alike(
        coefficient, base_salary, rounding, multiple, amount):
    assert bonus_amount(Decimal(coefficient), Decimal(base_salary), rounding,
                        Decimal(multiple)) == amount


@pytest.mark.parametrize(("coefficient", "multiple", "recorded"), [
    ("0.3", None, "0.3"),
    ("0.3", "1.5", "0.45"),
    ("0.333", "1.5", "0.5"),        # 0,4995 → half up to three decimals
    ("1.001", "1.25", "1.251"),     # 1,25125
])
def test_an_award_records_the_coefficient_times_the_multiple(coefficient, multiple, recorded):
    assert applied_coefficient(Decimal(coefficient),
                               None if multiple is None else Decimal(multiple)) \
        == Decimal(recorded)


@pytest.mark.parametrize(("coefficient", "base_salary", "rounding", "amount"), [
    ("0.3", 2_340_000, 1, 702_000),           # the default: to the đồng
    ("0.3", 2_340_000, 10_000, 710_000),      # "làm tròn số lên hàng chục nghìn đồng"
    ("1.0", 2_340_000, 10_000, 2_340_000),    # already a multiple: kept
    ("0.8", 1_390_000, 10_000, 1_120_000),    # 1.112.000, the Central Board's 2018 example
    ("0.6", 1_390_000, 10_000, 840_000),      # 834.000, the same answer
    ("0.5", 2_340_003, 1_000, 1_171_000),     # 1.170.001,5 → 1.170.002 → up to 1.171.000
    ("0", 2_340_000, 10_000, 0),
])
def test_a_bonus_is_rounded_up_to_the_multiple_in_force(coefficient, base_salary, rounding,
                                                       amount):
    assert bonus_amount(Decimal(coefficient), Decimal(base_salary), rounding) == amount


# --- a province decides what districts and communes forward to it ---------------------------

VINH_LONG = {"name": "Ủy ban nhân dân tỉnh Vĩnh Long", "place_name": "Vĩnh Long",
             "level": AuthorityLevel.PROVINCE}

#: code → (printed name, who confers it, coefficient) of a new province's catalogue: the
#: entries RULES.md's catalogue forwards to the province, conferred by the province itself.
PROVINCE_CATALOGUE = {
    "BK_TINH_CN": ("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Vĩnh Long", "self", "1.0"),
    "BK_TINH_TT": ("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Vĩnh Long", "self", "3.0"),
    "TTLDXS": ("Tập thể lao động xuất sắc", "self", "1.5"),
    "CSTD_TINH": ("Chiến sĩ thi đua cấp tỉnh", "self", "3.0"),
}


def test_a_province_confers_the_provincial_awards_and_needs_no_parent():
    authority = create_authority(**VINH_LONG)
    catalogue = {a.code: (a.name, a.conferred_by.value,
                          str(a.coefficient_on(date(2026, 1, 1)).coefficient))
                 for a in db.session.scalars(select(AwardType).where(
                     AwardType.authority_id == authority.id))}
    assert catalogue == PROVINCE_CATALOGUE


def test_a_province_renamed_renames_its_bang_khen():
    authority = create_authority(**VINH_LONG)
    admin = make_user("admin", Role.ADMIN, save_unit(None, authority, "Văn phòng UBND tỉnh",
                                                       UnitKind.AGENCY))
    data = AuthorityData(**{field: getattr(authority, field) for field in
                            AuthorityData.__dataclass_fields__})
    update_authority(admin, authority, replace(data, name="Ủy ban nhân dân tỉnh Vĩnh Long mới"))
    names = {award.name for award in db.session.scalars(select(AwardType).where(
        AwardType.authority_id == authority.id)) if award.code.startswith("BK_")}
    assert names == {"Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Vĩnh Long mới"}
