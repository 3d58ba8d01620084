"""SPEC 9.5: query arguments are checked alike everywhere (decision 0950).

``as_of`` and period bounds (``start``, ``end``, ``since``) accept a ``date``, a ``datetime``
(its date; a pandas ``Timestamp`` is one) or an ISO ``YYYY-MM-DD`` string, and give the same
answer for each; anything else raises ``InvalidInput`` (a ``ValueError``, not an
``InvalidEvent``) naming the query and the argument. Checked over every public query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.demo import council_events
from kentqa_domain.plain import to_plain
from tests.contract.test_public_exports import public_queries

AS_OF = dt.date(2026, 11, 30)
START = dt.date(2026, 4, 1)

#: Every query with the arguments it is asked with here (dates among them are varied).
QUERIES: dict[str, dict[str, Any]] = {
    "drift_register": {"as_of": AS_OF},
    "escalations": {"as_of": AS_OF, "since": START},
    "review_qa_summary": {"as_of": AS_OF, "since": START},
    "observation_compliance": {"as_of": AS_OF},
    "observation_summary": {"as_of": AS_OF},
    "observation_learning": {"start": START, "end": AS_OF, "as_of": AS_OF},
    "audits": {"cycle_id": "2026-T2", "as_of": AS_OF},
    "audit_cycle": {"cycle_id": "2026-T2", "as_of": AS_OF},
    "good_or_better_trend": {"cycle_id": "2026-T2", "as_of": AS_OF},
    "triad_recommendations": {"cycle_id": "2026-T2", "as_of": AS_OF},
    "audit_actions": {"as_of": AS_OF, "since": START},
    "audit_action_counts": {"as_of": AS_OF},
    "thematic_audits": {"as_of": AS_OF},
    "activity": {"start": START, "end": AS_OF},
    "themes_raised": {"start": START, "end": AS_OF},
    "learning_report": {"cycle_id": "2026-T2", "as_of": AS_OF},
    "notifications": {"as_of": AS_OF},
    "complaints_register": {"as_of": AS_OF, "since": START},
    "complaints_summary": {"start": START, "end": AS_OF, "as_of": AS_OF},
    "voice_summary": {"start": START, "end": AS_OF, "as_of": AS_OF},
    "review_timeliness": {"start": START, "end": AS_OF, "as_of": AS_OF},
    "timeliness_by_quarter": {"start": START, "end": AS_OF, "as_of": AS_OF},
    "chairs_report": {"quarter": "2026-Q2", "as_of": AS_OF},
}
DATE_ARGUMENTS = [
    (query, name)
    for query, kwargs in QUERIES.items()
    for name in kwargs
    if name not in {"cycle_id", "quarter"}
]


class Timestamp(dt.datetime):
    """What a pandas ``Timestamp`` is to the library: a ``datetime`` subclass."""


@pytest.fixture(scope="module")
def qa() -> Iterator[kq.QualityAssurance]:
    with kq.connect("memory://", policy=kq.Policy()) as store:
        store.record_many(council_events(size=0.02, seed=3, as_of=AS_OF))
        yield store


def test_every_query_is_covered() -> None:
    """The table above is every public query that takes a date (``stats`` and ``scope`` take none)."""
    assert set(QUERIES) == set(public_queries()) - {"stats", "scope"}


def _same_date_forms(day: dt.date) -> st.SearchStrategy[object]:
    times = st.times()
    return st.one_of(
        st.just(day),
        st.just(day.isoformat()),
        times.map(lambda t: dt.datetime.combine(day, t)),
        times.map(lambda t: Timestamp.combine(day, t)),
        times.map(lambda t: dt.datetime.combine(day, t, tzinfo=dt.UTC)),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_date_a_datetime_and_an_iso_string_give_the_same_answer(
    qa: kq.QualityAssurance, data: st.DataObject
) -> None:
    """SPEC 9.5: for every query and every date argument, the answer is the same whichever form
    the date is given in (a datetime stands for its date as written)."""
    query, name = data.draw(st.sampled_from(DATE_ARGUMENTS))
    kwargs = QUERIES[query]
    given_as = data.draw(_same_date_forms(kwargs[name]))
    method = getattr(qa, query)
    assert to_plain(method(**{**kwargs, name: given_as})) == to_plain(method(**kwargs))


_not_iso = st.text(max_size=20).filter(
    lambda s: not (len(s) == 10 and s[4] == "-" and s[7] == "-" and s.replace("-", "").isdigit())
)
BAD_DATES = st.one_of(
    st.integers(),
    st.floats(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.binary(max_size=10),
    st.just(dt.time(9, 0)),
    st.just(AS_OF.timetuple()),
    _not_iso,
    st.sampled_from(
        [
            "2026-02-30",
            "2026-13-01",
            "30/11/2026",
            "2026-11-30T09:00",
            "20261130",
            "2026-W48-1",
            "2026-11-30".translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}),
        ]
    ),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_anything_else_is_invalid_input_naming_the_query_and_argument(
    qa: kq.QualityAssurance, data: st.DataObject
) -> None:
    """SPEC 9.5: a bad date is ``InvalidInput`` (never a raw TypeError, never an InvalidEvent)
    naming the query and the argument, and saying what is expected."""
    query, name = data.draw(st.sampled_from(DATE_ARGUMENTS))
    bad = data.draw(BAD_DATES)
    with pytest.raises(kq.InvalidInput) as refused:
        getattr(qa, query)(**{**QUERIES[query], name: bad})
    error = refused.value
    assert (error.query, error.argument) == (query, name)
    assert isinstance(error, ValueError) and not isinstance(error, kq.InvalidEvent)
    assert str(error).startswith(f"{query}.{name}: ") and "YYYY-MM-DD" in str(error)


@pytest.mark.parametrize("query", sorted(q for q, kwargs in QUERIES.items() if "cycle_id" in kwargs))
@pytest.mark.parametrize("bad", ["2026-T4", "T2", 2026, None])
def test_a_bad_cycle_id_is_invalid_input_naming_it(qa: kq.QualityAssurance, query: str, bad: object) -> None:
    """R-AUD-1, SPEC 9.5: ``cycle_id`` like ``2026-T2`` (None only where the query takes every cycle)."""
    method = getattr(qa, query)
    if bad is None and query in {"audit_actions", "audit_action_counts", "thematic_audits"}:
        assert isinstance(method(**{**QUERIES[query], "cycle_id": None}), list | dict)
        return
    with pytest.raises(kq.InvalidInput) as refused:
        method(**{**QUERIES[query], "cycle_id": bad})
    assert (refused.value.query, refused.value.argument, refused.value.rule) == (query, "cycle_id", "R-AUD-1")


@pytest.mark.parametrize(
    ("query", "name", "bad"),
    [
        ("escalations", "limit", 0),
        ("complaints_register", "limit", "10"),
        ("audit_actions", "limit", True),
        ("drift_register", "as_worker", 42),
        ("observation_compliance", "team", ["T1"]),
        ("escalations", "state", "shut"),
        ("observation_summary", "by", "district"),
    ],
)
def test_other_arguments_are_invalid_input_too(
    qa: kq.QualityAssurance, query: str, name: str, bad: object
) -> None:
    """SPEC 9.5: limits, ids and choices are refused the same way, naming query and argument."""
    with pytest.raises(kq.InvalidInput) as refused:
        getattr(qa, query)(**{**QUERIES[query], name: bad})
    assert (refused.value.query, refused.value.argument) == (query, name)


@pytest.mark.parametrize(
    "query", ["drift_register", "escalations", "complaints_register", "observation_compliance"]
)
def test_a_principal_never_registered_is_named_as_as_worker(qa: kq.QualityAssurance, query: str) -> None:
    """R-ACC-1, SPEC 9.5: an unknown ``as_worker`` is an ``UnknownReference`` naming the query
    and the argument as the caller wrote it."""
    with pytest.raises(kq.UnknownReference) as refused:
        getattr(qa, query)(**QUERIES[query], as_worker="NOBODY")
    assert (refused.value.event_type, refused.value.field) == (query, "as_worker")
    assert "NOBODY" in str(refused.value)


def test_cycle_id_for_reads_dates_like_the_queries() -> None:
    """R-AUD-1 with SPEC 9.5's dates: ``kq.cycle_id_for`` takes a date, a datetime or an ISO
    string, and refuses anything else as ``InvalidInput`` naming ``day``."""
    day = dt.date(2026, 11, 26)
    assert {kq.cycle_id_for(d) for d in (day, "2026-11-26", dt.datetime(2026, 11, 26, 23, 59))} == {"2026-T2"}
    with pytest.raises(kq.InvalidInput) as refused:
        kq.cycle_id_for("26/11/2026")
    assert (refused.value.query, refused.value.argument) == ("cycle_id_for", "day")
