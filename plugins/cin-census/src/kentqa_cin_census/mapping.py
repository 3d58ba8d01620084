"""From one CIN census ``<Child>`` to events (dates ``YYYY-MM-DD``).

| element | event |
| --- | --- |
| ``CINdetails/Section47/S47ActualStartDate`` | ``StrategyDiscussionHeld(held_on)`` (R-CP-1) |
| ``CINdetails/Section47/ICPCnotRequired`` ``true`` (and no ``DateOfInitialCPC``) | ``Section47Completed(completed_on=S47ActualStartDate, conference_required=False)`` (R-CP-8) |
| ``CINdetails/Section47/DateOfInitialCPC``, ``CINdetails/DateOfInitialCPC``, ``ChildProtectionPlans/CPPstartDate`` | ``ReviewHeld(kind=initial_cp_conference)``, one per date (R-CP-1, R-CP-2); ``plan_made=False`` when none of the child's plans (``CPPstartDate`` .. ``CPPendDate``) covers the date (R-CP-9) |
| ``ChildProtectionPlans/Reviews/CPPreviewDate`` | ``ReviewHeld(kind=review_cp_conference)`` (R-CP-2, R-CP-3) |
| ``ChildProtectionPlans/CPPendDate`` | ``ChildProtectionPlanEnded(ended_on)`` (R-CP-7) |

The census gives an initial conference's date in more than one place (the Section 47
enquiry that led to it, the CIN episode, and the plan it started, whose start date is the
conference's date): one conference per child and date is imported, never two (decision 0702).
The census carries no date for an enquiry's outcome: one that needed no conference
(``ICPCnotRequired``) is concluded on its start date, so no conference was ever due for it
(decision 0976).
Only ``LAchildID`` and these dates are read: never names, UPNs, dates of birth or postcodes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from xml.etree.ElementTree import Element

from kentqa_domain import events as ev
from kentqa_domain.errors import InvalidEvent
from kentqa_domain.fields import EARLIEST_DATE, LATEST_DATE
from kentqa_domain.importing import ImportOptions, Located, Problem, SourceLocation, review_id
from kentqa_domain.values import ReviewKind

#: Makes the event for a date (None: nothing new, e.g. a conference already seen).
Maker = Callable[[dt.date], ev.Event | None]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Child:
    """One child element being mapped: where its elements are, and the conferences seen."""

    def __init__(self, element: Element, lines: dict[Element, int], index: int, file: str) -> None:
        self.element = element
        self.lines = lines
        self.prefix = f"Child[{index}]"
        self.file = file
        self.initial_on: set[dt.date] = set()
        #: the child's CP plans (start, end or None), to tell a conference that made a plan
        self.plans: list[tuple[dt.date, dt.date | None]] = []

    def plan_on(self, day: dt.date) -> bool:
        return any(start <= day and (end is None or day <= end) for start, end in self.plans)

    def location(self, element: Element, path: str) -> SourceLocation:
        return SourceLocation(
            self.file, self.lines.get(element), f"{self.prefix}/{path}" if path else self.prefix
        )


def child_events(
    element: Element, lines: dict[Element, int], index: int, file: str, options: ImportOptions
) -> Iterator[Located]:
    """The events of the ``index``-th ``<Child>`` (from 1), and the problems found in it."""
    child = _Child(element, lines, index, file)
    id_element = element.find("ChildIdentifiers/LAchildID")
    raw_id = (id_element.text or "").strip() if id_element is not None else ""
    if not raw_id:
        where = child.location(
            id_element if id_element is not None else element, "ChildIdentifiers/LAchildID"
        )
        yield where, Problem("LAchildID is missing or blank: nothing of this child is imported")
        return
    ref = options.child_ref(raw_id)
    child.plans = _plan_periods(element)
    for k, details in enumerate(element.findall("CINdetails"), start=1):
        base = f"CINdetails[{k}]"
        for j, s47 in enumerate(details.findall("Section47"), start=1):
            path = f"{base}/Section47[{j}]"
            yield from _dated(child, s47, f"{path}/S47ActualStartDate", options, _strategy(ref))
            yield from _dated(child, s47, f"{path}/DateOfInitialCPC", options, _initial(child, ref))
            if (
                _true(s47.findtext("ICPCnotRequired"))
                and not (s47.findtext("DateOfInitialCPC") or "").strip()
            ):
                yield from _dated(child, s47, f"{path}/S47ActualStartDate", options, _concluded(ref))
        yield from _dated(child, details, f"{base}/DateOfInitialCPC", options, _initial(child, ref))
        for j, plan in enumerate(details.findall("ChildProtectionPlans"), start=1):
            path = f"{base}/ChildProtectionPlans[{j}]"
            yield from _dated(child, plan, f"{path}/CPPstartDate", options, _initial(child, ref))
            for r, review in enumerate(plan.iterfind("Reviews/CPPreviewDate"), start=1):
                yield from _date_of(
                    child, review, f"{path}/Reviews/CPPreviewDate[{r}]", options, _review(ref)
                )
            yield from _dated(child, plan, f"{path}/CPPendDate", options, _ended(ref))


def _strategy(ref: str) -> Maker:
    def make(day: dt.date) -> ev.Event | None:
        return ev.StrategyDiscussionHeld(child_ref=ref, held_on=day)

    return make


def _true(text: str | None) -> bool:
    """The census's booleans: ``true``/``false`` (``1``/``0`` in older returns)."""
    return (text or "").strip().lower() in ("true", "1")


def _plan_periods(element: Element) -> list[tuple[dt.date, dt.date | None]]:
    """The child's CP plans as (start, end or None); a plan whose dates do not parse is left
    out here (its elements report their own problems when mapped)."""
    out: list[tuple[dt.date, dt.date | None]] = []
    for plan in element.iterfind("CINdetails/ChildProtectionPlans"):
        start = _parse_date((plan.findtext("CPPstartDate") or "").strip(), "CPPstartDate", None)
        end_text = (plan.findtext("CPPendDate") or "").strip()
        end = _parse_date(end_text, "CPPendDate", None) if end_text else None
        if isinstance(start, dt.date) and not isinstance(end, str):
            out.append((start, end))
    return out


def _concluded(ref: str) -> Maker:
    def make(day: dt.date) -> ev.Event | None:
        return ev.Section47Completed(child_ref=ref, completed_on=day, conference_required=False)

    return make


def _initial(child: _Child, ref: str) -> Maker:
    def make(day: dt.date) -> ev.Event | None:
        if day in child.initial_on:
            return None  # the same conference given again elsewhere in the census
        child.initial_on.add(day)
        kind = ReviewKind.INITIAL_CP_CONFERENCE
        return ev.ReviewHeld(
            review_id=review_id(ref, kind, day),
            child_ref=ref,
            kind=kind,
            held_on=day,
            plan_made=child.plan_on(day),  # R-CP-9: no plan of the child starts or runs then
        )

    return make


def _review(ref: str) -> Maker:
    def make(day: dt.date) -> ev.Event | None:
        kind = ReviewKind.REVIEW_CP_CONFERENCE
        return ev.ReviewHeld(review_id=review_id(ref, kind, day), child_ref=ref, kind=kind, held_on=day)

    return make


def _ended(ref: str) -> Maker:
    def make(day: dt.date) -> ev.Event | None:
        return ev.ChildProtectionPlanEnded(child_ref=ref, ended_on=day)

    return make


def _dated(
    child: _Child, parent: Element, path: str, options: ImportOptions, make: Maker
) -> Iterator[Located]:
    """Each ``<name>`` directly under ``parent`` (``name``: the last step of ``path``)."""
    name = path.rpartition("/")[2]
    for element in parent.findall(name):
        yield from _date_of(child, element, path, options, make)


def _date_of(
    child: _Child, element: Element, path: str, options: ImportOptions, make: Maker
) -> Iterator[Located]:
    where = child.location(element, path)
    text = (element.text or "").strip()
    if not text:
        return  # an empty element: the census's "not applicable"
    name = path.rpartition("/")[2].partition("[")[0]
    day = _parse_date(text, name, options.not_after)
    if isinstance(day, str):
        yield where, Problem(f"{day}: not imported")
        return
    try:
        event = make(day)
    except InvalidEvent as exc:
        yield where, Problem(f"{exc}: not imported")
        return
    if event is not None:
        yield where, event


def _parse_date(text: str, name: str, not_after: dt.date | None) -> dt.date | str:
    """The date, or the reason it is not one."""
    if not _ISO_DATE.fullmatch(text):
        return f"{name} {text!r:.40} is not a date YYYY-MM-DD"
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return f"{name} {text!r} is not a real date (YYYY-MM-DD)"
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        return f"{name} {text} is outside {EARLIEST_DATE}..{LATEST_DATE}"
    if not_after is not None and day > not_after:
        return f"{name} {text} is after {not_after}, the date of the import: a typing error?"
    return day
