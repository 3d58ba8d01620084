"""privacy (docs/architecture.md)."""
