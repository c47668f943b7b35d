"""Changing the catalogue and the base salary (the admin's pages; RULES.md: every number is
data an admin can change).

What was issued stays as issued: a decision keeps the amounts and the base salary it was
issued with (`Award.amount`, `Decision.base_salary`). So a coefficient changed here counts
from the next decision on, and a base salary can neither be removed nor begin on a date that
would change the salary in force on the day of a decision already issued.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

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
from award_flow.core import audit
from award_flow.core.database import flush_unique
from award_flow.core.clock import local_today
from award_flow.core.errors import NotAllowed, ValidationError
from award_flow.core.formatting import vn_money, vn_short_date
from award_flow.core.text import nfc, same_name_key
from award_flow.extensions import db
from award_flow.org.models import Authority

if TYPE_CHECKING:
    from award_flow.auth.models import User

#: A catalogue code: what staff and reports use for an entry ("LDTT", "GK_CN").
AWARD_CODE = re.compile(r"[A-Z0-9_]{1,20}")
#: Numeric(6, 3): up to 999.999, three decimals.
MAX_COEFFICIENT = Decimal("999.999")
#: A base salary above this is a typing slip (an extra zero or two), not a law: the salary of
#: Decree 73/2024 is 2.340.000 đồng.
MAX_BASE_SALARY = 99_999_999


@dataclass(frozen=True)
class AwardTypeData:
    """One entry of the catalogue as the admin writes it. The code, category, subject and
    who confers it are given for a new entry only: proposals, nominees and decisions rely on
    them once it exists."""

    name: str
    coefficient: Decimal
    notes: str = ""
    active: bool = True
    code: str = ""
    category: AwardCategory = AwardCategory.FORM
    subject: NomineeKind = NomineeKind.INDIVIDUAL
    conferred_by: ConferredBy = ConferredBy.SELF


def _plain(value: Decimal) -> str:
    """0.300 → "0.3" (the audit trail's way of writing a coefficient)."""
    return format(value.normalize(), "f")


def _check_coefficient(value: Decimal) -> None:
    if not value.is_finite() or value < 0 or value > MAX_COEFFICIENT \
            or value != value.quantize(Decimal("0.001")):
        raise ValidationError(_("Hệ số phải từ 0 đến 999,999, tối đa ba chữ số thập phân."),
                              field="coefficient")


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
    """Add an entry to the authority's catalogue, or change one's printed name, coefficient,
    notes or whether new proposals may choose it."""
    name = " ".join((nfc(data.name) or "").split())
    if not name:
        raise ValidationError(_("Cần nhập tên danh hiệu, hình thức khen thưởng."), field="name")
    _check_coefficient(data.coefficient)
    subject = award_type.subject if award_type is not None else data.subject
    # The form's choices read "name (kind)": two entries of one name for one kind of
    # nominee could not be told apart.
    key = same_name_key(name)
    clash = next((other for other in db.session.scalars(
        select(AwardType).where(AwardType.authority_id == authority.id,
                                AwardType.subject == subject))
        if other is not award_type and same_name_key(other.name) == key), None)
    if clash is not None:
        raise ValidationError(_("Danh mục đã có “%(name)s” (mã %(code)s) cho %(kind)s.",
                                name=clash.name, code=clash.code,
                                kind=subject.label.lower()), field="name")
    new = award_type is None
    if new:
        award_type = _new_award_type(authority, data)
    before = (award_type.name, award_type.coefficient)
    award_type.name = name
    award_type.coefficient = data.coefficient
    award_type.notes = nfc(data.notes) or ""
    award_type.active = data.active
    flush_unique(_code_taken(award_type.code), "code")
    changes = [] if new else [
        f"{label}: {was} → {now}" for label, was, now in (
            ("name", before[0], award_type.name),
            ("coefficient", _plain(before[1]), _plain(award_type.coefficient))) if was != now]
    audit.record("save_award_type", actor, comment="; ".join(
        [f"{award_type.code}: {award_type.name} ×{_plain(award_type.coefficient)}"
         + ("" if award_type.active else " (inactive)"), *changes]))
    return award_type


# --- the base salary ------------------------------------------------------------------------


def base_salaries(authority_id: int) -> list[Setting]:
    """The authority's base salaries, the latest first."""
    return list(db.session.scalars(
        select(Setting).where(Setting.authority_id == authority_id, Setting.key == BASE_SALARY)
        .order_by(Setting.effective_from.desc())))


def _decision_in(authority_id: int, start: date, end: date | None):  # noqa: ANN202
    """The first decision of the authority issued on a day in [start, end) (end None: from
    start on), with its number; None when there is none."""
    from award_flow.decisions.models import Decision  # decisions import the catalogue

    query = select(Decision).where(Decision.authority_id == authority_id,
                                   Decision.issued_on >= start)
    if end is not None:
        query = query.where(Decision.issued_on < end)
    return db.session.scalar(query.order_by(Decision.issued_on, Decision.id).limit(1))


def _hold_issuances_if_today(authority_id: int, start: date, end: date | None) -> None:
    """A base salary in force today is what an issuance in progress reads: wait for those
    under way, and hold the next ones until this change is committed (then they read it).
    Past days' decisions are all committed, and none is issued on a day still to come."""
    from award_flow.decisions.numbering import lock_issuance

    today = local_today()
    if start <= today and (end is None or today < end):
        lock_issuance(authority_id, today.year)


def _next_start(authority_id: int, after: date) -> date | None:
    return db.session.scalar(
        select(Setting.effective_from)
        .where(Setting.authority_id == authority_id, Setting.key == BASE_SALARY,
               Setting.effective_from > after)
        .order_by(Setting.effective_from).limit(1))


def add_base_salary(actor: User, authority: Authority, amount: int, effective_from: date,
                    source: str) -> Setting:
    """Record the base salary a new law sets, from the day it takes effect: decisions issued
    from that day on pay bonuses from it."""
    source = " ".join((nfc(source) or "").split())
    if not 0 < amount <= MAX_BASE_SALARY:
        raise ValidationError(_("Mức lương cơ sở phải lớn hơn 0 và không quá %(max)s.",
                                max=vn_money(MAX_BASE_SALARY)), field="amount")
    if not source:
        raise ValidationError(_("Cần ghi căn cứ pháp lý, ví dụ: Nghị định 73/2024/NĐ-CP, "
                                "Điều 3."), field="source")
    taken = _("Đã có mức lương cơ sở áp dụng từ ngày %(date)s.",
              date=vn_short_date(effective_from))
    if db.session.scalar(select(Setting.id).where(
            Setting.authority_id == authority.id, Setting.key == BASE_SALARY,
            Setting.effective_from == effective_from)):
        raise ValidationError(taken, field="effective_from")
    end = _next_start(authority.id, effective_from)
    _hold_issuances_if_today(authority.id, effective_from, end)
    issued = _decision_in(authority.id, effective_from, end)
    if issued is not None:
        raise ValidationError(_(
            "Quyết định %(number)s ngày %(date)s đã tính tiền thưởng theo mức lương cơ sở đang "
            "áp dụng khi ban hành; mức mới chỉ có thể áp dụng từ sau ngày đó.",
            number=issued.reference, date=vn_short_date(issued.issued_on)),
            field="effective_from")
    setting = Setting(authority=authority, key=BASE_SALARY, value=str(amount),
                      effective_from=effective_from, source=source)
    db.session.add(setting)
    flush_unique(taken, "effective_from")
    audit.record("add_base_salary", actor,
                 comment=f"{amount} from {effective_from.isoformat()} ({source})")
    return setting


def removable_base_salaries(authority_id: int) -> set[int]:
    """Ids of the base salaries `remove_base_salary` would remove (the page offers only
    those)."""
    salaries = base_salaries(authority_id)
    if len(salaries) < 2:
        return set()
    ends = [None, *(s.effective_from for s in salaries[:-1])]  # the latest first
    return {s.id for s, end in zip(salaries, ends, strict=True)
            if _decision_in(authority_id, s.effective_from, end) is None}


def remove_base_salary(actor: User, setting: Setting) -> None:
    """Remove a base salary entered by mistake, as long as no decision was issued while it was
    in force and another one remains."""
    authority_id = setting.authority_id
    if len(base_salaries(authority_id)) == 1:
        raise NotAllowed(_("Đây là mức lương cơ sở duy nhất: hãy thêm mức đúng trước khi xóa "
                           "mức này."))
    end = _next_start(authority_id, setting.effective_from)
    _hold_issuances_if_today(authority_id, setting.effective_from, end)
    issued = _decision_in(authority_id, setting.effective_from, end)
    if issued is not None:
        raise NotAllowed(_("Không thể xóa: quyết định %(number)s ngày %(date)s đã tính tiền "
                           "thưởng theo mức lương cơ sở này.", number=issued.reference,
                           date=vn_short_date(issued.issued_on)))
    audit.record("remove_base_salary", actor, comment=(
        f"{setting.value} from {setting.effective_from.isoformat()} ({setting.source})"))
    db.session.delete(setting)
    db.session.flush()
