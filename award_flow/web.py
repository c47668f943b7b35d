"""Blueprints, error handlers, template helpers and the health endpoint."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from award_flow.core import formatting
from award_flow.core.urls import local_url
from award_flow.extensions import db, login_manager

main = Blueprint("main", __name__)


@main.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("proposals.my_work"))
    return redirect(url_for("auth.login"))


@main.get("/health")
def health():
    """Is the app up, and does its database answer?"""
    try:
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok", database="ok")
    except Exception:  # noqa: BLE001 - any failure means "down"
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503


@main.post("/language/<code>")
def set_language(code: str):
    from flask import current_app

    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(local_url(request.form.get("next")) or url_for("main.index"))


def _error_page(code: int, message: str):
    return render_template("error.html", code=code, message=message), code


def register_web(app: Flask) -> None:
    from award_flow.auth.views import bp as auth_bp
    from award_flow.decisions.views import bp as decisions_bp
    from award_flow.org.views import bp as admin_bp
    from award_flow.proposals.views import bp as proposals_bp

    app.register_blueprint(main)
    app.register_blueprint(auth_bp)
    app.register_blueprint(proposals_bp)
    app.register_blueprint(decisions_bp)
    app.register_blueprint(admin_bp)

    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    @app.errorhandler(CSRFError)
    def csrf_error(error):  # noqa: ANN001, ANN202
        db.session.rollback()
        return _error_page(400, _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                                  "Hãy tải lại trang và thử lại."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # noqa: ANN202
        db.session.rollback()
        messages = {
            403: _("Bạn không có quyền truy cập trang này."),
            404: _("Không tìm thấy trang hoặc hồ sơ này."),
            413: _("Tệp quá lớn."),
            429: _("Quá nhiều lần thử. Hãy đợi một lát rồi thử lại."),
        }
        message = messages.get(error.code or 500, error.description or "")
        if request.path.startswith("/health"):
            return jsonify(status="error"), error.code
        return _error_page(error.code or 500, message)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):  # noqa: ANN202
        db.session.rollback()
        app.logger.exception("unhandled error")
        return _error_page(500, _("Đã có lỗi. Không có thay đổi nào được lưu."))

    @app.context_processor
    def template_helpers():  # noqa: ANN202
        from flask_babel import get_locale

        from award_flow.proposals import workflow

        return {
            "get_locale": get_locale,
            "vn_date": formatting.vn_date,
            "vn_short_date": formatting.vn_short_date,
            "vn_money": formatting.vn_money,
            "vn_number": formatting.vn_number,
            "may": workflow.may,
            "can_edit": workflow.can_edit,
            "can_create": workflow.can_create,
        }

    @app.template_filter("local_dt")
    def local_dt(value):  # noqa: ANN001, ANN202
        from flask_babel import to_user_timezone

        if value is None:
            return ""
        return to_user_timezone(value).strftime("%d/%m/%Y %H:%M")

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
        return response
