"""Blueprints, error handlers, template helpers and the health endpoint."""

from __future__ import annotations

import hashlib
import math
import os
import time

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from award_flow.auth.permissions import can_administer, can_manage_campaigns
from award_flow.core import display
from award_flow.core.display import (
    date_text,
    decimal,
    file_size,
    money,
    number,
    short_date,
    vietnamese_page,
)
from award_flow.core.logs import request_id
from award_flow.core.params import MAX_ID
from award_flow.core.storage import storage_problem
from award_flow.core.urls import local_url, page_of_form
from award_flow.core.views import go_to
from award_flow.extensions import db, limiter, login_manager

main = Blueprint("main", __name__)

#: Strict-Transport-Security where the app is served over HTTPS only (production): for a
#: year browsers refuse plain HTTP to this host and its subdomains.
HSTS = "max-age=31536000; includeSubDomains"

#: The message of each error page, in the user's language. Werkzeug's descriptions are
#: English, so none of them is ever shown.
ERROR_MESSAGES = {
    400: _l("Yêu cầu không hợp lệ. Hãy tải lại trang và thử lại."),
    401: _l("Hãy đăng nhập để tiếp tục."),
    403: _l("Bạn không có quyền truy cập trang này."),
    404: _l("Không tìm thấy trang hoặc hồ sơ này."),
    405: _l("Trang này không hỗ trợ thao tác vừa gửi. Hãy dùng các nút trên trang."),
    413: _l("Tệp quá lớn."),
    429: _l("Quá nhiều lần thử. Hãy đợi một lát rồi thử lại."),
}
#: The forms that may be sent without signing in (every other one needs a signed-in user).
PUBLIC_FORMS = ("auth.login", "main.set_language")
#: Any other client error (4xx), and any server error (5xx).
CLIENT_ERROR_MESSAGE = ERROR_MESSAGES[400]
SERVER_ERROR_MESSAGE = _l("Đã có lỗi. Không có thay đổi nào được lưu.")


def error_message(code: int) -> str:
    """What the error page of HTTP status `code` tells the user."""
    if code in ERROR_MESSAGES:
        return str(ERROR_MESSAGES[code])
    return str(CLIENT_ERROR_MESSAGE if 400 <= code < 500 else SERVER_ERROR_MESSAGE)


def retry_after_seconds() -> int | None:
    """How long the client must wait before the limit it went over lets it in again (the
    longest of the limits it broke), in whole seconds; None when no limit was broken."""
    broken = [limit for limit in limiter.current_limits if limit.breached]
    if not broken and limiter.current_limit is not None:
        broken = [limiter.current_limit]
    if not broken:
        return None
    # As Flask-Limiter counts the Retry-After header (reset_at is already rounded up).
    return max(1, int(max(limit.reset_at for limit in broken) - time.time()))


def wait_message(seconds: int) -> str:
    """The 429 page's message: how long to wait, in seconds under a minute, else in minutes
    (rounded up, so that whoever comes back then is let in)."""
    if seconds < 60:
        return ngettext("Quá nhiều lần thử. Hãy thử lại sau khoảng %(num)s giây.",
                        "Quá nhiều lần thử. Hãy thử lại sau khoảng %(num)s giây.", seconds)
    return ngettext("Quá nhiều lần thử. Hãy thử lại sau khoảng %(num)s phút.",
                    "Quá nhiều lần thử. Hãy thử lại sau khoảng %(num)s phút.",
                    math.ceil(seconds / 60))


class BoundedIntegerConverter(IntegerConverter):
    """Flask's `int` URL converter, bounded by what a database id can be (MAX_ID): a larger
    number in a URL is a page that does not exist (404), not an out-of-range error (500) from
    the database. `<int(max=...):x>` still narrows it further."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002, ANN001
                 max: int | None = MAX_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=MAX_ID if max is None else max, signed=signed)
        # ASCII digits only: Python's \d also matches other scripts' digits ("/proposals/١").
        self.regex = r"-?[0-9]+" if signed else r"[0-9]+"


@main.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("proposals.my_work"))
    return redirect(url_for("auth.login"))


@main.get("/health")
def health():
    """Is the app up, and does its database answer (503 when not)? Also whether uploads can
    be stored and the login limits' shared store answers: when not, status "degraded", still
    200 (the app works; uploads are refused with a message, each process counts sign-ins on
    its own). The answer is public: it says what is wrong in a word, and the reason (a
    folder's path, its free bytes) goes to the log, for the administrator."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "down"
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    problem = storage_problem()
    if problem is not None:
        current_app.logger.warning("health: uploads cannot be stored: %s", problem)
    checks = {"database": "ok",
              "storage": "ok" if problem is None else "unavailable",
              "rate_limits": "ok" if _limiter_store_answers() else "unreachable"}
    status = "ok" if all(value == "ok" for value in checks.values()) else "degraded"
    return jsonify(status=status, **checks)


def _limiter_store_answers() -> bool:
    try:
        return bool(limiter.storage.check())
    except Exception:  # noqa: BLE001 - a store that fails to answer is down
        return False


@main.post("/language/<code>")
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(local_url(request.form.get("next")) or url_for("main.index"))


def _error_page(code: int, message: str):
    return render_template("error.html", code=code, message=message), code


#: How long a browser keeps a static file whose URL carries its content's version: a year,
#: without asking again (a changed file gets a new URL).
STATIC_MAX_AGE = 31536000


class StaticVersions:
    """A short hash of each static file's content, for `?v=` in its URL, so that browsers
    keep CSS and JS without revalidating on every page (a round trip before the first paint
    on a slow link) and still fetch a new release at once. Hashed once per file, and again
    only when its modification time changes (a file edited under the development server)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._known: dict[str, tuple[int, str]] = {}

    def __call__(self, filename: str) -> str | None:
        folder = self.app.static_folder
        if folder is None:
            return None
        path = os.path.join(folder, filename)
        try:
            mtime = os.stat(path).st_mtime_ns
        except OSError:
            return None
        known = self._known.get(filename)
        if known is None or known[0] != mtime:
            with open(path, "rb") as file:
                known = (mtime, hashlib.sha256(file.read()).hexdigest()[:12])
            self._known[filename] = known
        return known[1]


class StaticFilesSessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions, left alone for static files. Flask-Login reads the session
    after every request, so every answer said "Vary: Cookie": a browser keeps a copy only
    for the cookie it was fetched with, and each new session cookie (a flashed message, a
    sign-in) sent the year-long CSS and JS down the line again. A static file is the same
    for everyone, and its request never changes the session: nothing to save, nothing to
    vary on."""

    def save_session(self, app: Flask, session, response) -> None:  # noqa: ANN001
        if request.endpoint == "static" and not session.modified:
            return
        super().save_session(app, session, response)


def register_web(app: Flask) -> None:
    from award_flow.auth.views import bp as auth_bp
    from award_flow.campaigns.views import bp as campaigns_bp
    from award_flow.catalogue.views import bp as catalogue_bp
    from award_flow.decisions.views import bp as decisions_bp
    from award_flow.org.views import bp as admin_bp
    from award_flow.proposals.views import bp as proposals_bp

    # Before any rule is added: a rule binds its converters when it is registered.
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.register_blueprint(main)
    app.register_blueprint(auth_bp)
    app.register_blueprint(proposals_bp)
    app.register_blueprint(decisions_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(catalogue_bp)
    app.register_blueprint(campaigns_bp)

    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    @app.errorhandler(CSRFError)
    def csrf_error(error):  # noqa: ANN001, ANN202
        db.session.rollback()
        if not current_user.is_authenticated and request.endpoint not in PUBLIC_FORMS:
            # Signed out meanwhile (in another tab: signing out empties the session, and the
            # form's token with it): the page needs a signed-in user anyway, so the way back
            # is the same as for any form sent without a session (auth/views.py).
            return login_manager.unauthorized()
        if current_user.is_authenticated and (page := page_of_form()) is not None:
            # A form of a page opened before the session changed (signed in again in
            # another tab): back to that page, with the reason, where the page's script
            # fills in again what was typed and says so (static/js/app.js,
            # data-sent-refilled), when the browser kept it.
            flash(_("Biểu mẫu trên trang này đã cũ (trang được mở trước khi phiên đăng nhập "
                    "thay đổi): thao tác chưa được thực hiện."), "error")
            return go_to(page)
        return _error_page(400, _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                                  "Hãy tải lại trang và thử lại."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # noqa: ANN202
        db.session.rollback()
        if request.path.startswith("/health"):
            return jsonify(status="error"), error.code
        code = error.code or 500
        # The exception's own headers (Allow of a 405, Retry-After, ...), but our page.
        headers = [(name, value) for name, value in error.get_headers()
                   if name.lower() != "content-type"]
        message = error_message(code)
        if code == 429:
            app.logger.warning("too many requests: %s", error.description)
        wait = retry_after_seconds() if code == 429 else None
        if wait is not None:
            # The page says what the header says (Flask-Limiter keeps the later of the two).
            headers = [(name, value) for name, value in headers
                       if name.lower() != "retry-after"] + [("Retry-After", str(wait))]
            message = wait_message(wait)
        return render_template("error.html", code=code, message=message), code, headers

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge):  # noqa: ANN202
        """A dossier file beyond even MAX_CONTENT_LENGTH goes back to its proposal with the
        reason, as a file the upload itself refuses does, not to a bare error page."""
        proposal_id = (request.view_args or {}).get("proposal_id")
        if request.endpoint != "proposals.upload" or proposal_id is None:
            return http_error(error)
        db.session.rollback()
        flash(_("Tệp quá lớn: tối đa %(size)s.",
                size=file_size(app.config["MAX_ATTACHMENT_BYTES"])), "error")
        return go_to(url_for("proposals.detail", proposal_id=proposal_id, at="dossier",
                             _anchor="dossier"))

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):  # noqa: ANN202
        db.session.rollback()
        app.logger.exception("unhandled error")
        return _error_page(500, error_message(500))

    @app.context_processor
    def template_helpers():  # noqa: ANN202
        from award_flow.proposals import workflow

        return {
            "get_locale": get_locale,
            "vietnamese_page": vietnamese_page,
            "request_id": request_id,  # error pages: the id of the request's log lines
            "date_text": date_text,
            "short_date": short_date,
            "money": money,
            "file_size": file_size,
            "number": number,
            "decimal": decimal,
            "may": workflow.may,
            "can_edit": workflow.can_edit,
            "can_view": workflow.can_view,
            "can_create": workflow.can_create,
            "works_on_proposals": workflow.works_on_proposals,  # base.html's menu
            "can_administer": can_administer,
            "can_manage_campaigns": can_manage_campaigns,
            "refiled_whole": workflow.refiled_whole,
        }

    app.add_template_filter(display.local_datetime, "local_dt")

    static_version = StaticVersions(app)
    app.session_interface = StaticFilesSessionInterface()

    @app.url_defaults
    def versioned_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            version = static_version(values.get("filename", ""))
            if version is not None:
                values["v"] = version

    @app.after_request
    def security_headers(response):  # noqa: ANN001, ANN202
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        # Production is what config.py serves over HTTPS only: Secure session cookies
        # (ProductionConfig's default; never in development or testing).
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if request.endpoint == "static":
            # The same for everyone, signed in or not (no session, no user loaded): kept for
            # a year when the URL names this very version, revalidated otherwise.
            if response.status_code == 200 and request.args.get("v") == static_version(
                    (request.view_args or {}).get("filename", "")):
                response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}, immutable"
            return response
        # A signed-in page shows dossiers and people: no browser or proxy keeps a copy (Back
        # after signing out on a shared office computer shows nothing).
        if current_user.is_authenticated and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "private, no-store"
        return response
