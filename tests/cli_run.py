"""Running the real ``kentqa`` command in a subprocess, as a script or a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def kentqa(
    *args: str,
    db: str | None = None,
    stdin: str | None = None,
    timeout: float = 300,
    blocked: str = "kent_policy",
    columns: int = 160,
) -> subprocess.CompletedProcess[str]:
    """``python -m kentqa_domain ARGS [--db DB]`` with the plugins ``blocked`` kept out (by
    default the council's policy plugin: the default policy)."""
    env = {**os.environ, "KENTQA_BLOCK_PLUGINS": blocked, "COLUMNS": str(columns)}
    cmd = [sys.executable, "-m", "kentqa_domain", *args]
    if db:
        cmd += ["--db", db]
    return subprocess.run(
        cmd, input=stdin, capture_output=True, text=True, check=False, env=env, timeout=timeout, cwd=ROOT
    )


def start_kentqa(*args: str, db: str) -> subprocess.Popen[str]:
    """The same, left running (for tests that interrupt or kill it)."""
    env = {**os.environ, "KENTQA_BLOCK_PLUGINS": "kent_policy"}
    return subprocess.Popen(
        [sys.executable, "-m", "kentqa_domain", *args, "--db", db],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
