"""Sign in and out."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from award_flow.auth.forms import LoginForm
from award_flow.auth.models import User
from award_flow.auth.passwords import hash_password, needs_rehash
from award_flow.core.urls import local_url
from award_flow.extensions import db, limiter, login_manager

bp = Blueprint("auth", __name__)

# Verifying against a real hash when the user does not exist keeps timing the same.
_DUMMY_HASH: list[str] = []


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    return local_url(target) or url_for("proposals.my_work")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("proposals.my_work"))
    form = LoginForm()
    if form.validate_on_submit():
        username = (form.username.data or "").lower()  # stored lower-case (org/operations.py)
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            if not _DUMMY_HASH:
                _DUMMY_HASH.append(hash_password("not a password"))
            User(password_hash=_DUMMY_HASH[0]).check_password(form.password.data)
        elif user.active and user.check_password(form.password.data):
            if needs_rehash(user.password_hash):
                user.set_password(form.password.data)
                db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))
