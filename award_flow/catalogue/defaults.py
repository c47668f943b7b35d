"""Default catalogue, settings and decision texts of a new People's Committee, by its level.

Loaded once per authority as data (RULES.md "Award catalogue"); admins change the rows, not
this file. Sources are kept in the notes so a reviewer can check them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from award_flow.catalogue.models import (
    BASE_SALARY,
    AwardCategory,
    AwardCoefficient,
    AwardType,
    ConferredBy,
    NomineeKind,
    Setting,
)
from award_flow.core.errors import ValidationError
from award_flow.core.text import nfc
from award_flow.extensions import db
from award_flow.org.models import Authority, AuthorityLevel

T, F = AwardCategory.TITLE, AwardCategory.FORM
I, C, H = NomineeKind.INDIVIDUAL, NomineeKind.COLLECTIVE, NomineeKind.HOUSEHOLD  # noqa: E741 - the table's columns
SELF, PARENT = ConferredBy.SELF, ConferredBy.PARENT

# code, printed name, category, subject, conferred by, coefficient (None: paid a multiple of
# another entry's bonus, DEFAULT_BONUS_MULTIPLES), notes.  In a printed name,
# "{issuer}" stands for the authority's name and "{parent}" for its parent's, so that a
# certificate or a decision says whose Giấy khen it is ("… Ủy ban nhân dân thị xã Duyên Hải").
DEFAULT_AWARD_TYPES: tuple[tuple[str, str, AwardCategory, NomineeKind, ConferredBy, str | None,
                                str], ...] = (
    ("LDTT", "Lao động tiên tiến", T, I, SELF, "0.3", "Nghị định 152/2025/NĐ-CP Điều 50-54"),
    ("CSTDCS", "Chiến sĩ thi đua cơ sở", T, I, SELF, "1.0",
     "Cần Lao động tiên tiến cùng năm và sáng kiến/đề tài/hoàn thành xuất sắc (Luật 2022 Điều 23)"),
    ("TTLDTT", "Tập thể lao động tiên tiến", T, C, SELF, "0.8", ""),
    ("GK_CN", "Giấy khen của Chủ tịch {issuer}", F, I, SELF, "0.3", "chưa kiểm chứng"),
    ("GK_TT", "Giấy khen của Chủ tịch {issuer}", F, C, SELF, "0.6", ""),
    ("GK_HGD", "Giấy khen của Chủ tịch {issuer}", F, H, SELF, None,
     "Hộ gia đình: 1,5 lần mức của cá nhân"),
    ("TDPVH", "Thôn, tổ dân phố văn hóa", T, C, SELF, "1.5", ""),
    ("BK_TINH_CN", "Bằng khen của Chủ tịch {parent}", F, I, PARENT, "1.0",
     "Trình tỉnh quyết định; hệ số cá nhân chưa kiểm chứng"),
    ("BK_TINH_TT", "Bằng khen của Chủ tịch {parent}", F, C, PARENT, "3.0",
     "Trình tỉnh quyết định"),
    ("TTLDXS", "Tập thể lao động xuất sắc", T, C, PARENT, "1.5", "Trình tỉnh quyết định"),
    ("CSTD_TINH", "Chiến sĩ thi đua cấp tỉnh", T, I, PARENT, "3.0",
     "Trình tỉnh quyết định; Hội đồng biểu quyết ≥ 90%"),
)
#: code → (the code of the entry whose bonus it is a multiple of, the multiple): RULES.md
#: "households get 1.5 × the individual amount".
DEFAULT_BONUS_MULTIPLES = {"GK_HGD": ("GK_CN", Decimal("1.5"))}
#: A province-level People's Committee decides what a district or a commune forwards to the
#: province (RULES.md's catalogue, "forwarded to the province"), named after itself. RULES.md
#: gives no more for a province (what it forwards to the central level has no coefficients
#: there): its admin adds the rest on "Danh mục khen thưởng".
PROVINCE_AWARD_TYPES: tuple[tuple[str, str, AwardCategory, NomineeKind, ConferredBy, str, str],
                            ...] = (
    ("BK_TINH_CN", "Bằng khen của Chủ tịch {issuer}", F, I, SELF, "1.0",
     "Hệ số cá nhân chưa kiểm chứng"),
    ("BK_TINH_TT", "Bằng khen của Chủ tịch {issuer}", F, C, SELF, "3.0", ""),
    ("TTLDXS", "Tập thể lao động xuất sắc", T, C, SELF, "1.5", ""),
    ("CSTD_TINH", "Chiến sĩ thi đua cấp tỉnh", T, I, SELF, "3.0", "Hội đồng biểu quyết ≥ 90%"),
)


def default_award_types(level: AuthorityLevel) -> tuple[tuple, ...]:
    """The catalogue an authority of `level` starts with."""
    return PROVINCE_AWARD_TYPES if level == AuthorityLevel.PROVINCE else DEFAULT_AWARD_TYPES


def needs_parent(level: AuthorityLevel) -> bool:
    """Does the default catalogue of `level` name the superior body (what it forwards)?"""
    return any("{parent}" in name for _code, name, *_rest in default_award_types(level))

#: The default coefficients are in force from the day the Law on Emulation and Commendation
#: 2022 took effect (RULES.md "Legal frame"), which the catalogue above follows; an
#: authority records a coefficient a later rule changes from that rule's day.
DEFAULT_COEFFICIENTS_FROM = date(2024, 1, 1)
DEFAULT_COEFFICIENTS_SOURCE = ("Luật Thi đua, khen thưởng 2022 (hiệu lực 01/01/2024); "
                               "hệ số theo Nghị định 152/2025/NĐ-CP, Điều 50-54")

# key, value, effective from, source
DEFAULT_SETTINGS: tuple[tuple[str, str, date, str], ...] = (
    (BASE_SALARY, "2340000", date(2024, 7, 1), "Nghị định 73/2024/NĐ-CP, Điều 3"),
)


#: What a new authority's decisions print until its admin edits them ("Cơ quan ban hành"):
#: the laws every award decision cites (Decree 152/2025's date is still to be checked, so it is
#: cited without one), the proposer of "Theo đề nghị của …", who executes a decision (Điều 3),
#: the fund its bonuses are paid from (Điều 2) and the distribution list. "{locality}" stands
#: for the authority's name without "Ủy ban nhân dân" ("thị xã Duyên Hải"), "{office}" and
#: "{proposer}" for the texts of the authority's level below.
DEFAULT_LEGAL_BASES = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025",
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
    "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết một số điều của "
    "Luật Thi đua, khen thưởng",
)
#: The body in charge of emulation and commendation, by level: the home-affairs office of a
#: district, the culture and society office of a commune since 07/2025 (chưa kiểm chứng).
DEFAULT_PROPOSERS = {
    AuthorityLevel.PROVINCE: "Giám đốc Sở Nội vụ",
    AuthorityLevel.DISTRICT: "Trưởng phòng Nội vụ {locality}",
    AuthorityLevel.COMMUNE: "Trưởng phòng Văn hóa - Xã hội {locality}",
}
#: The same body as the pages name it (buttons such as "Chuyển lại …", the secretariat's role),
#: by level: the admin writes the local name on "Cơ quan ban hành" (Duyên Hải's is "Cơ quan Tổ
#: chức - Nội vụ").
DEFAULT_SECRETARIATS = {
    AuthorityLevel.PROVINCE: "Sở Nội vụ",
    AuthorityLevel.DISTRICT: "Phòng Nội vụ",
    AuthorityLevel.COMMUNE: "Phòng Văn hóa - Xã hội",
}
#: The head of the People's Committee's office, by level.
DEFAULT_OFFICES = {
    AuthorityLevel.PROVINCE: "Chánh Văn phòng Ủy ban nhân dân {locality}",
    AuthorityLevel.DISTRICT: "Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {locality}",
    AuthorityLevel.COMMUNE: "Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {locality}",
}
DEFAULT_EXECUTORS = (
    "{office}",
    "{proposer}",
    "Thủ trưởng các cơ quan, đơn vị có liên quan và các tập thể, cá nhân có tên tại Điều 1",
)
DEFAULT_BONUS_FUND = "Quỹ thi đua, khen thưởng của {locality}"
DEFAULT_RECIPIENTS = ("Như Điều 3", "{filed_with}")
#: The last line of "Nơi nhận" (Decree 30): the copy kept by the clerk's office (VT) and by the
#: body that drafted the decision, the secretariat of its level (DEFAULT_SECRETARIATS).
DEFAULT_FILED_WITH = {
    AuthorityLevel.PROVINCE: "Lưu: VT, SNV",
    AuthorityLevel.DISTRICT: "Lưu: VT, NV",
    AuthorityLevel.COMMUNE: "Lưu: VT, VHXH",
}

#: What the names of administrative bodies start with; the rest is the locality.
_BODY_PREFIXES = ("ủy ban nhân dân ", "uỷ ban nhân dân ", "ubnd ")


def locality_of(name: str) -> str:
    """The place a body's name ends with: "thị xã Duyên Hải" for "Ủy ban nhân dân thị xã
    Duyên Hải" (a name of another kind is kept whole)."""
    name = " ".join((nfc(name) or "").split())
    for prefix in _BODY_PREFIXES:
        if name.lower().startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix):]
    return name


def default_decision_texts(name: str, level: AuthorityLevel) -> dict[str, str]:
    """The decision texts a new authority starts with (Authority columns → values)."""
    locality = locality_of(name)
    proposer = DEFAULT_PROPOSERS[level].format(locality=locality)
    office = DEFAULT_OFFICES[level].format(locality=locality)
    return {
        "decision_legal_bases": "\n".join(DEFAULT_LEGAL_BASES),
        "decision_proposer": proposer,
        "decision_executors": "\n".join(
            line.format(locality=locality, office=office, proposer=proposer)
            for line in DEFAULT_EXECUTORS),
        "bonus_fund": DEFAULT_BONUS_FUND.format(locality=locality),
        "decision_recipients": "\n".join(
            line.format(filed_with=DEFAULT_FILED_WITH[level]) for line in DEFAULT_RECIPIENTS),
    }


def _default_names(authority_name: str, parent_name: str | None,
                   level: AuthorityLevel) -> dict[str, str]:
    """Catalogue code → its default printed name for an authority and parent of these names
    (without the entries naming the parent when there is none)."""
    names = {"issuer": authority_name, "parent": parent_name}
    return {code: name.format(**names) for code, name, *_rest in default_award_types(level)
            if parent_name or "{parent}" not in name}


def require_parent_name(parent_name: str | None, level: AuthorityLevel) -> None:
    # The entries the superior body confers are named after it: no generic stand-in.
    if needs_parent(level) and not (parent_name or "").strip():
        raise ValidationError(_("Cần nhập cơ quan cấp trên: tên các hình thức khen thưởng "
                                "của cấp trên được ghi theo cơ quan này."))


def install_defaults(authority: Authority) -> None:
    """Give an authority the default catalogue and settings (rows it does not have yet)."""
    require_parent_name(authority.parent_name, authority.level)
    have = set(db.session.scalars(
        select(AwardType.code).where(AwardType.authority_id == authority.id)))
    names = _default_names(authority.name, authority.parent_name, authority.level)
    added = {}
    for code, _name, category, subject, conferred_by, coefficient, notes in \
            default_award_types(authority.level):
        if code not in have:
            added[code] = AwardType(
                authority=authority, code=code, name=names[code], category=category,
                subject=subject, conferred_by=conferred_by, notes=notes,
                coefficients=[] if coefficient is None else [AwardCoefficient(
                    coefficient=Decimal(coefficient), effective_from=DEFAULT_COEFFICIENTS_FROM,
                    source=DEFAULT_COEFFICIENTS_SOURCE)])
            db.session.add(added[code])
    for code, award in added.items():
        if code in DEFAULT_BONUS_MULTIPLES:
            base_code, multiple = DEFAULT_BONUS_MULTIPLES[code]
            award.bonus_multiple_of = added.get(base_code) or db.session.scalars(select(
                AwardType).where(AwardType.authority_id == authority.id,
                                 AwardType.code == base_code)).one()
            award.coefficients = [AwardCoefficient(
                multiple=multiple, effective_from=DEFAULT_COEFFICIENTS_FROM,
                source=DEFAULT_COEFFICIENTS_SOURCE)]
    have_settings = set(db.session.execute(
        select(Setting.key, Setting.effective_from).where(Setting.authority_id == authority.id)
    ).tuples())
    for key, value, effective_from, source in DEFAULT_SETTINGS:
        if (key, effective_from) not in have_settings:
            db.session.add(Setting(authority=authority, key=key, value=value,
                                   effective_from=effective_from, source=source))
    db.session.flush()


def rename_default_awards(authority: Authority, old_name: str,
                          old_parent: str | None) -> list[str]:
    """After the authority or its parent is renamed: the catalogue entries still printed with
    their default name for the old names take the default for the new ones; a name an admin
    edited stays. Returns the codes renamed."""
    old = _default_names(old_name, old_parent, authority.level)
    new = _default_names(authority.name, authority.parent_name, authority.level)
    renamed = []
    for award in db.session.scalars(
            select(AwardType).where(AwardType.authority_id == authority.id,
                                    AwardType.code.in_(list(old))).order_by(AwardType.code)):
        target = new.get(award.code)
        if target and award.name == old[award.code] and award.name != target:
            award.name = target
            renamed.append(award.code)
    db.session.flush()
    return renamed
