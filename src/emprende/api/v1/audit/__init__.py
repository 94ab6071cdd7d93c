"""The audit trail's routes (administrators)."""
