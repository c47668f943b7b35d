"""What an edit form was opened on, field by field: a short digest of each field's value, so
that a save can be refused once any of them was saved again meanwhile, and the form shown
again can tell the fields changed meanwhile from those the user changed (a three-way merge:
what the form showed, what is saved now, what was typed)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

#: Hex digits of one field's digest: a chance in 4 billion that a change goes unseen.
FIELD_DIGEST_LENGTH = 8
_HEX = re.compile(r"[0-9a-f]*")


def _digest(value: object) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=FIELD_DIGEST_LENGTH // 2).hexdigest()


def seen_digest(values: Mapping[str, object]) -> str:
    """The digest of the fields' `values` (as the form's data reads them), in their order."""
    return "".join(_digest(value) for value in values.values())


def changed_since(seen: str, values: Mapping[str, object]) -> set[str] | None:
    """The fields whose value in `values` is not the one `seen` was made of; None when `seen`
    is no digest of these fields (none sent, or not of the form's making)."""
    if len(seen) != FIELD_DIGEST_LENGTH * len(values) or not _HEX.fullmatch(seen):
        return None
    return {name for index, (name, value) in enumerate(values.items())
            if seen[index * FIELD_DIGEST_LENGTH:(index + 1) * FIELD_DIGEST_LENGTH]
            != _digest(value)}


def is_seen_digest(text: str) -> bool:
    """Whether `text` can be a form's digest (a hidden field's value, else refused as none)."""
    return bool(text) and len(text) % FIELD_DIGEST_LENGTH == 0 and bool(_HEX.fullmatch(text))
