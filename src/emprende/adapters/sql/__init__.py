"""Driven adapters for the database (SQLAlchemy): one package per area (its tables, mapping, repositories and read
queries) and `shared`, the kernel every area uses (the one `MetaData`, column types, engines, the unit of work, read
connections, migrations, idempotency)."""
