"""Every text field of every form holds NFC text without control or invisible characters:
the base form applies `nfc` whether or not a field asks for it; passwords stay as typed."""

from __future__ import annotations

from wtforms import PasswordField, StringField, TextAreaField

from award_flow.core.forms import Form


class _Sample(Form):
    name = StringField()
    comment = TextAreaField()
    password = PasswordField()
    shout = StringField(filters=[str.upper])


def test_text_fields_are_normalised_and_passwords_are_not(app):
    typed = {"name": " Nguye\u0302\u0303n\x00 Văn A ", "comment": "\u200b",
             "password": " mật\x00khẩu ", "shout": "a\u200bb"}
    with app.test_request_context(method="POST", data=typed):
        form = _Sample(meta={"csrf": False})
        assert (form.name.data, form.comment.data, form.password.data, form.shout.data) == (
            "Nguyễn Văn A", "", " mật\x00khẩu ", "AB")
