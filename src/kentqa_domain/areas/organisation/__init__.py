"""The organisation area (docs/architecture.md)."""
