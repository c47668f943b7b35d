"""Text normalisation: everything stored is NFC; search folds case and Vietnamese diacritics."""

from __future__ import annotations

import functools
import unicodedata
from typing import overload

# "đ" is a letter of its own, not "d" with a combining mark, so NFD does not split it.
_EXTRA_FOLD = str.maketrans({"đ": "d", "Đ": "d"})


#: Control characters a text may keep: tab and line breaks (a textarea's lines).
_KEPT_CONTROLS = frozenset("\t\n\r")


def _visible(ch: str) -> bool:
    """Neither a control character (NUL, which PostgreSQL refuses, escape, ...) nor an
    invisible format character (zero-width spaces and joiners, byte-order marks, bidi
    overrides that would print a name reversed on a decision, soft hyphens)."""
    category = unicodedata.category(ch)
    if category == "Cc":
        return ch in _KEPT_CONTROLS
    return category != "Cf"


@overload
def nfc(value: str) -> str: ...
@overload
def nfc(value: None) -> None: ...
@overload
def nfc(value: str | None) -> str | None: ...


def nfc(value: str | None) -> str | None:
    """NFC form without control or invisible format characters, outer whitespace removed;
    None stays None. A value made only of invisible characters becomes empty, so a required
    field refuses it."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", value)
    if not text.isprintable():  # the common case costs one C-level scan
        text = "".join(ch for ch in text if _visible(ch))
    return text.strip()


@functools.lru_cache(maxsize=8192)
def fold(value: str) -> str:
    """Lower-case ASCII skeleton for search: "Nguyễn Văn Đức" → "nguyen van duc".

    Cached: telling namesakes apart folds the same positions and places again for every
    nominee of the same name (a list of 2,000 teachers from a handful of schools)."""
    decomposed = unicodedata.normalize("NFD", value.translate(_EXTRA_FOLD))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def ascii_letters(value: str) -> str:
    """The text in ASCII letters, case kept: "Biên bản Hội đồng.pdf" → "Bien ban Hoi dong.pdf"
    ("đ" is a letter of its own, which no decomposition turns into "d"); what has no ASCII
    letter left is dropped."""
    decomposed = unicodedata.normalize("NFD", value.translate(_ASCII_D))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).encode(
        "ascii", "ignore").decode("ascii")


_ASCII_D = str.maketrans({"đ": "d", "Đ": "D"})


#: The five Vietnamese tone marks (huyền, sắc, ngã, hỏi, nặng) as combining characters; the
#: other marks (circumflex, breve, horn) make letters of their own and stay where they are.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def same_name_key(value: str) -> str:
    """What two spellings of one name share: case, spacing and where a word's tone mark sits
    left aside ("Xã Trường Long Hòa", "xã trường long hoà"), every letter and mark kept (not
    "Long Hóa"). Two tone placements are in use (old "hòa", new "hoà"), both correct."""
    words = []
    for word in unicodedata.normalize("NFD", value).casefold().split():
        tones = "".join(ch for ch in word if ch in _TONE_MARKS)
        words.append("".join(ch for ch in word if ch not in _TONE_MARKS) + tones)
    return unicodedata.normalize("NFC", " ".join(words))


def alphabetical(text: str) -> tuple[str, str]:
    """Sort key for names as a reader expects: "Ủy ban…" among the U's, not after "Xã…" (by
    the letters without their marks, then by the marks; đ sorts with d)."""
    return fold(text), text


def mid_sentence(text: str) -> str:
    """A phrase as it reads inside a sentence: a first word written as a sentence starts
    ("Thành tích xuất sắc …", "Đã hoàn thành …", "Tích cực") in lower case. A proper name
    capitalises every syllable ("Hội Nông dân xã …", "Trường Tiểu học …", "Nguyễn Văn A"),
    so a first word followed by a capitalised one stays as it is, and so do an abbreviation
    ("UBND …") and a one-letter word. (So does a sentence whose second word starts a name,
    "Đạt Giải nhất …": the signer reads the sentence before issuing it.)"""
    first, *rest = text.split(maxsplit=2) or [""]
    sentence_case = len(first) > 1 and first[0].isupper() and first[1:].islower()
    name_goes_on = bool(rest) and rest[0][0].isupper()
    if sentence_case and not name_goes_on:
        return text[0].lower() + text[1:]
    return text


def nfc_filter(value):  # noqa: ANN001, ANN201 - WTForms filter
    """WTForms filter: normalise every string a user types to NFC."""
    return nfc(value) if isinstance(value, str) else value
