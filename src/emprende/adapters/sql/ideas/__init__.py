"""The ideas area's database adapters: business ideas and their versions."""
