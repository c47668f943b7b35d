"""Text normalisation: everything stored is NFC; search folds case and Vietnamese diacritics."""

from __future__ import annotations

import unicodedata

# "đ" is a letter of its own, not "d" with a combining mark, so NFD does not split it.
_EXTRA_FOLD = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(value: str | None) -> str | None:
    """NFC form with outer whitespace removed; None stays None."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", value).strip()


def fold(value: str) -> str:
    """Lower-case ASCII skeleton for search: "Nguyễn Văn Đức" → "nguyen van duc"."""
    decomposed = unicodedata.normalize("NFD", value.translate(_EXTRA_FOLD))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def alphabetical(text: str) -> tuple[str, str]:
    """Sort key for names as a reader expects: "Ủy ban…" among the U's, not after "Xã…" (by
    the letters without their marks, then by the marks; đ sorts with d)."""
    return fold(text), text


def nfc_filter(value):  # noqa: ANN001, ANN201 - WTForms filter
    """WTForms filter: normalise every string a user types to NFC."""
    return nfc(value) if isinstance(value, str) else value
