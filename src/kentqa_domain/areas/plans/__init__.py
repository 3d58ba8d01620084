"""The plans area (docs/architecture.md)."""
