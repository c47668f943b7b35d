"""Administration of the award catalogue and the base salary (the admin's own authority)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from award_flow.auth.permissions import admin_required
from award_flow.catalogue import operations as ops
from award_flow.catalogue.forms import AwardTypeForm, BaseSalaryForm
from award_flow.catalogue.models import (
    AwardCategory,
    AwardType,
    ConferredBy,
    MissingSetting,
    NomineeKind,
    Setting,
    base_salary_on,
    bonus_amount,
)
from award_flow.core.clock import local_today
from award_flow.core.forms import EmptyForm
from award_flow.core.text import alphabetical
from award_flow.core.views import perform, perform_on
from award_flow.extensions import db

bp = Blueprint("catalogue", __name__, url_prefix="/admin")


def _authority():
    return current_user.unit.authority


def _salary_today():  # noqa: ANN202
    """The base salary in force today, or None when none is (approvals are refused then)."""
    try:
        return base_salary_on(_authority().id, local_today())
    except MissingSetting:
        return None


@bp.get("/catalogue")
@admin_required
def award_types():
    rows = db.session.scalars(select(AwardType).where(
        AwardType.authority_id == _authority().id)).all()
    # This authority's own awards first, then what it forwards; titles before forms.
    rows = sorted(rows, key=lambda a: (a.conferred_by != ConferredBy.SELF,
                                       a.category != AwardCategory.TITLE,
                                       alphabetical(a.name), a.subject != NomineeKind.INDIVIDUAL))
    salary = _salary_today()
    bonuses = {a.id: bonus_amount(a.coefficient, salary) for a in rows} if salary else {}
    return render_template("catalogue/award_types.html", award_types=rows, salary=salary,
                           bonuses=bonuses)


@bp.route("/catalogue/new", methods=["GET", "POST"], defaults={"award_type_id": None})
@bp.route("/catalogue/<int(min=1):award_type_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_award_type(award_type_id: int | None):
    award_type = None
    if award_type_id is not None:
        award_type = db.session.get(AwardType, award_type_id)
        if award_type is None or award_type.authority_id != _authority().id:
            abort(404)
    form = AwardTypeForm(obj=award_type)
    if award_type is not None:
        form.keep_only_what_changes()
    if form.validate_on_submit():
        fixed = {} if award_type is not None else {
            "code": form.code.data, "category": AwardCategory(form.category.data),
            "subject": NomineeKind(form.subject.data),
            "conferred_by": ConferredBy(form.conferred_by.data)}
        data = ops.AwardTypeData(name=form.name.data, coefficient=form.coefficient.data,
                                 notes=form.notes.data or "", active=form.active.data, **fixed)
        if perform_on(form, lambda: ops.save_award_type(current_user, _authority(), data,
                                                        award_type),
                      _("Đã lưu danh mục khen thưởng.")).ok:
            return redirect(url_for(".award_types"))
    return render_template("catalogue/award_type_form.html", form=form, award_type=award_type)


@bp.route("/base-salary", methods=["GET", "POST"])
@admin_required
def base_salary():
    form = BaseSalaryForm()
    if form.validate_on_submit():
        if perform_on(form, lambda: ops.add_base_salary(
                current_user, _authority(), form.amount.data, form.effective_from.data,
                form.source.data), _("Đã thêm mức lương cơ sở.")).ok:
            return redirect(url_for(".base_salary"))
    return render_template("catalogue/base_salary.html", form=form,
                           salaries=ops.base_salaries(_authority().id),
                           removable=ops.removable_base_salaries(_authority().id),
                           salary=_salary_today(), today=local_today(), empty_form=EmptyForm())


@bp.post("/base-salary/<int(min=1):setting_id>/delete")
@admin_required
def delete_base_salary(setting_id: int):
    setting = db.session.get(Setting, setting_id)
    if setting is None or setting.authority_id != _authority().id \
            or setting.key != ops.BASE_SALARY:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    perform(lambda: ops.remove_base_salary(current_user, setting),
            _("Đã xóa mức lương cơ sở."))
    return redirect(url_for(".base_salary"))
