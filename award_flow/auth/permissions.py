"""Who may use the administration pages (proposal rules live in proposals/workflow.py)."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from award_flow.auth.roles import Role


def can_administer(user) -> bool:  # noqa: ANN001
    return bool(user.is_authenticated and user.is_active and user.role == Role.ADMIN)


def admin_required(view):  # noqa: ANN001, ANN201
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if not can_administer(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
