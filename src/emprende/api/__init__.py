"""Driving adapter: the FastAPI application, versioned routers, schemas and HTTP conventions."""
