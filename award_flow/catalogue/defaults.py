"""Default catalogue and settings for a district- or commune-level People's Committee.

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
I, C, H = NomineeKind.INDIVIDUAL, NomineeKind.COLLECTIVE, NomineeKind.HOUSEHOLD
SELF, PARENT = ConferredBy.SELF, ConferredBy.PARENT

# code, printed name, category, subject, conferred by, coefficient, notes.  In a printed name,
# "{issuer}" stands for the authority's name and "{parent}" for its parent's, so that a
# certificate or a decision says whose Giấy khen it is ("… Ủy ban nhân dân thị xã Duyên Hải").
DEFAULT_AWARD_TYPES: tuple[tuple[str, str, AwardCategory, NomineeKind, ConferredBy, str, str], ...] = (
    ("LDTT", "Lao động tiên tiến", T, I, SELF, "0.3", "Nghị định 152/2025/NĐ-CP Điều 50-54"),
    ("CSTDCS", "Chiến sĩ thi đua cơ sở", T, I, SELF, "1.0",
     "Cần Lao động tiên tiến cùng năm và sáng kiến/đề tài/hoàn thành xuất sắc (Luật 2022 Điều 23)"),
    ("TTLDTT", "Tập thể lao động tiên tiến", T, C, SELF, "0.8", ""),
    ("GK_CN", "Giấy khen của Chủ tịch {issuer}", F, I, SELF, "0.3", "chưa kiểm chứng"),
    ("GK_TT", "Giấy khen của Chủ tịch {issuer}", F, C, SELF, "0.6", ""),
    ("GK_HGD", "Giấy khen của Chủ tịch {issuer}", F, H, SELF, "0.45",
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

# key, value, effective from, source
DEFAULT_SETTINGS: tuple[tuple[str, str, date, str], ...] = (
    (BASE_SALARY, "2340000", date(2024, 7, 1), "Nghị định 73/2024/NĐ-CP, Điều 3"),
)


#: What a new authority's decisions print until its admin edits it ("Cơ quan ban hành"):
#: the laws every award decision cites, and the distribution list's last line.
DEFAULT_LEGAL_BASES = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025",
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
)
DEFAULT_RECIPIENTS = ("Như Điều 3", "Lưu: VT, NV")


def create_authority(*, name: str, place_name: str, level: AuthorityLevel,
                     parent_name: str | None = None, issuer_code: str = "UBND") -> Authority:
    """A new issuing People's Committee with the default catalogue and settings."""
    name, place_name = nfc(name), nfc(place_name)
    if not (name and place_name and nfc(issuer_code)):
        raise ValidationError(_("Cần nhập tên cơ quan, địa danh và ký hiệu cơ quan ban hành."))
    if db.session.scalar(select(Authority.id).where(Authority.name == name)):
        raise ValidationError(_("Đã có cơ quan khác mang tên này."))
    authority = Authority(
        name=name, place_name=place_name, level=level, parent_name=nfc(parent_name) or None,
        issuer_code=nfc(issuer_code), decision_legal_bases="\n".join(DEFAULT_LEGAL_BASES),
        decision_recipients="\n".join(DEFAULT_RECIPIENTS))
    db.session.add(authority)
    db.session.flush()
    install_defaults(authority)
    return authority


def install_defaults(authority: Authority) -> None:
    """Give an authority the default catalogue and settings (rows it does not have yet)."""
    have = set(db.session.scalars(
        select(AwardType.code).where(AwardType.authority_id == authority.id)))
    names = {"issuer": authority.name,
             "parent": authority.parent_name or "Ủy ban nhân dân tỉnh"}
    for code, name, category, subject, conferred_by, coefficient, notes in DEFAULT_AWARD_TYPES:
        if code not in have:
            db.session.add(AwardType(
                authority=authority, code=code, name=name.format(**names), category=category,
                subject=subject,
                conferred_by=conferred_by, coefficient=Decimal(coefficient), notes=notes))
    have_settings = set(db.session.execute(
        select(Setting.key, Setting.effective_from).where(Setting.authority_id == authority.id)
    ).tuples())
    for key, value, effective_from, source in DEFAULT_SETTINGS:
        if (key, effective_from) not in have_settings:
            db.session.add(Setting(authority=authority, key=key, value=value,
                                   effective_from=effective_from, source=source))
    db.session.flush()
