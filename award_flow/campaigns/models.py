"""Emulation campaigns and their phases (a minimal record; registrations come later)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from award_flow.core.enums import enum_column_type
from award_flow.core.text import same_name_key
from award_flow.extensions import Model
from award_flow.org.models import Authority


class CampaignKind(StrEnum):
    REGULAR = "regular"  # thường xuyên
    THEMATIC = "thematic"  # chuyên đề
    PHASED = "phased"  # theo đợt

    @property
    def label(self) -> str:
        return str(CAMPAIGN_KIND_LABELS[self])


CAMPAIGN_KIND_LABELS = {
    CampaignKind.REGULAR: _l("Thường xuyên"),
    CampaignKind.THEMATIC: _l("Chuyên đề"),
    CampaignKind.PHASED: _l("Theo đợt"),
}


class _Span:
    """What a campaign and a phase have: the dates they run between."""

    starts_on: Mapped[date]
    ends_on: Mapped[date]

    @property
    def years(self) -> str:
        """The years it runs in, as a refusal and a choice name them: "2022", "2021 - 2025"."""
        first, last = self.starts_on.year, self.ends_on.year
        return str(first) if first == last else f"{first} - {last}"


class Campaign(_Span, Model):
    """Phong trào thi đua."""

    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
                      UniqueConstraint("authority_id", "name_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id"), index=True)
    name: Mapped[str] = mapped_column(String(400))
    #: `same_name_key(name)`, set whenever the name is set and unique per authority (as
    #: `Unit.name_key`).
    name_key: Mapped[str] = mapped_column(Text)
    kind: Mapped[CampaignKind] = mapped_column(enum_column_type(CampaignKind, "campaign_kind"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]

    authority: Mapped[Authority] = relationship()
    phases: Mapped[list[Phase]] = relationship(back_populates="campaign",
                                               order_by="Phase.starts_on")

    @validates("name")
    def _set_name_key(self, _attribute: str, name: str) -> str:
        self.name_key = same_name_key(name)
        return name


class Phase(_Span, Model):
    """Đợt thi đua."""

    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]

    campaign: Mapped[Campaign] = relationship(back_populates="phases")
