"""The complaints area (docs/architecture.md)."""
