"""Participant registry use cases: registration, reads, rectification, consents, duplicates, rights and the portal."""
