"""Vietnamese formatting of dates and amounts, as printed in official documents.

Decree 30/2020 wants "ngày 05 tháng 01 năm 2026": days below 10 and the months January and
February take a leading zero (other months are written without one, e.g. "tháng 3").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal


def _month(m: int) -> str:
    return f"{m:02d}" if m <= 2 else str(m)


def vn_date(d: date | datetime) -> str:
    """`ngày 05 tháng 01 năm 2026`."""
    return f"ngày {d.day:02d} tháng {_month(d.month)} năm {d.year}"


def vn_place_date(place: str, d: date | datetime) -> str:
    """`Duyên Hải, ngày 05 tháng 01 năm 2026` — the date line of a document."""
    return f"{place}, {vn_date(d)}"


def vn_short_date(d: date | datetime) -> str:
    """`05/01/2026`, `09/3/2026` — references such as the annex caption; the month is
    padded as in the date line."""
    return f"{d.day:02d}/{_month(d.month)}/{d.year}"


def vn_number(value: int | Decimal) -> str:
    """Group thousands with dots: 1755000 → `1.755.000`."""
    n = int(value)
    sign = "-" if n < 0 else ""
    return sign + f"{abs(n):,}".replace(",", ".")


def vn_money(value: int | Decimal) -> str:
    """`1.755.000 đồng`."""
    return f"{vn_number(value)} đồng"


def document_number(number: int, symbol: str) -> str:
    """`05/QĐ-UBND`: numbers under 10 take a leading zero."""
    return f"{number:02d}/{symbol}"


def vn_file_size(size: int, decimal_mark: str = ",",
                 in_bytes: Callable[[int], str] = "{} byte".format) -> str:
    """`10 MB`, `1,5 MB`, `512 KB` (Vietnamese decimal comma; `decimal_mark="."` for English).
    A size that rounds up to the next unit is written in it: 1.048.575 bytes are "1 MB", not
    "1024 KB". Below a kilobyte, `in_bytes` writes the count with its word: "900 byte" in
    Vietnamese, which has no plural (the pages pass their language's, display.file_size)."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        value = round(size / scale, 1)
        if value >= 1:
            text = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", decimal_mark)
            return f"{text} {unit}"
    return in_bytes(size)
