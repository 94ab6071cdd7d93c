"""Business ideas: use cases for a partner's staff and for the participant portal."""
