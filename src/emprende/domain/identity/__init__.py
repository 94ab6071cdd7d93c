"""Identity: user accounts, roles, login sessions and password rules."""
