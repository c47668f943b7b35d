from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from award_flow.auth.roles import Role
from award_flow.core.forms import Form
from award_flow.core.text import nfc_filter


class LoginForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(max=80)],
                           filters=[nfc_filter])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập"))


class UserForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(min=3, max=80)],
                           filters=[nfc_filter])
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(), Length(max=200)],
                            filters=[nfc_filter])
    role = SelectField(_l("Vai trò"), choices=[])
    unit_id = SelectField(_l("Đơn vị"), coerce=int)
    password = PasswordField(_l("Mật khẩu (để trống nếu không đổi)"),
                             validators=[Optional(), Length(min=10, max=200)])
    active = BooleanField(_l("Đang hoạt động"), default=True)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        # Labels are lazy: build them per request, in the user's language.
        self.role.choices = [(r.value, r.label) for r in Role]
