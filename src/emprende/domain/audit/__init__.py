"""Audit trail: what an append-only record of a change holds, sensitive values redacted."""
