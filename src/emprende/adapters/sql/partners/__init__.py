"""Database adapters of the partners area: partners, cooperation agreements, API clients."""
