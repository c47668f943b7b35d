"""The award catalogue and dated settings (RULES.md: all numbers are data with defaults)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    desc,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from award_flow.core.enums import enum_column_type
from award_flow.core.text import same_name_key
from award_flow.extensions import Model, db
from award_flow.org.models import Authority


class AwardCategory(StrEnum):
    TITLE = "title"  # danh hiệu thi đua
    FORM = "form"  # hình thức khen thưởng

    @property
    def label(self) -> str:
        return str(AWARD_CATEGORY_LABELS[self])


AWARD_CATEGORY_LABELS = {
    AwardCategory.TITLE: _l("Danh hiệu thi đua"),
    AwardCategory.FORM: _l("Hình thức khen thưởng"),
}


class NomineeKind(StrEnum):
    INDIVIDUAL = "individual"
    COLLECTIVE = "collective"
    HOUSEHOLD = "household"

    @property
    def label(self) -> str:
        return str(NOMINEE_KIND_LABELS[self])


NOMINEE_KIND_LABELS = {
    NomineeKind.INDIVIDUAL: _l("Cá nhân"),
    NomineeKind.COLLECTIVE: _l("Tập thể"),
    NomineeKind.HOUSEHOLD: _l("Hộ gia đình"),
}


class ConferredBy(StrEnum):
    SELF = "self"  # this authority's chairman decides
    PARENT = "parent"  # forwarded to the province

    @property
    def label(self) -> str:
        return str(CONFERRED_BY_LABELS[self])


CONFERRED_BY_LABELS = {
    ConferredBy.SELF: _l("Chủ tịch UBND quyết định"),
    ConferredBy.PARENT: _l("Trình cấp trên"),
}


class AwardType(Model):
    """One entry of an authority's award catalogue (RULES.md "Award catalogue")."""

    __table_args__ = (
        UniqueConstraint("authority_id", "code"),
        UniqueConstraint("authority_id", "subject", "name_key"),
        CheckConstraint("bonus_multiple_of_id <> id", name="not_multiple_of_itself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    #: The name as printed on documents: "Giấy khen của Chủ tịch UBND". Room for a default
    #: name ("Giấy khen của Chủ tịch " and an authority's name of up to 200 characters).
    name: Mapped[str] = mapped_column(String(300))
    #: `same_name_key(name)`, set whenever the name is set and unique per authority and kind
    #: of nominee: a form's choices read "name (kind)", so two entries of one name for one
    #: kind could not be told apart (as `Unit.name_key`; migration 0013).
    name_key: Mapped[str] = mapped_column(Text)
    category: Mapped[AwardCategory] = mapped_column(
        enum_column_type(AwardCategory, "award_category"))
    #: Who can receive it: an individual, a collective or a household.
    subject: Mapped[NomineeKind] = mapped_column(enum_column_type(NomineeKind, "award_subject"))
    conferred_by: Mapped[ConferredBy] = mapped_column(enum_column_type(ConferredBy, "conferred_by"))
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    #: An entry paid a multiple of another one's bonus, with no coefficients of its own
    #: (RULES.md: "households get 1.5 × the individual amount"): that entry, which has
    #: coefficients of its own. Set when the entry is added; the multiple is dated
    #: (`AwardCoefficient.multiple`).
    bonus_multiple_of_id: Mapped[int | None] = mapped_column(ForeignKey("award_type.id"))

    authority: Mapped[Authority] = relationship()
    bonus_multiple_of: Mapped[AwardType | None] = relationship(remote_side=[id])
    #: How its bonus is computed, by the dates a rule sets it, the latest first: its
    #: coefficients (bonus = coefficient × base salary), or, for an entry paid a multiple of
    #: another's bonus, the multiples.
    coefficients: Mapped[list[AwardCoefficient]] = relationship(
        back_populates="award_type", cascade="all, delete-orphan",
        order_by=lambda: desc(AwardCoefficient.effective_from))

    @validates("name")
    def _set_name_key(self, _attribute: str, name: str) -> str:
        self.name_key = same_name_key(name)
        return name

    @property
    def paid_by(self) -> AwardType:
        """The entry whose coefficients this one's bonus is computed from: itself, or the
        entry it is paid a multiple of."""
        return self.bonus_multiple_of or self

    @property
    def is_multiple(self) -> bool:
        """Is its bonus a multiple of another entry's (its rows hold multiples)?"""
        return self.bonus_multiple_of_id is not None

    def own_on(self, on: date) -> AwardCoefficient | None:
        """Its own row in force on a day (a coefficient, or a multiple), from the loaded
        history (no query once loaded)."""
        return next((c for c in self.coefficients if c.effective_from <= on), None)

    def coefficient_on(self, on: date) -> AwardCoefficient | None:
        """The coefficient in force on a day of the entry this one is paid by."""
        return self.paid_by.own_on(on)

    def multiple_on(self, on: date) -> Decimal | None:
        """The multiple of the other entry's bonus in force on a day; None for an entry with
        coefficients of its own, or before its first multiple."""
        row = self.own_on(on) if self.is_multiple else None
        return row.multiple if row is not None else None

    @property
    def label(self) -> str:
        return f"{self.name} ({NOMINEE_KIND_LABELS[self.subject]})"

    @property
    def is_title(self) -> bool:
        """An emulation title, recognised for a year; otherwise a form, conferred."""
        return self.category == AwardCategory.TITLE

    def __repr__(self) -> str:
        return f"<AwardType {self.code}>"


class MissingSetting(LookupError):
    """No value of a required setting is in force on the given date."""


class AwardCoefficient(Model):
    """How an award's bonus is computed from the day a rule sets it (RULES.md: every number is
    data, with the date it takes effect): its coefficient, or, for an entry paid a multiple of
    another's bonus (`AwardType.bonus_multiple_of`), the multiple (1,5 for a household). A
    decision pays by the one in force on its day."""

    __table_args__ = (
        UniqueConstraint("award_type_id", "effective_from"),
        CheckConstraint("coefficient >= 0", name="not_negative"),
        CheckConstraint("multiple > 0", name="multiple_positive"),
        CheckConstraint("(coefficient IS NULL) <> (multiple IS NULL)",
                        name="coefficient_or_multiple"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_type_id: Mapped[int] = mapped_column(ForeignKey("award_type.id"))
    coefficient: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    multiple: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    effective_from: Mapped[date]
    #: Legal source, e.g. "Nghị định 152/2025/NĐ-CP, Điều 51".
    source: Mapped[str] = mapped_column(String(300), default="")

    award_type: Mapped[AwardType] = relationship(back_populates="coefficients")

    @property
    def value(self) -> Decimal:
        """The coefficient, or the multiple."""
        value = self.coefficient if self.coefficient is not None else self.multiple
        assert value is not None  # CHECK coefficient_or_multiple
        return value


def _in_force(column, award_type_id: int, on: date) -> Decimal:  # noqa: ANN001
    """The award's row in force on `on`, as committed (read again, not from the session's
    copy: an issuance reads it once it holds the issuing lock): its value in `column`."""
    value = db.session.scalar(
        select(column)
        .where(AwardCoefficient.award_type_id == award_type_id,
               AwardCoefficient.effective_from <= on)
        .order_by(AwardCoefficient.effective_from.desc())
        .limit(1)
    )
    if value is None:
        raise MissingSetting(column.key)
    return value


def coefficient_in_force(award_type_id: int, on: date) -> Decimal:
    """The award's coefficient in force on `on`, as committed."""
    return _in_force(AwardCoefficient.coefficient, award_type_id, on)


def multiple_in_force(award_type_id: int, on: date) -> Decimal:
    """The multiple of another entry's bonus an award is paid on `on`, as committed."""
    return _in_force(AwardCoefficient.multiple, award_type_id, on)


class Setting(Model):
    """A named value that takes effect from a date, e.g. the base salary (mức lương cơ sở)."""

    __table_args__ = (UniqueConstraint("authority_id", "key", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id"), index=True)
    key: Mapped[str] = mapped_column(String(50))
    value: Mapped[str] = mapped_column(String(200))
    effective_from: Mapped[date]
    #: Legal source, e.g. "Nghị định 73/2024/NĐ-CP, Điều 3".
    source: Mapped[str] = mapped_column(String(300), default="")

    authority: Mapped[Authority] = relationship()


def setting_on(authority_id: int, key: str, on: date) -> str:
    """The value of `key` in force on `on` (the latest one whose effective date has come)."""
    value = db.session.scalar(
        select(Setting.value)
        .where(Setting.authority_id == authority_id, Setting.key == key,
               Setting.effective_from <= on)
        .order_by(Setting.effective_from.desc())
        .limit(1)
    )
    if value is None:
        raise MissingSetting(key)
    return value


BASE_SALARY = "base_salary"


def base_salary_on(authority_id: int, on: date) -> Decimal:
    """Mức lương cơ sở (đồng/month) in force on a date."""
    return Decimal(setting_on(authority_id, BASE_SALARY, on))


#: How bonuses are rounded: up to a multiple of this many đồng (1: to the đồng). Decree
#: 91/2017 (Art. 68(2)) and, as read, Decree 98/2023 round "lên hàng chục nghìn đồng"
#: (10.000); RULES.md's "coefficient × base salary" is the default (no such row: 1).
BONUS_ROUNDING = "bonus_rounding"
BONUS_ROUNDING_STEPS = (1, 10, 100, 1_000, 10_000, 100_000)


def bonus_rounding_on(authority_id: int, on: date) -> int:
    """The multiple of đồng bonuses are rounded up to on a date (1 when none is set)."""
    try:
        return int(setting_on(authority_id, BONUS_ROUNDING, on))
    except MissingSetting:
        return 1


def _rounded(amount: Decimal, rounding: int) -> Decimal:
    whole = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return (whole / rounding).to_integral_value(rounding=ROUND_CEILING) * rounding


def bonus_amount(coefficient: Decimal, base_salary: Decimal, rounding: int = 1,
                 multiple: Decimal | None = None) -> Decimal:
    """Bonus = coefficient × base salary in whole đồng (half up), then rounded up to a
    multiple of `rounding` đồng: 0,3 × 2.340.000 = 702.000, or 710.000 by 10.000.

    An entry paid a `multiple` of another's bonus (`AwardCoefficient.multiple`) gets that
    bonus, as paid, times the multiple, rounded the same way: a household's Giấy khen is
    1,5 × 702.000 = 1.053.000, or 1,5 × 710.000 = 1.065.000 → 1.070.000 by 10.000 (as read:
    every bonus paid is a multiple of the rounding step)."""
    amount = _rounded(coefficient * base_salary, rounding)
    return amount if multiple is None else _rounded(amount * multiple, rounding)


def applied_coefficient(coefficient: Decimal, multiple: Decimal | None) -> Decimal:
    """The coefficient an award records (`Award.coefficient`): the one in force, times the
    multiple for an entry paid a multiple of another's bonus (1,5 × 0,3 = 0,45)."""
    if multiple is None:
        return coefficient
    return (coefficient * multiple).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
