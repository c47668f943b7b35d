"""Dates, amounts and sizes as the page's language writes them.

In Vietnamese as official documents write them ("ngày 05 tháng 01 năm 2026", "1.755.000 đồng",
core.formatting); in another language as that locale does (Babel). The pages use these
through web.py's template helpers; forms and the messages of operations use them directly,
so a message on an English page reads "Jan 5, 2026", not "05/01/2026". The documents
(decisions) are always Vietnamese and use core.formatting.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, datetime
from decimal import Decimal, getcontext, localcontext

from babel.numbers import format_decimal as babel_format_decimal
from flask_babel import (
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
    ngettext,
    to_user_timezone,
)

from award_flow.core import formatting


def vietnamese_page() -> bool:
    """Is the page in Vietnamese? (Otherwise Vietnamese data on it is marked `lang="vi"`,
    and dates, amounts and sizes follow the page's language.) Outside a request: yes."""
    return str(get_locale() or "vi") == "vi"


def data_choice(value: object, label: str, attributes: dict | None = None) -> tuple:
    """A <select> choice whose label is data written in Vietnamese (a campaign's, an award's,
    a unit's name): on a page in another language its <option> is marked lang="vi", as
    templates/macros.html's vi() marks such text elsewhere (WCAG 3.1.2). `attributes` are
    the option's own (data-…)."""
    attributes = {**(attributes or {}), **({} if vietnamese_page() else {"lang": "vi"})}
    return (value, label, attributes) if attributes else (value, label)


def date_text(value: date) -> str:
    return formatting.vn_date(value) if vietnamese_page() else format_date(value, "long")


def short_date(value: date) -> str:
    return formatting.vn_short_date(value) if vietnamese_page() else format_date(value, "medium")


def local_datetime(value: datetime | None) -> str:
    """A moment (stored in UTC) in the user's time zone: "09/3/2026 14:05" in Vietnamese, as
    short_date writes the day; "Mar 9, 2026, 14:05" in English."""
    if value is None:
        return ""
    if not vietnamese_page():
        return format_datetime(value, "MMM d, y, HH:mm")
    local = to_user_timezone(value)
    return f"{formatting.vn_short_date(local)} {local:%H:%M}"


def _every_digit(value: int | Decimal) -> AbstractContextManager:
    """A decimal context that keeps every digit of `value` and a few decimals more. The
    default one keeps 28 significant digits: beyond them Decimal.normalize rounds (a number
    typed with 30 nines would be shown back as 1 followed by 30 zeros) and Babel's rounding
    to the pattern's decimals fails (InvalidOperation), which made a form refusing such a
    number a server error on an English page."""
    context = getcontext().copy()
    context.prec = max(context.prec, len(Decimal(value).as_tuple().digits) + 10)
    return localcontext(context)


def money(value: int | Decimal) -> str:
    if vietnamese_page():
        return formatting.vn_money(value)
    with _every_digit(value):
        return format_currency(int(value), "VND")


def file_size(size: int) -> str:
    """A file's size in the page's language: "10,2 MB" / "10.2 MB", "193 byte" / "193 bytes"."""
    return formatting.vn_file_size(
        size, "," if vietnamese_page() else ".",
        in_bytes=lambda n: ngettext("%(num)s byte", "%(num)s byte", n))


def number(value: int | Decimal) -> str:
    if vietnamese_page():
        return formatting.vn_number(value)
    with _every_digit(value):
        return format_decimal(int(value))


def decimal(value: Decimal) -> str:
    """A coefficient: "0,3", "1,5" in Vietnamese; "0.3" in English (no trailing zeros)."""
    with _every_digit(value):
        text = format(value.normalize(), "f")
        if vietnamese_page():
            return text.replace(".", ",")
        # Every decimal it has: a number typed with four, refused as having more than three,
        # is shown back as typed, not rounded to the locale pattern's three ("0.0005" as "0").
        return babel_format_decimal(value.normalize(), locale=get_locale(),
                                    decimal_quantization=False)
