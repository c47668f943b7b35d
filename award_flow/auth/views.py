"""Sign in and out.

Sign-in attempts are limited twice, and only the refused ones count (a wrong password, an
unknown user, a locked account even with its right password): per client address
(`LOGIN_RATE_LIMIT`), so that one address cannot try many accounts, and per username
(`LOGIN_USERNAME_RATE_LIMIT`), so that one account cannot be tried from many addresses.
Behind a reverse proxy the address is the client's only with `PROXY_FIX_X_FOR` set
(award_flow/__init__.py). Yet every attempt takes its place under the limits before its
password is checked, and one that turns out not to count gives it back
(`give_back_uncounted_attempt`): attempts sent at once cannot all pass a limit that has room
for one more.

The per-username limit would let anyone lock an account out (ten wrong passwords for the
chairman, and his right one gets 429): a browser where the account signed in before carries
a signed device cookie naming it (`DEVICE_COOKIE`, OWASP's "device cookies"), and that
account's attempts from that browser skip the per-username limit (never the per-address one).

A locked account (or one of a switched-off unit) is told so, but only once its password has
matched: whoever does not have the password learns nothing from the answer, nor from its
time (`operations.authenticate`)."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter import RequestLimit
from flask_login import current_user, login_required, login_url, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from award_flow.auth.forms import LoginForm, PasswordChangeForm
from award_flow.auth.models import USERNAME, User
from award_flow.auth.operations import authenticate, change_own_password, sign_out_everywhere
from award_flow.core.text import nfc
from award_flow.core.urls import local_url, page_of_form
from award_flow.core.views import perform_on
from award_flow.extensions import db, limiter, login_manager
from award_flow.org.models import Unit

bp = Blueprint("auth", __name__)

#: Marks, in the request's WSGI environment, a sign-in refused for its credentials (or a
#: wrong current password): an attempt that counts against the limits.
_REFUSED = "award_flow.login_refused"
#: What the session keeps across signing in and out: the interface language (web.py).
KEPT_SESSION_KEYS = ("lang",)
#: When the session's last request came (epoch seconds), in a session signed in without
#: "remember me": idle for longer than SESSION_IDLE_MINUTES it ends, so that an office
#: computer left signed in does not stay in the clerk's name. "Remember me" is the user's own
#: choice to stay signed in on a device of theirs, and has no such end.
IDLE_SEEN = "seen"
#: A request writes the time again once it is this old (each write sends a new cookie).
IDLE_REFRESH_SECONDS = 60


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """The user whose current session token the session or remember cookie holds."""
    # With its unit (joined by the relationship) and the unit's authority: the header names
    # the secretariat's role by the authority's name for it, on every page.
    user = db.session.scalar(select(User).where(User.session_token == session_token)
                             .options(joinedload(User.unit).joinedload(Unit.authority)))
    return user if user is not None and user.is_active else None


@login_manager.unauthorized_handler
def unauthorized():
    """A page that needs a signed-in user, asked for without one (never signed in, or the
    session ended: a logout or new password on another device, a lock).

    A page (GET) is asked for again after signing in, as Flask-Login does. A form sent
    (POST) cannot be: its URL only takes POST, and what it carried is gone. The user is told
    the action was not done, and comes back after signing in to the page the form was on
    (the Referer, if it is a page of this site), where it can be done again."""
    if request.method in ("GET", "HEAD"):
        # The session (or the remember cookie, which Flask-Login read into it) still names
        # an account whose token has changed since: it was ended elsewhere. Said once: the
        # stale cookie goes too, as at a logout. (An idle session is signed out, and told,
        # before this.)
        if session.pop("_user_id", None) is not None:
            session["_remember"] = "clear"
            flash(_("Phiên đăng nhập đã kết thúc: bạn đã đăng xuất ở nơi khác, mật khẩu đã được "
                    "đổi hoặc tài khoản đã bị khóa. Hãy đăng nhập lại."), "warning")
        return redirect(login_url(login_manager.login_view, next_url=request.url))
    if request.endpoint == "auth.logout":
        flash(_("Bạn đã đăng xuất."), "info")
        return redirect(url_for("auth.login"))
    flash(_("Phiên đăng nhập đã hết. Thao tác vừa rồi chưa được thực hiện — hãy đăng nhập "
            "lại rồi thử lại."), "warning")
    page = page_of_form()
    return redirect(url_for("auth.login", next=page) if page else url_for("auth.login"))


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _username_limit() -> str:
    return current_app.config["LOGIN_USERNAME_RATE_LIMIT"]


def username_key(username: str) -> str:
    """The per-username limit's key: NFC, casefolded, as long as a username can be."""
    return "user:" + (nfc(username) or "").casefold()[:80]


def _username_limit_key() -> str:
    # The field the login form reads: forms read the body's form data only, never a JSON
    # body (core/forms.py), so every username tried is counted under its own key.
    return username_key(request.form.get("username", ""))


#: The cookie of a browser where an account has signed in (see the module's docstring).
DEVICE_COOKIE = "af_device"


def _device_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="award_flow.login-device")


def _device_max_age() -> int:
    return current_app.config["DEVICE_COOKIE_DAYS"] * 24 * 3600


def _known_device() -> bool:
    """Whether this browser signed in before as the username now tried."""
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie:
        return False
    try:
        known = _device_signer().loads(cookie, max_age=_device_max_age())
    except BadSignature:  # also an expired one
        return False
    return known == _username_limit_key()


def _remember_device(response, user: User):  # noqa: ANN001, ANN202
    response.set_cookie(
        DEVICE_COOKIE, _device_signer().dumps(username_key(user.username)),
        max_age=_device_max_age(), httponly=True, samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.after_request
def give_back_uncounted_attempt(response):  # noqa: ANN001, ANN201
    """Every attempt took its place under the login limits (this blueprint's only limits)
    before the view ran: Flask-Limiter's hit adds to the store's counter and compares in one
    step, where `deduct_when`'s test first and count afterwards let attempts sent at once all
    pass. One that turns out not to count gives back the places it took: signed in, a form
    refused for its shape, or refused with 429 (under the other limit too)."""
    if not request.environ.get(_REFUSED):
        for taken in limiter.current_limits:
            _give_back(taken)
    return response


def _give_back(taken: RequestLimit) -> None:
    """One place under a limit taken back: its fixed window's counter (RATELIMIT_STRATEGY,
    config.py) counted down, in the store that counted it up. A window that ended meanwhile
    owes the attempt nothing: the counter never goes below zero (should the next window have
    counted attempts already, it counts one fewer: at most one per attempt under way as a
    window ends)."""
    store, expiry = limiter.limiter.storage, taken.limit.get_expiry()
    try:
        if store.incr(taken.key, expiry, amount=-1) < 0:
            store.incr(taken.key, expiry)
    except store.base_exceptions:
        # Left taken (a sign-in is not refused for that): a store down errs on counting.
        current_app.logger.warning("login limits: the store did not take back a place")


def _safe_next(target: str | None) -> str:
    return local_url(target) or url_for("proposals.my_work")


def _fresh_session() -> None:
    """Empty the session but for the interface language, before signing in or after signing
    out: nothing planted in it before (session fixation) survives, the CSRF token included."""
    kept = {key: session[key] for key in KEPT_SESSION_KEYS if key in session}
    session.clear()
    session.update(kept)
    # Flask-WTF caches the signed token for the request; the next form gets a new one.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def idle_limit_seconds() -> int:
    """How long a session signed in without "remember me" may stay idle (0: for ever)."""
    return int(float(current_app.config["SESSION_IDLE_MINUTES"]) * 60)


def idle_seconds_left() -> int | None:
    """How long this session may stay idle from now before it ends; None when it has no
    such end (not signed in, "remember me", or no limit configured)."""
    seen, limit = session.get(IDLE_SEEN), idle_limit_seconds()
    if seen is None or limit <= 0 or not current_user.is_authenticated:
        return None
    return max(0, limit - (int(time.time()) - seen))


@bp.before_app_request
def end_idle_session() -> None:
    """Sign out a session idle for longer than the limit (the request goes on signed out: a
    page that needs a user sends it to sign in, as for any ended session); a session in use
    has its time written again."""
    seen = session.get(IDLE_SEEN)
    if seen is None or request.endpoint == "static":
        return
    now, limit = int(time.time()), idle_limit_seconds()
    if 0 < limit < now - seen:
        logout_user()
        _fresh_session()
        if request.method in ("GET", "HEAD"):  # a form sent is told by `unauthorized`
            minutes = max(1, round(limit / 60))
            flash(ngettext("Phiên đăng nhập đã kết thúc vì không hoạt động quá %(num)s phút. "
                           "Hãy đăng nhập lại.",
                           "Phiên đăng nhập đã kết thúc vì không hoạt động quá %(num)s phút. "
                           "Hãy đăng nhập lại.", minutes), "info")
        return
    if now - seen >= IDLE_REFRESH_SECONDS or request.endpoint == "auth.session_alive":
        session[IDLE_SEEN] = now


@bp.app_context_processor
def idle_context() -> dict:
    return {"idle_seconds_left": idle_seconds_left, "idle_limit_seconds": idle_limit_seconds}


@bp.get("/session/alive")
def session_alive():
    """The page's script asks it when the user works in a page without sending anything
    (typing a long text), and when they answer the warning that the session is about to
    end: the request itself keeps the session (`end_idle_session`); the answer says for how
    long, or 401 once it has ended."""
    signed_in = current_user.is_authenticated
    response = jsonify(seconds_left=idle_seconds_left() if signed_in else 0)
    response.status_code = 200 if signed_in else 401
    response.headers["Cache-Control"] = "no-store"
    return response


#: Password guesses from one address, counted once across the pages that check a password:
#: a wrong one on the sign-in page and a wrong current password on "my account" (a session
#: left open) take from the same count, so together they get no more guesses than either.
guesses_per_address = limiter.shared_limit(_login_limit, scope="password-guesses",
                                           methods=["POST"])


@bp.route("/login", methods=["GET", "POST"])
@guesses_per_address
@limiter.limit(_username_limit, methods=["POST"], key_func=_username_limit_key,
               exempt_when=_known_device)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("proposals.my_work"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None and user.is_active:
            db.session.commit()  # a hash made again with stronger parameters, or in NFC
            _fresh_session()
            login_user(user, remember=form.remember.data)
            if not form.remember.data:
                session[IDLE_SEEN] = int(time.time())
            return _remember_device(redirect(_safe_next(request.args.get("next"))), user)
        # A locked account counts against the limits too: every refusal does, and only
        # whoever typed the right password is told why this one was refused.
        request.environ[_REFUSED] = True
        # For the server's log (a guessing attempt shows there): the name as typed, never
        # the password, nor what cannot be a username (a password typed in the wrong box);
        # the request's method, path and address come from the log format.
        typed = form.username.data or ""
        current_app.logger.warning(
            "sign-in refused for %s (%s)", repr(typed) if USERNAME.fullmatch(typed)
            else f"a name that is no username ({len(typed)} characters)",
            "account locked" if user is not None else "wrong username or password")
        if user is not None:
            flash(_("Tài khoản đã bị khóa hoặc đơn vị đã ngừng hoạt động. "
                    "Hãy liên hệ quản trị hệ thống."), "error")
        else:
            flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
    return render_template("auth/login.html", form=form)



@bp.route("/account", methods=["GET", "POST"])
@login_required
@guesses_per_address
def account():
    """The signed-in user's account, and a new password of their own. A wrong current
    password counts against the address's limit of refused sign-ins (the same count): a
    session left open is not a way to guess it."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        done = perform_on(form, lambda: change_own_password(
            current_user, form.current_password.data, form.new_password.data),
            _("Đã đổi mật khẩu. Tài khoản đã được đăng xuất trên các thiết bị khác."))
        if done.ok:
            # This browser, with the account's new session token (the user, not the proxy).
            login_user(current_user._get_current_object())
            return redirect(url_for(".account"))
        if done.error.field == "current_password":
            request.environ[_REFUSED] = True
    return render_template("auth/account.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Sign out on every device: the account's session token is replaced, so every session
    and "remember me" cookie of the account — on this browser and on any other — ends."""
    sign_out_everywhere(current_user)
    db.session.commit()
    _fresh_session()
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))
