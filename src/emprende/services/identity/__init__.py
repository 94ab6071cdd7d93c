"""Identity use cases: signing in, sessions and tokens, user accounts and passwords."""
