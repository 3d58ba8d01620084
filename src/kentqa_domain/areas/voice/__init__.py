"""The voice area (docs/architecture.md)."""
