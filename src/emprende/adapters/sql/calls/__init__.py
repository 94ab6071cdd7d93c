"""The calls area's database adapters: calls, committees, applications, assignments, reviews."""
