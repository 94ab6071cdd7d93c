"""Participants: the people of the programme, their consents, identifiers, contact details, places and probable
duplicates."""
