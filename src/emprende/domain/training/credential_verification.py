"""What checking a certificate found: one outcome, the credential it carried when it could be read, the key that signed
it and a message (an English template with its parameters, translated like every other message). The public
verification endpoint and the offline command line both answer with a `Verification`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from emprende.domain.shared.errors import render_message


class VerificationOutcome(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_KEY = "unknown_key"
    MALFORMED = "malformed"


# The messages a verification can carry. Parameters are dates and counts, never text taken from the certificate.
CERTIFICATE_VALID = "the certificate is valid"
CERTIFICATE_VALID_STATUS_UNCHECKED = (
    "the certificate's signature and dates are valid, but {count} of its status lists could not be checked"
)
CERTIFICATE_REVOKED = "the certificate has been revoked"
CERTIFICATE_SUSPENDED = "the certificate is suspended"
CERTIFICATE_EXPIRED = "the certificate expired on {date}"
CERTIFICATE_NOT_YET_VALID = "the certificate is not valid before {date}"
SIGNATURE_MISMATCH = "the signature does not match the certificate: it was altered or signed by someone else"
KEY_NOT_PUBLISHED = "the certificate was signed with a key that is not in the issuer's key set"
NO_KEY_SET = "no key set to check the signature with"
KEY_SET_UNREADABLE = "the key set cannot be read: it is not a JSON Web Key Set of Ed25519 keys"
NOT_A_JWS = "the certificate is not a signed JSON Web Token (three base64url parts separated by dots)"
HEADER_UNREADABLE = "the certificate's header is not a JSON object"
WRONG_ALGORITHM = "the certificate is not signed with EdDSA (Ed25519)"
NO_KEY_ID = "the certificate's header names no key"
UNKNOWN_CRITICAL_HEADER = "the certificate's header requires an extension this verifier does not know"
PAYLOAD_UNREADABLE = "the certificate's content is not a JSON object"
NOT_A_CREDENTIAL = "the certificate's content is not an Open Badges credential"
INCONSISTENT_CLAIMS = "the certificate's token claims disagree with its credential"
BAD_DATES = "the certificate's dates are not valid date-times with a UTC offset"
BAD_STATUS_ENTRY = "the certificate's status entry is not a valid Bitstring Status List entry"

VERIFICATION_MESSAGES = (
    CERTIFICATE_VALID,
    CERTIFICATE_VALID_STATUS_UNCHECKED,
    CERTIFICATE_REVOKED,
    CERTIFICATE_SUSPENDED,
    CERTIFICATE_EXPIRED,
    CERTIFICATE_NOT_YET_VALID,
    SIGNATURE_MISMATCH,
    KEY_NOT_PUBLISHED,
    NO_KEY_SET,
    KEY_SET_UNREADABLE,
    NOT_A_JWS,
    HEADER_UNREADABLE,
    WRONG_ALGORITHM,
    NO_KEY_ID,
    UNKNOWN_CRITICAL_HEADER,
    PAYLOAD_UNREADABLE,
    NOT_A_CREDENTIAL,
    INCONSISTENT_CLAIMS,
    BAD_DATES,
    BAD_STATUS_ENTRY,
)
"""Every template a `Verification` may carry: each has Spanish in the API's catalogue."""


@dataclass(frozen=True, slots=True)
class Verification:
    """The result of checking one certificate.

    `credential` is the content once its signature held, and only then: content that no published key vouches for
    (`bad_signature`, `unknown_key`, a token that cannot be read) is never shown as if it were the issuer's.
    `status_unchecked` lists the status lists the certificate names that could not be consulted: the certificate may
    be valid and yet revoked without the verifier knowing."""

    outcome: VerificationOutcome
    detail: str
    params: Mapping[str, object] = field(default_factory=dict)
    credential: dict[str, Any] | None = None
    kid: str | None = None
    status_unchecked: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return self.outcome is VerificationOutcome.VALID

    @property
    def message(self) -> str:
        """The English message, its parameters filled in."""
        return render_message(self.detail, self.params)

    def as_json(self) -> dict[str, Any]:
        """A plain JSON object: the outcome, the message (template, parameters and English text), the key id, the
        status lists that could not be checked and the credential."""
        return {
            "outcome": self.outcome.value,
            "valid": self.valid,
            "detail": self.detail,
            "params": dict(self.params),
            "message": self.message,
            "kid": self.kid,
            "status_unchecked": list(self.status_unchecked),
            "credential": self.credential,
        }
