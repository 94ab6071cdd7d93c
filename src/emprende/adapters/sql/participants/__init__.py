"""Database adapters of the participants area: the registry, consents, the sharing read model, probable duplicates,
sensitive-read auditing and the registry's bulk writer for imports."""
