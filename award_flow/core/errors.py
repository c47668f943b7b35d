"""Errors that operations raise and views turn into a clear message (nothing is changed)."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request. `message` is shown to the user: at the form
    field named `field` when there is one (the view puts it there), otherwise at the top."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The user may not do this."""

    status_code = 403


class InvalidTransition(DomainError):
    """The proposal is not (or no longer) in a state that allows this."""

    status_code = 409


class ConflictError(DomainError):
    """Someone else changed the object first."""

    status_code = 409


class ValidationError(DomainError):
    """The input breaks a rule (the form's shape was fine)."""

    status_code = 400


class StorageError(DomainError):
    """The server could not store a file (disk full, read-only or missing folder, no
    permission): nothing was changed, and the fix is the administrator's, not the user's."""

    status_code = 507
