"""The escalations area (docs/architecture.md)."""
