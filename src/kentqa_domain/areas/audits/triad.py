"""R-AUD-4: triad recommendations, where practitioner and peer audits of the same case differ most.

For each case audited in the cycle by both a practitioner audit and a peer audit, the gap is
|a - b| between their ``overall`` grades scored 1 (outstanding) .. 4 (inadequate). Per
unordered pair of auditors: the mean gap and the number of cases. Pairs whose mean gap is
above 0 are ranked by mean gap (largest first), then by cases (most first), then by the
auditor ids; each is paired with a current ``qa_unit`` worker in turn (round-robin over
them sorted by id), or None when there is none (framework 4.3, "Triad audits").

Several audits of one kind on one case (decision 0301): only the latest of each kind counts
(latest ``completed_on``, then the greatest ``audit_id``): a re-audit replaces the earlier
view of the case. A case whose latest practitioner and peer audits were done by the same
auditor gives no pair: nobody moderates with themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction

from ...values import AuditKind
from . import events as ev
from .rows import TriadRecommendation

COMPARED = (AuditKind.PRACTITIONER, AuditKind.PEER)


def latest_by_case(
    audits: Iterable[ev.AuditCompleted],
) -> dict[str, dict[AuditKind, ev.AuditCompleted]]:
    """case_ref -> kind -> the latest practitioner / peer audit of that case (decision 0301)."""
    latest: dict[str, dict[AuditKind, ev.AuditCompleted]] = {}
    for audit in audits:
        if audit.kind not in COMPARED or audit.case_ref is None or audit.overall is None:
            continue
        kinds = latest.setdefault(audit.case_ref, {})
        known = kinds.get(audit.kind)
        if known is None or (audit.completed_on, audit.audit_id) > (known.completed_on, known.audit_id):
            kinds[audit.kind] = audit
    return latest


def recommend(audits: Iterable[ev.AuditCompleted], qa_members: Sequence[str]) -> list[TriadRecommendation]:
    """R-AUD-4: the ranked auditor pairs with a mean gap above 0, each with a qa_unit member."""
    gaps: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for case_ref, kinds in latest_by_case(audits).items():
        if len(kinds) < 2:
            continue
        practitioner, peer = kinds[AuditKind.PRACTITIONER], kinds[AuditKind.PEER]
        if practitioner.auditor_id == peer.auditor_id:
            continue
        pair = sorted((practitioner.auditor_id, peer.auditor_id))
        gap = abs(_score(practitioner) - _score(peer))
        gaps.setdefault((pair[0], pair[1]), []).append((case_ref, gap))

    ranked = sorted(
        (
            (Fraction(sum(g for _, g in cases), len(cases)), len(cases), pair, cases)
            for pair, cases in gaps.items()
        ),
        key=lambda item: (-item[0], -item[1], item[2]),
    )
    rows = []
    for rank, (mean, count, (a, b), cases) in enumerate((r for r in ranked if r[0] > 0), start=1):
        rows.append(
            TriadRecommendation(
                rank=rank,
                auditor_a=a,
                auditor_b=b,
                mean_gap=float(mean),
                cases=count,
                total_gap=sum(g for _, g in cases),
                case_refs=tuple(sorted(c for c, _ in cases)),
                qa_member=qa_members[(rank - 1) % len(qa_members)] if qa_members else None,
            )
        )
    return rows


def _score(audit: ev.AuditCompleted) -> int:
    """The overall grade scored 1..4 (``latest_by_case`` keeps only graded audits)."""
    return audit.overall.score if audit.overall is not None else 0
