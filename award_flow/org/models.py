"""The awarding authority and its units."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from award_flow.core.enums import enum_column_type
from award_flow.core.model_base import utcnow
from award_flow.core.text import same_name_key
from award_flow.extensions import Model

if TYPE_CHECKING:
    from award_flow.auth.models import User


class AuthorityLevel(StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"


class UnitKind(StrEnum):
    AGENCY = "agency"
    COMMUNE = "commune"
    WARD = "ward"
    #: A commune's ấp, khóm, thôn, tổ dân phố, bản, buôn…: units of a commune-level
    #: authority (see UNIT_KINDS_BY_LEVEL).
    HAMLET = "hamlet"
    ORGANISATION = "organisation"

    @property
    def label(self) -> str:
        return str(UNIT_KIND_LABELS[self])


UNIT_KIND_LABELS = {
    UnitKind.AGENCY: _l("Cơ quan, ban ngành"),
    UnitKind.COMMUNE: _l("Xã"),
    UnitKind.WARD: _l("Phường"),
    UnitKind.HAMLET: _l("Ấp, khóm, thôn, tổ dân phố"),
    UnitKind.ORGANISATION: _l("Đoàn thể"),
}

#: The kinds of unit an authority of each level has under it: what the admin form and
#: `flask units create` offer, checked by `org.operations.save_unit`. Since 07/2025 a commune
#: People's Committee confers awards (RULES.md, "Legal frame"): its units are its offices,
#: its mass organisations and its hamlets and residential groups, and it has no communes or
#: wards under it. A province's or a district's hamlets take part through their commune.
#: A unit keeps a kind its level does not have (`Authority.unit_kinds`).
UNIT_KINDS_BY_LEVEL: dict[AuthorityLevel, tuple[UnitKind, ...]] = {
    AuthorityLevel.PROVINCE: (UnitKind.AGENCY, UnitKind.COMMUNE, UnitKind.WARD,
                              UnitKind.ORGANISATION),
    AuthorityLevel.DISTRICT: (UnitKind.AGENCY, UnitKind.COMMUNE, UnitKind.WARD,
                              UnitKind.ORGANISATION),
    AuthorityLevel.COMMUNE: (UnitKind.AGENCY, UnitKind.HAMLET, UnitKind.ORGANISATION),
}


#: The texts of an authority that every decision prints (Decree 30: the bases ending with
#: "Theo đề nghị của …", the fund of Điều 2, who executes it in Điều 3, "Nơi nhận"), with the
#: labels of the admin page "Cơ quan ban hành": no decision is issued while one is empty.
#: An authority's names, as its form labels them and a refusal names them.
AUTHORITY_NAME_LABELS = {
    "name": _l("Tên cơ quan ban hành"),
    "place_name": _l("Địa danh ghi ở ngày tháng"),
    "parent_name": _l("Cơ quan cấp trên"),
    "header_parent": _l("Cơ quan chủ quản (dòng trên tên cơ quan ban hành)"),
    "secretariat_name": _l("Cơ quan thường trực Hội đồng Thi đua - Khen thưởng"),
    "issuer_code": _l("Ký hiệu cơ quan ban hành"),
}
DECISION_TEXT_LABELS = {
    "decision_legal_bases": _l("Căn cứ ban hành"),
    "decision_proposer": _l("Theo đề nghị của"),
    "bonus_fund": _l("Nguồn chi tiền thưởng (Điều 2)"),
    "decision_executors": _l("Tổ chức thực hiện (Điều 3)"),
    "decision_recipients": _l("Nơi nhận"),
}
#: The longest each of a decision's many-line texts may be, in characters: some twenty legal
#: bases, a dozen executors or recipients. Every decision prints them, and a render costs
#: by the page (a text of megabytes would make each approval take minutes).
DECISION_TEXT_MAX_LENGTHS = {
    "decision_legal_bases": 3000,
    "decision_executors": 1500,
    "decision_recipients": 1500,
}


#: The secretariat's name an authority had before it was data (migration 0009), and the one
#: shown where no authority is at hand; a new authority starts with its level's
#: (catalogue.defaults.DEFAULT_SECRETARIATS).
DEFAULT_SECRETARIAT_NAME = "Cơ quan Tổ chức - Nội vụ"


class Authority(Model):
    """A People's Committee whose chairman confers awards (GLOSSARY: `Authority`)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "Ủy ban nhân dân thị xã Duyên Hải"
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: Place name used in document date lines: "Duyên Hải".
    place_name: Mapped[str] = mapped_column(String(100))
    #: The superior body named in the awards it confers, which this authority proposes:
    #: "Ủy ban nhân dân tỉnh Trà Vinh" in "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Trà Vinh".
    parent_name: Mapped[str | None] = mapped_column(String(200))
    #: The managing body printed on one line above the issuer in a decision's header
    #: (Decree 30's "cơ quan chủ quản"); empty for a People's Committee, whose header is its
    #: own name only ("ỦY BAN NHÂN DÂN / THỊ XÃ DUYÊN HẢI").
    header_parent: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[AuthorityLevel] = mapped_column(
        enum_column_type(AuthorityLevel, "authority_level"))
    #: Issuer part of document symbols: "UBND" in "15/QĐ-UBND".
    issuer_code: Mapped[str] = mapped_column(String(20), default="UBND")
    #: "Căn cứ ..." lines of a decision, one per line (data, since the law changes).
    decision_legal_bases: Mapped[str] = mapped_column(Text, default="")
    #: Who proposes, for "Theo đề nghị của ...": the home-affairs office.
    decision_proposer: Mapped[str] = mapped_column(String(300), default="")
    #: Who executes a decision (Điều 3), one per line.
    decision_executors: Mapped[str] = mapped_column(Text, default="")
    #: "Nơi nhận" lines, the last one where it is filed ("Lưu: VT, VHXH").
    decision_recipients: Mapped[str] = mapped_column(Text, default="")
    #: Where the bonus is paid from (Điều 2).
    bonus_fund: Mapped[str] = mapped_column(String(300), default="")
    #: The standing body of its Emulation and Commendation Council as the pages name it
    #: (GLOSSARY: secretariat): "Chuyển lại Cơ quan Tổ chức - Nội vụ" (see org/wording.py).
    secretariat_name: Mapped[str] = mapped_column(
        String(200), default=DEFAULT_SECRETARIAT_NAME, server_default=DEFAULT_SECRETARIAT_NAME)

    units: Mapped[list[Unit]] = relationship(back_populates="authority", order_by="Unit.name")

    def unit_kinds(self, unit: Unit | None = None) -> list[UnitKind]:
        """The kinds `unit` (a new unit: None) may be given, in UnitKind's order: those of
        the authority's level, and the unit's own kind even when the level has it not (a
        commune's hamlet filed as "Xã" before there was a kind for it), so that the unit's
        other fields can still be saved."""
        offered = UNIT_KINDS_BY_LEVEL[self.level]
        return [kind for kind in UnitKind
                if kind in offered or (unit is not None and kind == unit.kind)]

    @property
    def missing_decision_texts(self) -> list[str]:
        """The labels of the decision texts still empty (see DECISION_TEXT_LABELS)."""
        return [str(label) for field, label in DECISION_TEXT_LABELS.items()
                if not (getattr(self, field) or "").strip()]

    def __repr__(self) -> str:
        return f"<Authority {self.name}>"


class Unit(Model):
    """An agency, commune, ward, hamlet or mass organisation that files proposals."""

    __table_args__ = (UniqueConstraint("authority_id", "name"),
                      UniqueConstraint("authority_id", "name_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: `same_name_key(name)`, set whenever the name is set (`_set_name_key`) and unique per
    #: authority: "xã long hữu" beside "Xã Long Hữu" would be a second unit in every list and
    #: filter. TEXT: a key can be longer than its name ("trường", key "trương̀": migration 0012).
    name_key: Mapped[str] = mapped_column(Text)
    kind: Mapped[UnitKind] = mapped_column(enum_column_type(UnitKind, "unit_kind"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    authority: Mapped[Authority] = relationship(back_populates="units")
    users: Mapped[list[User]] = relationship(back_populates="unit")

    @validates("name")
    def _set_name_key(self, _attribute: str, name: str) -> str:
        self.name_key = same_name_key(name)
        return name

    def __repr__(self) -> str:
        return f"<Unit {self.name}>"
