"""Benchmarks: kentqa against bare eventsourcing on the same back end (``python -m benchmarks``).

See docs/performance.md for what is measured, the targets and the latest figures.
"""
