"""The write model and the identity index rebuilt from the log (``kentqa replay``; SPEC 9.4).

Under the write lock, page by page from the write model's position: each stored event folded
into the write model, its identity recorded; a row a correction changed is folded as it reads
now, and keeps its identity as recorded (decision 0995).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import events as ev
from ..corrections.events import CORRECTED, WITHDRAWN, identity_bytes, rest_bytes
from ..events import Event
from ..serialization.mapper import CORRECTION_TOPIC, CorrectionMark, Recorded
from .base import RecordingBase
from .results import MODEL, REBUILD_PAGE


class Rebuilding(RecordingBase):
    """The write model rebuilt from the log (see :mod:`kentqa_domain.recording.batch`)."""

    # --- rebuilding the write model from the log ---------------------------------------------

    def catch_up_model(
        self, decode: Callable[[Any], tuple[Recorded, bytes]], *, restart: bool = False
    ) -> int:
        """Fold the log into the write model and the identity index from the model's position
        (from the start with ``restart``), under the write lock: an upgraded store, or
        ``kentqa replay``. Returns the events folded."""
        folded = 0
        with self.tables.writing(self.recorder) as cursor:
            if restart:
                self.tables.delete_docs(cursor, MODEL)
                self.tables.delete_identities(cursor)
                self._move_model(cursor, 0)
                self.model.clear()
            position = self._model_position(cursor)
            self.model.sync(position)
            end = self.tables.log_end(cursor, self.recorder)
            try:
                while position < end:
                    raw = self.tables.log_page(cursor, self.recorder, position + 1, REBUILD_PAGE)
                    if not raw:
                        break
                    page = self.corrected(raw, cursor)
                    identities = []
                    replaced: list[tuple[int, int, int]] = []  # identities of corrected rows: the last wins
                    self.model.writing = True
                    try:
                        for raw_row, row in zip(raw, page, strict=True):
                            found = self._fold_stored(row, decode)
                            if row is raw_row and raw_row[3] != CORRECTION_TOPIC:
                                if found is not None:
                                    identities.append(found)
                            elif (again := self._identity_of_row(cursor, raw_row, decode)) is not None:
                                replaced.append(again)
                    finally:
                        self.model.writing = False
                    position = raw[-1][0]
                    known = self.tables.identities_of(cursor, [k for k, _p, _d in identities])
                    fresh: dict[int, tuple[int, int, int]] = {}
                    for key, at, digest in identities:
                        if key not in known and key not in fresh:
                            fresh[key] = (key, at, digest)
                    self.tables.insert_identities(cursor, list(fresh.values()))
                    for key, at, digest in replaced:
                        self.tables.set_identity(cursor, key, at, digest)
                    writes = self.model.changes()
                    self.tables.write_docs(cursor, MODEL, position, writes)
                    self._move_model(cursor, position)
                    self.model.committed(position, writes)
                    folded += len(page)
            except BaseException:
                self.model.clear()
                raise
        return folded

    def _fold_stored(
        self, row: Any, decode: Callable[[Any], tuple[Recorded, bytes]]
    ) -> tuple[int, int, int] | None:
        """One stored event into the write model; its (identity key, position, digest)."""
        if row[3] is None:  # nothing to fold in this place after a correction (decision 0995)
            return None
        recorded, canonical = decode(row)
        subject = self._fold_recorded(recorded)
        if subject is None:
            return None
        return self.identity(subject), row[0], self.digest(canonical)

    def _identity_of_row(
        self, cursor: Any, row: Any, decode: Callable[[Any], tuple[Recorded, bytes]]
    ) -> tuple[int, int, int] | None:
        """(identity key, position, digest) of a row as recorded, when a correction changed how
        it reads: a corrected or replacement event under its own identity, a correction's mark
        under the correction's (so that sending either again stays a no-op after a rebuild)."""
        recorded, canonical = decode(row)
        event = recorded.event
        if isinstance(event, Event):
            subject = recorded.sealing.anonymous if recorded.sealing is not None else event
            return self.identity(subject), row[0], self.digest(canonical)
        if isinstance(event, CorrectionMark) and event.reason is not None:
            original = self.tables.correction_of(cursor, event.original)
            replacement = self.tables.correction_of(cursor, event.replacement) if event.replacement else None
            if original is None:
                return None
            kind = CORRECTED if event.replacement is not None else WITHDRAWN
            key = self.digest(
                identity_bytes(kind, original[3], original[4], replacement[4] if replacement else 0)
            )
            return key, row[0], self.digest(rest_bytes(event.on, event.by, event.reason))
        return None

    def _fold_recorded(self, recorded: Recorded) -> Event | None:
        """One stored event into the write model; the event as folded (None: a mark)."""
        event = recorded.event
        if not isinstance(event, Event):  # a child forgotten: its reviews' lookup names go
            token = getattr(event, "token", None)
            names = self.book.child_reviews.pop(token, ()) if token else ()
            for name in names:
                self.book.review_lookup.pop(name, None)
            return None
        sealing = recorded.sealing
        subject = sealing.anonymous if sealing is not None else event
        self.book.apply(subject)
        if sealing is not None and isinstance(event, ev.ReviewHeld):
            self._note_review(event.review_id, sealing.token)
        return subject
