"""Administration of the award catalogue and the base salary (the admin's own authority)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from award_flow.auth.permissions import admin_required
from award_flow.catalogue import operations as ops
from award_flow.catalogue.forms import (
    AwardTypeForm,
    BaseSalaryForm,
    BonusRoundingForm,
    CoefficientForm,
    rounding_label,
)
from award_flow.catalogue.models import (
    BASE_SALARY,
    BONUS_ROUNDING,
    AwardCategory,
    AwardCoefficient,
    AwardType,
    ConferredBy,
    MissingSetting,
    NomineeKind,
    Setting,
    base_salary_on,
    bonus_amount,
    bonus_rounding_on,
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
        AwardType.authority_id == _authority().id).options(
            selectinload(AwardType.coefficients))).all()
    # This authority's own awards first, then what it forwards; titles before forms.
    rows = sorted(rows, key=lambda a: (a.conferred_by != ConferredBy.SELF,
                                       a.category != AwardCategory.TITLE,
                                       alphabetical(a.name), a.subject != NomineeKind.INDIVIDUAL))
    today = local_today()
    # Its own coefficient or multiple in force; a multiple's bonus reads the other entry's
    # coefficient too.
    in_force = {a.id: c for a in rows if (c := a.own_on(today)) is not None}
    # A value a rule changes from a day to come: the page says so beside today's.
    coming = {a.id: a.coefficients[0] for a in rows
              if a.coefficients and a.coefficients[0].effective_from > today}
    salary = _salary_today()
    rounding = bonus_rounding_on(_authority().id, today)
    bonuses = {a.id: bonus_amount(c.coefficient, salary, rounding, a.multiple_on(today))
               for a in rows if a.id in in_force and (c := a.coefficient_on(today))
               } if salary else {}
    return render_template("catalogue/award_types.html", award_types=rows, salary=salary,
                           rounding=rounding, rounding_label=rounding_label, bonuses=bonuses,
                           in_force=in_force, coming=coming)


def _award_type_or_404(award_type_id: int) -> AwardType:
    award_type = db.session.get(AwardType, award_type_id)
    if award_type is None or award_type.authority_id != _authority().id:
        abort(404)
    return award_type


@bp.route("/catalogue/new", methods=["GET", "POST"], defaults={"award_type_id": None})
@bp.route("/catalogue/<int(min=1):award_type_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_award_type(award_type_id: int | None):
    award_type = None if award_type_id is None else _award_type_or_404(award_type_id)
    if award_type is not None:
        form = AwardTypeForm(obj=award_type)
        form.keep_only_what_changes()
    else:
        form = AwardTypeForm(paid_by=_paid_by_choices())
    if form.validate_on_submit():
        fixed = {} if award_type is not None else _payment(form) | {
            "code": form.code.data, "category": AwardCategory(form.category.data),
            "subject": NomineeKind(form.subject.data),
            "conferred_by": ConferredBy(form.conferred_by.data)}
        data = ops.AwardTypeData(name=form.name.data, notes=form.notes.data or "",
                                 active=form.active.data, **fixed)
        if perform_on(form, lambda: ops.save_award_type(current_user, _authority(), data,
                                                        award_type),
                      _("Đã lưu danh mục khen thưởng.")).ok:
            return redirect(url_for(".award_types"))
    return _award_type_page(form, award_type, CoefficientForm(
        formdata=None, multiple=award_type is not None and award_type.is_multiple))


def _paid_by_choices() -> list[AwardType]:
    """The entries a new one may be paid a multiple of: those with coefficients of their own."""
    rows = db.session.scalars(select(AwardType).where(
        AwardType.authority_id == _authority().id,
        AwardType.bonus_multiple_of_id.is_(None))).all()
    return sorted(rows, key=lambda a: (alphabetical(a.name), a.subject != NomineeKind.INDIVIDUAL))


def _payment(form: AwardTypeForm) -> dict:
    """How a new entry is paid: its own coefficient, or a multiple of another's bonus; and
    the basis of that number."""
    if form.bonus_multiple_of.data:
        paid = {"bonus_multiple_of_id": form.bonus_multiple_of.data,
                "bonus_multiple": form.bonus_multiple.data}
    else:
        paid = {"coefficient": form.coefficient.data}
    return {**paid, "coefficient_source": form.coefficient_source.data}


@bp.post("/catalogue/<int(min=1):award_type_id>/coefficients")
@admin_required
def add_coefficient(award_type_id: int):
    award_type = _award_type_or_404(award_type_id)
    form = CoefficientForm(multiple=award_type.is_multiple)
    done = _("Đã thêm số lần tiền thưởng.") if award_type.is_multiple \
        else _("Đã thêm hệ số tiền thưởng.")
    if form.validate_on_submit() and perform_on(form, lambda: ops.add_coefficient(
            current_user, award_type, form.coefficient.data, form.effective_from.data,
            form.source.data), done).ok:
        return redirect(url_for(".edit_award_type", award_type_id=award_type.id,
                                _anchor="coefficients"))
    entry_form = AwardTypeForm(obj=award_type, formdata=None)
    entry_form.keep_only_what_changes()
    return _award_type_page(entry_form, award_type, form)


def _award_type_page(form: AwardTypeForm, award_type: AwardType | None,
                     coefficient_form: CoefficientForm) -> str:
    today = local_today()
    in_force = award_type.own_on(today) if award_type is not None else None
    return render_template(
        "catalogue/award_type_form.html", form=form, award_type=award_type, today=today,
        dependents=[(d, d.multiple_on(today)) for d in ops.dependents(award_type)]
        if award_type is not None else (),
        coefficient_form=coefficient_form, in_force={in_force.id} if in_force else set(),
        removable=ops.coefficients_removable(award_type) if award_type is not None else set(),
        empty_form=EmptyForm())


@bp.post("/catalogue/coefficients/<int(min=1):coefficient_id>/delete")
@admin_required
def delete_coefficient(coefficient_id: int):
    row = db.session.get(AwardCoefficient, coefficient_id)
    if row is None or row.award_type.authority_id != _authority().id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    award_type_id = row.award_type_id
    done = _("Đã xóa số lần tiền thưởng.") if row.award_type.is_multiple \
        else _("Đã xóa hệ số tiền thưởng.")
    perform(lambda: ops.remove_coefficient(current_user, row), done)
    return redirect(url_for(".edit_award_type", award_type_id=award_type_id,
                            _anchor="coefficients"))


@bp.route("/base-salary", methods=["GET", "POST"])
@admin_required
def base_salary():
    """The base salary by the dates it takes effect, and how bonuses are rounded: what a
    decision's bonuses are computed from."""
    form = BaseSalaryForm()
    if form.validate_on_submit() and _added(form, ops.BASE_SALARY_SETTING,
                                            _("Đã thêm mức lương cơ sở.")):
        return redirect(url_for(".base_salary"))
    return _dated_amounts_page(form, BonusRoundingForm(formdata=None))


@bp.post("/base-salary/rounding")
@admin_required
def add_rounding():
    form = BonusRoundingForm()
    if form.validate_on_submit() and _added(form, ops.BONUS_ROUNDING_SETTING,
                                            _("Đã thêm mức làm tròn tiền thưởng.")):
        return redirect(url_for(".base_salary", _anchor="rounding"))
    return _dated_amounts_page(BaseSalaryForm(formdata=None), form)


def _added(form, setting: ops.DatedAmount, done: str) -> bool:  # noqa: ANN001
    return perform_on(form, lambda: ops.add_dated_amount(
        current_user, _authority(), setting, form.amount.data, form.effective_from.data,
        form.source.data), done).ok


def _dated_amounts_page(form: BaseSalaryForm, rounding_form: BonusRoundingForm) -> str:
    authority = _authority()
    today = local_today()
    salaries = ops.dated_values(authority.id, BASE_SALARY)
    roundings = ops.dated_values(authority.id, BONUS_ROUNDING)
    # The latest value of each that has taken effect (the lists are the latest first).
    in_force = {next((s.id for s in rows if s.effective_from <= today), None)
                for rows in (salaries, roundings)}
    return render_template(
        "catalogue/base_salary.html", form=form, rounding_form=rounding_form, today=today,
        salaries=salaries, roundings=roundings, in_force=in_force,
        removable=ops.removable(authority.id, BASE_SALARY)
        | ops.removable(authority.id, BONUS_ROUNDING),
        rounding=bonus_rounding_on(authority.id, today), rounding_label=rounding_label,
        empty_form=EmptyForm())


@bp.post("/base-salary/<int(min=1):setting_id>/delete")
@admin_required
def delete_setting(setting_id: int):
    row = db.session.get(Setting, setting_id)
    if row is None or row.authority_id != _authority().id or row.key not in ops.DATED_AMOUNTS:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    done = _("Đã xóa mức lương cơ sở.") if row.key == BASE_SALARY \
        else _("Đã xóa mức làm tròn tiền thưởng.")
    perform(lambda: ops.remove_dated_amount(current_user, row), done)
    return redirect(url_for(".base_salary"))
