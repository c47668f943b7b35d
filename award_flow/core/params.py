"""Integers read from a request (URL path or query string), bounded to what the database
can compare: SQLite's driver refuses a number beyond 64 bits with an OverflowError, and
PostgreSQL an INTEGER parameter beyond 32 bits ("integer out of range"); either would turn
a hand-typed URL into a 500."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: The largest id a row can have: ids are INTEGER columns, 32-bit signed on PostgreSQL (SQLite
#: would take up to 2**63 - 1). No table can hold more rows than this either, so it also
#: bounds a useful OFFSET.
MAX_ID = 2**31 - 1


def _integer(value: object) -> int | None:
    """`value` as an integer when it is one written in plain decimal digits, else None."""
    if not isinstance(value, str) or not value.isascii() or not value.isdecimal():
        return None
    if len(value) > 20:  # far beyond MAX_ID, refused before int() reads a long string
        return None
    return int(value)


def id_arg(args: Mapping[str, str], key: str) -> int | None:
    """The id in query argument `key`, or None when it is missing, not a number, or out of
    range (0, MAX_ID]: such a filter is ignored, like any other malformed one."""
    value = _integer(args.get(key))
    return value if value is not None and 0 < value <= MAX_ID else None


def page_arg(args: Mapping[str, str], per_page: int, key: str = "page") -> int:
    """The page number in query argument `key`; 1 when it is missing, not a number, not
    positive, or beyond any page a table can fill (its offset past MAX_ID rows)."""
    value = _integer(args.get(key))
    if value is None or value < 1 or (value - 1) * per_page > MAX_ID:
        return 1
    return value


def past_last_page(pagination, args: Mapping[str, str]) -> dict[str, Any] | None:  # noqa: ANN001
    """The query of the last page when `pagination` is past it (a bookmark, or the last item
    of the page was just handled): same filters, the last page (none: page 1). None when the
    page exists."""
    if pagination.page <= max(pagination.pages, 1):
        return None
    query = dict(args)
    if pagination.pages > 1:
        query["page"] = str(pagination.pages)
    else:
        query.pop("page", None)
    return query
