"""Dies by SIGKILL in the middle of ``forget_child``: after the forgetting is stored, before the keys go.

``python -m tests.reliability.forget_crash URL CHILD_REF``. The next connection must finish
the forgetting itself (destroy the child's key, scrub).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys

import kentqa_domain as kq


def main(url: str, child_ref: str) -> None:
    qa = kq.connect(url, policy=kq.Policy())

    def die(_key_id: str, **_: object) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    qa.keyring.destroy_child = die  # type: ignore[method-assign]  # the crash point under test
    qa.forget_child(child_ref, on=dt.date(2026, 6, 1))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
