"""readmodel (docs/architecture.md)."""
