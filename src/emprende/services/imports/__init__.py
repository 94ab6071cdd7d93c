"""Bulk import of participants: reading rows, checking them, deciding each row against the registry, the report."""
