"""Database adapters of the identity area: users, login sessions, and the lookup (and its cache) of who is acting."""
