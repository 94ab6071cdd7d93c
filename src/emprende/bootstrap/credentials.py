"""The certificates' adapters for the entry points (the command line, the API), which reach adapters only through the
composition root: signing keys and their key set, the seal that keeps private keys at rest, signing and verifying."""

from __future__ import annotations

from emprende.adapters.credentials.keys import KeySealer as KeySealer
from emprende.adapters.credentials.keys import KeySealError as KeySealError
from emprende.adapters.credentials.keys import SigningKey as SigningKey
from emprende.adapters.credentials.keys import active_key as active_key
from emprende.adapters.credentials.keys import jwks as jwks
from emprende.adapters.credentials.keys import new_signing_key as new_signing_key
from emprende.adapters.credentials.keys import public_jwk as public_jwk
from emprende.adapters.credentials.keys import public_keys_from_jwks as public_keys_from_jwks
from emprende.adapters.credentials.keys import rotate_keys as rotate_keys
from emprende.adapters.credentials.keys import signing_key_from_bytes as signing_key_from_bytes
from emprende.adapters.credentials.signing import PublicKeys as PublicKeys
from emprende.adapters.credentials.signing import sign_credential as sign_credential
from emprende.adapters.credentials.signing import verify_credential as verify_credential
from emprende.adapters.credentials.signing import verify_status_list as verify_status_list
