"""Sign-in, sessions, the current user and user accounts."""
