from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from award_flow.auth.models import USERNAME, USERNAME_RULE
from award_flow.auth.passwords import MIN_PASSWORD_LENGTH
from award_flow.auth.roles import Role
from award_flow.core.forms import Form
from award_flow.documents.validators import Printable

MAX_PASSWORD_LENGTH = 200


class LoginForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Mật khẩu"),
                             validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập"))


class PasswordChangeForm(Form):
    current_password = PasswordField(_l("Mật khẩu hiện tại"), validators=[
        DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    new_password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        description=_l("Ít nhất %(n)s ký tự, không chứa tên đăng nhập.", n=MIN_PASSWORD_LENGTH))
    confirm_password = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("Mật khẩu nhập lại không khớp."))])


class UserForm(Form):
    """A new account (no `obj`) or an existing one (`obj=user`): a new account needs a
    password; an existing one keeps its own when the field is left blank."""

    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(min=3, max=80)],
                           description=_l("Chữ cái không dấu, chữ số và dấu chấm, ví dụ: "
                                          "canbo.phuong1."))
    # A chairman's name is printed under the signature.
    full_name = StringField(_l("Họ và tên"),
                            validators=[DataRequired(), Length(max=200), Printable()])
    role = SelectField(_l("Vai trò"), choices=[])
    unit_id = SelectField(_l("Đơn vị"), coerce=int, validators=[InputRequired()])
    password = PasswordField(
        _l("Mật khẩu (để trống nếu không đổi)"),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        description=_l("Ít nhất %(n)s ký tự.", n=MIN_PASSWORD_LENGTH))
    active = BooleanField(_l("Đang hoạt động"), default=True)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        # Labels are lazy: build them per request, in the user's language.
        self.role.choices = [(r.value, r.label) for r in Role]
        user = kwargs.get("obj")
        self._username_before = user.username if user is not None else None
        if user is None:
            self.password.label.text = _l("Mật khẩu")
            self.password.validators = [
                DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)]
            self.password.flags.required = True
            self.password.flags.optional = False

    def validate_unit_id(self, field: SelectField) -> None:
        if not field.data:  # the "— Chọn đơn vị —" placeholder
            raise ValidationError(_l("Hãy chọn đơn vị của tài khoản."))

    def validate_username(self, field: StringField) -> None:
        # An account made before this rule keeps its name; a new name follows it.
        if self._username_before is not None and \
                (field.data or "").lower() == self._username_before:
            return
        if not USERNAME.fullmatch(field.data or ""):
            raise ValidationError(USERNAME_RULE)
