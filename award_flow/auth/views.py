"""Sign in and out.

Sign-in attempts are limited twice, and only the refused ones count (a wrong password, an
unknown user, a locked account): per client address (`LOGIN_RATE_LIMIT`), so that one
address cannot try many accounts, and per username (`LOGIN_USERNAME_RATE_LIMIT`), so that
one account cannot be tried from many addresses. Behind a reverse proxy the address is the
client's only with `PROXY_FIX_X_FOR` set (award_flow/__init__.py).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from award_flow.auth.forms import LoginForm
from award_flow.auth.models import User
from award_flow.auth.passwords import hash_password, verify_and_update, verify_password
from award_flow.core.text import nfc
from award_flow.core.urls import local_url
from award_flow.extensions import db, limiter, login_manager

bp = Blueprint("auth", __name__)

# Verifying against a real hash when the user does not exist keeps timing the same.
_DUMMY_HASH: list[str] = []
#: Marks, in the request's WSGI environment, a sign-in refused for its credentials.
_REFUSED = "award_flow.login_refused"
#: What the session keeps across signing in and out: the interface language (web.py).
KEPT_SESSION_KEYS = ("lang",)


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """The user whose current session token the session or remember cookie holds."""
    user = db.session.scalar(select(User).where(User.session_token == session_token))
    return user if user is not None and user.is_active else None


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _username_limit() -> str:
    return current_app.config["LOGIN_USERNAME_RATE_LIMIT"]


def username_key(username: str) -> str:
    """The per-username limit's key: NFC, casefolded, as long as a username can be."""
    return "user:" + (nfc(username) or "").casefold()[:80]


def _username_limit_key() -> str:
    return username_key(request.form.get("username", ""))


def _refused(_response) -> bool:  # noqa: ANN001 - Flask-Limiter's deduct_when
    return bool(request.environ.get(_REFUSED))


def _safe_next(target: str | None) -> str:
    return local_url(target) or url_for("proposals.my_work")


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password("not a password"))
    return _DUMMY_HASH[0]


def authenticate(username: str, password: str) -> User | None:
    """The user these credentials sign in, or None.

    The password is always checked first — against a dummy hash for an unknown username —
    and whether the account (or its unit) is active only afterwards, so the time an answer
    takes does not tell an unknown, locked or switched-off account from a wrong password.
    """
    user = db.session.scalar(select(User).where(User.username == (nfc(username) or "").lower()))
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    matches, rehash = verify_and_update(user.password_hash, password)
    if not matches or not user.is_active:
        return None
    if rehash:
        user.rehash_password(password)
    return user


def _fresh_session() -> None:
    """Empty the session but for the interface language, before signing in or after signing
    out: nothing planted in it before (session fixation) survives, the CSRF token included."""
    kept = {key: session[key] for key in KEPT_SESSION_KEYS if key in session}
    session.clear()
    session.update(kept)
    # Flask-WTF caches the signed token for the request; the next form gets a new one.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_refused)
@limiter.limit(_username_limit, methods=["POST"], key_func=_username_limit_key,
               deduct_when=_refused)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("proposals.my_work"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            db.session.commit()  # a hash made again with stronger parameters, or in NFC
            _fresh_session()
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        request.environ[_REFUSED] = True
        flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Sign out on every device: the account's session token is replaced, so every session
    and "remember me" cookie of the account — on this browser and on any other — ends."""
    current_user.end_all_sessions()
    db.session.commit()
    _fresh_session()
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))
