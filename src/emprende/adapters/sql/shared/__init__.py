"""The database adapters every area shares: the one `MetaData`, column types, engines, the unit-of-work core, the
read connections, schema migrations and the idempotency store."""
