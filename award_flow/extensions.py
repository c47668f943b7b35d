"""Extension singletons, bound to the app in `create_app` (the app-factory pattern)."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from award_flow.core.model_base import Base

db = SQLAlchemy(model_class=Base)
# The models' base: Flask-SQLAlchemy's `db.Model` (table names, `db.session` binding), which
# a type checker sees as the typed declarative base it extends (`db.Model` is a variable).
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
#: Keyed by the client address by default: `request.remote_addr`, which create_app's ProxyFix
#: (PROXY_FIX_X_FOR) makes the client's own behind a reverse proxy. The login view adds a
#: second limit keyed by username (auth/views.py).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
