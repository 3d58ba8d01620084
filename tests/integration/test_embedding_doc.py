"""docs/embedding.md runs as written (SPEC 9.5; issue 18's "done when").

The doc's files (the CSV export, ``nightly.py``, ``drift_service.py``) are taken from its
code blocks: the nightly job is run twice against a real SQLite file and prints what the doc
shows; two service processes answer real HTTP requests on loopback with the doc's response,
each from the position it states, and follow the store as the nightly job records more;
``mypy --strict`` accepts the code, which imports only the public package.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import kentqa_domain as kq
from tests.cli_run import ROOT, python, start_python

DOC = ROOT / "docs" / "embedding.md"
BLOCK = re.compile(r"```(\w+) ([\w.\-]+)\n(.*?)```", re.S)
#: the processes of the doc, with the SPEC's default policy (the council's plugin kept out)
ENV = {"KENTQA_BLOCK_PLUGINS": "kent_policy"}


def blocks() -> dict[str, str]:
    """The doc's named code blocks: name -> text."""
    return {name: body for _lang, name, body in BLOCK.findall(DOC.read_text(encoding="utf-8"))}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name, body in blocks().items():
        if name.endswith((".py", ".csv")):
            (tmp_path / name).write_text(body, encoding="utf-8")
    return tmp_path


def nightly(folder: Path, url: str) -> str:
    return python("nightly.py", folder, url, cwd=folder, env=ENV, code=0).stdout


def get(port: int, query: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/drift?{query}", timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def services(folder: Path) -> Iterator[tuple[str, list[int]]]:
    """Two processes of the doc's service on one SQLite file, on ports they chose."""
    url = f"sqlite:///{folder / 'kentqa.db'}"
    kq.connect(url, policy=kq.Policy()).close()  # the store exists before either opens it
    processes = [
        start_python("drift_service.py", "--db", url, "--port", "0", cwd=folder, env=ENV) for _ in range(2)
    ]
    try:
        ports = []
        for process in processes:
            assert process.stdout is not None
            line = process.stdout.readline()
            match = re.fullmatch(r"serving (\S+) on http://127\.0\.0\.1:(\d+)\n", line)
            assert match, (
                line,
                process.stderr.read() if process.poll() is not None and process.stderr else "",
            )
            ports.append(int(match.group(2)))
        yield url, ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()


def test_the_nightly_job_prints_what_the_doc_shows_and_records_nothing_twice(folder: Path) -> None:
    url = f"sqlite:///{folder / 'kentqa.db'}"
    assert nightly(folder, url) == blocks()["nightly-first-run"]
    assert nightly(folder, url) == blocks()["nightly-second-run"]
    with kq.connect(url, policy=kq.Policy()) as qa:
        assert qa.stats() == {
            "TeamRegistered": 2,
            "WorkerRegistered": 4,
            "ChildBecameLookedAfter": 2,
            "ReviewHeld": 1,
        }


def test_two_service_processes_answer_from_the_store_the_nightly_job_fills(
    folder: Path, services: tuple[str, list[int]]
) -> None:
    """R-ACC-1 and SPEC 9.5 over HTTP: the doc's response from both processes, the position
    stated; scoped answers; 400 and 404 bodies naming the argument."""
    url, ports = services
    for port in ports:  # an empty store: no rows, at position 0
        assert get(port, "as_of=2026-06-01") == (200, {"position": 0, "rows": []})
    nightly(folder, url)
    expected = json.loads(blocks()["drift-response"])
    with kq.connect(url, policy=kq.Policy()) as qa:
        direct = qa.drift_register(as_of="2026-06-01")
        assert expected == {"position": direct.position, "rows": direct.to_dicts()}
    for port in ports:
        assert get(port, "as_of=2026-06-01") == (200, expected)
        assert get(port, "as_of=2026-06-01&as_worker=W-2") == (
            200,
            {"position": expected["position"], "rows": []},
        )
        assert get(port, "as_of=2026-06-01&as_worker=TM-1")[1]["rows"] == expected["rows"]
        status, body = get(port, "as_of=04/12/2026")
        assert status == 400
        assert body == {
            "error": "InvalidInput",
            "query": "drift_register",
            "argument": "as_of",
            "rule": "date",
            "message": "must be an ISO date YYYY-MM-DD; got '04/12/2026'",
        }
        assert get(port, "as_worker=W-1")[0] == 400
        status, body = get(port, "as_of=2026-06-01&as_worker=NOBODY")
        assert status == 404 and (body["error"], body["field"]) == ("UnknownReference", "as_worker")
    # The IRO's QA of R-1 is recorded (by another process): both services follow the store.
    with kq.connect(url, policy=kq.Policy()) as qa:
        qa.record(
            kq.events.ReviewQualityAssured(
                review_id="R-1",
                assured_on="2026-02-06",
                by="IRO-1",
                plan_reflects_needs=True,
                actions_in_child_timeframe=True,
                consistent_with_legal_duties=True,
            )
        )
        after = qa.drift_register(as_of="2026-06-01")
    assert after.position is not None and after.position > expected["position"]
    for port in ports:
        status, body = get(port, "as_of=2026-06-01")
        assert status == 200 and body == {"position": after.position, "rows": after.to_dicts()}
        assert "qa_overdue" not in {row["kind"] for row in body["rows"]}


def test_the_doc_code_type_checks_and_imports_only_the_public_package(folder: Path, tmp_path: Path) -> None:
    """Issue 18: written from docs/embedding.md alone, typed, with no private import."""
    for name in ("nightly.py", "drift_service.py"):
        text = (folder / name).read_text(encoding="utf-8")
        imported = re.findall(r"^\s*(?:from|import) (kentqa_domain\S*)", text, re.M)
        assert imported and set(imported) == {"kentqa_domain"}, (name, imported)
    result = python(
        "-m", "mypy", "--strict", "--cache-dir", tmp_path / "cache", "nightly.py", "drift_service.py",
        cwd=folder, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
