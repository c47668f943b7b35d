"""Helpers to store Python enums as readable strings guarded by a CHECK constraint."""

from __future__ import annotations

import enum

from sqlalchemy import Enum


def enum_column_type(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A VARCHAR holding the enum's *value*, with a named CHECK constraint on both databases."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls) + 8,
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )
