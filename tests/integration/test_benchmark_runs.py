"""``python -m benchmarks`` runs end to end at a tiny size and ends with its JSON line.

Never an assertion on time (benchmarks measure, tests check behaviour)."""

from __future__ import annotations

import json

from tests.cli_run import python


def test_the_benchmark_prints_its_summary_line() -> None:
    run = python("-m", "benchmarks", "--events", "3000", "--quiet", timeout=600)
    assert run.returncode == 0, run.stderr
    line = json.loads(run.stdout.strip().splitlines()[-1])
    assert set(line) == {
        "ingest_ratio",
        "replay_ratio",
        "query_flatness",
        "rss_mb",
        "reader_rss_mb",
        "open_s",
        "correction_s",
        "correction_ratio",
    }
    assert line["ingest_ratio"] > 0 and line["replay_ratio"] > 0 and line["rss_mb"] > 0
    assert line["correction_s"] > 0 and line["correction_ratio"] > 0  # one withdrawal (SPEC 9.1)


def test_the_export_benchmark_prints_the_exporting_process_s_memory() -> None:
    """``python -m benchmarks.export`` (docs/performance.md): one JSON line with the peak RSS."""
    run = python("-m", "benchmarks.export", "--events", "1500", timeout=600)
    assert run.returncode == 0, run.stderr
    line = json.loads(run.stdout.strip().splitlines()[-1])
    assert line["events"] == 1500 and line["rss_mb"] >= line["import_rss_mb"] > 0


def test_the_floors_benchmark_prints_what_no_arrangement_of_the_views_removes() -> None:
    """``python -m benchmarks.floors`` (decision 1015): one JSON line with each ratio."""
    run = python("-m", "benchmarks.floors", "--events", "1500", "--rounds", "1", timeout=600)
    assert run.returncode == 0, run.stderr
    line = json.loads(run.stdout.strip().splitlines()[-1])
    assert line["events"] == 1500
    for name in (
        "parse_ratio",
        "ingest_ratio",
        "ingest_ratio_without_views",
        "replay_read_ratio",
        "replay_read_ratio_sealed",
    ):
        assert line[name] > 0, name
    assert set(line["seconds"]) == {"parse", "full", "without_views", "bare"}
