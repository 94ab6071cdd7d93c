"""emprende: an API platform for inclusive entrepreneurship programmes."""

__version__ = "0.1.0"
