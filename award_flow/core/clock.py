"""Today's date where the authority is: documents are dated, and years judged, in local time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def local_today() -> date:
    """Today in the app's time zone (BABEL_DEFAULT_TIMEZONE, Asia/Ho_Chi_Minh by default)."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
