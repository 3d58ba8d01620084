"""Children's plans as facts in the store: looked-after episodes, CP plans, reviews, midway
reviews, QA and plan actions, plus which team each worker was in (R-LAC-1..9, R-ADO-1,
R-CP-1..9): the fold of the ``child_plans`` projection.

State (decision 0900), each map one document per entry:

- ``children``: child token -> :class:`~.facts.ChildRecord` (the child's facts, keyed
  by identity, so the same in any arrival order);
- ``quality``: review pseudonym -> its ``ReviewQualityAssured``;
- ``review_child``: review pseudonym -> the child's token (a QA names only its review);
- ``workers``: worker id -> :class:`~.facts.WorkerHistory`;
- ``worker_children``: (worker id, bucket) -> the tokens of the children whose facts name
  the worker (their caseload over their career, in 16 documents by a hash of the token):
  the rows to derive again when a worker registers or moves, so that the rows' teams never
  depend on the order events arrive in;
- ``rows_meta``: one document (:class:`RowsMeta`): the latest business date folded and the
  policies the rows were derived under, which say when ``kentqa_drift_items`` *is* the drift
  register (:meth:`ChildPlans.rows_answer`).

A child's events arrive anonymous: its token, pseudonymised review and action ids, no free
text. The state therefore holds no child's reference and forgetting a child changes nothing
in it; the queries put the references back (:mod:`kentqa_domain.areas.plans.queries`).

The row tables, replaced with the child's document, and each child's rows in them are
:mod:`kentqa_domain.areas.plans.plan_rows`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import zlib
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from ...event_base import Event
from ...policy import Policy
from ...readmodel.docs import DocMap, load
from ...readmodel.projection import RowChange, StoredProjection
from ..escalations.events import EscalationRaised
from ..organisation.events import WorkerMoved, WorkerRegistered
from . import events as ev
from .facts import CHILD_EVENTS, ChildRecord, PlanFacts, WorkerHistory, WorkerTeams
from .plan_rows import (
    DRIFT_ITEMS,
    DRIFT_REGISTER,
    PLAN_PERIODS,
    REVIEW_TIMELINESS,
    REVIEWS,
    child_rows,
    timeliness_rows,
)
from .teams import PlanTeams
from .timeliness import built_plans

#: A worker's children are spread over this many documents (``worker id \x1f bucket``).
_LINK_BUCKETS = 16


def _bucket_key(worker_id: str, bucket: int) -> str:
    return f"{worker_id}\x1f{bucket:02d}"


def _link_key(worker_id: str, token: str) -> str:
    return _bucket_key(worker_id, zlib.crc32(token.encode()) % _LINK_BUCKETS)


@functools.cache
def _defaults() -> Policy:
    return Policy()


#: The events this projection folds: their business dates make the rows' horizon.
FOLDED = (*CHILD_EVENTS, ev.ReviewQualityAssured, EscalationRaised, WorkerRegistered, WorkerMoved)

#: Policy fields that do not change a plan's due dates (who sees what, names, notices).
_NOT_SCHEDULE = frozenset({"access", "council", "customer_care_audience"})


@functools.lru_cache(maxsize=16)
def schedule_fingerprint(policy: Policy) -> str:
    """A digest of what in ``policy`` decides drift due dates (intervals, closure days)."""
    parts = []
    for field in attrs.fields(Policy):
        if field.name in _NOT_SCHEDULE:
            continue
        value = getattr(policy, field.name)
        parts.append((field.name, sorted(value) if isinstance(value, frozenset) else value))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


@attrs.define
class RowsMeta:
    """What the row tables were derived from: the latest business date of any fact folded
    (``horizon``) and the schedule fingerprints of the policies that derived them."""

    horizon: dt.date = dt.date.min
    policies: set[str] = attrs.Factory(set)


class ChildPlans(StoredProjection):
    """Facts of every child's plans (``qa.drift_register``, ``qa.review_qa_summary``)."""

    name = "child_plans"
    # 6: PlanActionAgreed (SPEC 9.5); 7: R-CP-1 revised, R-CP-8, R-CP-9; 8: R-LAC-8, R-ADO-1;
    # 9: kentqa_review_timeliness (R-TML-1); 10: allocation, IRO and CP Chair assignments,
    # iro_not_assigned, kentqa_drift_items.worker_id and iro_id (SPEC 9.2, R-LAC-9)
    version = 10
    tables = (PLAN_PERIODS, DRIFT_ITEMS, REVIEWS, REVIEW_TIMELINESS)
    sql_views = (DRIFT_REGISTER,)

    def setup(self) -> None:
        self.children: DocMap[str, ChildRecord] = self.session.map("children", str, ChildRecord)
        self.quality: DocMap[str, ev.ReviewQualityAssured] = self.session.map(
            "quality", str, ev.ReviewQualityAssured
        )
        self.review_child: DocMap[str, str] = self.session.map("review_child", str, str)
        self.workers: DocMap[str, WorkerHistory] = self.session.map("workers", str, WorkerHistory)
        #: (worker id, bucket) -> the tokens of the children whose facts name them (chair, IRO,
        #: action owner, QA author): whose rows to derive again when the worker's team changes
        self.worker_children: DocMap[str, set[str]] = self.session.map("worker_children", str, set[str])
        self.rows_meta: DocMap[str, RowsMeta] = self.session.map("rows_meta", str, RowsMeta)

    def _child(self, token: str) -> ChildRecord:
        self.children.prefetch([token])  # one read, remembered if it finds nothing
        child = self.children.get(token)
        if child is None:
            child = self.children[token] = ChildRecord(token)
        return child

    def prefetch(self, events: Sequence[Any]) -> None:
        """The documents a page of events will touch, a few reads per map (not one per event:
        on PostgreSQL each read is a round trip)."""
        children: list[str] = []
        reviews: list[str] = []
        workers: list[str] = []
        links: list[str] = []
        assured: list[ev.ReviewQualityAssured] = []
        for event in events:
            if isinstance(event, CHILD_EVENTS):
                token = event.child_ref
                children.append(token)
                if isinstance(event, ev.ChildBecameLookedAfter) and event.iro_id is not None:
                    links.append(_link_key(event.iro_id, token))
                elif isinstance(event, ev.ReviewHeld):
                    reviews.append(event.review_id)
                    named = [event.chair_id, *(a.owner_id for a in event.actions)]
                    links += [_link_key(w, token) for w in named if w is not None]
                elif isinstance(event, ev.PlanActionAgreed):
                    links.append(_link_key(event.action.owner_id, token))
                elif isinstance(event, ev.IROAssigned):
                    links.append(_link_key(event.iro_id, token))
                elif isinstance(event, ev.CPChairAssigned):
                    links.append(_link_key(event.chair_id, token))
            elif isinstance(event, ev.ReviewQualityAssured):
                reviews.append(event.review_id)
                assured.append(event)
            elif isinstance(event, EscalationRaised) and event.child_ref is not None:
                children.append(event.child_ref)
            elif isinstance(event, (WorkerRegistered, WorkerMoved)):
                workers.append(event.worker_id)
        self.rows_meta.prefetch([""])
        self.children.prefetch(children)
        self.quality.prefetch(reviews)
        self.review_child.prefetch(reviews)
        self.workers.prefetch(workers)
        for qa in assured:  # a QA links its author to the review's child, found in review_child
            child_token = self.review_child.peek(qa.review_id)
            if child_token is not None:
                links.append(_link_key(qa.by, child_token))
        self.worker_children.prefetch(links)

    def _link_workers(self, event: Event, token: str) -> None:
        """Link the workers a child's event names (IRO, chair, action owners, QA author) to the child."""
        if isinstance(event, ev.ChildBecameLookedAfter):
            self._link(event.iro_id, token)
        elif isinstance(event, ev.PlanActionAgreed):
            self._link(event.action.owner_id, token)
        elif isinstance(event, ev.IROAssigned):
            self._link(event.iro_id, token)
        elif isinstance(event, ev.CPChairAssigned):
            self._link(event.chair_id, token)
        elif isinstance(event, ev.ReviewHeld):
            self.review_child[event.review_id] = token
            self._link(event.chair_id, token)
            for action in event.actions:
                self._link(action.owner_id, token)
            assured = self.quality.get(event.review_id)
            if assured is not None:
                self._link(assured.by, token)

    def apply(self, event: Event, position: int) -> None:
        if isinstance(event, FOLDED):
            self._note(event.business_date)
        if isinstance(event, CHILD_EVENTS):
            token = event.child_ref
            self._child(token).add(event)
            self._link_workers(event, token)
        elif isinstance(event, ev.ReviewQualityAssured):
            self.quality[event.review_id] = event
            child_token = self.review_child.get(event.review_id)
            if child_token is not None:
                self._link(event.by, child_token)
        elif isinstance(event, EscalationRaised):
            if event.child_ref is not None and event.team_id is not None:
                self._child(event.child_ref).add(event)
        elif isinstance(event, WorkerRegistered):
            self._worker(event.worker_id).registered = (event.registered_on, event.team_id)
        elif isinstance(event, WorkerMoved):
            self._worker(event.worker_id).moves[event.moved_on] = event.team_id

    def _note(self, day: dt.date) -> None:
        """Keep the latest business date folded and this process's schedule policy."""
        mine = schedule_fingerprint(self.policy or _defaults())
        self.rows_meta.prefetch([""])
        meta = self.rows_meta.get("")
        if meta is None:
            self.rows_meta[""] = RowsMeta(day, {mine})
        elif day > meta.horizon or mine not in meta.policies:
            self.rows_meta[""] = RowsMeta(max(day, meta.horizon), meta.policies | {mine})

    def rows_answer(self, as_of: dt.date, policy: Policy) -> bool:
        """Whether ``kentqa_drift_items`` over the plans open at ``as_of`` is the drift register
        at ``as_of`` under ``policy``: every fact folded is dated on or before ``as_of`` (so
        each plan's schedule, chair and teams are those of ``as_of``) and every row was derived
        under a policy with the same due dates as ``policy``."""
        meta = self.rows_meta.get("")
        return meta is not None and as_of >= meta.horizon and meta.policies == {schedule_fingerprint(policy)}

    def _link(self, worker_id: str | None, token: str) -> None:
        """Note that the child's rows name ``worker_id`` (their team comes from the worker's).

        The worker's children are kept in ``_LINK_BUCKETS`` documents by a hash of the token,
        so a document stays small however long the worker's career; one already holding the
        child is read without being taken as changed (the fold does not re-encode it)."""
        if worker_id is None:
            return
        key = _link_key(worker_id, token)
        self.worker_children.prefetch([key])
        children = self.worker_children.peek(key)
        if children is None or token not in children:
            self.worker_children[key] = (children or set()) | {token}

    def _worker(self, worker_id: str) -> WorkerHistory:
        self.workers.prefetch([worker_id])
        worker = self.workers.get(worker_id)
        if worker is None:
            worker = self.workers[worker_id] = WorkerHistory()
        return worker

    # --- what queries read ------------------------------------------------------------------

    def facts(self, tokens: Iterable[str]) -> PlanFacts:
        """The children of ``tokens``, the QA of their reviews and the workers they name,
        each document read once (a chunk of keys per read)."""
        children: dict[str, ChildRecord] = load(self.children, tokens)
        reviews = [r for child in children.values() for r in child.reviews]
        quality: dict[str, ev.ReviewQualityAssured] = load(self.quality, reviews)
        named: set[str] = set()
        for child in children.values():
            named |= child.workers()
        named.update(qa.by for qa in quality.values())
        return PlanFacts(children, quality, self.worker_teams(named))

    def worker_teams(self, worker_ids: Iterable[str]) -> WorkerTeams:
        """The team histories of these workers (read once)."""
        return WorkerTeams(load(self.workers, sorted(w for w in worker_ids if w is not None)))

    # --- rows ---------------------------------------------------------------------------

    #: every row is a child's (a review's QA or a worker's link only points at children)
    row_spaces = ("children",)

    def rows(self, changed: Sequence[tuple[str, str]]) -> list[RowChange]:
        tokens = {key for space, key in changed if space == "children"}
        quality = [key for space, key in changed if space == "quality"]
        if quality:
            tokens.update(load(self.review_child, quality).values())
        workers = [key for space, key in changed if space == "workers"]
        buckets = [_bucket_key(w, n) for w in workers for n in range(_LINK_BUCKETS)]
        for children in load(self.worker_children, buckets).values():
            tokens.update(children)
        if not tokens:
            return []
        keys = sorted(tokens)
        facts = self.facts(keys)
        periods: list[tuple[Any, ...]] = []
        items: list[tuple[Any, ...]] = []
        reviews: list[tuple[Any, ...]] = []
        timely: list[tuple[Any, ...]] = []
        policy = self.policy or _defaults()
        teams = PlanTeams(facts, dt.date.max)
        for token in keys:
            if token in facts.children:
                plans = built_plans(facts.children[token])  # walked once for both row sets
                found = child_rows(token, facts, policy, plans, teams)
                periods += found[0]
                items += found[1]
                reviews += found[2]
                timely += timeliness_rows(token, facts, policy, plans, teams)
        return [
            (PLAN_PERIODS, keys, periods),
            (DRIFT_ITEMS, keys, items),
            (REVIEWS, keys, reviews),
            (REVIEW_TIMELINESS, keys, timely),
        ]
