"""The append-only audit trail: every state change writes one event."""

from __future__ import annotations

from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from award_flow.auth.models import User
from award_flow.core.model_base import utcnow
from award_flow.extensions import Model, db


class AuditEvent(Model):
    """Who did what to which proposal, when, from which state to which, and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str | None] = mapped_column(String(30))
    comment: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()


class AppendOnlyError(RuntimeError):
    pass


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, target) -> None:  # noqa: ANN001
    raise AppendOnlyError("audit events are append-only")


def record(
    action: str,
    actor: User | None,
    *,
    proposal_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str = "",
) -> AuditEvent:
    """Add an audit event to the session (committed with the change it records)."""
    ip = request.remote_addr if has_request_context() else None
    audit_event = AuditEvent(
        proposal_id=proposal_id,
        actor_id=actor.id if actor else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment or "",
        ip=ip,
    )
    db.session.add(audit_event)
    return audit_event
