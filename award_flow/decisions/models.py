"""Decisions, the awards they confer, and gap-free numbering."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from award_flow.catalogue.models import AwardType
from award_flow.core.formatting import document_number
from award_flow.core.model_base import utcnow
from award_flow.extensions import Model
from award_flow.org.models import Authority
from award_flow.proposals.models import Nominee, Proposal


class DecisionCounter(Model):
    """The last number used per authority and year. Incremented inside the issuing transaction,
    so a rolled-back issuance gives its number back and numbers have no gaps."""

    __table_args__ = (CheckConstraint("last_number >= 0", name="last_number_not_negative"),)

    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class Decision(Model):
    """Quyết định khen thưởng."""

    __table_args__ = (
        UniqueConstraint("authority_id", "year", "number"),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint("total_amount >= 0", name="total_not_negative"),
        # A decision awards someone (approval refuses when nobody is recommended).
        CheckConstraint("award_count > 0", name="awards_someone"),
        CheckConstraint("priority_count >= 0 AND priority_count <= award_count",
                        name="priority_within_awards"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id"))
    year: Mapped[int]
    number: Mapped[int]
    #: "QĐ-UBND"
    symbol: Mapped[str] = mapped_column(String(30))
    issued_on: Mapped[date]
    #: Trích yếu; built from the proposal's achievement (up to 2,000 characters), so unbounded.
    subject: Mapped[str] = mapped_column(Text)
    signer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_is_vice: Mapped[bool]
    #: Mức lương cơ sở applied, kept so the amounts can be explained later.
    base_salary: Mapped[Decimal] = mapped_column(Numeric(14, 0))
    total_amount: Mapped[Decimal] = mapped_column(Numeric(16, 0))
    award_count: Mapped[int]
    priority_count: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    authority: Mapped[Authority] = relationship()
    awards: Mapped[list[Award]] = relationship(back_populates="decision", order_by="Award.id")
    file: Mapped[DecisionFile] = relationship(back_populates="decision", uselist=False)
    #: The approved proposal (it holds the link: `proposal.decision_id`).
    proposal: Mapped[Proposal] = relationship(back_populates="decision", uselist=False)

    @property
    def reference(self) -> str:
        """`05/QĐ-UBND`."""
        return document_number(self.number, self.symbol)

    @property
    def priority_share(self) -> str:
        return f"{self.priority_count}/{self.award_count}"


class DecisionFile(Model):
    """The decision's PDF, rendered once at issuance and never changed.

    It lives in the database, in the same transaction as the number, so an issuance is
    all-or-nothing: there is never a number without its file, nor a file without its decision.
    """

    __table_args__ = (CheckConstraint("size > 0", name="not_empty"),)

    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), primary_key=True)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    decision: Mapped[Decision] = relationship(back_populates="file")


class Award(Model):
    """One nominee's award under a decision."""

    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), index=True)
    nominee_id: Mapped[int] = mapped_column(ForeignKey("nominee.id"), unique=True)
    award_type_id: Mapped[int] = mapped_column(ForeignKey("award_type.id"))
    #: The coefficient applied (the catalogue may change later).
    coefficient: Mapped[Decimal] = mapped_column(Numeric(6, 3))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 0))

    decision: Mapped[Decision] = relationship(back_populates="awards")
    nominee: Mapped[Nominee] = relationship()
    award_type: Mapped[AwardType] = relationship()
