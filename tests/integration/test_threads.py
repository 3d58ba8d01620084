"""One ``QualityAssurance`` shared by threads (SPEC 9.5; docs/embedding.md "Threads").

Reader threads ask queries of one connection while another thread records through it; every
answer states the log position it reflects (``rows.position``), and is exactly the answer a
fresh store holding the events up to that position gives: no answer mixes two positions.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

import kentqa_domain as kq
from kentqa_domain.demo import council_events

AS_OF = dt.date(2026, 11, 30)
CHUNK = 250
READERS = 4

QUERIES: dict[str, Any] = {
    "drift_register": lambda q: q.drift_register(as_of=AS_OF),
    "escalations": lambda q: q.escalations(as_of=AS_OF),
    "complaints_register": lambda q: q.complaints_register(as_of=AS_OF),
    "observation_compliance": lambda q: q.observation_compliance(as_of=AS_OF),
    "audit_cycle": lambda q: q.audit_cycle("2026-T2", as_of=AS_OF),
    "stats": lambda q: q.stats(),
}


def _plain(answer: Any) -> Any:
    return kq.to_plain(answer)


def test_threads_sharing_one_connection_get_answers_each_from_one_position(tmp_path: Path) -> None:
    events = list(council_events(size=0.02, seed=3, as_of=AS_OF))
    chunks = [events[i : i + CHUNK] for i in range(0, len(events), CHUNK)]
    seen: dict[int, list[tuple[str, Any]]] = defaultdict(list)
    errors: list[BaseException] = []
    done = threading.Event()
    lock = threading.Lock()
    ends: list[int] = [0]

    with kq.connect(f"sqlite:///{tmp_path / 'shared.db'}", policy=kq.Policy()) as qa:

        def writer() -> None:
            try:
                for chunk in chunks:
                    positions = qa.record_many(chunk)
                    ends.append(max(p for p in positions if p is not None))
            except BaseException as exc:
                errors.append(exc)
            finally:
                done.set()

        def reader(index: int) -> None:
            names = list(QUERIES)
            turn = index
            try:
                while not done.is_set() or turn < index + len(names):
                    name = names[turn % len(names)]
                    turn += 1
                    if turn % 5 == 0:  # several queries at one position
                        with qa.at_one_position() as q:
                            answers = [(n, QUERIES[n](q)) for n in ("drift_register", "stats")]
                            assert {a.position for _, a in answers} == {q.position}
                    else:
                        answers = [(name, QUERIES[name](qa))]
                    with lock:
                        for n, answer in answers:
                            seen[answer.position].append((n, _plain(answer)))
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=writer)] + [
            threading.Thread(target=reader, args=(i,)) for i in range(READERS)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        assert not errors, errors
        assert qa.position == ends[-1]

    # Every position reported is the end of a batch: a batch is stored in one transaction.
    assert set(seen) <= set(ends)
    assert len(seen) >= 3, f"the readers saw too few positions to test anything: {sorted(seen)}"
    # Each answer is what a store holding exactly the events up to its position answers.
    with kq.connect("memory://", policy=kq.Policy()) as fresh:
        checked = 0
        for end, chunk in zip(ends, [[], *chunks], strict=True):
            if chunk:
                fresh.record_many(chunk)
            for name, answer in seen.get(end, ()):
                expected = _plain(QUERIES[name](fresh))
                assert answer == expected, f"{name} at position {end}"
                checked += 1
    assert checked == sum(len(v) for v in seen.values())
    assert checked >= 20
