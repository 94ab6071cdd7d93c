"""Adapters of the imports area that are not the database: CSV/XLSX readers and the ledger of handled rows."""
