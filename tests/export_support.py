"""What the export and history tests share: a small council, the answers a user can ask for,
and those answers with forgotten children's tokens and pseudonyms set aside (decision 0980:
a child forgotten in the exported store comes back forgotten under a token of its own)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from functools import cache
from typing import Any

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.cli.record_lines import RecordSummary, record_files
from kentqa_domain.demo import council_events

AS_OF = dt.date(2026, 11, 20)
#: a forgotten child's token (anon- and 20 hex digits) or a pseudonym of its ids (24)
ANONYMOUS = re.compile(r"anon-[0-9a-f]{20}(?:[0-9a-f]{4})?")


@cache
def council() -> tuple[ev.Event, ...]:
    """A small council's year (about 3,500 events of every common type), in recording order."""
    return tuple(council_events(size=0.01, seed=3, as_of=AS_OF))


def answers(qa: kq.QualityAssurance) -> dict[str, Any]:
    """Every register, the cycle, the voice summary and the counts, as plain data."""
    return {
        "stats": dict(qa.stats()),
        "drift": kq.to_plain(list(qa.drift_register(as_of=AS_OF))),
        "escalations": kq.to_plain(list(qa.escalations(as_of=AS_OF))),
        "complaints": kq.to_plain(list(qa.complaints_register(as_of=AS_OF))),
        "observations": kq.to_plain(list(qa.observation_compliance(as_of=AS_OF))),
        "review_qa": kq.to_plain(list(qa.review_qa_summary(as_of=AS_OF))),
        "cycle": kq.to_plain(qa.audit_cycle(kq.cycle_id_for(AS_OF), as_of=AS_OF)),
        "voice": kq.to_plain(qa.voice_summary(dt.date(2026, 4, 1), AS_OF)),
        "notifications": kq.to_plain(list(qa.notifications(as_of=AS_OF))),
    }


def anonymised(value: Any) -> Any:
    """``value`` with every token and pseudonym replaced by ``anon`` and lists in a canonical
    order (rows sorted by a child's token would otherwise sort differently)."""
    if isinstance(value, str):
        return ANONYMOUS.sub("anon", value)
    if isinstance(value, dict):
        return {anonymised(k): anonymised(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return sorted((anonymised(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def exported(qa: kq.QualityAssurance, **options: Any) -> bytes:
    out = io.BytesIO()
    qa.export(out, **options)
    return out.getvalue()


def record_export(qa: kq.QualityAssurance, data: bytes) -> RecordSummary:
    """``kentqa record``'s reading of an export (forgetting lines included)."""
    handle = io.BytesIO(data)
    handle.name = "export.jsonl"
    return record_files(qa, [handle], allow_future=True)


def lines(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.decode().splitlines()]
