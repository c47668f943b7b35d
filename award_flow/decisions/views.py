"""Decisions: list, detail and the stored PDF."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from io import BytesIO

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload, undefer

from award_flow.auth.models import User
from award_flow.core.params import id_arg, page_arg, past_last_page
from award_flow.decisions.models import Award, Decision, DecisionFile
from award_flow.extensions import db
from award_flow.org.queries import units_of
from award_flow.proposals.models import DESCRIPTION_LABELS, NAME_LABELS, Nominee, Proposal
from award_flow.proposals.workflow import (
    can_view,
    sees_every_unit,
    visible_to,
    works_on_proposals,
)

bp = Blueprint("decisions", __name__, url_prefix="/decisions")

#: A decision's number as people type it: "5", "05" or "05/QĐ-UBND" (the number first).
_NUMBER = re.compile(r"0*([0-9]{1,9})(?:\s*/.*)?", re.S)


@dataclass(frozen=True)
class DecisionFilters:
    """The list's filters, from the query string. A year or unit that is not one filters
    nothing (as the proposals' filters do); a number that is not one matches nothing."""

    year: int | None = None
    unit_id: int | None = None
    number: int | None = None
    #: The number as typed, shown back in its box.
    number_text: str = ""

    @classmethod
    def from_args(cls, args) -> DecisionFilters:  # noqa: ANN001
        year = args.get("year", "").strip()
        number_text = " ".join((args.get("number") or "").split())[:40]
        number = _NUMBER.fullmatch(number_text)
        return cls(
            year=int(year) if len(year) == 4 and year.isascii() and year.isdigit() else None,
            unit_id=id_arg(args, "unit"),
            number=int(number.group(1)) or None if number else None,
            number_text=number_text,
        )

    @property
    def active(self) -> bool:
        return any((self.year, self.unit_id, self.number_text))


def decisions_query(user: User, filters: DecisionFilters) -> Select:
    """The decisions the user may see (those of the proposals it may see), latest first."""
    query = (
        select(Decision)
        .join(Proposal, Proposal.decision_id == Decision.id)
        .where(visible_to(user))
        .order_by(Decision.year.desc(), Decision.number.desc())
    )
    if filters.year:
        query = query.where(Decision.year == filters.year)
    if filters.unit_id:
        query = query.where(Proposal.unit_id == filters.unit_id)
    if filters.number_text:
        # A number that is not one matches nothing (rather than everything).
        query = query.where(Decision.number == (filters.number or 0))
    return query


def _visible_decision(decision_id: int) -> tuple[Decision, Proposal]:
    """A decision is visible to whoever may see the proposal it answers; else 404."""
    row = db.session.execute(
        select(Decision, Proposal)
        .join(Proposal, Proposal.decision_id == Decision.id)
        .where(Decision.id == decision_id)
    ).first()
    if row is None or not can_view(current_user, row.Proposal):
        abort(404)
    return row.Decision, row.Proposal


@bp.get("/")
@login_required
def index():
    if not works_on_proposals(current_user):
        abort(404)
    filters = DecisionFilters.from_args(request.args)
    if not sees_every_unit(current_user):  # a unit sees its own decisions: no unit filter
        filters = replace(filters, unit_id=None)
    per_page = current_app.config["PAGE_SIZE"]
    query = decisions_query(current_user, filters).options(
        selectinload(Decision.proposal).options(joinedload(Proposal.award_type),
                                                joinedload(Proposal.unit)))
    pagination = db.paginate(query, page=page_arg(request.args, per_page), per_page=per_page,
                             error_out=False)
    if (last := past_last_page(pagination, request.args.to_dict())) is not None:
        return redirect(url_for("decisions.index", **last))
    years = db.session.scalars(
        select(Decision.year).join(Proposal, Proposal.decision_id == Decision.id)
        .where(visible_to(current_user)).distinct().order_by(Decision.year.desc())
    ).all()
    # A unit sees its own decisions only: neither a unit filter nor a unit column.
    units = units_of(current_user.unit.authority_id) if sees_every_unit(current_user) else []
    return render_template("decisions/list.html", pagination=pagination, filters=filters,
                           years=years, units=units)


@bp.get("/<int:decision_id>")
@login_required
def detail(decision_id: int):
    decision, proposal = _visible_decision(decision_id)
    awards = db.session.scalars(
        select(Award).where(Award.decision_id == decision.id)
        .options(joinedload(Award.nominee), joinedload(Award.award_type))
        .join(Nominee).order_by(Nominee.kind, Award.id)
    ).all()
    kind = proposal.award_type.subject
    return render_template("decisions/detail.html", decision=decision, proposal=proposal,
                           awards=awards, name_column=NAME_LABELS[kind],
                           description_column=DESCRIPTION_LABELS[kind])


@bp.get("/<int:decision_id>/pdf")
@login_required
def pdf(decision_id: int):
    """Serve the file stored at issuance, byte for byte."""
    decision, _proposal = _visible_decision(decision_id)
    stored = db.session.scalar(
        select(DecisionFile).where(DecisionFile.decision_id == decision.id)
        .options(undefer(DecisionFile.content))
    )
    if stored is None:
        abort(404)
    filename = f"QD-{decision.number:02d}-{decision.year}.pdf"
    response = send_file(BytesIO(stored.content), mimetype="application/pdf",
                         as_attachment=request.args.get("inline") != "1",
                         download_name=filename, etag=stored.sha256)
    response.headers["X-Content-SHA256"] = stored.sha256
    # Names and bonuses of people: no shared cache may keep it, nor the browser's disk cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response
