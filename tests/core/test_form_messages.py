"""WTForms' own messages ("This field is required.", ...) in the user's language: the project's
Vietnamese catalogue of the "wtforms" domain covers every message of the installed WTForms, is
compiled by `make translations`, and every form of the app reads it through `core.forms.Form`."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import wtforms
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import g, session
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from award_flow import PROJECT_ROOT
from award_flow.core.forms import Form

LC_MESSAGES = PROJECT_ROOT / "award_flow" / "translations" / "vi" / "LC_MESSAGES"
VIETNAMESE = LC_MESSAGES / "wtforms.po"
COMPILED = LC_MESSAGES / "wtforms.mo"
WTFORMS_TEMPLATE = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"
#: %(name)d, %(name)s, %s and {name}: what the message is formatted with.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")


def _catalogue(path: Path) -> dict:
    with path.open("rb") as f:
        return {m.id: m for m in read_po(f) if m.id}


def _texts(value) -> list[str]:  # noqa: ANN001
    """A message id or translation as a list of strings (plural ones have several)."""
    return [value] if isinstance(value, str) else list(value)


@pytest.fixture(scope="module")
def vietnamese() -> dict:
    return _catalogue(VIETNAMESE)


def test_every_message_of_the_installed_wtforms_is_translated(vietnamese):
    wanted = _catalogue(WTFORMS_TEMPLATE)
    missing = [m.id for key, m in wanted.items()
               if key not in vietnamese or vietnamese[key].fuzzy
               or not all(_texts(vietnamese[key].string))]
    assert missing == []


def test_the_translations_keep_the_placeholders_and_are_nfc(vietnamese):
    wrong = []
    for message in vietnamese.values():
        wanted = sorted(PLACEHOLDER.findall(_texts(message.id)[-1]))
        for text in _texts(message.string):
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                wrong.append((message.id, text, "placeholders"))
            if unicodedata.normalize("NFC", text) != text:
                wrong.append((message.id, text, "not NFC"))
    assert wrong == []


def test_the_catalogue_is_compiled_as_it_is_written(vietnamese):
    """`make translations` (run by `make test` and `make run`) compiles it; .mo files are not
    committed."""
    assert COMPILED.is_file(), "run `make translations`"
    with COMPILED.open("rb") as f:
        compiled = {tuple(_texts(m.id)): _texts(m.string) for m in read_mo(f) if m.id}
    written = {tuple(_texts(key)): _texts(m.string) for key, m in vietnamese.items()}
    assert compiled == written, \
        "wtforms.mo is older than wtforms.po: run `make translations`"


class _Sample(Form):
    name = StringField("name", validators=[DataRequired(), Length(max=5)])
    kind = SelectField("kind", choices=["a"])
    count = IntegerField("count")


#: what is posted, the language, the errors of each field
CASES = [
    ({"name": "", "kind": "a", "count": "1"}, "vi", {"name": ["Trường này là bắt buộc."]}),
    ({"name": "", "kind": "a", "count": "1"}, "en", {"name": ["This field is required."]}),
    ({"name": "abcdef", "kind": "a", "count": "1"}, "vi",
     {"name": ["Không được dài quá 5 ký tự."]}),
    ({"name": "abcdef", "kind": "a", "count": "1"}, "en",
     {"name": ["Field cannot be longer than 5 characters."]}),
    ({"name": "x", "kind": "z", "count": "1"}, "vi", {"kind": ["Lựa chọn không hợp lệ."]}),
    ({"name": "x", "kind": "z", "count": "1"}, "en", {"kind": ["Not a valid choice."]}),
    ({"name": "x", "kind": "a", "count": "một"}, "vi",
     {"count": ["Giá trị phải là số nguyên."]}),
    ({"name": "x", "kind": "a", "count": "một"}, "en",
     {"count": ["Not a valid integer value."]}),
]


@pytest.mark.parametrize(("posted", "lang", "errors"), CASES,
                         ids=[f"{lang}-{sorted(e)[0]}" for _p, lang, e in CASES])
def test_a_form_of_the_app_speaks_the_users_language(app, posted, lang, errors):
    with app.test_request_context("/", method="POST", data=posted):
        g.pop("_flask_babel", None)  # the locale is cached on the app context the test holds
        session["lang"] = lang
        form = _Sample(meta={"csrf": False})
        assert not form.validate()
        assert form.errors == errors


def _app_forms() -> list[type]:
    import award_flow.auth.forms
    import award_flow.org.forms
    import award_flow.proposals.forms  # noqa: F401

    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("award_flow.") and cls is not Form:
            found.append(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


@pytest.mark.parametrize("form_class", _app_forms(), ids=lambda c: c.__qualname__)
def test_every_form_of_the_app_derives_from_the_translated_form(form_class):
    assert issubclass(form_class, Form)
