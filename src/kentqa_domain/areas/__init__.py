"""The areas of the framework, one folder each: its events, write model, projections, rules,
queries and notification sources (docs/architecture.md). Nothing is imported here, so that
importing one area's events loads no other area."""
