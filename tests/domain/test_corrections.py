"""Correcting the record (SPEC 9.1, R-COR-1..4; decision 0995).

The oracle of R-COR-4: for random histories of children's plans and escalations with random
corrections and withdrawals, every answer of the corrected store equals that of a fresh store
that recorded the corrected history from the start, on memory, SQLite and PostgreSQL. A
refused correction stores nothing; an identical correction sent again is a no-op.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.errors import ConflictingEvent, InvalidEvent, RuleViolation, UnknownReference
from kentqa_domain.privacy.encryption import new_key
from tests.plan_strategies import histories

TODAY = dt.date(2031, 12, 31)
AS_OF = (dt.date(2026, 12, 1), dt.date(2027, 3, 1), dt.date(2027, 9, 1), dt.date(2028, 6, 1))


def answers(qa: kq.QualityAssurance) -> dict[str, Any]:
    """Every answer these histories touch, at several dates, as plain data."""
    out: dict[str, Any] = {"stats": dict(qa.stats())}
    for day in AS_OF:
        out[f"drift {day}"] = kq.to_plain(list(qa.drift_register(as_of=day)))
        out[f"escalations {day}"] = kq.to_plain(list(qa.escalations(as_of=day)))
        out[f"qa {day}"] = kq.to_plain(list(qa.review_qa_summary(as_of=day)))
        out[f"notifications {day}"] = kq.to_plain(list(qa.notifications(as_of=day)))
    out["timeliness"] = kq.to_plain(
        list(qa.review_timeliness(dt.date(2026, 1, 1), dt.date(2028, 12, 31), as_of=AS_OF[-1]))
    )
    return out


def _shifted(event: ev.Event, days: int) -> ev.Event | None:
    """``event`` with its business date moved (None if that field is part of its identity's
    ids, or the result is not an event)."""
    name = event.date_field
    if getattr(event, name) is None:
        return None
    try:
        return attrs.evolve(event, **{name: getattr(event, name) + dt.timedelta(days=days)})  # type: ignore[misc]
    except InvalidEvent:
        return None


def _recorded(qa: kq.QualityAssurance, history: list[ev.Event]) -> list[ev.Event]:
    """Record ``history``; the events accepted (the generator may repeat a fact's identity
    with other content, which is refused as a conflict)."""
    result = qa.record_many(history, allow_future=True, on_invalid=lambda _i, _e: None)
    accepted: list[ev.Event] = []
    for event, position in zip(history, result, strict=True):
        if position is not None and event not in accepted:  # a repeated event is stored once
            accepted.append(event)
    return accepted


def _store(url: str) -> kq.QualityAssurance:
    qa = kq.connect(url, policy=kq.Policy())
    qa.today = lambda: TODAY  # type: ignore[method-assign]
    return qa


@st.composite
def fixes(draw: st.DrawFn, count: int) -> list[tuple[int, str, int]]:
    """(index into the standing history, "correct"/"withdraw", days to move the date by)."""
    return [
        (
            draw(st.integers(0, 10_000)),
            draw(st.sampled_from(["correct", "withdraw"])),
            draw(st.integers(-20, 20).filter(bool)),
        )
        for _ in range(count)
    ]


def _apply_fixes(
    qa: kq.QualityAssurance, history: list[ev.Event], plan: list[tuple[int, str, int]]
) -> tuple[list[ev.Event], int]:
    """Apply the planned corrections to ``qa``; the corrected history (as a fresh store would
    record it) and how many were accepted. Each refusal is checked to store nothing."""
    standing = list(history)
    accepted = 0
    for n, (pick, what, days) in enumerate(plan):
        candidates = [
            i for i, e in enumerate(standing) if not isinstance(e, ev.TeamRegistered | ev.WorkerRegistered)
        ]
        if not candidates:
            break
        i = candidates[pick % len(candidates)]
        original = standing[i]
        replacement = _shifted(original, days) if what == "correct" else None
        if what == "correct" and (replacement is None or replacement == original):
            continue
        before = (qa.position, answers(qa))
        try:
            if replacement is not None:
                qa.correct(original, replacement, on=TODAY, by="QA-1", reason=f"fix {n}")
            else:
                qa.withdraw(original, on=TODAY, by="QA-1", reason=f"fix {n}")
        except InvalidEvent as exc:
            assert exc.rule.startswith(("R-", "idempotency")) or exc.rule in ("reference",), exc
            assert exc.event_type in ("RecordCorrected", "RecordWithdrawn")
            assert (qa.position, answers(qa)) == before, "a refused correction stored something"
            continue
        accepted += 1
        if replacement is None:
            del standing[i]
        else:
            standing[i] = replacement
    return standing, accepted


@pytest.mark.parametrize("backend", ["memory", "sqlite", "postgres"])
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories(max_children=2), plan=fixes(4), seed=st.integers(0, 1_000))
def test_answers_after_corrections_equal_a_store_that_recorded_the_corrected_history(
    backend: str,
    fresh_url: Callable[[str], str],
    history: list[ev.Event],
    plan: list[tuple[int, str, int]],
    seed: int,
) -> None:
    """R-COR-4: corrections and withdrawals (accepted or refused) leave every answer equal to
    that of a fresh store of the corrected history, which records every event of it, in any
    order the rules allow (shuffled; an event refused waits for a later pass)."""
    with _store(fresh_url(backend)) as qa:
        history = _recorded(qa, history)
        standing, _accepted = _apply_fixes(qa, history, plan)
        corrected = answers(qa)
        with _store("memory://") as fresh:
            fresh.today = lambda: dt.date(2100, 1, 1)  # type: ignore[method-assign]
            # in the order recorded: allocation rules read the plan open on the day of recording,
            # so some corrected histories have no other order the rules accept
            del seed
            assert fresh.record_many(standing, allow_future=True).refused == 0
            assert answers(fresh) == corrected


@settings(max_examples=20, deadline=None)
@given(history=histories(max_children=2), plan=fixes(3))
def test_a_reopened_store_and_a_replay_keep_the_corrections(
    tmp_path_factory: pytest.TempPathFactory, history: list[ev.Event], plan: list[tuple[int, str, int]]
) -> None:
    """The corrected state is in the store: a new connection, and a replay of the log (write
    model, identities, every projection), answer as the connection that corrected."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'qa.db'}"
    with _store(url) as qa:
        history = _recorded(qa, history)
        _apply_fixes(qa, history, plan)
        corrected = answers(qa)
    with _store(url) as again:
        assert answers(again) == corrected
        again.replay()
        assert answers(again) == corrected


@settings(max_examples=20, deadline=None)
@given(history=histories(max_children=2), plan=fixes(3))
def test_sending_again_is_a_no_op(history: list[ev.Event], plan: list[tuple[int, str, int]]) -> None:
    """An identical correction sent again stores nothing and returns its first position; the
    corrected original sent again (a nightly import repeating yesterday's mistake) stores
    nothing and the correction stands."""
    with _store("memory://") as qa:
        history = _recorded(qa, history)
        fixes_made: list[tuple[ev.Event, ev.Event | None, int]] = []
        standing = list(history)
        for pick, what, days in plan:
            i = pick % len(standing)
            original = standing[i]
            replacement = _shifted(original, days) if what == "correct" else None
            try:
                if replacement is not None and replacement != original:
                    at = qa.correct(original, replacement, on=TODAY, by="QA-1", reason="typo")
                    standing[i] = replacement
                elif replacement is None:
                    at = qa.withdraw(original, on=TODAY, by="QA-1", reason="duplicate")
                    del standing[i]
                else:
                    continue
            except InvalidEvent:
                continue
            fixes_made.append((original, replacement, at))
        before = (qa.position, answers(qa))
        for original, replacement, at in fixes_made:
            if replacement is not None:
                assert qa.correct(original, replacement, on=TODAY, by="QA-1", reason="typo") == at
            else:
                assert qa.withdraw(original, on=TODAY, by="QA-1", reason="duplicate") == at
            qa.record(original)
        assert (qa.position, answers(qa)) == before


# --- worked examples: the review, and bad input ---------------------------------------

ORGANISATION: list[dict[str, Any]] = [
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
]
MISTYPED = {
    "type": "ReviewHeld",
    "review_id": "R1",
    "child_ref": "C1",
    "kind": "looked_after_review",
    "held_on": "2026-03-13",
    "chair_id": "IRO-1",
}
HELD = dict(MISTYPED, held_on="2026-03-19")


@pytest.fixture
def store(store_url: str) -> Any:
    with _store(store_url) as qa:
        qa.record_many(ORGANISATION)
        qa.record_json(MISTYPED)
        yield qa


def test_the_mistyped_review_is_fixed_and_the_drift_register_is_right(store: kq.QualityAssurance) -> None:
    """The issue's example: the review recorded on 13 March was held on 19 March. Before: QA
    due from 13 March and the second review from it; after: from 19 March, as a store that
    recorded the right date would say."""
    day = dt.date(2026, 6, 1)
    wrong = {(r.kind, r.due_on) for r in store.drift_register(as_of=day)}
    store.correct(MISTYPED, HELD, on="2026-04-02", by="QA-1", reason="typed as 13 March")
    with _store("memory://") as oracle:
        oracle.record_many([*ORGANISATION, HELD])
        assert kq.to_plain(list(store.drift_register(as_of=day))) == kq.to_plain(
            list(oracle.drift_register(as_of=day))
        )
    assert {(r.kind, r.due_on) for r in store.drift_register(as_of=day)} != wrong


def test_a_correction_of_a_correction(store: kq.QualityAssurance) -> None:
    """Corrections of corrections work: the second corrects the version standing after the
    first; correcting the first version again is refused (R-COR-1)."""
    store.correct(MISTYPED, HELD, on="2026-04-02", by="QA-1", reason="typed as 13 March")
    final = dict(HELD, held_on="2026-03-20")
    with pytest.raises(UnknownReference, match="already corrected") as refused:
        store.correct(MISTYPED, final, on="2026-04-03", by="QA-1", reason="again")
    assert (refused.value.field, refused.value.rule) == ("original", "R-COR-1")
    store.correct(HELD, final, on="2026-04-03", by="QA-1", reason="the minutes say the 20th")
    with _store("memory://") as oracle:
        oracle.record_many([*ORGANISATION, final])
        assert kq.to_plain(list(store.drift_register(as_of="2026-06-01"))) == kq.to_plain(
            list(oracle.drift_register(as_of="2026-06-01"))
        )


def test_an_original_never_recorded_is_an_unknown_reference_naming_it(store: kq.QualityAssurance) -> None:
    before = store.position
    with pytest.raises(UnknownReference) as refused:
        store.correct(
            dict(MISTYPED, review_id="R9"), dict(HELD, review_id="R9"), on="2026-04-02", by="QA-1", reason="x"
        )
    assert (refused.value.event_type, refused.value.field, refused.value.rule) == (
        "RecordCorrected",
        "original",
        "R-COR-1",
    )
    assert "R9" in str(refused.value)
    with pytest.raises(UnknownReference, match="held_on: recorded"):
        store.correct(dict(MISTYPED, held_on="2026-03-14"), HELD, on="2026-04-02", by="QA-1", reason="x")
    assert store.position == before


@pytest.mark.parametrize(
    "replacement",
    [
        {
            "type": "MidwayReviewCompleted",
            "child_ref": "C1",
            "plan": "looked_after",
            "completed_on": "2026-03-13",
            "by": "IRO-1",
        },
        dict(HELD, review_id="R2"),
        dict(HELD, child_ref="C2"),
    ],
    ids=["another type", "another review", "another child"],
)
def test_a_replacement_of_another_type_or_subject_is_a_rule_violation(
    store: kq.QualityAssurance, replacement: dict[str, Any]
) -> None:
    before = store.position
    with pytest.raises(RuleViolation) as refused:
        store.correct(MISTYPED, replacement, on="2026-04-02", by="QA-1", reason="x")
    assert (refused.value.field, refused.value.rule) == ("replacement", "R-COR-2")
    assert store.position == before


def test_a_replacement_that_breaks_a_rule_is_refused_with_that_rule(store: kq.QualityAssurance) -> None:
    """R-COR-2: checked as if the original had never been recorded: a review before the child
    became looked after breaks R-LAC (no period of care)."""
    before = (store.position, answers(store))
    with pytest.raises(InvalidEvent) as refused:
        store.correct(MISTYPED, dict(HELD, held_on="2026-01-10"), on="2026-04-02", by="QA-1", reason="x")
    assert refused.value.event_type == "RecordCorrected" and refused.value.field == "replacement"
    assert refused.value.rule != "R-COR-2"  # the replacement's own rule
    assert (store.position, answers(store)) == before


def test_a_withdrawal_with_dependents_names_them(store: kq.QualityAssurance) -> None:
    """R-COR-3: a review that was quality-assured cannot be withdrawn before its QA."""
    qa_event = {
        "type": "ReviewQualityAssured",
        "review_id": "R1",
        "assured_on": "2026-03-16",
        "by": "IRO-1",
        "plan_reflects_needs": True,
        "actions_in_child_timeframe": True,
        "consistent_with_legal_duties": True,
    }
    try:
        store.record_json(qa_event)
    except InvalidEvent:  # the QA event's fields in this release
        pytest.fail("the QA event of the example should be valid")
    before = (store.position, answers(store))
    with pytest.raises(RuleViolation) as refused:
        store.withdraw(MISTYPED, on="2026-04-02", by="QA-1", reason="recorded against the wrong child")
    assert (refused.value.field, refused.value.rule) == ("original", "R-COR-3")
    assert "ReviewQualityAssured review_id='R1'" in str(refused.value)
    assert (store.position, answers(store)) == before
    store.withdraw(qa_event, on="2026-04-02", by="QA-1", reason="with its review")
    store.withdraw(MISTYPED, on="2026-04-02", by="QA-1", reason="recorded against the wrong child")
    assert not [r for r in store.drift_register(as_of="2026-06-01") if r.review_id == "R1"]


def test_a_changed_correction_sent_again_is_a_conflict(store: kq.QualityAssurance) -> None:
    at = store.correct(MISTYPED, HELD, on="2026-04-02", by="QA-1", reason="typed as 13 March")
    with pytest.raises(ConflictingEvent):
        store.correct(MISTYPED, HELD, on="2026-04-02", by="QA-1", reason="another reason")
    assert store.position == at


def test_a_correction_of_a_forgotten_childs_event_is_an_unknown_reference(store: kq.QualityAssurance) -> None:
    store.forget_child("C1", on=dt.date(2026, 5, 1))
    store.catch_up()
    before = store.position
    with pytest.raises(UnknownReference) as refused:
        store.correct(MISTYPED, HELD, on="2026-05-02", by="QA-1", reason="x")
    assert (refused.value.field, refused.value.rule) == ("original", "R-COR-1")
    assert store.position == before


def test_record_many_takes_corrections_among_events(store: kq.QualityAssurance) -> None:
    """``record_many`` (and so ``kentqa record``) takes RecordCorrected and RecordWithdrawn
    objects among events; the result counts them like events."""
    fix = {
        "type": "RecordCorrected",
        "original": MISTYPED,
        "replacement": HELD,
        "corrected_on": "2026-04-02",
        "by": "QA-1",
        "reason": "typo",
    }
    result = store.record_many(
        [fix, {"type": "ChildBecameLookedAfter", "child_ref": "C2", "on": "2026-04-01"}, fix]
    )
    assert (result.new, result.already_recorded, result.refused) == (2, 1, 0)
    assert result[0] == result[2]


# --- history, export, forgetting ----------------------------------------------------------------


def test_history_shows_the_mistake_and_its_correction(store: kq.QualityAssurance) -> None:
    """``qa.history("child:C1")``: the original where it was recorded, marked superseded by the
    correction, then the correction with who, when and why; the replacement only inside it."""
    at = store.correct(MISTYPED, HELD, on="2026-04-02", by="QA-1", reason="typed as 13 March")
    rows = list(store.history("child:C1"))
    assert [r.type for r in rows] == ["ChildBecameLookedAfter", "ReviewHeld", "RecordCorrected"]
    review, fix = rows[1], rows[2]
    assert review.event == ev.parse(MISTYPED) and review.superseded_at == at
    assert fix.position == at and fix.superseded_at is None
    assert (fix.event.original, fix.event.replacement) == (ev.parse(MISTYPED), ev.parse(HELD))
    assert (fix.event.corrected_on, fix.event.by, fix.event.reason) == (
        dt.date(2026, 4, 2),
        "QA-1",
        "typed as 13 March",
    )


@settings(max_examples=15, deadline=None)
@given(history=histories(max_children=2), plan=fixes(4))
def test_export_then_record_rebuilds_the_corrected_store(
    history: list[ev.Event], plan: list[tuple[int, str, int]]
) -> None:
    """SPEC 9.1: ``export`` writes the corrections as their lines; ``kentqa record`` of it into
    an empty store gives the same answers and the same ``stats()``."""
    import io

    from kentqa_domain.cli.record_lines import record_files

    with _store("memory://") as qa:
        history = _recorded(qa, history)
        _standing, accepted = _apply_fixes(qa, history, plan)
        out = io.BytesIO()
        summary = qa.export(out)
        assert summary.corrections == accepted
        expected = answers(qa)
    out.seek(0)
    out.name = "export.jsonl"
    with _store("memory://") as again:
        result = record_files(again, [out], allow_future=True)
        assert result.refused == []
        assert answers(again) == expected


def test_forgetting_the_child_shreds_its_corrections(tmp_path: Any) -> None:
    """A correction of a child's record is sealed with the child's key: once the child is
    forgotten, neither the replacement nor the reason can be read, in the history or the file."""
    path = tmp_path / "qa.db"
    with _store(f"sqlite:///{path}") as qa:
        qa.record_many(ORGANISATION)
        qa.record_json(MISTYPED)
        qa.correct(MISTYPED, HELD, on="2026-04-02", by="QA-1", reason="C1's minutes say the 19th")
        token = qa.forget_child("C1", on=dt.date(2026, 5, 1)).token
        rows = list(qa.history(f"child:{token}"))
        fix = next(r.event for r in rows if r.type == "RecordCorrected")
        assert fix.reason == "(not kept: the child was forgotten)"
        assert fix.replacement.child_ref == token and fix.replacement.held_on == dt.date(2026, 3, 19)
        qa.scrub()
    data = path.read_bytes()
    assert b"minutes say" not in data and b'"C1"' not in data


def test_an_encrypted_store_corrects_verifies_and_exports(tmp_path: Any) -> None:
    """With encryption at rest the replacement and the mark are sealed and chained like every
    row: the store verifies (``kentqa verify``), a reopened connection answers alike, and the
    plaintext is not in the file."""
    url = f"sqlite:///{tmp_path / 'qa.db'}"
    key = new_key()
    with kq.connect(url, policy=kq.Policy(), cipher_key=key) as qa:
        qa.today = lambda: TODAY  # type: ignore[method-assign]
        qa.record_many(ORGANISATION)
        qa.record_json(MISTYPED)
        qa.correct(MISTYPED, HELD, on="2026-04-02", by="QA-1", reason="typed as 13 March")
        expected = answers(qa)
    with kq.connect(url, policy=kq.Policy(), cipher_key=key) as again:
        assert answers(again) == expected
        report = again.verify()
        assert report.events == again.log.end()
        fix = next(r for r in again.history("child:C1") if r.type == "RecordCorrected")
        assert fix.event.reason == "typed as 13 March"
    assert b"typed as 13 March" not in (tmp_path / "qa.db").read_bytes()


def test_withdrawing_a_qa_then_its_review_and_sending_both_again_is_a_no_op() -> None:
    """Found by ``test_sending_again_is_a_no_op`` (seeded example): once a review was withdrawn,
    sending again the withdrawal of its QA (recorded before the review's) could not find the
    review's child and was refused (R-COR-1) instead of being a no-op. A withdrawn review's
    lookup name now outlives it."""
    day = dt.date(2026, 3, 2)
    review = ev.ReviewHeld(
        review_id="R1", child_ref="C1", kind="looked_after_review", held_on=day, chair_id="IRO1"
    )
    with _store("memory://") as qa:
        qa.record_many(
            [
                ev.TeamRegistered(team_id="T1", name="T1", service="Children's Social Work", area="East"),
                ev.WorkerRegistered(
                    worker_id="IRO1",
                    team_id="T1",
                    role="iro",
                    experience="experienced",
                    registered_on=dt.date(2026, 1, 5),
                ),
                ev.ChildBecameLookedAfter(child_ref="C1", on=dt.date(2026, 2, 1), iro_id="IRO1"),
                review,
            ]
        )
        assured = ev.ReviewQualityAssured(
            review_id="R1",
            assured_on=day,
            by="IRO1",
            plan_reflects_needs=True,
            actions_in_child_timeframe=True,
            consistent_with_legal_duties=True,
        )
        qa.record(assured)
        first = qa.withdraw(assured, on=TODAY, by="QA-1", reason="duplicate")
        second = qa.withdraw(review, on=TODAY, by="QA-1", reason="duplicate")
        before = (qa.position, qa.stats())
        assert qa.withdraw(assured, on=TODAY, by="QA-1", reason="duplicate") == first
        assert qa.withdraw(review, on=TODAY, by="QA-1", reason="duplicate") == second
        assert (qa.position, qa.stats()) == before
