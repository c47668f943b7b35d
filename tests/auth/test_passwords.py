"""Passwords: NFC however the accents were typed, nothing else changed; and a sign-in checks
the password first — against a dummy hash for an unknown user — so that how long it takes
does not tell a locked account or a switched-off unit from a wrong password."""

from __future__ import annotations

import unicodedata

import pytest
from argon2 import PasswordHasher

from award_flow.auth import operations as auth_operations
from award_flow.auth.passwords import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    verify_and_update,
    verify_password,
)
from award_flow.core.errors import ValidationError
from award_flow.extensions import db
from award_flow.org.operations import save_unit, save_user
from tests.auth.helpers import LOCKED, WRONG, post_login, signed_in
from tests.factories import PASSWORD
from tests.web_helpers import client_as, flashes

VIETNAMESE = "Mật khẩu của Đặng Quốc Khánh"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_the_two_encodings_differ():
    assert nfc(VIETNAMESE) != nfd(VIETNAMESE)


@pytest.mark.parametrize("set_as", [nfc, nfd], ids=["set NFC", "set NFD"])
@pytest.mark.parametrize("typed_as", [nfc, nfd], ids=["typed NFC", "typed NFD"])
def test_a_vietnamese_password_signs_in_however_its_accents_are_encoded(client, world, set_as,
                                                                        typed_as):
    world.officer_a.set_password(set_as(VIETNAMESE))
    db.session.commit()
    assert post_login(client, "officer.a", typed_as(VIETNAMESE)).status_code == 302
    assert signed_in(client)


@pytest.mark.parametrize(("stored", "typed", "matches"), [
    (nfc(VIETNAMESE), nfd(VIETNAMESE), True),
    (nfd(VIETNAMESE), nfc(VIETNAMESE), True),
    ("mat khau", " mat khau", False),       # no trimming
    ("mat khau", "mat khau ", False),
    ("Mat Khau Dai", "mat khau dai", False),  # no case folding
    ("ﬁle cabinet 2026", "file cabinet 2026", False),  # NFC, not NFKC
    ("Đức", "Duc", False),                  # no diacritic folding
])
def test_only_the_unicode_normal_form_is_ignored(app, stored, typed, matches):
    assert verify_password(hash_password(stored), typed) is matches


def test_the_hash_is_of_the_nfc_form(app):
    PasswordHasher().verify(hash_password(nfd(VIETNAMESE)), nfc(VIETNAMESE))


def _legacy_hash(password: str) -> str:
    """A hash as made before passwords were normalised: of the text exactly as typed."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(password)


def test_a_hash_made_before_normalisation_still_signs_in_and_is_made_again_in_nfc(app, client,
                                                                                   world):
    world.officer_a.password_hash = _legacy_hash(nfd(VIETNAMESE))
    db.session.commit()
    token = world.officer_a.session_token
    other_device = client_as(app, world.head_a)  # a bystander, and the token of officer.a

    assert verify_and_update(world.officer_a.password_hash, nfd(VIETNAMESE)) == (True, True)
    assert post_login(client, "officer.a", nfd(VIETNAMESE)).status_code == 302

    db.session.refresh(world.officer_a)
    PasswordHasher().verify(world.officer_a.password_hash, nfc(VIETNAMESE))
    assert world.officer_a.session_token == token  # hashing again ends no session
    assert signed_in(other_device)


def test_a_current_hash_needs_no_update(app):
    assert verify_and_update(hash_password(VIETNAMESE), VIETNAMESE) == (True, False)
    assert verify_and_update(hash_password(VIETNAMESE), "sai") == (False, False)


# --- the password is checked first, whoever signs in -------------------------------------------


def _unknown(world):  # noqa: ANN001, ANN202
    return "khong.co.ai", PASSWORD


def _wrong_password(world):  # noqa: ANN001, ANN202
    return "officer.a", "not the password"


def _locked(world):  # noqa: ANN001, ANN202
    world.officer_a.active = False
    return "officer.a", PASSWORD


def _unit_switched_off(world):  # noqa: ANN001, ANN202
    save_unit(world.admin, world.authority, world.unit_a.name, world.unit_a.kind,
              unit=world.unit_a, active=False)
    return "officer.a", PASSWORD


def _right(world):  # noqa: ANN001, ANN202
    return "officer.a", PASSWORD


def _locked_wrong_password(world):  # noqa: ANN001, ANN202
    world.officer_a.active = False
    return "officer.a", "not the password"


#: case → (set-up returning (username, password), signs in?, the message if refused). Only
#: whoever has the password learns that the account is locked.
CASES = {
    "unknown user": (_unknown, False, WRONG),
    "wrong password": (_wrong_password, False, WRONG),
    "locked account, wrong password": (_locked_wrong_password, False, WRONG),
    "locked account, right password": (_locked, False, LOCKED),
    "unit switched off, right password": (_unit_switched_off, False, LOCKED),
    "right password": (_right, True, None),
}


@pytest.fixture
def verifications(monkeypatch):
    """The hashes argon2 is asked to verify against, in order."""
    seen: list[str] = []
    real = PasswordHasher.verify

    def spy(self, hash, password):  # noqa: A002, ANN001, ANN202
        seen.append(hash)
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    return seen


@pytest.mark.parametrize("case", CASES)
def test_every_sign_in_verifies_one_hash_before_anything_else_is_decided(client, world,
                                                                          verifications, case):
    set_up, signs_in, message = CASES[case]
    username, password = set_up(world)
    db.session.commit()
    verifications.clear()

    response = post_login(client, username, password)

    assert len(verifications) == 1
    if case == "unknown user":
        assert verifications == auth_operations._DUMMY_HASH
    else:
        assert verifications == [world.officer_a.password_hash]
    assert signed_in(client) is signs_in
    if not signs_in:
        assert response.status_code == 200
        assert flashes(response.text) == [("error", message)]


@pytest.mark.parametrize(("password", "accepted"), [
    (nfd("Đặng Quốc"), False),   # 9 letters, 13 code points in NFD
    (nfd("Đặng Quốc!"), True),   # 10
])
def test_the_minimum_length_counts_letters_not_combining_marks(world, password, accepted):
    assert MIN_PASSWORD_LENGTH == 10
    user = world.officer_a
    change = {"username": user.username, "full_name": user.full_name, "role": user.role,
              "unit": user.unit, "password": password, "user": user}
    if accepted:
        save_user(world.admin, **change)
        assert user.check_password(nfc(password))
    else:
        with pytest.raises(ValidationError):
            save_user(world.admin, **change)


#: a new password → refused as easy to guess? (NIST SP 800-63B: a blocklist of what
#: guessers try first: repeats, sequences, common passwords, the account's own names and the
#: application's words), or taken
GUESSABLE = [
    ("aaaaaaaaaa", True), ("1234567890", True), ("qwertyuiop", True), ("abcd1234ef", True),
    ("password123", True), ("matkhau123", True), ("thidua2026", True),
    ("tranvanhung1", True),  # the account holder's name, without its marks
    ("Trần Văn Hùng 2024", True), ("vanhung@2024", True),  # with them; a part of it
    ("Thi đua khen thưởng 2025", True), ("thiduakhenthuong2025", True),
    ("mot mat khau moi 2026", False), ("Đặng Quốc!", False), ("giong-gieng-ap-3", False),
]


@pytest.mark.parametrize(("password", "guessable"), GUESSABLE)
def test_a_password_easy_to_guess_is_refused_at_its_field(world, password, guessable):
    user = world.officer_a
    user.full_name = "Trần Văn Hùng"
    change = {"username": user.username, "full_name": user.full_name, "role": user.role,
              "unit": user.unit, "password": password, "user": user}
    if not guessable:
        save_user(world.admin, **change)
        assert user.check_password(password)
        return
    with pytest.raises(ValidationError) as refused:
        save_user(world.admin, **change)
    assert (refused.value.field, refused.value.message) == ("password", (
        "Mật khẩu này dễ đoán: tránh ký tự lặp lại, dãy liên tiếp (123456, abcdef), mật khẩu "
        "phổ biến và tên của bạn. Hãy dùng một câu ngắn gồm vài từ mà chỉ bạn biết."))
    assert not user.check_password(password)
