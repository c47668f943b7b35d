"""Password hashing with argon2id at OWASP's recommended minimum (m=19 MiB, t=2, p=1).

Passwords are NFC-normalised before hashing and before checking: "Việt" typed as
precomposed letters (NFC, most keyboards) or as base letters with combining marks (NFD, some
phones and macOS input methods) is the same password. Nothing else is changed — no trimming,
no case folding: every other character counts.
"""

from __future__ import annotations

import re
import unicodedata

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app, has_app_context
from flask_babel import gettext as _
from zxcvbn import zxcvbn

from award_flow.core.text import fold

#: The shortest password anyone may set (counted as hashed: NFC).
MIN_PASSWORD_LENGTH = 10

#: OWASP Password Storage Cheat Sheet: argon2id, 19 MiB of memory, 2 iterations, 1 lane.
OWASP_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)
# Only the test configuration uses this; hashes it makes are still argon2id and still verify.
_FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID)


def _hasher() -> PasswordHasher:
    if has_app_context() and current_app.config.get("PASSWORD_HASH_FAST"):
        return _FAST_HASHER
    return OWASP_HASHER


def normalise(password: str) -> str:
    """The form of a password that is hashed and checked: NFC, nothing else changed."""
    return unicodedata.normalize("NFC", password)


#: zxcvbn's score a new password needs: 3 of 4, "safely unguessable" (some 10^8 guesses and
#: more). Below it: repeats ("aaaaaaaaaa"), sequences ("1234567890", "qwertyuiop"), common
#: passwords and words, dates, and the words below.
MIN_PASSWORD_SCORE = 3
#: Words a guesser tries first on this application (NIST SP 800-63B: context-specific
#: words), without their marks, as passwords are mostly typed: "mật khẩu", "thi đua",
#: "khen thưởng".
_CONTEXT_WORDS = ("matkhau", "thidua", "khenthuong", "thiduakhenthuong", "awardflow")
#: Where a username splits into the words it is made of ("canbo.longhuu").
_USERNAME_PARTS = re.compile(r"[._-]+")
#: zxcvbn's work grows quickly with the length; what is guessable shows in the first part.
_ESTIMATED_LENGTH = 64


def password_problem(password: str, username: str, full_name: str = "") -> str | None:
    """Why a new password is refused, in the user's language, or None: shorter than
    MIN_PASSWORD_LENGTH (counted as hashed), holding the account's username, the first thing
    a guesser tries, or easy to guess (zxcvbn, with the account's names and the
    application's words: NIST SP 800-63B's blocklist and context-specific words)."""
    typed = normalise(password)
    if len(typed) < MIN_PASSWORD_LENGTH:
        return _("Mật khẩu cần ít nhất %(n)s ký tự.", n=MIN_PASSWORD_LENGTH)
    # A name of three letters ("moi") would refuse ordinary words, so only a name of four
    # or more counts.
    if len(username) >= 4 and username.casefold() in typed.casefold():
        return _("Mật khẩu không được chứa tên đăng nhập.")
    if _score(typed, username, full_name) < MIN_PASSWORD_SCORE:
        return _("Mật khẩu này dễ đoán: tránh ký tự lặp lại, dãy liên tiếp (123456, abcdef), "
                 "mật khẩu phổ biến và tên của bạn. Hãy dùng một câu ngắn gồm vài từ mà chỉ "
                 "bạn biết.")
    return None


def _context_words(username: str, full_name: str) -> list[str]:
    """The account's names as a guesser writes them: the username and its parts, and every
    run of the full name's words joined ("Cán bộ Long Hữu": "canbo", "longhuu",
    "canbolonghuu"…), without marks, as the password is scored (`_score`)."""
    username = username.casefold()
    names = fold(full_name).split()
    runs = ["".join(names[start:end]) for start in range(len(names))
            for end in range(start + 1, len(names) + 1)]
    return [w for w in dict.fromkeys((username, *_USERNAME_PARTS.split(username), *runs))
            if w] + list(_CONTEXT_WORDS)


def _score(typed: str, username: str, full_name: str) -> int:
    """zxcvbn's score of the password as typed and as a guesser would try it: without marks
    and spaces ("Long Hữu 2024" as "longhuu2024"), the lower of the two, so that a name or
    a word of the application is caught however it is written."""
    words = _context_words(username, full_name)
    plain = "".join(fold(typed).split())
    return min(zxcvbn(text[:_ESTIMATED_LENGTH], user_inputs=words)["score"]
               for text in dict.fromkeys((typed, plain)) if text)


def hash_password(password: str) -> str:
    return _hasher().hash(normalise(password))


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def verify_and_update(password_hash: str, password: str) -> tuple[bool, bool]:
    """(does `password` match, should the hash be made again from it).

    A hash made before passwords were normalised holds the password exactly as it was typed;
    such a password, typed the same way again, still matches, and is then hashed again in NFC
    so that it matches however it is typed. Only a password that is not already NFC can need
    this second check, so the time it takes depends on what was typed, never on the account.
    """
    normal = normalise(password)
    if _matches(password_hash, normal):
        return True, _hasher().check_needs_rehash(password_hash)
    if normal != password and _matches(password_hash, password):
        return True, True
    return False, False


def verify_password(password_hash: str, password: str) -> bool:
    return verify_and_update(password_hash, password)[0]

