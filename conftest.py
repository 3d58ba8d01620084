"""Root conftest: plugins and settings the whole suite (tests/, adapters/, plugins/) shares."""

from hypothesis import settings

pytest_plugins = ["tests.pgserver"]

# Database-backed properties must not fail on a slow machine's timing: no per-example deadline.
settings.register_profile("kentqa", deadline=None, print_blob=True)
settings.load_profile("kentqa")
