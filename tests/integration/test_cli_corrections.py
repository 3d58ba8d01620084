"""Issue 15's "done when", as a new user would try it with the real command: the mistyped
review fixed with one ``kentqa correct`` line and the drift register right; ``kentqa history
child:C1`` shows both the mistake and its correction; ``kentqa export | kentqa record`` rebuilds
a store with the same answers; bad lines are refused by number and reason."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_run import kentqa

BASE = [
    {
        "type": "TeamRegistered",
        "team_id": "T1",
        "name": "T1",
        "service": "Children's Social Work",
        "area": "East",
    },
    {
        "type": "WorkerRegistered",
        "worker_id": "IRO-1",
        "team_id": "T1",
        "role": "iro",
        "experience": "experienced",
        "registered_on": "2026-01-05",
    },
    {"type": "ChildBecameLookedAfter", "child_ref": "C1", "on": "2026-02-20"},
    {
        "type": "ReviewHeld",
        "review_id": "R1",
        "child_ref": "C1",
        "kind": "looked_after_review",
        "held_on": "2026-03-13",
        "chair_id": "IRO-1",
    },
]
FIX = {
    "original": BASE[3],
    "replacement": {**BASE[3], "held_on": "2026-03-28"},
    "corrected_on": "2026-04-02",
    "by": "QA-1",
    "reason": "typed as 13 March",
}


def _jsonl(*objs: object) -> str:
    return "".join(json.dumps(o) + "\n" for o in objs)


def _drift(db: str) -> list[dict[str, object]]:
    done = kentqa("status", "drift", "--as-of", "2026-06-01", "--json", db=db)
    assert done.returncode == 0, done.stderr
    rows: list[dict[str, object]] = json.loads(done.stdout)
    return rows


def test_a_mistyped_review_fixed_with_one_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'qa.db'}"
    assert kentqa("record", "-", db=db, stdin=_jsonl(*BASE)).returncode == 0
    wrong = _drift(db)
    done = kentqa("correct", "-", db=db, stdin=_jsonl(FIX))
    assert done.returncode == 0, done.stderr
    right = _drift(db)
    oracle = f"sqlite:///{tmp_path / 'oracle.db'}"
    assert kentqa("record", "-", db=oracle, stdin=_jsonl(*BASE[:3], FIX["replacement"])).returncode == 0
    assert right == _drift(oracle) != wrong
    assert {r["due_on"] for r in right if r["kind"] == "qa_overdue"} == {
        "2026-04-07"
    }  # 5 working days after 28 March

    shown = kentqa("history", "child:C1", "--json", db=db)
    assert shown.returncode == 0, shown.stderr
    rows = json.loads(shown.stdout)["rows"]
    assert [r["type"] for r in rows] == ["ChildBecameLookedAfter", "ReviewHeld", "RecordCorrected"]
    assert rows[1]["event"]["held_on"] == "2026-03-13" and rows[1]["superseded_at"] == rows[2]["position"]
    assert rows[2]["event"]["replacement"]["held_on"] == "2026-03-28" and rows[2]["event"]["by"] == "QA-1"

    again = kentqa("correct", "-", db=db, stdin=_jsonl(FIX))
    assert again.returncode == 0 and again.stdout.startswith("0 stored, 1 already recorded")

    exported = kentqa("export", "-o", "-", db=db)
    assert exported.returncode == 0, exported.stderr
    new = f"sqlite:///{tmp_path / 'new.db'}"
    assert kentqa("record", "-", db=new, stdin=exported.stdout).returncode == 0
    assert _drift(new) == right


def test_bad_lines_are_refused_by_number_and_reason(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'qa.db'}"
    assert kentqa("record", "-", db=db, stdin=_jsonl(*BASE)).returncode == 0
    lines = _jsonl(
        {
            **FIX,
            "original": {**BASE[3], "review_id": "R9"},
            "replacement": {**BASE[3], "review_id": "R9", "held_on": "2026-03-28"},
        },
        {"type": "ReviewHeld", **{k: v for k, v in BASE[3].items() if k != "type"}},
        {**FIX, "replacement": {**BASE[3], "child_ref": "C2"}},
    )
    done = kentqa("correct", "-", db=db, stdin=lines)
    assert done.returncode == 1
    assert (
        "<stdin>:1: RecordCorrected.original: ReviewHeld review_id='R9'" in done.stderr
        and "[rule R-COR-1]" in done.stderr
    )
    assert "<stdin>:2: ReviewHeld.type: this command takes RecordCorrected lines" in done.stderr
    assert "<stdin>:3: RecordCorrected.replacement:" in done.stderr and "[rule R-COR-2]" in done.stderr
    withdrawn = kentqa(
        "withdraw",
        "-",
        db=db,
        stdin=_jsonl(
            {"original": BASE[2], "withdrawn_on": "2026-04-02", "by": "QA-1", "reason": "wrong child"}
        ),
    )
    assert (
        withdrawn.returncode == 1
        and "[rule R-COR-3]" in withdrawn.stderr
        and "ReviewHeld review_id='R1'" in withdrawn.stderr
    )
