"""Administration: the authority itself, its units and users."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user

from award_flow.auth.forms import UserForm
from award_flow.auth.models import User
from award_flow.auth.permissions import admin_required
from award_flow.auth.roles import Role
from award_flow.core.display import data_choice
from award_flow.core.text import alphabetical
from award_flow.core.views import perform_on
from award_flow.extensions import db
from award_flow.org.forms import AuthorityForm, UnitForm
from award_flow.org.models import Unit, UnitKind
from award_flow.org.operations import AuthorityData, save_unit, save_user, update_authority
from award_flow.org.queries import USER_STATUSES, UserFilters, units_of, users_of
from award_flow.proposals.committee import stranded_in_committee

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _authority():
    return current_user.unit.authority


def _own_unit_or_404(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.authority_id != _authority().id:
        abort(404)
    return unit


@bp.route("/authority", methods=["GET", "POST"])
@admin_required
def edit_authority():
    """How the authority names itself and what its decisions print."""
    authority = _authority()
    form = AuthorityForm(obj=authority, level=authority.level)
    if form.validate_on_submit():
        data = AuthorityData(**{name: getattr(form, name).data or ""
                                for name in AuthorityData.__dataclass_fields__})
        if perform_on(form, lambda: update_authority(current_user, authority, data),
                      _("Đã lưu thông tin cơ quan ban hành.")).ok:
            return redirect(url_for(".edit_authority"))
    return render_template("admin/authority_form.html", form=form, authority=authority)


@bp.get("/units")
@admin_required
def units():
    return render_template("admin/units.html", units=units_of(_authority().id))


@bp.route("/units/new", methods=["GET", "POST"], defaults={"unit_id": None})
@bp.route("/units/<int(min=1):unit_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_unit(unit_id: int | None):
    unit = _own_unit_or_404(unit_id) if unit_id else None
    form = UnitForm(obj=unit, kinds=_authority().unit_kinds(unit))
    if unit is not None and not form.is_submitted():
        form.kind.data = unit.kind.value
    # Switching a unit off locks its people out: said before, and counted when done.
    signed_in = sum(1 for member in unit.users if member.active) if unit else 0
    if unit is not None and unit.active and signed_in:
        form.active.description = ngettext(
            "Bỏ chọn để ngừng hoạt động: %(num)s tài khoản của đơn vị sẽ không đăng nhập được "
            "nữa (cho đến khi đơn vị hoạt động lại).",
            "Bỏ chọn để ngừng hoạt động: %(num)s tài khoản của đơn vị sẽ không đăng nhập được "
            "nữa (cho đến khi đơn vị hoạt động lại).", signed_in)
    if form.validate_on_submit():
        stopping = unit is not None and unit.active and not form.active.data
        done = ngettext("Đã lưu đơn vị. Đơn vị đã ngừng hoạt động: %(num)s tài khoản của đơn "
                        "vị không đăng nhập được nữa.",
                        "Đã lưu đơn vị. Đơn vị đã ngừng hoạt động: %(num)s tài khoản của đơn "
                        "vị không đăng nhập được nữa.", signed_in) if stopping and signed_in \
            else _("Đã lưu đơn vị.")
        stranded = _stranded_ids()
        if perform_on(form, lambda: save_unit(current_user, _authority(), form.name.data,
                                              UnitKind(form.kind.data), unit=unit,
                                              active=form.active.data), done).ok:
            _warn_of_stranded_proposals(stranded)
            return redirect(url_for(".units"))
    return render_template("admin/unit_form.html", form=form, unit=unit)


@bp.get("/users")
@admin_required
def users():
    authority_id = _authority().id
    filters = UserFilters.from_args(request.args)
    everyone = users_of(authority_id)
    return render_template("admin/users.html", users=list(filter(filters.matches, everyone)),
                           total=len(everyone), filters=filters, units=units_of(authority_id),
                           roles=list(Role), statuses=USER_STATUSES)


def _saved_user_message(user: User | None, active: bool) -> str:
    """What the admin is told once the account is saved: locking or unlocking it is said,
    not only "saved" (a locked account cannot sign in, and its sessions have ended)."""
    if user is not None and user.active and not active:
        return _("Đã khóa tài khoản %(username)s: tài khoản không đăng nhập được nữa và các "
                 "phiên đăng nhập của tài khoản đã kết thúc.", username=user.username)
    if user is not None and not user.active and active:
        return _("Đã mở khóa tài khoản %(username)s.", username=user.username)
    return _("Đã lưu tài khoản.")


@bp.route("/users/new", methods=["GET", "POST"], defaults={"user_id": None})
@bp.route("/users/<int(min=1):user_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int | None):
    user = None
    if user_id:
        user = db.session.get(User, user_id)
        if user is None or user.unit.authority_id != _authority().id:
            abort(404)
    form = UserForm(obj=user)
    # A new account's unit is chosen, not left at the first of the list.
    form.unit_id.choices = ([(0, _("— Chọn đơn vị —"))] if user is None else []) + \
        _unit_choices(user)
    if user is not None and not form.is_submitted():
        form.role.data = user.role.value
    if form.validate_on_submit():
        unit_of_user = _own_unit_or_404(form.unit_id.data)
        stranded = _stranded_ids()
        if perform_on(form, lambda: save_user(
                current_user, username=form.username.data, full_name=form.full_name.data,
                role=Role(form.role.data), unit=unit_of_user,
                password=form.password.data or None, active=form.active.data, user=user),
                _saved_user_message(user, form.active.data)).ok:
            if user is not None and user.id == current_user.id and form.password.data:
                # A new password ends the account's sessions, this one too: the admin who
                # changed its own password stays signed in here, with the new token.
                login_user(user)
            _warn_of_stranded_proposals(stranded)
            return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form, user=user)


def _stranded_ids() -> set[int]:
    return {p.id for p in stranded_in_committee(_authority().id)}


def _warn_of_stranded_proposals(before: set[int]) -> None:
    """After an account or a unit changed so that proposals before the Standing Committee
    have no member left who may conclude them (a committee member switched off, moved, given
    another role; a unit switched off): the admin, who can add a member, is told how many and
    of which units (not their dossiers, which are not the admin's to read)."""
    stranded = [p for p in stranded_in_committee(_authority().id) if p.id not in before]
    if not stranded:
        return
    units = ", ".join(sorted({p.unit.name for p in stranded}, key=alphabetical))
    flash(ngettext(
        "Không còn thành viên Thường trực Hội đồng nào xét được %(num)s tờ trình của %(units)s "
        "đang chờ Thường trực Hội đồng. Hãy mở lại hoặc tạo tài khoản thành viên Thường trực "
        "Hội đồng không thuộc đơn vị lập tờ trình.",
        "Không còn thành viên Thường trực Hội đồng nào xét được %(num)s tờ trình của %(units)s "
        "đang chờ Thường trực Hội đồng. Hãy mở lại hoặc tạo tài khoản thành viên Thường trực "
        "Hội đồng không thuộc đơn vị lập tờ trình.", len(stranded), units=units), "warning")


def _unit_choices(user: User | None) -> list[tuple[int, str]]:
    """The units a user may be put in: the active ones of the authority, and the user's own
    unit even when it has been switched off (so that its other fields can still be saved)."""
    return [data_choice(u.id, u.name) if u.active
            else (u.id, f"{u.name} ({_('Ngừng hoạt động')})")
            for u in units_of(_authority().id)
            if u.active or (user is not None and u.id == user.unit_id)]
