"""The domain's shared kernel: identifiers, base errors and domain events, used by every area."""
