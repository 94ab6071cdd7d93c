"""Password rules: length, repetition, and the shipped list of common passwords with its trivial variants."""

from __future__ import annotations

from importlib import resources

import pytest

from emprende.domain.identity.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    check_password_strength,
    common_passwords,
    is_common_password,
)
from emprende.domain.shared.errors import InvalidInput


def refusal(password: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        check_password_strength(password)
    assert (caught.value.code, caught.value.field) == ("weak_password", "password")
    assert password not in str(caught.value) or not password
    return caught.value


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "Abcdefghijk1",
        "ñ" * 6 + "áéíóú1",
        "demo-emprende-2026",  # the documented password of the demo accounts
        "una clave bastante larga",
        "Tr0mb0n-Quito-Azul",
    ],
)
def test_strong_passwords_pass(password: str) -> None:
    check_password_strength(password)


def test_the_minimum_length_is_twelve() -> None:
    assert MIN_PASSWORD_LENGTH == 12
    assert "at least 12 characters" in str(refusal("Zq8#mV2!pLx"))  # 11 characters
    check_password_strength("Zq8#mV2!pLx4")


@pytest.mark.parametrize(
    "password",
    ["", "short", "Abcdefghij1", "aaaaaaaaaaaaaaaa", "abcabcabcabcabc", pytest.param("Zz0" * 100, id="too-long")],
)
def test_short_long_and_repetitive_passwords_are_refused(password: str) -> None:
    refusal(password)


def test_passwords_have_an_upper_bound() -> None:
    longest = "".join(chr(ord("a") + (i * 7) % 26) + str(i % 10) for i in range(MAX_PASSWORD_LENGTH // 2))
    assert len(longest) == MAX_PASSWORD_LENGTH
    check_password_strength(longest)
    assert "at most 256 characters" in str(refusal(longest + "e"))


@pytest.mark.parametrize(
    "password",
    [
        "passwordpassword",  # a common one repeated
        "PasswordPassword",
        "qwerty123qwerty123",
        "123qweasdzxc",  # a common one of twelve characters as it is
        "1QAZ2WSX3EDC",  # ... and in capitals
        "qazwsxedcrfv",
        "password2024!",  # a common one with digits and symbols after it
        "!!Sunshine12345",
        "2024-football-2024",  # ... before and after, with separators
        "i love you 1234",  # separators inside are ignored: iloveyou
        "baseball.baseball",
        "".join(chr(ord(c) + 0xFEE0) for c in "password1234"),  # full-width forms are the same letters
    ],
)
def test_common_passwords_and_their_trivial_variants_are_refused(password: str) -> None:
    error = refusal(password)
    assert "most common passwords" in str(error)


def test_the_list_is_the_top_ten_thousand_with_its_source_and_licence() -> None:
    text = resources.files("emprende.domain.identity.data").joinpath("common-passwords.txt").read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    entries = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert len(entries) == 10_000
    assert entries[:2] == ["123456", "password"]
    assert any("zxcvbn" in line for line in header)
    assert any("MIT License" in line for line in header)
    assert len(common_passwords()) > 9_900  # a few entries differ only by separators
    assert common_passwords() is common_passwords()  # read once


@pytest.mark.parametrize("password", ["password", "dragon", "trustno1", "Iloveyou"])
def test_short_common_passwords_are_common_too(password: str) -> None:
    assert is_common_password(password)


@pytest.mark.parametrize("password", ["correct horse battery staple", "Quito2026Cotopaxi", "mi perro se llama Sol"])
def test_passwords_that_only_contain_a_common_word_are_not_common(password: str) -> None:
    assert not is_common_password(password)
