"""Reading campaigns."""

from __future__ import annotations

from sqlalchemy import select

from award_flow.campaigns.models import Campaign
from award_flow.extensions import db


def campaigns_of(authority_id: int) -> list[Campaign]:
    """The authority's campaigns, the latest first (the current one is what a new proposal
    and a filter most often want), in one order for every list and choice."""
    return list(db.session.scalars(
        select(Campaign).where(Campaign.authority_id == authority_id)
        .order_by(Campaign.starts_on.desc(), Campaign.name)))
