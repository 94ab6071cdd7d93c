"""Adapters of the identity area that are not the database: password hashing, tokens, the sign-in rate limiter."""
