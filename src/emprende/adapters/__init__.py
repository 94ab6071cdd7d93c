"""Driven adapters: persistence, security and other infrastructure that fill the services' ports."""
