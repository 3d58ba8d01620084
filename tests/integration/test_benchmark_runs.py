"""``python -m benchmarks`` runs end to end at a tiny size and ends with its JSON line.

Never an assertion on time (benchmarks measure, tests check behaviour)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.cli_run import ROOT


def test_the_benchmark_prints_its_summary_line() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--events", "3000", "--quiet"],
        capture_output=True, text=True, check=False, cwd=ROOT, timeout=600,
    )
    assert run.returncode == 0, run.stderr
    line = json.loads(run.stdout.strip().splitlines()[-1])
    assert set(line) == {"ingest_ratio", "replay_ratio", "query_flatness", "rss_mb", "reader_rss_mb", "open_s"}
    assert line["ingest_ratio"] > 0 and line["replay_ratio"] > 0 and line["rss_mb"] > 0
