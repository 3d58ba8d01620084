"""recording (docs/architecture.md)."""
