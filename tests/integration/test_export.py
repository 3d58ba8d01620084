"""``qa.export`` / ``kentqa export`` (SPEC 9.1; decision 0980): the log as JSON lines that
``kentqa record`` reads back into an empty store with the same answers and equal ``stats()``,
forgotten children forgotten again; ``since`` and ``types``; key rotation."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.errors import InvalidInput, UnknownReference
from kentqa_domain.privacy.encryption import new_key
from tests.cli_run import kentqa
from tests.export_support import AS_OF, anonymised, answers, council, exported, lines, record_export

BACKENDS = ["memory", "sqlite", "postgres"]


def _children() -> list[str]:
    return sorted({e.child_ref for e in council() if isinstance(getattr(e, "child_ref", None), str)})


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cut=st.integers(min_value=300, max_value=len(council())),
    forget=st.lists(st.integers(min_value=0, max_value=len(_children()) - 1), max_size=3, unique=True),
    at=st.floats(min_value=0.2, max_value=1.0),
)
def test_export_then_record_gives_the_same_answers_and_stats(
    backend: str, fresh_url: Callable[[str], str], cut: int, forget: list[int], at: float
) -> None:
    """Property: a random history (a prefix of a council's year, with random children
    forgotten part way and the rest recorded after, some of it refused) exported, then
    recorded into an empty store, gives equal ``stats()`` and equal answers: exactly equal
    when nobody was forgotten, else equal up to the forgotten children's tokens."""
    events = council()[:cut]
    middle = int(len(events) * at)
    with kq.connect(fresh_url(backend), policy=kq.Policy()) as qa:
        qa.record_many(events[:middle], allow_future=True)
        forgotten = 0
        for index in forget:
            try:
                qa.forget_child(_children()[index], on=AS_OF)
                forgotten += 1
            except UnknownReference:  # not recorded in this prefix
                pass
        qa.record_many(events[middle:], allow_future=True, on_invalid=lambda _i, _e: None)
        before = answers(qa)
        data = exported(qa)
    with kq.connect(fresh_url(backend), policy=kq.Policy()) as new:
        summary = record_export(new, data)
        assert summary.refused == []
        assert summary.forgotten == forgotten
        after = answers(new)
        assert new.verify().forgotten == forgotten
    assert after["stats"] == before["stats"]
    if forgotten:
        assert anonymised(after) == anonymised(before)
    else:
        assert after == before


def test_a_forgotten_child_is_forgotten_again_and_not_revealed(sqlite_url: str, tmp_path: Path) -> None:
    """The export names a forgotten child by a stand-in only, without its free text, and ends
    its events with a ChildForgotten line; recorded, the child is forgotten in the new store:
    its history reads anonymous, and the stand-in cannot be forgotten twice."""
    child = "C000002"
    with kq.connect(sqlite_url, policy=kq.Policy()) as qa:
        qa.record_many(council(), allow_future=True)
        texts = {
            e.details for e in council() if isinstance(e, kq.events.EscalationRaised) and e.child_ref == child
        }
        erasure = qa.forget_child(child, on=AS_OF)
        data = exported(qa)
    text = data.decode()
    assert f'"child_ref":"{child}"' not in text  # (an audit's case_ref is not erased: docs/security.md)
    assert all(t not in text for t in texts if t)
    stand_in = f"forgotten-{erasure.token.removeprefix('anon-')}"
    rows = lines(data)
    forgetting = [r for r in rows if r["type"] == "ChildForgotten"]
    assert forgetting == [{"type": "ChildForgotten", "child_ref": stand_in, "on": AS_OF.isoformat()}]
    where = rows.index(forgetting[0])
    assert all(r.get("child_ref") != stand_in for r in rows[where + 1 :])
    with kq.connect(f"sqlite:///{tmp_path / 'new.db'}", policy=kq.Policy()) as new:
        assert record_export(new, data).forgotten == 1
        with pytest.raises(UnknownReference):
            new.forget_child(stand_in, on=AS_OF)
        again = lines(exported(new))
        (line,) = [r for r in again if r["type"] == "ChildForgotten"]
        assert line["child_ref"] != stand_in  # a token of its own in the new store
        token = "anon-" + line["child_ref"].removeprefix("forgotten-")
        history = new.history(f"child:{token}")
        assert history[-1].type == "ChildForgotten"
        own = [
            r
            for r in rows
            if r.get("child_ref") == stand_in
            and r["type"] not in ("EscalationRaised", "ComplaintReceived", "ChildForgotten")
        ]
        reviews = {r["review_id"] for r in own if r["type"] == "ReviewHeld"}
        qas = [r for r in rows if r["type"] == "ReviewQualityAssured" and r["review_id"] in reviews]
        assert len(history) == len(own) + len(qas) + 1
        assert all(getattr(r.event, "child_ref", token) == token for r in history)


def test_since_and_types_filter_the_lines(sqlite_url: str) -> None:
    """``since=P`` writes what was recorded after P (an SQLite log's positions are 1, 2, ...),
    ``types`` only those types; an export continued with ``since`` rebuilds the same store."""
    with kq.connect(sqlite_url, policy=kq.Policy()) as qa:
        qa.record_many(council()[:1500], allow_future=True)
        first = io.BytesIO()
        summary = qa.export(first)
        assert (summary.events, summary.forgettings, summary.position) == (1500, 0, 1500)
        qa.record_many(council()[1500:], allow_future=True)
        everything = exported(qa)
        rest = io.BytesIO()
        continued = qa.export(rest, since=summary.position)
        assert (
            continued.events + continued.corrections == len(council()) - 1500
        )  # the year-end sweep: corrections
        assert lines(rest.getvalue()) == lines(everything)[1500:]
        assert first.getvalue() + rest.getvalue() == everything
        reviews = lines(exported(qa, types=["ReviewHeld", "ReviewQualityAssured"]))
        assert reviews == [
            r for r in lines(everything) if r["type"] in ("ReviewHeld", "ReviewQualityAssured")
        ]
        assert reviews
        assert exported(qa, since=qa.log.end()) == b""
        answers_before = answers(qa)
    with kq.connect("memory://", policy=kq.Policy()) as new:
        record_export(new, first.getvalue())
        record_export(new, rest.getvalue())
        assert answers(new) == answers_before


@pytest.mark.parametrize(
    ("options", "argument"),
    [({"since": -1}, "since"), ({"since": "3"}, "since"), ({"types": ["NoSuchEvent"]}, "types")],
)
def test_bad_arguments_are_invalid_input_naming_them(options: dict[str, object], argument: str) -> None:
    with kq.connect("memory://", policy=kq.Policy()) as qa, pytest.raises(InvalidInput) as caught:
        qa.export(io.BytesIO(), **options)  # type: ignore[arg-type]
    assert caught.value.argument == argument


def test_export_writes_to_a_path_a_text_stream_and_reports_progress(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(council()[:2500], allow_future=True)
        qa.export(tmp_path / "log.jsonl", progress=lambda p, last: seen.append((p, last)))
        text = io.StringIO()
        qa.export(text)
    assert (tmp_path / "log.jsonl").read_text(encoding="utf-8") == text.getvalue()
    assert seen[-1] == (2500, 2500) and len(seen) == 3  # pages of 1,000


def test_rotating_a_key_export_from_key_a_record_under_key_b(tmp_path: Path) -> None:
    """docs/security.md: a store encrypted with key A is exported (in clear) and recorded
    into a new store encrypted with key B; the answers are equal, and key A opens nothing new."""
    key_a, key_b = new_key(), new_key()
    old, new = f"sqlite:///{tmp_path / 'old.db'}", f"sqlite:///{tmp_path / 'new.db'}"
    with kq.connect(old, policy=kq.Policy(), cipher_key=key_a) as qa:
        qa.record_many(council(), allow_future=True)
        qa.forget_child("C000003", on=AS_OF)
        before = answers(qa)
        data = exported(qa)
    assert b"ReviewHeld" in data  # written in clear
    with kq.connect(new, policy=kq.Policy(), cipher_key=key_b) as rotated:
        assert rotated.encrypted
        assert record_export(rotated, data).refused == []
        assert anonymised(answers(rotated)) == anonymised(before)
    with pytest.raises(kq.StorageError):
        kq.connect(new, policy=kq.Policy(), cipher_key=key_a)


def test_rotating_a_key_with_the_commands_of_docs_security(tmp_path: Path) -> None:
    """The commands docs/security.md gives, run as a user would: kentqa export with the old
    key, kentqa init and kentqa record with the new one; kentqa stats equal."""
    key_a, key_b = new_key(), new_key()
    old, new = f"sqlite:///{tmp_path / 'old.db'}", f"sqlite:///{tmp_path / 'new.db'}"
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(kq.events.to_json(e)) for e in council()[:800]), encoding="utf-8")
    plain = tmp_path / "plain.jsonl"
    a, b = {"KENTQA_CIPHER_KEY": key_a}, {"KENTQA_CIPHER_KEY": key_b}  # as a user's shell exports it
    assert kentqa("init", db=old, env=a).returncode == 0
    assert kentqa("record", str(feed), "--allow-future", db=old, env=a).returncode == 0
    done = kentqa("export", "-o", str(plain), db=old, env=a)
    assert done.returncode == 0, done.stderr
    assert "exported 800 events, 0 corrections and 0 forgettings" in done.stderr
    stats_a = json.loads(kentqa("stats", "--json", db=old, env=a).stdout)
    assert kentqa("init", db=new, env=b).returncode == 0
    recorded = kentqa("record", str(plain), "--allow-future", db=new, env=b)
    assert recorded.returncode == 0, recorded.stderr
    assert json.loads(kentqa("stats", "--json", db=new, env=b).stdout) == stats_a
    assert kentqa("stats", db=old, env=b).returncode == 3  # the old store does not open with key B


def test_kentqa_export_to_standard_output_piped_into_kentqa_record(tmp_path: Path) -> None:
    old, new = f"sqlite:///{tmp_path / 'old.db'}", f"sqlite:///{tmp_path / 'new.db'}"
    with kq.connect(old, policy=kq.Policy()) as qa:
        qa.record_many(council()[:600], allow_future=True)
        qa.forget_child(_children()[0], on=dt.date(2026, 6, 1))
    out = kentqa("export", "-o", "-", "--type", "TeamRegistered", "--type", "WorkerRegistered", db=old)
    assert out.returncode == 0, out.stderr
    assert {json.loads(x)["type"] for x in out.stdout.splitlines()} == {"TeamRegistered", "WorkerRegistered"}
    whole = kentqa("export", "-o", "-", db=old)
    assert "1 forgettings" in whole.stderr
    recorded = kentqa("record", "-", "--json", "--allow-future", db=new, stdin=whole.stdout)
    assert recorded.returncode == 0, recorded.stderr
    assert json.loads(recorded.stdout)["forgotten"] == 1
    assert kentqa("export", "-o", "-", "--type", "Nope", db=old).returncode == 1
    assert kentqa("export", "-o", "-", "--since", "-3", db=old).returncode == 2
