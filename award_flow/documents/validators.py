"""The check of a text that a decision prints (a nominee's name, position and place; the
names of the authority, its units, the signer, a campaign, an award; the decision's standard
texts): every character in the font the decision ships (`render.unprintable`). A form says
it at its field (`Printable`), with the form's other errors; the operation that saves the
text says it again (`require_printable`), for what comes without a form: the command line,
a spreadsheet's rows."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from wtforms.validators import ValidationError

from award_flow.core import errors
from award_flow.documents.render import unprintable


def quoted(characters: list[str]) -> str:
    """The characters as a refusal lists them: “😀”, “★”."""
    return ", ".join(f"“{ch}”" for ch in characters)


class Printable:
    """WTForms validator: refuses a character the decision's font cannot print, which would
    come out as an empty box (or in whatever font the server has) on a signed decision."""

    field_flags: dict[str, Any] = {}

    def __call__(self, form: Any, field: Any) -> None:  # noqa: ANN401 - WTForms' types
        missing = unprintable(field.data or "")
        if missing:
            raise ValidationError(_("Có ký tự mà quyết định không in được: %(chars)s. Hãy xóa "
                                    "hoặc thay ký tự đó.", chars=quoted(missing)))


def require_printable(field: str, what: str, text: str | None) -> None:
    """Refuse `text` (the value of `field`, called `what`) if it has a character the
    decision's font cannot print; the message names the field and the characters."""
    missing = unprintable(text or "")
    if missing:
        raise errors.ValidationError(_("%(what)s có ký tự mà quyết định không in được: "
                                       "%(chars)s. Hãy xóa hoặc thay ký tự đó.", what=what,
                                       chars=quoted(missing)), field=field)
