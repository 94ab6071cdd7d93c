"""Application layer: one async function per use case, and the ports those use cases need."""
