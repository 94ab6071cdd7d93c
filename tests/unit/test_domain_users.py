"""Domain rules of users and login sessions."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from emprende.domain.identity.session import LoginSession, RefreshTokenReusedError
from emprende.domain.identity.user import (
    MAX_EMAIL_LENGTH,
    Language,
    Role,
    User,
    check_full_name,
    normalize_email,
)
from emprende.domain.shared.errors import AuthenticationFailed, InvalidInput
from tests.unit.fakes import START

# --- e-mail addresses -----------------------------------------------------------------------------------------------

PARTNER = uuid.uuid4()


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("maria@example.org", "maria@example.org"),
        ("  Maria.Quispe@Example.ORG\t", "maria.quispe@example.org"),
        ("JOSE+programa@sub.example.ec", "jose+programa@sub.example.ec"),
        ("ñandú@correo.ec", "ñandú@correo.ec"),
    ],
)
def test_emails_are_trimmed_and_lower_cased(raw: str, normal: str) -> None:
    assert normalize_email(raw) == normal


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "maria",
        "maria@",
        "@example.org",
        "maria@example",
        "maria@@example.org",
        "ma ria@example.org",
        "maria@exa mple.org",
        "maria@example.org\nbcc@evil.example",
        pytest.param("a" * 65 + "@example.org", id="local-part-too-long"),
        pytest.param("a@" + "b" * (MAX_EMAIL_LENGTH - 5) + ".org", id="address-too-long"),
    ],
)
def test_malformed_emails_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalize_email(raw)
    assert (caught.value.code, caught.value.field) == ("invalid_email", "email")


def test_the_longest_allowed_email_is_accepted() -> None:
    email = "a@" + "b" * (MAX_EMAIL_LENGTH - 5) + ".ec"
    assert len(email) == MAX_EMAIL_LENGTH
    assert normalize_email(email) == email


# --- names --------------------------------------------------------------------------------------------------------


def test_names_have_their_whitespace_collapsed() -> None:
    assert check_full_name("  María \t José\n Quispe ") == "María José Quispe"


@pytest.mark.parametrize("name", ["", "   ", "\n\t", "x" * 201])
def test_empty_or_overlong_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_full_name(name)
    assert caught.value.field == "full_name"


def test_a_new_user_is_normalised_active_and_announced() -> None:
    user = User(
        email=" Ana@Example.org ",
        full_name=" Ana  Paz ",
        password_hash="h",
        role=Role.EVALUATOR,
        partner_id=PARTNER,
        now=START,
    )

    assert (user.email, user.full_name, user.is_active, user.version) == ("ana@example.org", "Ana Paz", True, 1)
    assert user.preferred_language is Language.ES
    assert [event.name for event in user.pull_events()] == ["user.created"]
    assert user.pull_events() == []


def test_deactivation_is_recorded_once() -> None:
    user = User(
        email="ana@example.org", full_name="Ana", password_hash="h", role=Role.EVALUATOR, partner_id=PARTNER, now=START
    )
    user.pull_events()
    later = START + timedelta(hours=1)

    user.deactivate(later)
    user.deactivate(later + timedelta(hours=1))

    assert not user.is_active
    assert user.updated_at == later
    assert [event.name for event in user.pull_events()] == ["user.deactivated"]
    user.activate(later)
    assert user.is_active


def test_a_password_hash_is_never_audited_in_clear() -> None:
    assert "password_hash" in User.sensitive_fields
    assert "current_token_id" in LoginSession.sensitive_fields


# --- login sessions -------------------------------------------------------------------------------------------------


def new_session() -> LoginSession:
    return LoginSession(user_id=uuid.uuid4(), now=START, expires_at=START + timedelta(days=14))


def test_rotation_accepts_the_current_token_once_and_issues_a_new_one() -> None:
    session = new_session()
    first = session.current_token_id
    later = START + timedelta(minutes=10)

    second = session.rotate(first, later)

    assert second != first
    assert session.current_token_id == second
    assert session.last_refreshed_at == later
    assert not session.is_revoked


def test_presenting_an_old_token_revokes_the_whole_session() -> None:
    session = new_session()
    first = session.current_token_id
    second = session.rotate(first, START)

    with pytest.raises(RefreshTokenReusedError) as caught:
        session.rotate(first, START + timedelta(minutes=1))

    assert caught.value.code == "refresh_token_reused"
    assert session.is_revoked
    assert session.revoked_reason == "refresh_token_reuse"
    # The newest token is dead too.
    with pytest.raises(AuthenticationFailed) as newest:
        session.rotate(second, START + timedelta(minutes=2))
    assert newest.value.code == "session_revoked"


def test_an_unknown_token_id_counts_as_reuse() -> None:
    session = new_session()

    with pytest.raises(RefreshTokenReusedError):
        session.rotate(uuid.uuid4(), START)
    assert session.is_revoked


def test_an_expired_session_cannot_rotate() -> None:
    session = new_session()

    with pytest.raises(AuthenticationFailed) as caught:
        session.rotate(session.current_token_id, session.expires_at)

    assert caught.value.code == "token_expired"
    assert not session.is_revoked


def test_revocation_keeps_the_first_reason_and_time() -> None:
    session = new_session()

    session.revoke("logout", START + timedelta(minutes=1))
    session.revoke("refresh_token_reuse", START + timedelta(minutes=2))

    assert (session.revoked_reason, session.revoked_at) == ("logout", START + timedelta(minutes=1))
    with pytest.raises(AuthenticationFailed) as caught:
        session.rotate(session.current_token_id, START + timedelta(minutes=3))
    assert caught.value.code == "session_revoked"
