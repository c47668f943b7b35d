"""The authority's emulation campaigns and their phases (the secretariat and the admin)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from award_flow.auth.permissions import campaign_managers_required
from award_flow.campaigns import operations as ops
from award_flow.campaigns.forms import CampaignForm, PhaseForm
from award_flow.campaigns.models import Campaign, CampaignKind, Phase
from award_flow.campaigns.queries import campaigns_of
from award_flow.core.forms import EmptyForm
from award_flow.core.views import perform, perform_on
from award_flow.extensions import db

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")


def _authority():
    return current_user.unit.authority


def _own_campaign_or_404(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.authority_id != _authority().id:
        abort(404)
    return campaign


def _own_phase_or_404(phase_id: int) -> Phase:
    phase = db.session.get(Phase, phase_id)
    if phase is None or phase.campaign.authority_id != _authority().id:
        abort(404)
    return phase


@bp.get("/")
@campaign_managers_required
def index():
    campaigns = campaigns_of(_authority().id)
    return render_template("campaigns/index.html", campaigns=campaigns,
                           counts=ops.proposal_counts([c.id for c in campaigns]),
                           empty_form=EmptyForm())


@bp.route("/new", methods=["GET", "POST"], defaults={"campaign_id": None})
@bp.route("/<int(min=1):campaign_id>/edit", methods=["GET", "POST"])
@campaign_managers_required
def edit(campaign_id: int | None):
    campaign = _own_campaign_or_404(campaign_id) if campaign_id else None
    form = CampaignForm(obj=campaign)
    if campaign is not None and not form.is_submitted():
        form.kind.data = campaign.kind.value
    if form.validate_on_submit():
        data = ops.CampaignData(name=form.name.data, kind=CampaignKind(form.kind.data),
                                starts_on=form.starts_on.data, ends_on=form.ends_on.data)
        result = perform_on(form, lambda: ops.save_campaign(current_user, _authority(), data,
                                                            campaign),
                            _("Đã lưu phong trào thi đua."))
        if result.ok:
            return redirect(url_for(".phases", campaign_id=result.value.id))
    return render_template("campaigns/form.html", form=form, campaign=campaign)


@bp.post("/<int(min=1):campaign_id>/delete")
@campaign_managers_required
def delete(campaign_id: int):
    campaign = _own_campaign_or_404(campaign_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    perform(lambda: ops.remove_campaign(current_user, campaign), _("Đã xóa phong trào thi đua."))
    return redirect(url_for(".index"))


@bp.route("/<int(min=1):campaign_id>/phases", methods=["GET", "POST"])
@campaign_managers_required
def phases(campaign_id: int):
    """The campaign's phases, and a form to add one."""
    campaign = _own_campaign_or_404(campaign_id)
    form = PhaseForm()
    if form.validate_on_submit():
        data = ops.PhaseData(name=form.name.data, starts_on=form.starts_on.data,
                             ends_on=form.ends_on.data)
        if perform_on(form, lambda: ops.save_phase(current_user, campaign, data),
                      _("Đã thêm đợt thi đua.")).ok:
            return redirect(url_for(".phases", campaign_id=campaign.id))
    return render_template("campaigns/phases.html", campaign=campaign, form=form,
                           counts=ops.phase_proposal_counts(campaign), empty_form=EmptyForm())


@bp.route("/phases/<int(min=1):phase_id>/edit", methods=["GET", "POST"])
@campaign_managers_required
def edit_phase(phase_id: int):
    phase = _own_phase_or_404(phase_id)
    form = PhaseForm(obj=phase)
    if form.validate_on_submit():
        data = ops.PhaseData(name=form.name.data, starts_on=form.starts_on.data,
                             ends_on=form.ends_on.data)
        if perform_on(form, lambda: ops.save_phase(current_user, phase.campaign, data, phase),
                      _("Đã lưu đợt thi đua.")).ok:
            return redirect(url_for(".phases", campaign_id=phase.campaign_id))
    return render_template("campaigns/phase_form.html", form=form, phase=phase)


@bp.post("/phases/<int(min=1):phase_id>/delete")
@campaign_managers_required
def delete_phase(phase_id: int):
    phase = _own_phase_or_404(phase_id)
    campaign_id = phase.campaign_id
    if not EmptyForm().validate_on_submit():
        abort(400)
    perform(lambda: ops.remove_phase(current_user, phase), _("Đã xóa đợt thi đua."))
    return redirect(url_for(".phases", campaign_id=campaign_id))
