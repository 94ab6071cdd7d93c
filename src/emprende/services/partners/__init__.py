"""Partner use cases: institutional partners, cooperation agreements and API clients."""
