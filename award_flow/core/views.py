"""What every view does after validating: call one operation, commit once, tell the user."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, NamedTuple, TypeVar

from flask import flash, jsonify, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from award_flow.core.errors import DomainError
from award_flow.core.forms import Form
from award_flow.extensions import db

T = TypeVar("T")


class Result(NamedTuple):
    """What `perform` did: whether it was done, the operation's return value, or the domain
    error that refused it (for a view that answers some refusals its own way)."""

    ok: bool
    value: Any = None
    error: DomainError | None = None


def perform(operation: Callable[[], T], success: object = None, *,
            shown_at: Collection[str] = ()) -> Result:
    """Run `operation` and commit. A domain error rolls everything back and its message is
    flashed, unless it belongs to one of the form fields `shown_at` (`DomainError.field`):
    the view shows it there. Nothing is half done."""
    try:
        value = operation()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        if error.field is None or error.field not in shown_at:
            flash(error.message, "error")
        return Result(False, error=error)
    if success:
        flash(str(success), "success")
    return Result(True, value)


def perform_on(form: Form, operation: Callable[[], T], success: object = None) -> Result:
    """`perform` for a form's page: a refusal that names one of the form's fields is said
    under that field, as the form's own validation would (the page is rendered again)."""
    # By the fields' own names: a prefixed form's "amount" is sent as "rounding-amount".
    result = perform(operation, success, shown_at=tuple(field.short_name for field in form))
    if result.error is not None and result.error.field in form:
        form[result.error.field].errors.append(result.error.message)
    return result


#: Sent by static/js/app.js with a form it sends itself to show the upload's progress: the
#: answer is then where to go next, as JSON, instead of a redirect the script would follow
#: (and whose page would take the messages flashed for the user).
SCRIPTED_FORM_HEADER = "X-Upload-Progress"


def go_to(location: str) -> BaseResponse:
    """A redirect after a POST, or `{"location": …}` for the page's own script (see
    SCRIPTED_FORM_HEADER): either way the browser then loads `location`."""
    if request.headers.get(SCRIPTED_FORM_HEADER) == "1":
        return jsonify(location=location)
    return redirect(location)
