"""Adapters of the training area's certificates: Ed25519 signing keys, their publication as a JSON Web Key Set and
their seal at rest (`keys`), and signing and verifying certificates as JSON Web Tokens (`signing`)."""
