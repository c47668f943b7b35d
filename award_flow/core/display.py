"""Dates, amounts and sizes as the page's language writes them.

In Vietnamese as official documents write them ("ngày 05 tháng 01 năm 2026", "1.755.000 đồng",
core.formatting); in another language as that locale does (Babel). The pages use these
through web.py's template helpers; forms and the messages of operations use them directly,
so a message on an English page reads "Jan 5, 2026", not "05/01/2026". The documents
(decisions) are always Vietnamese and use core.formatting.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

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


def money(value: int | Decimal) -> str:
    return formatting.vn_money(value) if vietnamese_page() else format_currency(int(value), "VND")


def file_size(size: int) -> str:
    """A file's size in the page's language: "10,2 MB" / "10.2 MB", "193 byte" / "193 bytes"."""
    return formatting.vn_file_size(
        size, "," if vietnamese_page() else ".",
        in_bytes=lambda n: ngettext("%(num)s byte", "%(num)s byte", n))


def number(value: int | Decimal) -> str:
    return formatting.vn_number(value) if vietnamese_page() else format_decimal(int(value))


def decimal(value: Decimal) -> str:
    """A coefficient: "0,3", "1,5" in Vietnamese; "0.3" in English (no trailing zeros)."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",") if vietnamese_page() else format_decimal(value.normalize())
