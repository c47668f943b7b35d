"""Changing the catalogue, the base salary and the rounding of bonuses (the admin's pages;
RULES.md: every number is data an admin can change).

Every number a bonus is computed from is in force from a date: an award's coefficient, the
base salary, the rounding. A decision pays by the values in force on its day, and keeps what
it paid (`Award.coefficient`, `Award.amount`, `Decision.base_salary`). So a dated value can
neither be removed nor begin on a date that would change the value in force on the day of a
decision already issued under it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from award_flow.catalogue.models import (
    BASE_SALARY,
    BONUS_ROUNDING,
    BONUS_ROUNDING_STEPS,
    AwardCategory,
    AwardCoefficient,
    AwardType,
    ConferredBy,
    NomineeKind,
    Setting,
)
from award_flow.core import audit
from award_flow.core.clock import local_today
from award_flow.core.database import flush_unique
from award_flow.core.display import decimal, money, short_date
from award_flow.core.errors import NotAllowed, ValidationError
from award_flow.core.text import nfc, same_name_key
from award_flow.documents.validators import require_printable
from award_flow.extensions import db
from award_flow.org.models import Authority

if TYPE_CHECKING:
    from award_flow.auth.models import User

#: A catalogue code: what staff and reports use for an entry ("LDTT", "GK_CN").
AWARD_CODE = re.compile(r"[A-Z0-9_]{1,20}")
#: Numeric(6, 3): up to 999.999, three decimals.
MAX_COEFFICIENT = Decimal("999.999")
#: Numeric(4, 2); a household is paid 1,5 times an individual's bonus (RULES.md).
MAX_BONUS_MULTIPLE = Decimal(10)
#: A base salary above this is a typing slip (an extra zero or two), not a law: the salary of
#: Decree 73/2024 is 2.340.000 đồng.
MAX_BASE_SALARY = 99_999_999


@dataclass(frozen=True)
class AwardTypeData:
    """One entry of the catalogue as the admin writes it. The code, category, subject, who
    confers it and its first coefficient (in force from today) are given for a new entry
    only: proposals, nominees and decisions rely on them once it exists, and a later
    coefficient is added with the date it takes effect (`add_coefficient`)."""

    name: str
    coefficient: Decimal | None = None
    #: The legal basis of the first coefficient (RULES.md: every number with its source).
    coefficient_source: str = ""
    notes: str = ""
    active: bool = True
    code: str = ""
    category: AwardCategory = AwardCategory.FORM
    subject: NomineeKind = NomineeKind.INDIVIDUAL
    conferred_by: ConferredBy = ConferredBy.SELF
    #: Instead of a coefficient: the entry (of the same authority) whose bonus this one's is
    #: a multiple of, and the first multiple (RULES.md: a household gets 1,5 × the
    #: individual's), with its basis in `coefficient_source`.
    bonus_multiple_of_id: int | None = None
    bonus_multiple: Decimal | None = None


def _plain(value: Decimal) -> str:
    """0.300 → "0.3" (the audit trail's way of writing a coefficient)."""
    return format(value.normalize(), "f")


def _check_coefficient(value: Decimal | None) -> Decimal:
    """`value`, refused unless it is a coefficient: every award of the catalogue pays a
    bonus (RULES.md), and 0 would issue decisions of 0 đồng without a word."""
    if value is None or not value.is_finite() or value <= 0 or value > MAX_COEFFICIENT \
            or value != value.quantize(Decimal("0.001")):
        raise ValidationError(_("Hệ số phải lớn hơn 0 và không quá 999,999, tối đa ba chữ số "
                                "thập phân."), field="coefficient")
    return value


def _check_multiple(value: Decimal | None, *, field: str = "bonus_multiple") -> Decimal:
    """`value`, refused unless it is a multiple of a bonus."""
    if value is None or not value.is_finite() or value <= 0 or value > MAX_BONUS_MULTIPLE \
            or value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("Số lần phải lớn hơn 0 và không quá %(max)s, tối đa hai chữ "
                                "số thập phân, ví dụ: 1,5.", max=decimal(MAX_BONUS_MULTIPLE)),
                              field=field)
    return value


def _check_product(coefficient: Decimal, multiple: Decimal, *, field: str) -> None:
    """An award records the coefficient times the multiple (`applied_coefficient`), which
    must fit a coefficient's column."""
    if coefficient * multiple > MAX_COEFFICIENT:
        raise ValidationError(_("Hệ số %(coefficient)s nhân %(multiple)s lần vượt quá 999,999.",
                                coefficient=decimal(coefficient), multiple=decimal(multiple)),
                              field=field)


def _multiple_of(authority: Authority, data: AwardTypeData) -> tuple[AwardType, Decimal]:
    """The entry a new one is paid a multiple of, and the multiple: one of the authority's
    own, paid by its own coefficients (a multiple of a multiple would hide where the amount
    comes from)."""
    multiple = _check_multiple(data.bonus_multiple)
    entry = db.session.get(AwardType, data.bonus_multiple_of_id)
    if entry is None or entry.authority_id != authority.id:
        raise ValidationError(_("Hãy chọn một mục trong danh mục."), field="bonus_multiple_of")
    if entry.bonus_multiple_of_id is not None:
        raise ValidationError(_("Tiền thưởng của “%(entry)s” đã tính theo mục khác: hãy chọn "
                                "mục có hệ số riêng.", entry=entry.label),
                              field="bonus_multiple_of")
    _hold_dated_values(AwardType, entry.id)  # a coefficient being added to it meanwhile
    db.session.refresh(entry, ["coefficients"])
    for row in entry.coefficients:
        _check_product(row.value, multiple, field="bonus_multiple")
    return entry, multiple


def dependents(award_type: AwardType) -> list[AwardType]:
    """The entries paid a multiple of this one's bonus (its coefficients pay them too)."""
    return list(db.session.scalars(select(AwardType).where(
        AwardType.bonus_multiple_of_id == award_type.id).order_by(AwardType.code)))


def _paid_by_ids(award_type: AwardType) -> set[int]:
    """The entries whose bonus this one's coefficients compute: itself and its dependents."""
    return {award_type.id, *(d.id for d in dependents(award_type))}


def _code_taken(code: str) -> str:
    return _("Mã %(code)s đã có trong danh mục.", code=code)


def _new_award_type(authority: Authority, data: AwardTypeData) -> AwardType:
    """A new entry under a code of its own (its name and numbers are set by the caller)."""
    code = (nfc(data.code) or "").upper()
    if not AWARD_CODE.fullmatch(code):
        raise ValidationError(_("Mã gồm chữ in hoa không dấu, chữ số hoặc dấu gạch dưới, "
                                "tối đa 20 ký tự, ví dụ: GK_CN."), field="code")
    if db.session.scalar(select(AwardType.id).where(AwardType.authority_id == authority.id,
                                                    AwardType.code == code)):
        raise ValidationError(_code_taken(code), field="code")
    award_type = AwardType(authority=authority, code=code, category=data.category,
                           subject=data.subject, conferred_by=data.conferred_by)
    db.session.add(award_type)
    return award_type


def save_award_type(actor: User, authority: Authority, data: AwardTypeData,
                    award_type: AwardType | None = None) -> AwardType:
    """Add an entry to the authority's catalogue, with its coefficient from today; or change
    one's printed name, notes or whether new proposals may choose it."""
    name = " ".join((nfc(data.name) or "").split())
    if not name:
        raise ValidationError(_("Cần nhập tên danh hiệu, hình thức khen thưởng."), field="name")
    require_printable("name", _("Tên in trên quyết định"), name)
    new = award_type is None
    multiple_of = None
    if new and data.bonus_multiple_of_id is not None:
        multiple_of, value = _multiple_of(authority, data)
    elif new:
        if data.coefficient is None:
            raise ValidationError(_("Cần nhập hệ số tiền thưởng."), field="coefficient")
        value = _check_coefficient(data.coefficient)
    if new:
        source = _source(data.coefficient_source, field="coefficient_source")
    subject = award_type.subject if award_type is not None else data.subject
    # The form's choices read "name (kind)": two entries of one name for one kind of
    # nominee could not be told apart. AwardType.name_key is unique per authority and kind:
    # two admins adding one name at the same moment both pass this check, and the second is
    # refused by flush_unique below (knowing only its own spelling).
    same_name = select(AwardType).where(AwardType.authority_id == authority.id,
                                        AwardType.subject == subject,
                                        AwardType.name_key == same_name_key(name))
    if award_type is not None:
        same_name = same_name.where(AwardType.id != award_type.id)
    clash = db.session.scalar(same_name)
    if clash is not None:
        raise ValidationError(_("Danh mục đã có “%(name)s” (mã %(code)s) cho %(kind)s.",
                                name=clash.name, code=clash.code,
                                kind=subject.label.lower()), field="name")
    name_taken = _("Danh mục đã có “%(name)s” cho %(kind)s.", name=name,
                   kind=subject.label.lower())
    if award_type is None:
        award_type = _new_award_type(authority, data)
        award_type.bonus_multiple_of = multiple_of
        award_type.coefficients.append(AwardCoefficient(
            effective_from=local_today(), source=source, **_valued(multiple_of, value)))
    before = award_type.name
    award_type.name = name
    award_type.notes = nfc(data.notes) or ""
    award_type.active = data.active
    flush_unique(_code_taken(award_type.code), "code",
                 by_column={"name_key": (name_taken, "name")})
    if not new:
        first = ""
    else:
        first = f" ×{_plain(award_type.coefficients[0].value)}{_of(award_type)} ({source})"
    changes = [f"name: {before} → {name}"] if not new and before != name else []
    audit.record("save_award_type", actor, comment="; ".join(
        [f"{award_type.code}: {award_type.name}{first}"
         + ("" if award_type.active else " (inactive)"), *changes]))
    return award_type


# --- dated values: a coefficient, the base salary, the rounding -----------------------------


def _decision_in(authority_id: int, start: date, end: date | None,
                 award_type_ids: Collection[int] = ()):  # noqa: ANN202
    """The first decision of the authority issued on a day in [start, end) (end None: from
    start on), of one of the award types if given; None when there is none."""
    from award_flow.decisions.models import Award, Decision  # decisions import the catalogue

    query = select(Decision).where(Decision.authority_id == authority_id,
                                   Decision.issued_on >= start)
    if end is not None:
        query = query.where(Decision.issued_on < end)
    if award_type_ids:
        query = query.where(exists().where(Award.decision_id == Decision.id,
                                           Award.award_type_id.in_(award_type_ids)))
    return db.session.scalar(query.order_by(Decision.issued_on, Decision.id).limit(1))


def _hold_issuances_if_today(authority_id: int, start: date, end: date | None) -> None:
    """A value in force today is what an issuance in progress reads: wait for those under
    way, and hold the next ones until this change is committed (then they read it). Past
    days' decisions are all committed, and none is issued on a day still to come."""
    from award_flow.decisions.numbering import lock_issuance

    today = local_today()
    if start <= today and (end is None or today < end):
        lock_issuance(authority_id, today.year)


def _source(typed: str, field: str = "source") -> str:
    """A coefficient's legal basis as typed, its spacing tidied; refused when empty."""
    source = " ".join((nfc(typed) or "").split())
    if not source:
        raise ValidationError(_("Cần ghi căn cứ, ví dụ: Nghị định 152/2025/NĐ-CP, Điều 51."),
                              field=field)
    return source


def _hold_dated_values(model: type[AwardType] | type[Authority], row_id: int) -> None:
    """Wait for another admin's change to the same dated values (an award's coefficients:
    its row; the authority's settings: the authority's), and hold the next until this one
    ends: two removals at once each saw the other's value still there, and both passed
    `_removal_refusal`. SQLite's write lock (BEGIN IMMEDIATE) already holds them.

    FOR NO KEY UPDATE: rows that refer to the award or the authority (a proposal, an audit
    event) are still written meanwhile."""
    db.session.execute(select(model.id).where(model.id == row_id)
                       .with_for_update(key_share=True))


def _used_by(issued, what: LazyString):  # noqa: ANN001, ANN202
    return _("Quyết định %(number)s ngày %(date)s đã tính tiền thưởng theo %(what)s đang áp "
             "dụng khi ban hành; mức mới chỉ có thể áp dụng từ sau ngày đó.",
             number=issued.reference, date=short_date(issued.issued_on), what=what)


def _next_after(starts: list[date], start: date) -> date | None:
    """Where the value in force from `start`, of values in force from `starts`, stops being
    in force (None: no later one)."""
    return min((s for s in starts if s > start), default=None)


def _gap_if_removed(starts: list[date], start: date) -> date | None:
    """Of values in force from `starts`, removing the one from `start` would leave the days
    from today until the returned day without any: when it is the earliest and the next one
    is still to come. None when another would be in force (or none is needed before)."""
    later = [s for s in starts if s > start]
    if not later or any(s < start for s in starts):
        return None
    first_later = min(later)
    return first_later if first_later > local_today() else None


def _gap_refusal(until: date, what: LazyString | str) -> str:
    return _("Không thể xóa: khi đó từ nay đến trước ngày %(date)s không có %(what)s nào áp "
             "dụng.", date=short_date(until), what=what)


def _removal_refusal(authority_id: int, starts: list[date], start: date, *,
                     what: LazyString | str, only: LazyString, required: bool = True,
                     award_type_ids: Collection[int] = ()) -> str | None:
    """Why the value in force from `start`, of values in force from `starts`, cannot be
    removed; None when it can. The page offers a button only where this says None, and the
    operation refuses with it: the two cannot disagree.

    A value that must always be there (`required`) is not removed when it is the only one
    (`only` says so) nor while it is in force until a later one begins; no value is removed
    that a decision (of one of `award_type_ids`, if given) was issued under."""
    if required and len(starts) == 1:
        return str(only)
    gap = _gap_if_removed(starts, start) if required else None
    if gap is not None:
        return _gap_refusal(gap, what)
    issued = _decision_in(authority_id, start, _next_after(starts, start), award_type_ids)
    if issued is not None:
        return _("Không thể xóa: quyết định %(number)s ngày %(date)s đã tính tiền thưởng "
                 "theo %(what)s này.", number=issued.reference,
                 date=short_date(issued.issued_on), what=what)
    return None


_ONLY_COEFFICIENT = _l("Đây là hệ số duy nhất: hãy thêm hệ số đúng trước khi xóa hệ số này.")
_ONLY_MULTIPLE = _l("Đây là số lần duy nhất: hãy thêm số lần đúng trước khi xóa số lần này.")


def _what(award_type: AwardType) -> tuple[LazyString, LazyString]:
    """What an entry's dated rows are called in a sentence, and why the only one stays."""
    if award_type.is_multiple:
        return _l("số lần tiền thưởng"), _ONLY_MULTIPLE
    return _l("hệ số"), _ONLY_COEFFICIENT


def _valued(multiple_of: AwardType | None, value: Decimal) -> dict[str, Decimal]:
    """A row's value as its entry reads it: a multiple, or a coefficient of its own."""
    return {"multiple": value} if multiple_of is not None else {"coefficient": value}


def _of(award_type: AwardType) -> str:
    """The audit trail's " of GK_CN" after a multiple."""
    followed = award_type.bonus_multiple_of
    return f" of {followed.code}" if followed is not None else ""


def coefficients_removable(award_type: AwardType) -> set[int]:
    """Ids of the rows `remove_coefficient` would remove (the page offers only those)."""
    starts = [c.effective_from for c in award_type.coefficients]
    paid_by = _paid_by_ids(award_type) if starts else set()
    what, only = _what(award_type)
    return {c.id for c in award_type.coefficients if _removal_refusal(
        award_type.authority_id, starts, c.effective_from, what=what, only=only,
        award_type_ids=paid_by) is None}


def _coefficient_starts(award_type_id: int) -> list[date]:
    return list(db.session.scalars(select(AwardCoefficient.effective_from).where(
        AwardCoefficient.award_type_id == award_type_id)))


def add_coefficient(actor: User, award_type: AwardType, value: Decimal | None,
                    effective_from: date, source: str) -> AwardCoefficient:
    """Record the coefficient a new rule gives an award (the multiple, for an entry paid a
    multiple of another's bonus), from the day it takes effect: decisions of that award
    issued from then on pay by it. A decision already issued keeps what it paid, so it cannot
    begin on or before the day of a decision of this award (or of one paid a multiple of its
    bonus) that the value before it paid."""
    multiple_of = award_type.bonus_multiple_of
    checked = (_check_coefficient(value) if multiple_of is None
               else _check_multiple(value, field="coefficient"))
    source = _source(source)
    # Its own rows, and an entry being made a multiple of it; for a multiple, also the
    # coefficients it multiplies (taken in this order: an entry paid by its own coefficients
    # locks nothing after its own row).
    _hold_dated_values(AwardType, award_type.id)
    if multiple_of is None:
        multiples = dependents(award_type)
        for row in (row for dependent in multiples for row in dependent.coefficients):
            _check_product(checked, row.value, field="coefficient")
        decided_by = {award_type.id, *(d.id for d in multiples)}
    else:
        _hold_dated_values(AwardType, multiple_of.id)
        db.session.refresh(multiple_of, ["coefficients"])
        for row in multiple_of.coefficients:
            _check_product(row.value, checked, field="coefficient")
        decided_by = {award_type.id}
    what, _only = _what(award_type)
    taken = _("Đã có %(what)s áp dụng từ ngày %(date)s.", what=what,
              date=short_date(effective_from))
    if effective_from in _coefficient_starts(award_type.id):
        raise ValidationError(taken, field="effective_from")
    authority_id = award_type.authority_id
    end = _next_after(_coefficient_starts(award_type.id), effective_from)
    _hold_issuances_if_today(authority_id, effective_from, end)
    issued = _decision_in(authority_id, effective_from, end, decided_by)
    if issued is not None:
        raise ValidationError(_used_by(issued, what), field="effective_from")
    row = AwardCoefficient(award_type=award_type, effective_from=effective_from, source=source,
                           **_valued(multiple_of, checked))
    db.session.add(row)
    flush_unique(taken, "effective_from")
    audit.record("add_coefficient", actor, comment=(
        f"{award_type.code}: ×{_plain(checked)}{_of(award_type)} from "
        f"{effective_from.isoformat()} ({source})"))
    return row


def remove_coefficient(actor: User, row: AwardCoefficient) -> None:
    """Remove a coefficient entered by mistake, as long as another is in force in its place
    and no decision of its award was issued while it was in force."""
    award_type = row.award_type
    _hold_dated_values(AwardType, award_type.id)
    starts = _coefficient_starts(award_type.id)
    _hold_issuances_if_today(award_type.authority_id, row.effective_from,
                             _next_after(starts, row.effective_from))
    what, only = _what(award_type)
    refusal = _removal_refusal(award_type.authority_id, starts, row.effective_from,
                               what=what, only=only, award_type_ids=_paid_by_ids(award_type))
    if refusal is not None:
        raise NotAllowed(refusal)
    audit.record("remove_coefficient", actor, comment=(
        f"{award_type.code}: ×{_plain(row.value)}{_of(award_type)} from "
        f"{row.effective_from.isoformat()} ({row.source})"))
    award_type.coefficients.remove(row)
    db.session.flush()


@dataclass(frozen=True)
class DatedAmount:
    """A setting whose value is a whole number of đồng, in force from a date."""

    key: str
    #: What the messages call it, in the middle of a sentence.
    what: LazyString
    minimum: int
    maximum: int
    #: Whether one must always remain (decisions cannot be issued without a base salary;
    #: without a rounding rule, bonuses are rounded to the đồng).
    required: bool
    #: The only values allowed, when not every amount in the range is.
    steps: tuple[int, ...] = ()


BASE_SALARY_SETTING = DatedAmount(BASE_SALARY, _l("mức lương cơ sở"), 1, MAX_BASE_SALARY, True)
BONUS_ROUNDING_SETTING = DatedAmount(BONUS_ROUNDING, _l("mức làm tròn tiền thưởng"), 1,
                                     max(BONUS_ROUNDING_STEPS), False, BONUS_ROUNDING_STEPS)
DATED_AMOUNTS = {d.key: d for d in (BASE_SALARY_SETTING, BONUS_ROUNDING_SETTING)}


def dated_values(authority_id: int, key: str) -> list[Setting]:
    """The authority's values of a dated setting, the latest first."""
    return list(db.session.scalars(
        select(Setting).where(Setting.authority_id == authority_id, Setting.key == key)
        .order_by(Setting.effective_from.desc())))


def add_dated_amount(actor: User, authority: Authority, setting: DatedAmount,
                     value: int | None, effective_from: date, source: str) -> Setting:
    """Record the value a new rule sets, from the day it takes effect: decisions issued from
    that day on pay their bonuses by it. A decision already issued keeps what it paid, so the
    new value cannot begin on or before the day of a decision that the value before it paid."""
    source = " ".join((nfc(source) or "").split())
    if value is None or not setting.minimum <= value <= setting.maximum or (
            setting.steps and value not in setting.steps):
        raise ValidationError(_("%(what)s phải từ %(min)s đến %(max)s.",
                                what=str(setting.what).capitalize(),
                                min=money(setting.minimum), max=money(setting.maximum)),
                              field="amount")
    if not source:
        raise ValidationError(_("Cần ghi căn cứ, ví dụ: Nghị định 73/2024/NĐ-CP, Điều 3."),
                              field="source")
    _hold_dated_values(Authority, authority.id)
    taken = _("Đã có %(what)s áp dụng từ ngày %(date)s.", what=setting.what,
              date=short_date(effective_from))
    if db.session.scalar(select(Setting.id).where(
            Setting.authority_id == authority.id, Setting.key == setting.key,
            Setting.effective_from == effective_from)):
        raise ValidationError(taken, field="effective_from")
    end = _next_after([s.effective_from for s in dated_values(authority.id, setting.key)],
                      effective_from)
    _hold_issuances_if_today(authority.id, effective_from, end)
    issued = _decision_in(authority.id, effective_from, end)
    if issued is not None:
        raise ValidationError(_used_by(issued, setting.what), field="effective_from")
    row = Setting(authority=authority, key=setting.key, value=str(value),
                  effective_from=effective_from, source=source)
    db.session.add(row)
    flush_unique(taken, "effective_from")
    audit.record(f"add_{setting.key}", actor,
                 comment=f"{value} from {effective_from.isoformat()} ({source})")
    return row


def _only_value(setting: DatedAmount) -> LazyString:
    return _l("Đây là %(what)s duy nhất: hãy thêm mức đúng trước khi xóa mức này.",
              what=setting.what)


def removable(authority_id: int, key: str) -> set[int]:
    """Ids of the values of a dated setting `remove_dated_amount` would remove (the page
    offers only those)."""
    setting = DATED_AMOUNTS[key]
    values = dated_values(authority_id, key)
    starts = [s.effective_from for s in values]
    return {s.id for s in values if _removal_refusal(
        authority_id, starts, s.effective_from, what=setting.what, only=_only_value(setting),
        required=setting.required) is None}


def remove_dated_amount(actor: User, row: Setting) -> None:
    """Remove a value entered by mistake, as long as no decision was issued while it was in
    force (and, for the base salary, another one is in force in its place)."""
    setting = DATED_AMOUNTS[row.key]
    authority_id = row.authority_id
    _hold_dated_values(Authority, authority_id)
    starts = [s.effective_from for s in dated_values(authority_id, row.key)]
    _hold_issuances_if_today(authority_id, row.effective_from,
                             _next_after(starts, row.effective_from))
    refusal = _removal_refusal(authority_id, starts, row.effective_from, what=setting.what,
                               only=_only_value(setting), required=setting.required)
    if refusal is not None:
        raise NotAllowed(refusal)
    audit.record(f"remove_{row.key}", actor, comment=(
        f"{row.value} from {row.effective_from.isoformat()} ({row.source})"))
    db.session.delete(row)
    db.session.flush()
