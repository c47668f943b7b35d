"""Users and their roles."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from award_flow.auth.passwords import hash_password, verify_password
from award_flow.auth.roles import Role
from award_flow.core.enums import enum_column_type
from award_flow.core.model_base import utcnow
from award_flow.extensions import Model
from award_flow.org.models import Unit

#: What a new username may hold: letters without diacritics, digits and dots (stored in lower
#: case), so that it is typed the same way on any keyboard and by any input method, and
#: lower() cannot lengthen it ("İ").
USERNAME = re.compile(r"[A-Za-z0-9.]+")
USERNAME_RULE = _l("Tên đăng nhập chỉ gồm chữ cái không dấu, chữ số và dấu chấm (không có "
                   "dấu cách), ví dụ: canbo.phuong1.")


def new_session_token() -> str:
    """A random, unguessable session token (256 bits)."""
    return secrets.token_urlsafe(32)


class User(UserMixin, Model):
    """A person who signs in. Belongs to one unit and holds one role.

    The session and the "remember me" cookie identify the user by `session_token`, not by
    `id` (Flask-Login's "alternative tokens"): replacing the token ends every session and
    every remembered login of the account, on every device. It is replaced when the password
    changes, when the account is locked, and when the user logs out.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column_type(Role, "user_role"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: What the session and the remember cookie hold (see the class docstring).
    session_token: Mapped[str] = mapped_column(String(64), unique=True,
                                               default=new_session_token)

    unit: Mapped[Unit] = relationship(back_populates="users", lazy="joined")

    def get_id(self) -> str:
        """Flask-Login stores this in the session and the remember cookie."""
        return self.session_token

    def end_all_sessions(self) -> None:
        """Sign the user out everywhere: every session and remember cookie holding the old
        token stops working at its next request."""
        self.session_token = new_session_token()

    def set_password(self, password: str) -> None:
        """A new password; it also ends every session of the account."""
        self.password_hash = hash_password(password)
        self.end_all_sessions()

    def rehash_password(self, password: str) -> None:
        """The same password hashed again (stronger parameters, NFC): sessions stay."""
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return verify_password(self.password_hash, password)

    @validates("active")
    def _lock_ends_sessions(self, _key: str, active: bool) -> bool:
        if self.active and not active:
            self.end_all_sessions()
        return active

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses inactive users. A user of a unit that is switched off is
        inactive too: it cannot sign in, and its open sessions end."""
        return bool(self.active and self.unit is not None and self.unit.active)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"
