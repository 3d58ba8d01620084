"""The observations area (docs/architecture.md)."""
