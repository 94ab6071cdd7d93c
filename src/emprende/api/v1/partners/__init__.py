"""Institutional partners, their cooperation agreements and their API clients."""
