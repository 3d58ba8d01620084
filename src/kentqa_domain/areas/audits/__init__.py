"""The audits area (docs/architecture.md)."""
