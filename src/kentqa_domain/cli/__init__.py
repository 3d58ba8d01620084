"""The ``kentqa`` command line (SPEC section 8). One module per command group.

Every command takes ``--db URL`` (default ``$KENTQA_DB``, else ``sqlite:///./kentqa.db``).
Exit status: 0 success, 1 some input refused or a check failed, 2 usage error, 3 storage or
plugin error, 4 some notification was not delivered (``kentqa notify``).
"""

from __future__ import annotations

from .main import cli, main

__all__ = ["cli", "main"]
