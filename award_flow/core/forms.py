"""The base of every form: WTForms' own messages in the user's language.

WTForms ships no Vietnamese catalogue, and Flask-WTF's i18n (`WTF_I18N_ENABLED`) only reads
the catalogues inside the wtforms package. Forms deriving from `Form` read the "wtforms"
domain from WTForms' catalogues *and* the project's (`translations/<lang>/LC_MESSAGES/
wtforms.po`, compiled by `make translations`), the project's winning: "This field is
required." reads "Trường này là bắt buộc." in Vietnamese, and stays WTForms' English in English.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

from flask import current_app, request
from flask_babel import Domain, get_babel
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto  # FlaskForm's "formdata from the request" default
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict
from wtforms.fields import DateField, FileField, PasswordField, StringField
from wtforms.i18n import messages_path
from wtforms.widgets import TextInput

from award_flow.core.display import decimal, number
from award_flow.core.formatting import vn_short_date
from award_flow.core.text import nfc_filter

#: The gettext domain of WTForms' messages (and of Flask-WTF's file validators).
WTFORMS_DOMAIN = "wtforms"


class _WTFormsDomain(Domain):
    """The "wtforms" domain of WTForms' catalogues, then the app's translation directories
    (merged in that order, so a project translation overrides WTForms' own)."""

    @property
    def translation_directories(self) -> list[str]:
        return [messages_path(), *get_babel().translation_directories]


_domain = _WTFormsDomain(domain=WTFORMS_DOMAIN)


class _Translations:
    """What WTForms asks of a translations provider; resolved per call, in the locale of the
    current request (Flask-Babel's `get_locale`, cached per locale by the domain)."""

    def gettext(self, string: str) -> str:
        return _domain.get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _domain.get_translations().ungettext(singular, plural, n)


_translations = _Translations()


def _normalises(unbound_field) -> bool:  # noqa: ANN001
    """Text a user types, but not a password (hashed as typed, in NFC: auth/passwords.py)."""
    field_class = unbound_field.field_class
    return issubclass(field_class, StringField) and not issubclass(field_class, PasswordField)


class Form(FlaskForm):
    """A Flask-WTF form whose built-in messages follow the user's language, and whose text
    fields all hold NFC text without control or invisible characters (`core.text.nfc`), so
    that no field can forget it: a NUL, which PostgreSQL refuses, or a zero-width space
    standing for a required name, never reaches an operation. They read what a browser's
    form sends only (`Meta.wrap_formdata`)."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):  # noqa: ANN001, ANN201
            if _normalises(unbound_field):
                filters = tuple(unbound_field.kwargs.get("filters", ()))
                if nfc_filter not in filters:
                    options = {**options, "filters": (*filters, nfc_filter)}
            return super().bind_field(form, unbound_field, options)

        def wrap_formdata(self, form, formdata):  # noqa: ANN001, ANN201
            """What a browser's form sends, and only that: the fields of the body's form data,
            and its file parts under the names of the form's file fields. Flask-WTF would also
            read a JSON body, and a file part under a text field's name: numbers, lists,
            objects or files where every field expects text (a server error), and a sign-in
            whose username the per-username limit, which reads the form data as browsers send
            it (auth/views.py), would not see."""
            if formdata is not _Auto:
                return super().wrap_formdata(form, formdata)
            if not form.is_submitted():
                return None
            # By the names the page sends: a prefixed form's file field is "list-file".
            file_fields = {field.name for field in form if isinstance(field, FileField)}
            files = [(name, value) for name, value in request.files.items(multi=True)
                     if name in file_fields]
            if files:
                return CombinedMultiDict((ImmutableMultiDict(files), request.form))
            return request.form or None

        def get_translations(self, form):  # noqa: ANN001, ANN201
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _translations



class EmptyForm(Form):
    """A bare POST button (delete): CSRF only."""


#: Spaces around a day's separators ("1 / 7 / 2024").
_DAY_SPACES = re.compile(r"\s*([./-])\s*")


class DayField(DateField):
    """A day typed as Vietnamese write it, day first: "01/7/2024" (also "01/07/2024",
    "1/7/2024" and "2024-07-01"), and shown as the pages write it. Not
    ``<input type="date">``, which shows the browser's own order: "07/01/2024" in an English
    browser, where the clerk reads the 7th of January."""

    widget = TextInput()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators,
                         format=["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d"], **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            # "1 / 7 / 2024" as "1/7/2024"; what is shown again is what was typed.
            self.raw_data = [" ".join(valuelist).strip()]
            valuelist = [_DAY_SPACES.sub(r"\1", self.raw_data[0])]
        try:
            super().process_formdata(valuelist)
        except ValueError:
            # WTForms' "Not a valid date value." says nothing of the order expected.
            raise ValueError(_("Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ: "
                               "01/7/2024.")) from None

    def _value(self) -> str:
        # Written as every page writes a day (core.formatting.vn_short_date: "01/8/2021").
        if self.raw_data or self.data is None:
            return super()._value()
        return vn_short_date(self.data)

    def __call__(self, **kwargs):  # noqa: ANN003, ANN204
        kwargs.setdefault("placeholder", _("ngày/tháng/năm"))
        kwargs.setdefault("autocomplete", "off")
        return super().__call__(**kwargs)


#: An amount as people write it: "2340000", "2.340.000", "2,340,000" or "2 340 000".
_GROUPED_AMOUNT = re.compile(r"\d+|\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*")
#: A decimal as people write it: "0,3" (Vietnamese) or "0.3".
_DECIMAL = re.compile(r"\d+(?:[.,]\d+)?")


class _NumberField(StringField):
    """A number typed as text. Blank text (spaces only) is no text: `raw_data` holds what was
    typed without the spaces around it, so that InputRequired says "required" instead of
    passing a field whose `data` is None; and text longer than any number the field takes is
    refused before it is read (a million digits is no coefficient, and would not display)."""

    #: The longest text read as a number: "999.999.999.999" or "999,999" fit with room.
    max_length = 32
    pattern: re.Pattern[str]
    #: The number read; the text as typed when it is refused (shown again); None when blank.
    data: Any
    inputmode: str

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = " ".join((valuelist[0] if valuelist else "").split())
        self.raw_data = [text]
        if not text:
            return
        if len(text) > self.max_length or not self.pattern.fullmatch(text):
            self.data = text  # shown again as typed
            raise ValueError(self.invalid_message())
        self.data = self.parse(text)

    def parse(self, text: str) -> int | Decimal:
        raise NotImplementedError

    def invalid_message(self) -> str:
        raise NotImplementedError

    def shown(self, value: int | Decimal) -> str:
        raise NotImplementedError

    def _value(self) -> str:
        return self.shown(self.data) if isinstance(self.data, int | Decimal) \
            else (self.data or "")

    def __call__(self, **kwargs):  # noqa: ANN003, ANN204
        kwargs.setdefault("inputmode", self.inputmode)
        return super().__call__(**kwargs)


#: The unit a clerk may write after an amount, as the pages show it ("2.340.000 đồng").
_CURRENCY = re.compile(r"\s*(?:đồng|dong|đ|vnđ|vnd)\.?$", re.IGNORECASE)


class AmountField(_NumberField):
    """A whole number of đồng, typed with or without thousands separators (and with "đồng"
    after it, as the pages write an amount), and shown as the page's language writes
    numbers. `data` is an int, or None when nothing was typed."""

    pattern = _GROUPED_AMOUNT
    inputmode = "numeric"

    def process_formdata(self, valuelist: list[str]) -> None:
        text = unicodedata.normalize("NFC", " ".join((valuelist[0] if valuelist else "").split()))
        super().process_formdata([_CURRENCY.sub("", text)] if valuelist else valuelist)

    def parse(self, text: str) -> int:
        return int(re.sub(r"\D", "", text))

    def invalid_message(self) -> str:
        return _("Hãy nhập số tiền bằng chữ số, ví dụ: 2.340.000.")

    def shown(self, value: int | Decimal) -> str:
        return number(value)


class YearField(_NumberField):
    """A year in four digits, as "2025" or as a clerk writes it in a sentence, "năm 2025".
    `data` is an int, or None when nothing was typed."""

    pattern = re.compile(r"(?:năm\s*)?\d{4}", re.IGNORECASE)
    inputmode = "numeric"

    def parse(self, text: str) -> int:
        return int(re.sub(r"\D", "", text))

    def invalid_message(self) -> str:
        return _("Hãy nhập năm bằng bốn chữ số, ví dụ: 2025.")

    def shown(self, value: int | Decimal) -> str:
        return str(value)


class DecimalCommaField(_NumberField):
    """A decimal number written with a comma ("0,3") or a point ("0.3"), and shown as the
    page's language writes it. `data` is a Decimal, or None when nothing was typed."""

    pattern = _DECIMAL
    inputmode = "decimal"

    def parse(self, text: str) -> Decimal:
        return Decimal(text.replace(",", "."))

    def invalid_message(self) -> str:
        return _("Hãy nhập một số, ví dụ: 0,3.")

    def shown(self, value: int | Decimal) -> str:
        return decimal(Decimal(value))
