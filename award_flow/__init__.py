"""award_flow: emulation and commendation workflow for Vietnamese People's Committees."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, session

from config import INSTANCE_DIR, Config, ProductionConfig, config_from_env

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def select_locale() -> str:
    from flask import current_app, has_request_context

    lang = session.get("lang") if has_request_context() else None
    if lang in current_app.config["LANGUAGES"]:
        return str(lang)
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Application factory."""
    config_class = config_class or config_from_env()
    if issubclass(config_class, ProductionConfig):
        config_class.check()
    app = Flask(__name__, template_folder=str(PROJECT_ROOT / "templates"),
                instance_path=str(INSTANCE_DIR))
    app.config.from_object(config_class)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _trust_proxies(app)
    from award_flow.core.logs import configure_logging

    configure_logging(app)

    from flask_sqlalchemy.session import Session as FlaskSession

    from award_flow import extensions as ext
    from award_flow.core.database import configure_engines, engine_options
    from award_flow.core.storage import register_session_events

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=str(PROJECT_ROOT / "migrations"),
                         render_as_batch=True,
                         compare_type=True)
    ext.login_manager.init_app(app)
    ext.csrf.init_app(app)
    ext.babel.init_app(app, locale_selector=select_locale,
                       default_translation_directories=str(Path(__file__).parent / "translations"))
    ext.limiter.init_app(app)
    with app.app_context():
        configure_engines(app, ext.db.engines)
    register_session_events(FlaskSession)
    _import_models()

    from award_flow.web import register_web

    register_web(app)

    from award_flow.cli import register_cli

    register_cli(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind `PROXY_FIX_X_FOR` reverse proxies, take the client address from the
    X-Forwarded-For they append (werkzeug's ProxyFix), so that `request.remote_addr` — which
    the login limits and the audit trail use — is the client's, not the proxy's. With 0 (the
    default) the header is ignored: a client could otherwise choose its own address."""
    trusted = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if trusted < 0:
        raise RuntimeError("PROXY_FIX_X_FOR must be 0 (no proxy) or the number of proxies")
    if trusted:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Flask's documented way of adding WSGI middleware.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=trusted, x_proto=0, x_host=0, x_port=0, x_prefix=0)


def _import_models() -> None:
    """Import every model so metadata (and Alembic) sees all tables."""
    from award_flow.auth import models as _auth  # noqa: F401
    from award_flow.campaigns import models as _campaigns  # noqa: F401
    from award_flow.catalogue import models as _catalogue  # noqa: F401
    from award_flow.core import audit as _audit  # noqa: F401
    from award_flow.decisions import models as _decisions  # noqa: F401
    from award_flow.org import models as _org  # noqa: F401
    from award_flow.proposals import models as _proposals  # noqa: F401

    # The queue_key CHECK and the event that keeps queue_key with the state live here.
    from award_flow.proposals import workflow as _workflow  # noqa: F401


__all__ = ["create_app"]
