"""The domain: entities, value objects, policies and errors. Pure Python, no frameworks."""
