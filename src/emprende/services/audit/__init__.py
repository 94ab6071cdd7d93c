"""Audit trail use cases: reading the append-only record of changes (administrators)."""
