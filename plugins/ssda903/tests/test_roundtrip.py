"""Round trip: generate small SSDA903 returns from a model of periods of care, import them,
and compare the stored events with an oracle computed from the model, not from the rows.

The oracle is the mapping of docs/importers.md in plain words: one ChildBecameLookedAfter per
period at its start with its first episode's LS (R-LAC-1; a period not started by RNE=S, the
child already looked after, starts at the earliest of its first DECOM and the child's reviews
before it), a LegalStatusChanged at each episode whose LS differs from the one before, a
PlacedForAdoption at the first episode placed for adoption (PLACE A3-A6; SPEC 9.2), one
ChildCeasedLookedAfter per ended period (R-LAC-7), and one looked_after_review per distinct
(child, REVIEW, REVIEW_CODE) row, numbered by REVIEW_CODE among the child's reviews of that day.
Files are written with shuffled rows and columns, repeated rows, any file names and with or
without a BOM: none of that may change what is stored.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kentqa_ssda903 import IMPORTER

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.importing import ImportOptions, review_id
from kentqa_domain.importing.session import run_import
from kentqa_domain.values import LegalStatus, ReviewKind

EPISODE_COLUMNS = [
    "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
]  # fmt: skip
REVIEW_COLUMNS = ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"]
NOT_AFTER = dt.date(2026, 11, 26)


@attrs.frozen
class PeriodModel:
    start: dt.date
    end: dt.date | None
    started: bool  # RNE=S on its first episode
    cuts: tuple[dt.date, ...]  # DECOMs of later episodes within the period
    reviews: tuple[tuple[dt.date, str], ...]
    #: LS of each episode (the first, then one per cut), and the episode from which PLACE is a
    #: placement for adoption (A3..A6), if any (SPEC 9.2, R-ADO-1)
    statuses: tuple[str, ...] = ("C2",)
    adopted_from: int | None = None


@attrs.frozen
class ChildModel:
    child: str
    periods: tuple[PeriodModel, ...]
    early_reviews: tuple[tuple[dt.date, str], ...]  # before the first period (already looked after)


codes = st.sampled_from([f"PN{i}" for i in range(8)])
leaving = st.sampled_from(["E11", "E12", "E2", "E3", "E4A", "E41", "E8", "E13"])
changes = st.sampled_from(["L", "P", "T", "U", "B"])


@st.composite
def child_models(draw: st.DrawFn, child: str) -> ChildModel:
    day = dt.date(2015, 1, 1) + dt.timedelta(days=draw(st.integers(0, 400)))
    periods = []
    for number in range(draw(st.integers(1, 3))):
        length = draw(st.integers(0, 500))
        last = number == 2 or draw(st.booleans())
        end = None if last and draw(st.booleans()) else day + dt.timedelta(days=length)
        span = length if end is not None else 500
        cuts = sorted(set(draw(st.lists(st.integers(1, max(span, 1)), max_size=3))))
        cut_days = tuple(day + dt.timedelta(days=c) for c in cuts if end is None or c < length)
        reviews = tuple(
            (day + dt.timedelta(days=draw(st.integers(0, span))), draw(codes))
            for _ in range(draw(st.integers(0, 4)))
        )
        started = number > 0 or draw(st.booleans())
        statuses = tuple(draw(st.sampled_from(["C2", "E1", "V2", "C1"])) for _ in range(1 + len(cut_days)))
        adopted_from = draw(st.none() | st.integers(0, len(cut_days)))
        periods.append(PeriodModel(day, end, started, cut_days, reviews, statuses, adopted_from))
        if end is None:
            break
        day = end + dt.timedelta(days=draw(st.integers(1, 200)))
    early: tuple[tuple[dt.date, str], ...] = ()
    if not periods[0].started:
        early = tuple(
            (periods[0].start - dt.timedelta(days=draw(st.integers(1, 300))), draw(codes))
            for _ in range(draw(st.integers(0, 2)))
        )
    return ChildModel(child, tuple(periods), early)


@st.composite
def returns(draw: st.DrawFn) -> list[ChildModel]:
    n = draw(st.integers(1, 4))
    return [draw(child_models(f"RT{i:04d}")) for i in range(n)]


def episode_rows(model: ChildModel, rnd: random.Random) -> list[dict[str, str]]:
    rows = []
    for period in model.periods:
        starts = [period.start, *period.cuts]
        for i, decom in enumerate(starts):
            final = i == len(starts) - 1
            if final:
                dec = period.end
                rec = rnd.choice(["E11", "E2", "E4A", "E8"]) if dec else rnd.choice(["", "X1"])
            else:
                dec, rec = starts[i + 1], "X1"
            rne = "S" if i == 0 and period.started else rnd.choice("LPTUB")
            rows.append(
                {
                    "CHILD": model.child,
                    "DECOM": decom.strftime("%d/%m/%Y"),
                    "RNE": rne,
                    "LS": period.statuses[i],
                    "CIN": "N1",
                    "PLACE": rnd.choice(["A3", "A4", "A5", "A6"])
                    if period.adopted_from is not None and i >= period.adopted_from
                    else "U1",
                    "PLACE_PROVIDER": "PR1",
                    "DEC": dec.strftime("%d/%m/%Y") if dec else "",
                    "REC": rec if dec or rec == "X1" else "",
                    "REASON_PLACE_CHANGE": "",
                    "HOME_POST": "ZZ1 1ZZ",
                    "PL_POST": "ZZ9 9ZZ",
                    "URN": "SC000001",
                }
            )
    return rows


def review_rows(model: ChildModel) -> list[dict[str, str]]:
    all_reviews = [*model.early_reviews, *(r for p in model.periods for r in p.reviews)]
    return [
        {"CHILD": model.child, "DOB": "01/01/2010", "REVIEW": d.strftime("%d/%m/%Y"), "REVIEW_CODE": c}
        for d, c in all_reviews
    ]


def oracle(models: list[ChildModel]) -> list[ev.Event]:
    out: list[ev.Event] = []
    for model in models:
        for number, period in enumerate(model.periods):
            start = period.start
            if number == 0 and model.early_reviews:
                start = min(start, *(d for d, _ in model.early_reviews))
            out.append(
                ev.ChildBecameLookedAfter(
                    child_ref=model.child, on=start, legal_status=LegalStatus(period.statuses[0])
                )
            )
            starts = [period.start, *period.cuts]
            for i in range(1, len(starts)):  # SPEC 9.2: an episode with another LS changes it
                if period.statuses[i] != period.statuses[i - 1]:
                    out.append(
                        ev.LegalStatusChanged(
                            child_ref=model.child,
                            changed_on=starts[i],
                            legal_status=LegalStatus(period.statuses[i]),
                        )
                    )
            if period.adopted_from is not None:  # R-ADO-1: the first A3..A6 episode
                out.append(ev.PlacedForAdoption(child_ref=model.child, placed_on=starts[period.adopted_from]))
            if period.end is not None:
                out.append(ev.ChildCeasedLookedAfter(child_ref=model.child, on=period.end))
        distinct = {r for p in model.periods for r in p.reviews} | set(model.early_reviews)
        for day, code in distinct:
            same_day = sorted(c for d, c in distinct if d == day)
            kind = ReviewKind.LOOKED_AFTER_REVIEW
            out.append(
                ev.ReviewHeld(
                    review_id=review_id(model.child, kind, day, same_day.index(code) + 1),
                    child_ref=model.child,
                    kind=kind,
                    held_on=day,
                    participation=code,
                )
            )
    return out


def write(path: Path, columns: list[str], rows: list[dict[str, str]], rnd: random.Random, bom: bool) -> None:
    import csv
    import io

    order = columns[:]
    rnd.shuffle(order)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(order)
    for row in rows:
        writer.writerow([row[c] for c in order])
    path.write_bytes(("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(models=returns(), seed=st.integers(0, 2**32), repeats=st.integers(0, 3), bom=st.booleans())
def test_imported_events_equal_the_oracle_r_lac_1_r_lac_7(
    tmp_path_factory: Any,
    stored: Any,
    to_json: Any,
    *,
    models: list[ChildModel],
    seed: int,
    repeats: int,
    bom: bool,
) -> None:
    """R-LAC-1, R-LAC-7: the events stored from a generated return are exactly the oracle's."""
    rnd = random.Random(seed)  # noqa: S311 - shuffling test files, not secrets
    folder = tmp_path_factory.mktemp("return")
    episodes = [row for m in models for row in episode_rows(m, rnd)]
    reviews = [row for m in models for row in review_rows(m)]
    repeated = [rnd.choice(reviews) for _ in range(repeats)] if reviews else []
    reviews = reviews + repeated
    rnd.shuffle(episodes)
    rnd.shuffle(reviews)
    names = rnd.sample(["a.csv", "b.csv", "reviews.csv", "episodes.csv"], 2)
    write(folder / names[0], EPISODE_COLUMNS, episodes, rnd, bom)
    write(folder / names[1], REVIEW_COLUMNS, reviews, rnd, not bom)
    paths = [folder / n for n in rnd.sample(names, 2)]
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        report = run_import(qa, IMPORTER, paths, ImportOptions(not_after=NOT_AFTER))
        assert report.problems == []
        assert stored(qa) == to_json(oracle(models))
        expected_duplicates = len(reviews) - len({tuple(r.values()) for r in reviews})
        assert len(report.duplicates) == expected_duplicates
        again = run_import(qa, IMPORTER, paths, ImportOptions(not_after=NOT_AFTER))
        assert again.stored == 0
        assert stored(qa) == to_json(oracle(models))
