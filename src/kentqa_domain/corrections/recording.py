"""Recording a correction or a withdrawal: one write transaction (SPEC 9.1, R-COR-1..4).

How it is stored (decision 0995): the replacement is stored as an ordinary event of its
stream (sealed with the child's key like any of the child's events), followed by a mark
(topic ``kentqa.Correction``: which row it corrects, the replacement's row, the date, who,
and why — the reason sealed with the child's key for a child's record, so forgetting the
child shreds it). ``kentqa_corrections`` then says how the log reads: the corrected row as
the version standing now, a withdrawn row and a replacement at its own place as nothing.

Inside the transaction (the store's write lock held), after storing, the write model is
folded again from that corrected log, every event from the original's position on checked
against the rules as it goes (R-COR-2: the replacement as if the original had never been
recorded; R-COR-3: nothing recorded later may depend on a withdrawn event); a refusal rolls
everything back. Then every projection is folded again from the corrected log, its documents
and rows written at the mark's position with its tracking position. So every answer, report
and notification is what a store that recorded the corrected history from the start would
give (R-COR-4), in every process, at the mark's position. The cost is a fold of the whole
log under the lock per correction (measured in ``docs/performance.md``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import attrs

from .. import events as ev
from ..errors import ConflictingEvent, InvalidEvent, RuleViolation, UnknownReference
from ..recording.batch import Recording
from ..recording.results import MODEL, REBUILD_PAGE, _place
from ..serialization.mapper import CorrectionMark, Recorded
from ..state.log import LogReader
from ..state.runner import Projections
from .events import Correction, RecordCorrected, identity_bytes, rest_bytes
from .refusals import NAMED, as_field, described, filled, precheck, refusal


class Corrector:
    """Records corrections and withdrawals for one connection (see the module docstring)."""

    def __init__(self, recording: Recording, projections: Projections, log: LogReader, stream: UUID) -> None:
        self.recording = recording
        self.projections = projections
        self.log = log
        #: the stream of correction marks
        self.stream = stream
        #: (review id, child token) of the reviews the fixes of one call take out of the log
        self._reviews_kept: list[tuple[str, str]] = []

    def record_fix(self, fix: Correction, *, not_after: dt.date | None = None) -> tuple[int, bool]:
        """Check and store ``fix``; returns the mark's position and whether it was stored (an
        identical correction recorded before: its position, and False). Raises its refusal."""
        (result,) = self.record_fixes([fix], not_after=not_after)
        if isinstance(result, InvalidEvent):
            raise result
        return result

    def record_fixes(
        self, fixes: Sequence[Correction], *, not_after: dt.date | None = None
    ) -> list[tuple[int, bool] | InvalidEvent]:
        """Several corrections in one write transaction and one fold of the state (the fold of
        the log is what a correction costs, whatever their number). Each result: (position,
        stored) or the refusal. If the fold refuses (R-COR-2/3) with more than one correction
        stored, they are recorded again one at a time, so that each refusal is its own."""
        rec = self.recording
        self._reviews_kept = []
        results: list[tuple[int, bool] | InvalidEvent | None] = [precheck(f, not_after) for f in fixes]
        stored: list[int] = []
        try:
            with rec.tables.writing(rec.recorder) as cursor:
                rec.model.sync(rec.tables.position_of(cursor, MODEL))
                chains: list[int] = []
                last = 0
                for i, fix in enumerate(fixes):
                    if results[i] is not None:
                        continue
                    try:
                        position, chain = self._store(cursor, fix)
                    except InvalidEvent as exc:
                        results[i] = exc
                        continue
                    results[i] = (position, chain is not None)
                    if chain is not None:
                        stored.append(i)
                        chains.append(chain)
                        last = max(last, position)
                if chains:
                    broken = self._refold_model(cursor, min(chains), last)
                    self._keep_reviews(cursor, last)
                    if broken:
                        raise _Retry if len(stored) > 1 else refusal(fixes[stored[0]], chains[0], broken)  # noqa: TRY301 - leaves the transaction, rolling it back
                    self.projections.refold(cursor, self._read_for_projections(cursor), last)
                    rec.tables.set_position(cursor, MODEL, last)
        except _Retry:
            self._dropped()
            return [self._one(f, not_after) for f in fixes]
        except InvalidEvent as exc:
            self._dropped()
            results[stored[0]] = exc
            return filled(results)
        except BaseException:
            self._dropped()
            raise
        if not stored:
            rec.model.discard()
        return filled(results)

    def _one(self, fix: Correction, not_after: dt.date | None) -> tuple[int, bool] | InvalidEvent:
        try:
            return self.record_fix(fix, not_after=not_after)
        except InvalidEvent as exc:
            return exc

    def _keep_reviews(self, cursor: Any, end: int) -> None:
        """The lookup names of the reviews these fixes withdrew or replaced, noted again after
        the refold (R-COR-1: re-sending a fix, or fixing a QA of the review, finds the child)."""
        rec = self.recording
        if not self._reviews_kept:
            return
        rec.model.writing = True
        try:
            for review_id, token in self._reviews_kept:
                rec._note_review(review_id, token)
        finally:
            rec.model.writing = False
        writes = rec.model.changes()
        rec.tables.write_docs(cursor, MODEL, end, writes)
        rec.model.committed(end, writes)

    def _dropped(self) -> None:
        """The transaction rolled back: what the sessions hold is not in the store."""
        self.recording.model.clear()
        for name in self.projections.names():
            self.projections[name].session.clear()

    # --- inside the write transaction -------------------------------------------------------

    def _store(self, cursor: Any, fix: Correction) -> tuple[int, int | None]:
        """Check ``fix`` against the store (R-COR-1, R-COR-2's identities) and store it: its
        replacement, its mark, its rows of ``kentqa_corrections`` and identities. Returns the
        mark's position and the position first recorded of what it corrects (None: the same
        correction was recorded before, nothing stored)."""
        rec, tables = self.recording, self.recording.tables
        replacement = fix.replacement if isinstance(fix, RecordCorrected) else None
        original = fix.original
        self._child_known(fix, original)
        prepared = rec._prepare([original] if replacement is None else [original, replacement])
        for item, field in zip(prepared, ("original", "replacement"), strict=False):
            if isinstance(item, InvalidEvent):
                raise as_field(item, fix, field)
        _o_event, o_seal, o_key, _o_body, o_digest = prepared[0]
        if isinstance(original, ev.ReviewHeld) and o_seal is not None:
            # the review's lookup name outlives it: a QA of it, or this fix sent again, still
            # finds its child (the refold of the corrected log no longer meets the review)
            self._reviews_kept.append((original.review_id, o_seal.token))
        r_key = r_digest = 0
        if replacement is not None:
            _r_event, r_seal, r_key, r_body, r_digest = prepared[1]
        fix_key, fix_digest = self._fix_identity(fix, o_key, o_digest, r_digest)
        known = tables.identities_of(cursor, [o_key, fix_key, *([r_key] if replacement is not None else [])])
        if fix_key in known:  # recorded before: identical is a no-op
            at, digest = known[fix_key]
            if digest == fix_digest:
                return at, None
            raise ConflictingEvent(
                fix.type,
                "reason",
                "idempotency",
                f"this {fix.type} of {described(original)} was already recorded (position {at}) with another date, author or reason",
            )
        live = self._live(cursor, fix, o_key, o_digest, known)
        entry = tables.correction_of(cursor, live)
        chain = entry[0] if entry is not None else live
        head = tables.correction_of(cursor, chain) if chain != live else entry
        if head is not None and head[1] == 0:
            raise UnknownReference(
                fix.type, "original", "R-COR-1", f"{described(original)} was withdrawn (position {head[2]})"
            )
        if replacement is not None and r_key != o_key and r_key in known:
            raise RuleViolation(
                fix.type,
                "replacement",
                "R-COR-2",
                f"{described(replacement)} with this identity is already recorded (position {known[r_key][0]}); "
                "withdraw the original instead",
            )
        # store: the replacement, then the mark
        r_position = None
        if replacement is not None:
            subject = r_seal.anonymous if r_seal is not None else replacement
            stream = rec._stream(rec.book.stream(subject), r_seal)
            r_position = self._insert(
                cursor, stream, Recorded(stream, 0, replacement, sealing=r_seal, body=r_body)
            )
        key_id = o_seal.key_id if o_seal is not None else None
        mark = CorrectionMark(live, r_position, chain, fix.business_date, fix.by, fix.reason, key_id)
        m_position = self._insert(cursor, self.stream, Recorded(self.stream, 0, mark))
        rows = [(live, chain, (r_position or 0) if live == chain else -1, o_key, o_digest, m_position)]
        if live != chain:
            # head is the chain's correction row, which a chain other than the live record has
            rows.append((chain, chain, r_position or 0, head[3], head[4], m_position))  # type: ignore[index]
        if r_position is not None:
            rows.append((r_position, chain, -1, r_key, r_digest, m_position))
            tables.set_identity(cursor, r_key, r_position, r_digest)
        tables.mark_corrected(cursor, rows)
        tables.insert_identities(cursor, [(fix_key, m_position, fix_digest)])
        # the state, folded again from the corrected log, checked from the original's place
        return m_position, chain

    def _child_known(self, fix: Correction, original: ev.Event) -> None:
        """R-COR-1: a forgotten child's (or an unknown child's) record cannot be corrected."""
        ref = getattr(original, "child_ref", None)
        if isinstance(ref, str) and self.recording.keyring.child_key_id(ref, create=False) is None:
            raise UnknownReference(
                fix.type,
                "original",
                "R-COR-1",
                f"child {ref!r} has no record here (never recorded, or forgotten)",
            )

    def _fix_identity(self, fix: Correction, o_key: int, o_digest: int, r_digest: int) -> tuple[int, int]:
        """A correction's identity (what it corrects, into what) and the digest of the rest,
        keyed with the store's secret in an encrypted store."""
        digest = self.recording.digest
        return (
            digest(identity_bytes(fix.type, o_key, o_digest, r_digest)),
            digest(rest_bytes(fix.business_date, fix.by, fix.reason)),
        )

    def _live(
        self, cursor: Any, fix: Correction, key: int, digest: int, known: dict[int, tuple[int, int]]
    ) -> int:
        """R-COR-1: the position of the standing version equal to ``fix.original``."""
        rec, tables, original = self.recording, self.recording.tables, fix.original
        if key not in known:
            raise UnknownReference(
                fix.type, "original", "R-COR-1", f"{described(original)} was never recorded"
            )
        at, stored = known[key]
        if stored == digest:
            return at
        for _position, chain in tables.superseded(cursor, key, digest):
            head = tables.correction_of(cursor, chain)
            raise UnknownReference(
                fix.type,
                "original",
                "R-COR-1",
                f"{described(original)} as given was already corrected (position {head[2] if head else '?'}); "
                "correct the version standing now (kentqa history shows it)",
            )
        earlier = rec._earlier_at(cursor, at)
        if earlier is None or type(earlier) is not type(original):
            raise UnknownReference(
                fix.type,
                "original",
                "R-COR-1",
                f"{described(original)} was recorded otherwise: give it as recorded",
            )
        fields = [f.name for f in attrs.fields(type(original))]
        differ = [n for n in fields if getattr(earlier, n) != getattr(original, n)]
        if not differ:  # stored by an earlier release, before a field with a default was added
            return at
        listed = "; ".join(
            f"{n}: recorded {getattr(earlier, n)!r}, given {getattr(original, n)!r}" for n in differ
        )
        raise UnknownReference(
            fix.type,
            "original",
            "R-COR-1",
            f"{described(original)} was recorded otherwise ({listed}): give it as recorded",
        )

    def _insert(self, cursor: Any, stream: UUID, recorded: Recorded) -> int:
        rec = self.recording
        version = rec.tables.stream_versions(cursor, rec.recorder, [stream]).get(stream, 0) + 1
        recorded = Recorded(stream, version, recorded.event, sealing=recorded.sealing, body=recorded.body)
        stored = rec.mapper.to_stored_event(recorded)
        (position,) = rec.tables.insert_events(cursor, rec.recorder, [stored])
        if rec.head is not None:
            rec.head.advance(cursor, [_place(position, stored)])
        return int(position)

    def _read(self, cursor: Any) -> Any:
        rec = self.recording

        def read(start: int, limit: int) -> list[Any]:
            return self.log.corrected(rec.tables.log_page(cursor, rec.recorder, start, limit), cursor)

        return read

    def _read_for_projections(self, cursor: Any) -> Any:
        read = self._read(cursor)

        def for_projections(start: int, limit: int, keys: bool) -> Any:
            return self.log.fold_rows(read(start, limit), keys)

        return for_projections

    def _refold_model(
        self, cursor: Any, check_from: int, end: int
    ) -> list[tuple[int, ev.Event, InvalidEvent]]:
        """The write model folded again from the corrected log, each event from ``check_from``
        on checked first; its documents written at ``end``. Returns the events the rules
        refuse now (none: the corrections stand), at most NAMED of them."""
        rec = self.recording
        model = rec.model
        rec.tables.blank_docs(cursor, MODEL, end)
        model.clear()
        read = self._read(cursor)
        broken: list[tuple[int, ev.Event, InvalidEvent]] = []
        position = 0
        while position < end and len(broken) < NAMED:
            page = read(position + 1, REBUILD_PAGE)
            if not page:
                break
            model.writing = True
            try:
                for row in page:
                    if row[3] is None or row[0] > end:
                        continue
                    recorded, _canonical = self.log.decode(row)
                    event = recorded.event
                    if row[0] >= check_from and isinstance(event, ev.Event):
                        subject = recorded.sealing.anonymous if recorded.sealing is not None else event
                        try:
                            rec._check(subject, recorded.sealing)
                        except InvalidEvent as exc:
                            broken.append((row[0], event, exc))
                            if len(broken) >= NAMED:
                                break
                            continue
                    rec._fold_recorded(recorded)
            finally:
                model.writing = False
            position = page[-1][0]
            writes = model.changes()
            rec.tables.write_docs(cursor, MODEL, end, writes)
            model.committed(end, writes)
        return broken


class _Retry(Exception):
    """Several corrections' fold refused: record them one at a time."""
