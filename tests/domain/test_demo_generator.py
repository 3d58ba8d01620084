"""The synthetic council: deterministic, valid under every write-model rule, late in places.

The generator (``kentqa_domain.demo``) records only through the public API, so every event it
makes must pass recording: references registered first, stages forward, dates in plan.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import cache

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.demo import SCALES, council_events, generate

AS_OF = dt.date(2026, 11, 20)


@cache
def small() -> tuple[ev.Event, ...]:
    return tuple(generate("small", seed=7, as_of=AS_OF))


def test_the_same_seed_makes_the_same_council_and_another_seed_another() -> None:
    assert tuple(generate("small", seed=7, as_of=AS_OF)) == small()
    other = tuple(council_events(size=0.1, seed=8, as_of=AS_OF))
    assert other != small()


def test_every_event_passes_recording_and_recording_again_is_a_no_op() -> None:
    """All references are registered first and all stages move forward (nothing refused);
    re-recording the whole council is idempotent (SPEC section 2). The year ends with the data
    officer's sweep of corrections and withdrawals (SPEC 9.1): each correction stores its
    replacement and its mark, each withdrawal its mark."""
    refused: list[tuple[int, Exception]] = []
    kinds = Counter(type(e).__name__ for e in small())
    assert kinds["RecordCorrected"] > 0 and kinds["RecordWithdrawn"] > 0
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        positions = qa.record_many(small(), on_invalid=lambda i, e: refused.append((i, e)))
        assert refused == []
        assert qa.position == len(small()) + kinds["RecordCorrected"]
        again = qa.record_many(small())
        assert again == positions
        assert (again.new, again.already_recorded) == (0, len(small()))


def test_every_kind_of_fact_is_there_and_some_is_recorded_late() -> None:
    counts = Counter(type(e).__name__ for e in small())
    missing = set(ev.EVENT_TYPES) - set(counts)
    # A tenth of a council over one year can miss the rarest facts (stage 3 complaints are a
    # handful a year in a whole council); the council scale has them all.
    rare = {"ComplaintWithdrawn", "ComplaintEscalated", "SupportNeedCleared", "EscalationReferredToCafcass"}
    rare |= {"ComplaintPanelHeld", "ComplaintPanelReported", "ComplaintReferredToOmbudsman"}
    assert missing <= rare
    council = Counter(type(e).__name__ for e in council_events(size=1.0, seed=7, as_of=AS_OF))
    assert set(ev.EVENT_TYPES) - set(council) == set()
    late, latest = 0, dt.date(1990, 1, 1)
    for event in small():
        day = event.business_date
        if day < latest - dt.timedelta(days=7):
            late += 1
        latest = max(latest, day)
    assert late > 100, "some events are typed up weeks after later-dated ones"


def test_children_appear_only_as_pseudonymous_references() -> None:
    refs = {e.child_ref for e in small() if hasattr(e, "child_ref") and e.child_ref}
    assert refs and all(ref.startswith("C") and ref[1:].isdigit() for ref in refs)


def test_the_period_ends_on_as_of_and_the_scales_grow() -> None:
    assert max(e.business_date for e in small()) <= AS_OF
    assert SCALES["small"].councils == 1 and SCALES["council"].councils == 1
    assert SCALES["region"].councils == 19 and SCALES["england"].councils == 153
    england = SCALES["england"].sizes
    # SPEC section 7: about 83,000 looked-after children in England, 2,000 in the council.
    assert 38 < sum(england) < 45


def test_the_dashboards_have_rows() -> None:
    """Overdue, escalated and late facts are deliberate: each installed dashboard has rows."""
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        qa.record_many(small())
        for query in ("observation_compliance", "drift_register", "escalations", "complaints_register"):
            method = getattr(qa, query, None)
            if callable(method):
                assert method(as_of=AS_OF), query
        if callable(getattr(qa, "observation_compliance", None)):
            statuses = Counter(r.status.value for r in qa.observation_compliance(as_of=AS_OF))
            assert statuses["overdue"] and statuses["compliant"]
