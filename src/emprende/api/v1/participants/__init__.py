"""The participant registry: people, consents, duplicates, data-subject rights and the participant portal."""
