"""The complaints projection's state in the store (SPEC 9.4, decision 0900; R-CMP-1..6).

- paging: the pages of ``complaints_register(limit=, after=)`` walked to the end are the
  register, whatever the filters, the scope and the batch size (the oracle's rows);
- ``kentqa_complaints`` and ``kentqa_complaint_themes`` read with plain ``sqlite3`` and
  ``psycopg`` say what the API says;
- a second connection answers from the shared rows and documents without folding history,
  reading only the documents a query needs;
- queries about now read as many documents after ten years of closed complaints as after one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.application import QualityAssurance
from kentqa_domain.areas.complaints import queries as complaint_queries
from kentqa_domain.areas.complaints.projection import Complaints
from kentqa_domain.errors import InvalidInput
from kentqa_domain.values import Complainant, ComplaintStage, Outcome
from tests.complaint_histories import (
    SCENARIO,
    STAFF,
    complaint_histories,
    oracle_register,
    register_as_dicts,
)
from tests.conftest import organisation

AS_OF = st.dates(dt.date(2026, 9, 1), dt.date(2028, 3, 31))
STATES = st.none() | st.sets(st.sampled_from(["open", "closed", "withdrawn", "ombudsman"]), min_size=1).map(
    frozenset
)
#: After every fact of the histories and the scenario: the register as the facts stand.
LATER = dt.date(2029, 12, 31)


@contextlib.contextmanager
def batch_of(size: int) -> Iterator[None]:
    """The register's reads ``size`` rows and documents at a time (small: many batches)."""
    saved = complaint_queries.BATCH
    complaint_queries.BATCH = size
    try:
        yield
    finally:
        complaint_queries.BATCH = saved


def pages(query: Callable[..., list[Any]], limit: int, **kwargs: Any) -> list[list[Any]]:
    """Every page of a register, each asked after the last id of the one before."""
    out: list[list[Any]] = []
    after = None
    while True:
        page = query(limit=limit, after=after, **kwargs)
        assert len(page) <= limit
        if page:
            out.append(page)
        if len(page) < limit:
            return out
        after = page[-1].complaint_id


def store(events: Sequence[ev.Event], url: str = "memory://") -> QualityAssurance:
    qa = kq.connect(url, policy=kq.Policy())
    qa.record_many([*organisation(), *STAFF])
    qa.record_many(events)
    return qa


# --- paging ----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    complaint_histories(),
    AS_OF,
    STATES,
    st.none() | AS_OF,
    st.integers(1, 4),
    st.sampled_from([None, "TM1", "SM2"]),
    st.integers(1, 4),
)
def test_R_CMP_5_the_pages_of_the_register_are_the_register(
    history: list[ev.Event],
    as_of: dt.date,
    states: frozenset[str] | None,
    since: dt.date | None,
    limit: int,
    worker: str | None,
    batch: int,
) -> None:
    """Walked page by page (``limit``, then ``after`` the last id), with any filter, scope and
    batch size, the register is the unpaged one; unscoped, it is the oracle's rows."""
    with store(history) as qa, batch_of(batch):
        whole = qa.complaints_register(as_of=as_of, state=states, since=since, as_worker=worker)
        walked = pages(
            qa.complaints_register, limit, as_of=as_of, state=states, since=since, as_worker=worker
        )
        assert [row for page in walked for row in page] == whole
    if worker is None:
        received_on = {e.complaint_id: e.received_on for e in history if isinstance(e, ev.ComplaintReceived)}
        assert register_as_dicts(whole) == [
            row
            for row in oracle_register(history, as_of)
            if (states is None or row["state"] in states)
            and (since is None or received_on[row["complaint_id"]] >= since)
        ]


def _received(complaint_id: str, on: dt.date, team_id: str | None = "T-EAST-1") -> ev.ComplaintReceived:
    return ev.ComplaintReceived(
        complaint_id=complaint_id,
        received_on=on,
        complainant=Complainant.PARENT_CARER,
        service="Children's Social Work",
        team_id=team_id,
        statutory=True,
    )


#: Ids that sort differently by code point than in a natural-language collation.
AWKWARD_IDS = ("K-b", "K_a", "Ka", "kA", "K10", "K9", "Z", "a", "É1", "e2")


def test_register_order_on_one_day_is_by_id_as_python_sorts_it(store_url: str) -> None:
    """Many complaints received on one day, ids in mixed case and punctuation: the register
    and its pages are by id as Python orders strings, on every back end and batch size."""
    day = dt.date(2027, 1, 4)
    events = [_received(cid, day) for cid in AWKWARD_IDS]
    events += [_received(f"P{n}", day - dt.timedelta(days=n % 3)) for n in range(7)]
    with store(events, store_url) as qa:
        expected = sorted((e.received_on, e.complaint_id) for e in events)
        for batch in (1, 2, 3, 500):
            with batch_of(batch):
                rows = qa.complaints_register(as_of=day)
                assert [(r.received_on, r.complaint_id) for r in rows] == expected
                for limit in (1, 2, 5):
                    walked = pages(qa.complaints_register, limit, as_of=day)
                    assert [r for page in walked for r in page] == rows


def test_paging_arguments_are_checked_and_name_their_field() -> None:
    with store(SCENARIO) as qa:  # type: ignore[arg-type]
        as_of = dt.date(2027, 6, 30)
        for limit in (0, -1, True, 2.5, "3"):
            with pytest.raises(InvalidInput) as caught:
                qa.complaints_register(as_of=as_of, limit=limit)  # type: ignore[arg-type]
            assert (caught.value.event_type, caught.value.field) == ("complaints_register", "limit")
        for after in ("NOPE", 7):
            with pytest.raises(InvalidInput) as caught:
                qa.complaints_register(as_of=as_of, after=after)  # type: ignore[arg-type]
            assert (caught.value.event_type, caught.value.field) == ("complaints_register", "after")
        # R-ACC-1: a complaint the worker may not see is not a place in their register either.
        west = [r.complaint_id for r in qa.complaints_register(as_of=as_of) if r.team_id == "T-WEST-1"]
        assert west
        with pytest.raises(InvalidInput) as caught:
            qa.complaints_register(as_of=as_of, as_worker="TM1", after=west[0])
        assert caught.value.field == "after"
        # The last page's id gives an empty page; an id received after as_of, an empty page too.
        rows = qa.complaints_register(as_of=as_of)
        assert qa.complaints_register(as_of=as_of, after=rows[-1].complaint_id) == []
        assert qa.complaints_register(as_of=rows[0].received_on, after=rows[-1].complaint_id) == []


# --- the row tables with plain SQL -------------------------------------------------------------


def _history() -> list[Any]:
    """The worked scenario and more: open, closed, withdrawn, escalated, extended, corporate."""
    more: list[ev.Event] = []
    for n in range(12):
        cid = f"M{n:02d}"
        on = dt.date(2027, 2, 1) + dt.timedelta(days=3 * n)
        more.append(_received(cid, on, team_id=("T-EAST-1", "T-WEST-1", None)[n % 3]))
        if n % 4 == 1:
            more.append(
                ev.ComplaintTimescaleExtended(complaint_id=cid, stage=ComplaintStage.STAGE_1, extended_on=on)
            )
        if n % 2:
            more.append(
                ev.ComplaintResponded(
                    complaint_id=cid,
                    stage=ComplaintStage.STAGE_1,
                    responded_on=on + dt.timedelta(days=9),
                    outcome=Outcome.NOT_UPHELD,
                )
            )
        elif n % 3 == 0:
            more.append(ev.ComplaintWithdrawn(complaint_id=cid, withdrawn_on=on + dt.timedelta(days=2)))
    return [*SCENARIO, *more]


_COLUMNS = (
    "complaint_id, team_id, service, statutory, received_on, stage, stage_started_on, "
    "extended_on IS NOT NULL, due_on, state, responded_on, outcome, withdrawn_on"
)


def _api_rows(qa: QualityAssurance) -> list[tuple[Any, ...]]:
    """The register once every fact is in, as the columns of ``_COLUMNS``."""
    return [
        (
            r.complaint_id,
            r.team_id,
            r.service,
            r.statutory,
            r.received_on,
            r.stage.value,
            r.stage_started_on,
            r.extended,
            r.due_on,
            r.state,
            r.responded_on,
            r.outcome.value if r.outcome else None,
            r.withdrawn_on,
        )
        for r in qa.complaints_register(as_of=LATER)
    ]


def _plain(row: Sequence[Any]) -> tuple[Any, ...]:
    """A row as sqlite3 gives it, dates and booleans made Python's (the API's types)."""
    return tuple(
        dt.date.fromisoformat(v) if isinstance(v, str) and len(v) == 10 and v[4] == v[7] == "-" else v
        for v in row
    )


def _sql_connection(url: str) -> Any:
    if url.startswith("sqlite:///"):
        return contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///")))
    import psycopg

    return psycopg.connect(url)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_plain_sql_of_the_complaint_tables_gives_what_the_api_gives(
    backend: str, tmp_path: Any, request: pytest.FixtureRequest
) -> None:
    """docs/read-model.md's tables, read with the back end's own driver: each complaint as its
    facts stand (the register after the last of them), the open ones, and the themes."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'kentqa.db'}"
    else:
        url = request.getfixturevalue("make_postgres_db")()
    with store(_history(), url) as qa:
        api = _api_rows(qa)
        api_open = [r.complaint_id for r in qa.complaints_register(as_of=LATER, state="open")]
        first = min(r.received_on for r in qa.complaints_register(as_of=LATER))
        api_themes = qa.complaints_summary(first, LATER).overall.themes
    with _sql_connection(url) as conn:
        cur = conn.cursor()
        cur.execute(f"SELECT {_COLUMNS} FROM kentqa_complaints ORDER BY received_on, complaint_id")
        rows = [_plain(r) for r in cur.fetchall()]
        if backend == "sqlite":  # BOOLEAN columns are integers in SQLite
            rows = [(*r[:3], bool(r[3]), *r[4:7], bool(r[7]), *r[8:]) for r in rows]
        cur.execute(
            "SELECT complaint_id FROM kentqa_complaints WHERE state = 'open' ORDER BY received_on, complaint_id"
        )
        sql_open = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT theme, count(*) FROM kentqa_complaint_themes GROUP BY theme")
        sql_themes = dict(cur.fetchall())
    assert len(api) == len(rows) == 15
    assert rows == api
    assert sql_open == api_open and sql_open
    assert sql_themes == api_themes and sql_themes


# --- a second connection -----------------------------------------------------------------------


@pytest.fixture
def counting_folds(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many events the complaints projection folds in this process."""
    folds: Counter[str] = Counter()
    original = Complaints.apply

    def apply(self: Complaints, event: ev.Event, position: int) -> None:
        folds["events"] += 1
        original(self, event, position)

    monkeypatch.setattr(Complaints, "apply", apply)
    return folds


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_second_connection_reads_the_shared_state_without_folding_history(
    backend: str, tmp_path: Any, request: pytest.FixtureRequest, counting_folds: Counter[str]
) -> None:
    """Another connection to the same store answers the same, folds none of the history,
    and its session loads only the documents the query asked for."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'kentqa.db'}"
    else:
        url = request.getfixturevalue("make_postgres_db")()
    days = (dt.date(2027, 1, 4), dt.date(2027, 3, 31), LATER)
    with store(_history(), url) as first:
        expected = {d: first.complaints_register(as_of=d) for d in days}
        expected_open = first.complaints_register(as_of=LATER, state="open")
        summary = first.complaints_summary(dt.date(2027, 1, 1), dt.date(2027, 6, 30))
        assert counting_folds["events"] > 0
    counting_folds.clear()
    with kq.connect(url, policy=kq.Policy()) as second:
        session = second.projections["complaints"].session
        assert second.complaints_register(as_of=LATER, state="open") == expected_open
        assert session.loads == len(expected_open)  # the open complaints' documents, no more
        page = second.complaints_register(as_of=LATER, limit=3, after=expected[LATER][4].complaint_id)
        assert page == expected[LATER][5:8]
        for day, rows in expected.items():
            assert second.complaints_register(as_of=day) == rows
        assert second.complaints_summary(dt.date(2027, 1, 1), dt.date(2027, 6, 30)) == summary
        assert session.loads <= len(expected[LATER])
    assert counting_folds["events"] == 0


# --- flat queries about now --------------------------------------------------------------------

NOW = dt.date(2036, 6, 30)


def _years_of_closed_complaints(years: int, per_year: int = 40) -> list[ev.Event]:
    """``years`` years before NOW's of complaints answered (or withdrawn) within weeks."""
    out: list[ev.Event] = []
    for y in range(1, years + 1):
        for n in range(per_year):
            cid = f"H{NOW.year - y}-{n:03d}"
            on = dt.date(NOW.year - y, 1, 1) + dt.timedelta(days=7 * n)
            out.append(_received(cid, on, team_id=("T-EAST-1", "T-WEST-1")[n % 2]))
            if n % 5:
                responded = on + dt.timedelta(days=12)
                out.append(
                    ev.ComplaintResponded(
                        complaint_id=cid,
                        stage=ComplaintStage.STAGE_1,
                        responded_on=responded,
                        outcome=Outcome.UPHELD,
                    )
                )
            else:
                out.append(ev.ComplaintWithdrawn(complaint_id=cid, withdrawn_on=on + dt.timedelta(days=3)))
    return out


def _this_year() -> list[ev.Event]:
    """NOW's year: some complaints closed, some open, one escalated."""
    out: list[ev.Event] = []
    for n in range(15):
        cid = f"N{n:02d}"
        on = dt.date(NOW.year, 1, 5) + dt.timedelta(days=10 * n)
        out.append(_received(cid, on))
        if n < 6:
            out.append(
                ev.ComplaintResponded(
                    complaint_id=cid, stage=ComplaintStage.STAGE_1, responded_on=on + dt.timedelta(days=5),
                    outcome=Outcome.NOT_UPHELD,
                )
            )  # fmt: skip
        if n == 0:
            out.append(
                ev.ComplaintEscalated(
                    complaint_id=cid, to_stage=ComplaintStage.STAGE_2, requested_on=on + dt.timedelta(days=20)
                )
            )
    return out


def _reads_now(url: str) -> dict[str, tuple[int, Any]]:
    """Documents a fresh connection loads for each query about now, and the answer."""
    out: dict[str, tuple[int, Any]] = {}
    queries: dict[str, Callable[[QualityAssurance], Any]] = {
        "open now": lambda qa: qa.complaints_register(as_of=NOW, state="open"),
        "open now, a team": lambda qa: qa.complaints_register(as_of=NOW, state="open", as_worker="TM1"),
        "this year": lambda qa: qa.complaints_summary(dt.date(NOW.year, 1, 1), NOW),
        "received this year": lambda qa: qa.complaints_register(as_of=NOW, since=dt.date(NOW.year, 1, 1)),
        "a page": lambda qa: qa.complaints_register(as_of=NOW, limit=5),
        "the next page": lambda qa: qa.complaints_register(
            as_of=NOW, limit=5, after=qa.complaints_register(as_of=NOW, limit=5)[-1].complaint_id
        ),
    }
    for name, query in queries.items():
        with kq.connect(url, policy=kq.Policy()) as qa:
            session = qa.projections["complaints"].session
            answer = query(qa)
            out[name] = (session.loads, answer)
    return out


def test_queries_about_now_read_the_same_documents_after_one_or_ten_years(tmp_path: Any) -> None:
    """Open complaints now, this year's summary, this year's complaints and a page of the
    register load as many documents with ten years of closed complaints behind them as with
    one (and give the same answers, but for a page, which starts with the oldest)."""
    reads = {}
    for years in (1, 10):
        url = f"sqlite:///{tmp_path / f'{years}.db'}"
        with store([*_years_of_closed_complaints(years), *_this_year()], url):
            pass
        reads[years] = _reads_now(url)
    for name, (loads, answer) in reads[1].items():
        assert reads[10][name][0] == loads, name
        if "page" not in name:
            assert reads[10][name][1] == answer, name
    assert reads[1]["open now"][0] == len(reads[1]["open now"][1]) == 10  # the open ones, no more
    assert reads[1]["a page"][0] == 5
    assert reads[1]["this year"][0] == 15


# --- the analysts' contract --------------------------------------------------------------------

READ_MODEL = Path(__file__).parents[2] / "docs" / "read-model.md"


def _complaints_section() -> str:
    text = READ_MODEL.read_text(encoding="utf-8")
    start = text.index("\n## Complaints\n")
    return text[start : text.index("\n## ", start + 1)]


def test_docs_read_model_names_every_complaint_table_and_column_and_its_sql_runs(tmp_path: Any) -> None:
    section = _complaints_section()
    for table in Complaints.tables:
        assert f"### {table.name}\n" in section
        for column in table.columns:
            assert column.doc, (table.name, column.name)
            assert f"\n| {column.name} |" in section, (table.name, column.name)
    url = f"sqlite:///{tmp_path / 'kentqa.db'}"
    with store(_history(), url) as qa:
        quarter = qa.complaints_summary(dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    blocks = re.findall(r"```sql\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 2
    with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
        overdue, themes = (conn.execute(sql).fetchall() for sql in blocks)
    assert isinstance(overdue, list)  # what is overdue depends on today's date
    by_service = {(t.key, theme): n for t in quarter.by_service for theme, n in t.themes.items()}
    assert {(service, theme): n for service, theme, n in themes} == by_service and by_service
