"""The base of every form: WTForms' own messages in the user's language.

WTForms ships no Vietnamese catalogue, and Flask-WTF's i18n (`WTF_I18N_ENABLED`) only reads
the catalogues inside the wtforms package. Forms deriving from `Form` read the "wtforms"
domain from WTForms' catalogues *and* the project's (`translations/<lang>/LC_MESSAGES/
wtforms.po`, compiled by `make translations`), the project's winning: "This field is
required." reads "Trường này là bắt buộc." in Vietnamese, and stays WTForms' English in English.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import Domain, get_babel
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path

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


class Form(FlaskForm):
    """A Flask-WTF form whose built-in messages follow the user's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):  # noqa: ANN001, ANN201
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _translations
