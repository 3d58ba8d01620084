"""``kentqa record`` streams its input and refuses undecodable lines by number (issue 17,
finding 5): one non-UTF-8 byte used to end the run with a traceback (exit 70) and record
nothing, and the whole file was read into memory first."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.cli import record_lines
from kentqa_domain.cli.record_lines import CHUNK, record_files
from tests.cli_run import kentqa


def team(i: int) -> bytes:
    return json.dumps(
        {"type": "TeamRegistered", "team_id": f"T{i}", "name": f"Team {i}", "service": "CSW", "area": "East"}
    ).encode()


def test_a_line_that_is_not_utf8_is_refused_by_number_and_the_others_are_recorded(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    latin1 = b'{"type": "TeamRegistered", "team_id": "T-caf\xe9", "name": "n", "service": "s", "area": "a"}'
    path.write_bytes(b"\n".join([team(1), team(2), latin1, team(3), b"\xff\xfe", team(4)]) + b"\n")
    db = f"sqlite:///{tmp_path / 'qa.db'}"
    run = kentqa("record", str(path), "--json", db=db, blocked="")  # every installed plugin loaded
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    summary = json.loads(run.stdout)
    assert summary["accepted"] == 4
    assert [(r["line"], r["rule"], r["field"]) for r in summary["refused"]] == [
        (3, "utf-8", None),
        (5, "utf-8", None),
    ]
    notice, first, *_ = run.stderr.splitlines()
    assert notice.startswith("kentqa: notice: created a new store at")  # issue 17, finding 6
    assert first == (
        f"{path}:3: event: not valid UTF-8: byte 0xe9 at byte 45 of the line (save the file as UTF-8) [rule utf-8]"
    )
    with kq.connect(db, policy=kq.Policy()) as qa:
        assert qa.stats() == {"TeamRegistered": 4}


def test_standard_input_is_read_as_bytes_too(tmp_path: Path) -> None:
    piped = tmp_path / "stdin.jsonl"
    piped.write_bytes(team(1) + b"\n\x80\n" + team(2) + b"\n")
    # every installed plugin loaded (the council's policy too)
    run = kentqa("record", "-", "--db", f"sqlite:///{tmp_path / 'qa.db'}", stdin=piped, blocked="")
    assert run.returncode == 1
    notice, refused = run.stderr.splitlines()
    assert notice.startswith("kentqa: notice: created a new store at")  # issue 17, finding 6
    assert refused.startswith("<stdin>:2: event: not valid UTF-8: byte 0x80")
    assert run.stdout.startswith("2 recorded, 0 already recorded, 1 refused")


class CountingInput(io.BytesIO):
    """An input that counts the lines handed out so far."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.name = "counted.jsonl"
        self.lines_read = 0

    def __next__(self) -> bytes:
        line = super().__next__()
        self.lines_read += 1
        return line


def test_the_input_is_recorded_chunk_by_chunk_while_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bounded memory, shown without measuring it: each record_many call gets at most CHUNK
    events, and the first comes before the input has been read much beyond its first CHUNK lines."""
    lines = 3 * CHUNK + 17
    source = CountingInput(b"\n".join(team(i) for i in range(lines)) + b"\n")
    calls: list[tuple[int, int]] = []
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        original = qa.record_many

        def spy(events: Any, **kwargs: Any) -> Any:
            events = list(events)
            calls.append((len(events), source.lines_read))
            return original(events, **kwargs)

        monkeypatch.setattr(qa, "record_many", spy)
        summary = record_files(qa, [source])
    assert summary.accepted == lines and not summary.refused
    assert all(size <= CHUNK for size, _ in calls)
    assert [read for _, read in calls] == [CHUNK, 2 * CHUNK, 3 * CHUNK, lines]
    assert record_lines.CHUNK == CHUNK


LINE = st.one_of(
    st.integers(0, 40).map(lambda i: ("event", team(i))),
    st.binary(min_size=1, max_size=6)
    .filter(lambda b: b"\n" not in b and b"\r" not in b)
    .map(lambda b: ("bytes", b)),
    st.just(("blank", b"")),
    st.just(("comment", b"# a comment")),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINE, min_size=1, max_size=30), st.sampled_from([b"\n", b"\r\n", b"\r"]), st.booleans())
def test_every_line_is_recorded_or_refused_by_its_number(
    lines: list[tuple[str, bytes]], newline: bytes, bom: bool
) -> None:
    data = (b"\xef\xbb\xbf" if bom else b"") + newline.join(b for _, b in lines) + newline
    expected_refused: set[int] = set()
    events: set[bytes] = set()
    for number, (kind, raw) in enumerate(lines, start=1):
        if kind == "event":
            events.add(raw)
        elif kind == "bytes":
            try:
                text = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                expected_refused.add(number)
                continue
            if text and not text.startswith("#"):
                try:
                    obj = json.loads(text)
                except ValueError:
                    expected_refused.add(number)
                    continue
                if not (isinstance(obj, dict) and obj.get("type") == "TeamRegistered"):
                    expected_refused.add(number)
    source = io.BytesIO(data)
    source.name = "p.jsonl"  # type: ignore[attr-defined]
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        summary = record_files(qa, [source])
        assert qa.stats().get("TeamRegistered", 0) == len(events)
    assert {r["line"] for r in summary.refused} == expected_refused
    assert summary.accepted == len(events)
    assert all(r["rule"] == "utf-8" for r in summary.refused if r["message"].startswith("not valid UTF-8"))
