"""Every text field of every form holds NFC text without control or invisible characters:
the base form applies `nfc` whether or not a field asks for it; passwords stay as typed."""

from __future__ import annotations

from datetime import date

import pytest
from wtforms import PasswordField, StringField, TextAreaField

from award_flow.core.forms import AmountField, DayField, Form


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


#: what is typed in a day's box → the day read, or None when refused (with the order asked)
DAYS = [
    ("01/07/2024", date(2024, 7, 1)), ("1/7/2024", date(2024, 7, 1)),
    (" 31/12/2025 ", date(2025, 12, 31)), ("2024-07-01", date(2024, 7, 1)),
    ("01.07.2024", date(2024, 7, 1)), ("1-7-2024", date(2024, 7, 1)),
    ("1 / 7 / 2024", date(2024, 7, 1)),
    ("07/31/2024", None),  # the month first, as an English browser shows it: no 31st month
    ("31/02/2026", None), ("01/07/24", None), ("mai", None),
]


@pytest.mark.parametrize(("typed", "day"), DAYS)
def test_a_day_is_read_day_first(app, typed, day):
    class DayForm(Form):
        on = DayField("Ngày")

    with app.test_request_context(method="POST", data={"on": typed}):
        form = DayForm(meta={"csrf": False})
        assert form.validate() is (day is not None)
        assert form.on.data == day
        if day is not None:
            assert form.on._value() == typed.strip()  # as typed, once sent
            assert 'placeholder="ngày/tháng/năm"' in form.on()
            assert 'type="text"' in form.on()
        else:
            assert form.on.errors == [
                "Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ: 01/7/2024."]
            assert form.on._value() == typed.strip()  # shown again as typed


def test_a_day_is_shown_as_the_pages_write_it(app):
    class DayForm(Form):
        on = DayField("Ngày")

    with app.test_request_context():
        assert DayForm(meta={"csrf": False}, data={"on": date(2024, 7, 1)}).on._value() == \
            "01/7/2024"


#: what is typed as an amount → the đồng read, or None when refused
AMOUNTS = [
    ("2340000", 2_340_000), ("2.340.000", 2_340_000), ("2,340,000", 2_340_000),
    ("2 340 000", 2_340_000), ("2.340.000 đồng", 2_340_000), ("2.340.000đ", 2_340_000),
    ("2.340.000 VNĐ", 2_340_000), ("2.340.000 dong", 2_340_000), ("2340000 vnd.", 2_340_000),
    ("2.340.000 đồng đồng", None), ("2.34.000", None), ("hai triệu", None),
]


@pytest.mark.parametrize(("typed", "amount"), AMOUNTS)
def test_an_amount_is_read_as_people_write_it(app, typed, amount):
    class AmountForm(Form):
        amount = AmountField("Số tiền")

    with app.test_request_context(method="POST", data={"amount": typed}):
        form = AmountForm(meta={"csrf": False})
        assert form.validate() is (amount is not None)
        if amount is not None:
            assert form.amount.data == amount
        else:
            assert form.amount.errors == ["Hãy nhập số tiền bằng chữ số, ví dụ: 2.340.000."]
