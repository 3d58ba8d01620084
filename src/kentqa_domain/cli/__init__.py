"""The ``kentqa`` command line (SPEC section 8). One module per command group.

Every command takes ``--db URL`` (default ``$KENTQA_DB``, else ``sqlite:///./kentqa.db``).
Exit status (docs/cli.md): 0 success, 1 some input refused or a check failed, 2 usage
error, 3 storage, plugin or file system error, 4 some notification was not delivered
(``kentqa notify``), 70 internal error, 130 interrupted.
"""

from __future__ import annotations

from .main import cli, main

__all__ = ["cli", "main"]
