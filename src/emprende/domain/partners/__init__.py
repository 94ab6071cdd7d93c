"""Partners: institutional partners, their cooperation agreements and their API clients."""
