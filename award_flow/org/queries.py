"""Reading the organisation: an authority's units as people look for them."""

from __future__ import annotations

from sqlalchemy import select

from award_flow.core.text import alphabetical
from award_flow.extensions import db
from award_flow.org.models import Unit


def units_of(authority_id: int) -> list[Unit]:
    """The authority's units in Vietnamese alphabetical order (filters, choices, lists)."""
    units = db.session.scalars(select(Unit).where(Unit.authority_id == authority_id)).all()
    return sorted(units, key=lambda unit: alphabetical(unit.name))
