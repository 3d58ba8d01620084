"""Root conftest: plugins and settings the whole suite (tests/, adapters/, plugins/) shares."""

import os

from hypothesis import settings

pytest_plugins = ["tests.pgserver"]

# Database-backed properties must not fail on a slow machine's timing: no per-example deadline.
settings.register_profile("kentqa", deadline=None, print_blob=True)
settings.load_profile("kentqa")

# R-INP-1 (issue 17, finding 12) refuses business dates after today unless allowed. The
# suite's histories are dated up to the 2030s, so its "today" for that rule is far ahead
# (inherited by the processes the tests start); tests/unit/test_future_dates.py and
# tests/integration/test_cli_future_dates.py remove it to test the rule on the real clock.
os.environ.setdefault("KENTQA_LATEST_DATE", "2099-12-31")
# Tests choose their cipher keys: a key in the developer's shell must not encrypt their stores
# (``kq.connect(cipher_key=None)`` reads the variable; an empty one is an error, issue 17).
os.environ.pop("KENTQA_CIPHER_KEY", None)
