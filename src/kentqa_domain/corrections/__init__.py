"""corrections (docs/architecture.md)."""
