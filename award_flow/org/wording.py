"""Messages that name the authority's secretariat, whose name is the authority's data.

The standing body of the Emulation and Commendation Council is "Cơ quan Tổ chức - Nội vụ" in
Duyên Hải, "Phòng Nội vụ" in most districts, "Sở Nội vụ" in a province and "Phòng Văn hóa -
Xã hội" in a commune: the buttons and refusals that name it ("Chuyển lại …") say the name of
the signed-in user's authority, the only one whose proposals that user sees.
"""

from __future__ import annotations

from flask import has_request_context
from flask_babel import LazyString, gettext
from flask_login import current_user
from markupsafe import escape

from award_flow.org.models import DEFAULT_SECRETARIAT_NAME


def secretariat_name() -> str:
    """The secretariat's name for the signed-in user's authority; the default elsewhere (the
    command line, a signed-out page)."""
    if has_request_context() and current_user.is_authenticated:
        return current_user.unit.authority.secretariat_name
    return DEFAULT_SECRETARIAT_NAME


class _LazyStringOfData(LazyString):
    """A lazy message whose text holds data. Flask-Babel's `LazyString.__html__` gives the
    text as it is, which Jinja takes for safe markup: right for a translator's message, not
    for a name an admin typed ("NV<meta http-equiv=refresh …>")."""

    def __html__(self) -> str:
        return str(escape(str(self)))


def secretariat_l(message: str) -> LazyString:
    """`lazy_gettext` for a message that names the secretariat as `%(secretariat)s` (an
    extraction keyword, see the Makefile); escaped in a page, as the name is data."""
    return _LazyStringOfData(lambda: gettext(message, secretariat=secretariat_name()))
