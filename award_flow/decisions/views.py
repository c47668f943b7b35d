"""Decisions: list, detail and the stored PDF."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload, undefer

from award_flow.core.params import page_arg
from award_flow.decisions.models import Award, Decision, DecisionFile
from award_flow.extensions import db
from award_flow.proposals.models import Nominee, Proposal
from award_flow.proposals.workflow import can_view, visible_to, works_on_proposals

bp = Blueprint("decisions", __name__, url_prefix="/decisions")


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
    per_page = current_app.config["PAGE_SIZE"]
    query = (
        select(Decision)
        .join(Proposal, Proposal.decision_id == Decision.id)
        .where(visible_to(current_user))
        .order_by(Decision.year.desc(), Decision.number.desc())
        .options(selectinload(Decision.proposal).joinedload(Proposal.award_type))
    )
    pagination = db.paginate(query, page=page_arg(request.args, per_page), per_page=per_page,
                             error_out=False)
    return render_template("decisions/list.html", pagination=pagination)


@bp.get("/<int:decision_id>")
@login_required
def detail(decision_id: int):
    decision, proposal = _visible_decision(decision_id)
    awards = db.session.scalars(
        select(Award).where(Award.decision_id == decision.id)
        .options(joinedload(Award.nominee), joinedload(Award.award_type))
        .join(Nominee).order_by(Nominee.kind, Award.id)
    ).all()
    return render_template("decisions/detail.html", decision=decision, proposal=proposal,
                           awards=awards)


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
