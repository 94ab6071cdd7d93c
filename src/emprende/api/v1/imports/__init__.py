"""Bulk import of participants from CSV, JSON Lines or .xlsx files."""
