"""Who may use the pages outside the proposal workflow: the administration, and the
campaigns the secretariat launches (proposal rules live in proposals/workflow.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from award_flow.auth.roles import Role

#: Who launches the authority's emulation campaigns and sets their phases: the Council's
#: standing body, which the plan tasks with them (seed plan, III.9), and the administrator
#: who sets up a new installation.
CAMPAIGN_ROLES = frozenset({Role.SECRETARIAT, Role.ADMIN})


def can_administer(user) -> bool:  # noqa: ANN001
    return bool(user.is_authenticated and user.is_active and user.role == Role.ADMIN)


def can_manage_campaigns(user) -> bool:  # noqa: ANN001
    return bool(user.is_authenticated and user.is_active and user.role in CAMPAIGN_ROLES)


def requires(allowed: Callable[[object], bool]):  # noqa: ANN201
    """A view decorator: signed in, then 403 unless `allowed(current_user)`."""

    def decorator(view):  # noqa: ANN001, ANN202
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            if not allowed(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = requires(can_administer)
campaign_managers_required = requires(can_manage_campaigns)
