"""Default catalogue and settings for a district- or commune-level People's Committee.

Loaded once per authority as data (RULES.md "Award catalogue"); admins change the rows, not
this file. Sources are kept in the notes so a reviewer can check them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from award_flow.catalogue.models import (
    BASE_SALARY,
    AwardCategory,
    AwardType,
    ConferredBy,
    NomineeKind,
    Setting,
)
from award_flow.extensions import db
from award_flow.org.models import Authority

T, F = AwardCategory.TITLE, AwardCategory.FORM
I, C, H = NomineeKind.INDIVIDUAL, NomineeKind.COLLECTIVE, NomineeKind.HOUSEHOLD
SELF, PARENT = ConferredBy.SELF, ConferredBy.PARENT

# code, printed name, category, subject, conferred by, coefficient, notes
DEFAULT_AWARD_TYPES: tuple[tuple[str, str, AwardCategory, NomineeKind, ConferredBy, str, str], ...] = (
    ("LDTT", "Lao động tiên tiến", T, I, SELF, "0.3", "Nghị định 152/2025/NĐ-CP Điều 50-54"),
    ("CSTDCS", "Chiến sĩ thi đua cơ sở", T, I, SELF, "1.0",
     "Cần Lao động tiên tiến cùng năm và sáng kiến/đề tài/hoàn thành xuất sắc (Luật 2022 Điều 23)"),
    ("TTLDTT", "Tập thể lao động tiên tiến", T, C, SELF, "0.8", ""),
    ("GK_CN", "Giấy khen của Chủ tịch Ủy ban nhân dân", F, I, SELF, "0.3", "chưa kiểm chứng"),
    ("GK_TT", "Giấy khen của Chủ tịch Ủy ban nhân dân", F, C, SELF, "0.6", ""),
    ("GK_HGD", "Giấy khen của Chủ tịch Ủy ban nhân dân", F, H, SELF, "0.45",
     "Hộ gia đình: 1,5 lần mức của cá nhân"),
    ("TDPVH", "Thôn, tổ dân phố văn hóa", T, C, SELF, "1.5", ""),
    ("BK_TINH_CN", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", F, I, PARENT, "1.0",
     "Trình tỉnh quyết định; hệ số cá nhân chưa kiểm chứng"),
    ("BK_TINH_TT", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", F, C, PARENT, "3.0",
     "Trình tỉnh quyết định"),
    ("TTLDXS", "Tập thể lao động xuất sắc", T, C, PARENT, "1.5", "Trình tỉnh quyết định"),
    ("CSTD_TINH", "Chiến sĩ thi đua cấp tỉnh", T, I, PARENT, "3.0",
     "Trình tỉnh quyết định; Hội đồng biểu quyết ≥ 90%"),
)

# key, value, effective from, source
DEFAULT_SETTINGS: tuple[tuple[str, str, date, str], ...] = (
    (BASE_SALARY, "2340000", date(2024, 7, 1), "Nghị định 73/2024/NĐ-CP, Điều 3"),
)


def install_defaults(authority: Authority) -> None:
    """Give an authority the default catalogue and settings (rows it does not have yet)."""
    have = set(db.session.scalars(
        select(AwardType.code).where(AwardType.authority_id == authority.id)))
    for code, name, category, subject, conferred_by, coefficient, notes in DEFAULT_AWARD_TYPES:
        if code not in have:
            db.session.add(AwardType(
                authority=authority, code=code, name=name, category=category, subject=subject,
                conferred_by=conferred_by, coefficient=Decimal(coefficient), notes=notes))
    have_settings = set(db.session.execute(
        select(Setting.key, Setting.effective_from).where(Setting.authority_id == authority.id)
    ).tuples())
    for key, value, effective_from, source in DEFAULT_SETTINGS:
        if (key, effective_from) not in have_settings:
            db.session.add(Setting(authority=authority, key=key, value=value,
                                   effective_from=effective_from, source=source))
    db.session.flush()
