"""Signing in and out: what changes an account's credentials or sessions (the views call
these and commit)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from award_flow.auth.models import User
from award_flow.auth.passwords import (
    hash_password,
    normalise,
    password_problem,
    verify_and_update,
    verify_password,
)
from award_flow.core import audit
from award_flow.core.errors import ValidationError
from award_flow.core.text import nfc
from award_flow.extensions import db

# Verifying against a real hash when the user does not exist keeps timing the same.
_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password("not a password"))
    return _DUMMY_HASH[0]


def authenticate(username: str, password: str) -> User | None:
    """The user whose password this is, or None; whether that user may sign in (the account
    and its unit active: `User.is_active`) is the caller's question.

    The password is always checked first — against a dummy hash for an unknown username —
    and whether the account (or its unit) is active only afterwards, so the time an answer
    takes does not tell an unknown, locked or switched-off account from a wrong password;
    and only someone who has the password learns that the account is locked.
    """
    user = db.session.scalar(select(User).where(User.username == (nfc(username) or "").lower()))
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    matches, rehash = verify_and_update(user.password_hash, password)
    if not matches:
        return None
    if rehash and user.is_active:
        user.rehash_password(password)
    return user


def sign_out_everywhere(user: User) -> None:
    """End every session and "remember me" cookie of the account, on every device: its
    session token is replaced."""
    user.end_all_sessions()


def change_own_password(user: User, current: str, new: str) -> None:
    """The user's own new password, given the current one. Every other session and "remember
    me" cookie of the account ends (the view signs this browser in again); an admin who set
    the first password no longer knows it."""
    if not user.check_password(current):
        raise ValidationError(_("Mật khẩu hiện tại không đúng."), field="current_password")
    if (problem := password_problem(new, user.username, user.full_name)) is not None:
        raise ValidationError(problem, field="new_password")
    if normalise(new) == normalise(current):
        raise ValidationError(_("Mật khẩu mới cần khác mật khẩu hiện tại."),
                              field="new_password")
    user.set_password(new)
    audit.record("change_password", user, comment=user.username)
