"""The one way tests run a process: the real ``kentqa`` command as a script or a user would run
it, or a Python script or module in a fresh interpreter (this one's ``sys.executable``).

- ``kentqa(*args, ...)`` / ``python(*args, ...)`` run to the end and return the
  ``CompletedProcess`` (text, stdout and stderr captured; stdin empty unless given, as text
  or as a file whose bytes are fed as they are); with ``code=N`` they fail the test, showing
  the command, stdout and stderr, when the exit status is not ``N``.
- ``start_kentqa(...)`` / ``start_python(...)`` leave it running (``Popen``), for tests that
  run processes side by side, interrupt or kill them.

The child's environment is this one's without any ``KENTQA_*`` setting (a developer's
``KENTQA_DB`` or key must not leak into a test) but those the suite sets for every process
(``KENTQA_LATEST_DATE``: see conftest.py), then ``env``: a value of ``None`` removes the
variable (``env={"KENTQA_LATEST_DATE": None}`` runs on the real clock). ``kentqa`` also
sets ``KENTQA_BLOCK_PLUGINS`` to ``blocked`` (by default the council's policy plugin, so the
policy is the SPEC's defaults; ``""`` loads every installed plugin) and ``COLUMNS`` to
``columns`` (tables are not wrapped at an unknown width).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

Env = Mapping[str, str | None]

#: The ``KENTQA_*`` settings the suite gives its processes (conftest.py); no other is inherited.
SUITE_SETTINGS = frozenset({"KENTQA_LATEST_DATE"})


def environment(env: Env | None = None) -> dict[str, str]:
    """This process's environment without ``KENTQA_*`` (but the suite's settings), then
    ``env`` (``None`` unsets)."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("KENTQA_") or k in SUITE_SETTINGS}
    for name, value in (env or {}).items():
        if value is None:
            full.pop(name, None)
        else:
            full[name] = value
    return full


def expect(done: subprocess.CompletedProcess[str], code: int | None) -> subprocess.CompletedProcess[str]:
    """``done``, after failing the test if ``code`` is given and is not its exit status."""
    if code is not None and done.returncode != code:
        raise AssertionError(
            f"exit status {done.returncode}, expected {code}: {' '.join(map(str, done.args))}\n"
            f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        )
    return done


def python(
    *args: str | Path,
    cwd: Path | str = ROOT,
    env: Env | None = None,
    stdin: str | Path | None = None,
    timeout: float = 300,
    code: int | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` (a script, ``-m module`` or ``-c code``) in a fresh interpreter; ``stdin``
    is the text of its standard input, or a file read as its standard input."""
    with ExitStack() as stack:
        source = stack.enter_context(stdin.open("rb")) if isinstance(stdin, Path) else subprocess.DEVNULL
        done = subprocess.run(
            [sys.executable, *map(str, args)],
            input=stdin if isinstance(stdin, str) else None,
            stdin=None if isinstance(stdin, str) else source,
            capture_output=True,
            text=True,
            check=False,
            env=environment(env),
            timeout=timeout,
            cwd=cwd,
        )
    return expect(done, code)


def start_python(
    *args: str | Path, cwd: Path | str = ROOT, env: Env | None = None, stdin: bool = False
) -> subprocess.Popen[str]:
    """The same, left running: stdout and stderr piped, stdin piped if asked (else empty)."""
    return subprocess.Popen(
        [sys.executable, *map(str, args)],
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(env),
        cwd=cwd,
    )


def _kentqa_env(env: Env | None, blocked: str, columns: int) -> dict[str, str | None]:
    return {"KENTQA_BLOCK_PLUGINS": blocked, "COLUMNS": str(columns), **(env or {})}


def kentqa(
    *args: str,
    db: str | None = None,
    stdin: str | Path | None = None,
    cwd: Path | str = ROOT,
    env: Env | None = None,
    timeout: float = 300,
    blocked: str = "kent_policy",
    columns: int = 160,
    code: int | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m kentqa_domain ARGS [--db DB]``."""
    extra: Sequence[str] = ["--db", db] if db else []
    return python(
        "-m",
        "kentqa_domain",
        *args,
        *extra,
        cwd=cwd,
        env=_kentqa_env(env, blocked, columns),
        stdin=stdin,
        timeout=timeout,
        code=code,
    )


def start_kentqa(
    *args: str,
    db: str | None = None,
    cwd: Path | str = ROOT,
    env: Env | None = None,
    blocked: str = "kent_policy",
    columns: int = 160,
) -> subprocess.Popen[str]:
    """The same, left running (for tests that interrupt or kill it)."""
    extra: Sequence[str] = ["--db", db] if db else []
    return start_python("-m", "kentqa_domain", *args, *extra, cwd=cwd, env=_kentqa_env(env, blocked, columns))
