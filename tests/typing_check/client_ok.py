"""A council developer's client, as ``mypy --strict`` must accept it (SPEC 9.5).

Type-checked by tests/typing_check/test_client_typing.py, and run there too: it is real code.
Only public imports; strings where the runtime takes them (ISO dates, enum values).
"""

from __future__ import annotations

import datetime as dt
import io
import sys

import kentqa_domain as kq
from kentqa_domain import events as ev


def record_a_child(qa: kq.QualityAssurance) -> list[int | None]:
    """Events built with the strings a CSV export holds (dates ISO, kinds by value)."""
    return qa.record_many(
        [
            ev.TeamRegistered(team_id="T1", name="East CIC", service="Children's Social Work", area="East"),
            ev.WorkerRegistered(
                worker_id="W1",
                team_id="T1",
                role="practitioner",
                experience="experienced",
                registered_on="2025-01-06",
            ),
            ev.WorkerRegistered(
                worker_id="IRO1",
                team_id="T1",
                role=kq.Role.IRO,
                experience="experienced",
                registered_on="2025-01-06",
            ),
            ev.ChildBecameLookedAfter(child_ref="C1", on="2026-01-05", iro_id="IRO1"),
            ev.ReviewHeld(
                review_id="R1",
                child_ref="C1",
                kind="looked_after_review",
                held_on=dt.date(2026, 2, 2),
                chair_id="IRO1",
                actions=[
                    {
                        "action_id": "A1",
                        "description": "Life story work",
                        "owner_id": "W1",
                        "due_on": "2026-03-01",
                    }
                ],
            ),
        ]
    )


def drift_as_csv(qa: kq.QualityAssurance, as_of: str) -> tuple[int, str]:
    """The drift register at ``as_of`` (an ISO string) as CSV, and the position it reflects."""
    rows: kq.Rows[kq.DriftRow] = qa.drift_register(as_of=as_of)
    overdue: list[kq.DriftKind] = [row.kind for row in rows]
    assert all(isinstance(kind, kq.DriftKind) for kind in overdue)
    out = io.StringIO()
    kq.rows_to_csv(rows, out)
    assert rows.position is not None
    return rows.position, out.getvalue()


def main() -> None:
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        record_a_child(qa)
        position, text = drift_as_csv(qa, "2026-06-01")
        first: dict[str, object] = qa.drift_register(as_of=dt.datetime(2026, 6, 1, 9, 30))[0].to_dict()
        try:
            qa.escalations(as_of=20260601)  # type: ignore[arg-type]  # refused at run time too
        except kq.InvalidInput as error:
            sys.stdout.write(f"refused: {error.query}.{error.argument}\n")
        with qa.at_one_position() as q:
            counts = q.stats()
            assert counts.position == q.position == position
        sys.stdout.write(f"position {position}: {len(text.splitlines()) - 1} rows, first {first['kind']}\n")


if __name__ == "__main__":
    main()
