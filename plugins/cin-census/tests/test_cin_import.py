"""The CIN census importer: the sample message, generated messages against an oracle, bad XML.

The oracle is the mapping table of docs/importers.md applied with the standard library's
ElementTree to the same XML: S47ActualStartDate -> StrategyDiscussionHeld (R-CP-1); each
distinct date among Section47/DateOfInitialCPC, CINdetails/DateOfInitialCPC and CPPstartDate
-> one initial_cp_conference (R-CP-1, R-CP-2); CPPreviewDate -> review_cp_conference
(R-CP-2, R-CP-3); CPPendDate -> ChildProtectionPlanEnded (R-CP-7).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kentqa_cin_census import IMPORTER

import kentqa_domain as kq
from kentqa_domain import events as ev
from kentqa_domain.importing import ImportOptions, Pseudonymiser, review_id
from kentqa_domain.importing.session import ImportReport, run_import
from kentqa_domain.values import ReviewKind

TODAY = dt.date(2026, 11, 26)


def _dates(child: ET.Element, *names: str) -> set[dt.date]:
    return {dt.date.fromisoformat(e.text or "") for name in names for e in child.iter(name)}


def oracle(path: Path, pseudonymiser: Pseudonymiser | None = None) -> list[ev.Event]:
    out: list[ev.Event] = []
    for child in ET.parse(path).getroot().iter("Child"):  # noqa: S314 - our own test files
        raw = child.findtext("ChildIdentifiers/LAchildID", "").strip()
        ref = pseudonymiser.ref(raw) if pseudonymiser else raw
        out += [
            ev.StrategyDiscussionHeld(child_ref=ref, held_on=d) for d in _dates(child, "S47ActualStartDate")
        ]
        out += [ev.ChildProtectionPlanEnded(child_ref=ref, ended_on=d) for d in _dates(child, "CPPendDate")]
        initial = _dates(child, "DateOfInitialCPC", "CPPstartDate")
        reviews = _dates(child, "CPPreviewDate")
        plans = [
            (dt.date.fromisoformat(p.findtext("CPPstartDate") or ""), p.findtext("CPPendDate"))
            for p in child.iter("ChildProtectionPlans")
        ]
        for kind, days in (
            (ReviewKind.INITIAL_CP_CONFERENCE, initial),
            (ReviewKind.REVIEW_CP_CONFERENCE, reviews),
        ):
            out += [
                ev.ReviewHeld(
                    review_id=review_id(ref, kind, day),
                    child_ref=ref,
                    kind=kind,
                    held_on=day,
                    # R-CP-9: a conference with no plan of the child running then made none
                    plan_made=kind is not ReviewKind.INITIAL_CP_CONFERENCE
                    or any(
                        start <= day and (end is None or day <= dt.date.fromisoformat(end))
                        for start, end in plans
                    ),
                )
                for day in days
            ]
        # R-CP-8: an enquiry that needed no conference, concluded on its start date (decision 0976)
        for s47 in child.iter("Section47"):
            if (s47.findtext("ICPCnotRequired") or "").strip() == "true" and not s47.findtext(
                "DateOfInitialCPC"
            ):
                day = dt.date.fromisoformat(s47.findtext("S47ActualStartDate") or "")
                out.append(ev.Section47Completed(child_ref=ref, completed_on=day, conference_required=False))
    return out


def run(url: str, paths: list[Path], pseudonymiser: Pseudonymiser | None = None) -> ImportReport:
    with kq.connect(url, policy=kq.Policy()) as qa:
        return run_import(qa, IMPORTER, paths, ImportOptions(pseudonymiser, TODAY))


def test_sample_imports_as_the_oracle_says_and_a_second_import_adds_nothing(
    sample_cin: Path, tmp_path: Path, stored: Any, to_json: Any
) -> None:
    """R-CP-1..3, R-CP-7: the sample's strategy discussion, conferences, review and plan end."""
    url = f"sqlite:///{tmp_path / 'qa.db'}"
    first = run(url, [sample_cin])
    assert first.problems == []
    with kq.connect(url, policy=kq.Policy()) as qa:
        assert stored(qa) == to_json(oracle(sample_cin))
    second = run(url, [sample_cin])
    assert second.stored == 0 and second.already_recorded == first.stored
    assert first.files[str(sample_cin)].rows == 1  # one <Child>


def test_sample_pseudonymised_stores_no_ids_upns_or_birth_dates(
    sample_cin: Path, tmp_path: Path, stored: Any, to_json: Any
) -> None:
    """Privacy: LAchildID (pseudonymised), UPN, former UPN and dates of birth never reach the store."""
    db = tmp_path / "qa.db"
    secret = Pseudonymiser(b"council-secret-for-tests")
    run(f"sqlite:///{db}", [sample_cin], secret)
    with kq.connect(f"sqlite:///{db}", policy=kq.Policy()) as qa:
        assert stored(qa) == to_json(oracle(sample_cin, secret))
    data = db.read_bytes()
    with kq.connect(f"sqlite:///{db}", policy=kq.Policy()) as qa:
        # The state's documents (sealed when the store is encrypted): look inside them too.
        documents = qa.state_tables.select("SELECT doc FROM kentqa_docs")
        assert documents, "the state is in the store"
        for (doc,) in documents:
            data += qa.state_tables.unseal(doc)
    for raw in ("DfEX0000001", "A123456789123", "X98765432123B", "1966-03-24", "1966-03-22", "1980-10-08"):
        assert raw.encode() not in data


# --- generated messages --------------------------------------------------------------------

day_offsets = st.integers(0, 2000)


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@st.composite
def plan(draw: st.DrawFn, begin: dt.date) -> tuple[str, dt.date | None]:
    """A plan starting at its initial conference ``begin``: review conferences after it, maybe an end."""
    end = begin + _days(draw(st.integers(30, 600))) if draw(st.booleans()) else None
    last = (end - begin).days if end else 600
    reviews = sorted({begin + _days(draw(st.integers(1, last))) for _ in range(draw(st.integers(0, 3)))})
    parts = [f"<CPPstartDate>{begin}</CPPstartDate>"]
    if end:
        parts.append(f"<CPPendDate>{end}</CPPendDate>")
    parts.append("<NumberOfPreviousCPP>0</NumberOfPreviousCPP>")
    if reviews:
        parts.append(
            "<Reviews>" + "".join(f"<CPPreviewDate>{r}</CPPreviewDate>" for r in reviews) + "</Reviews>"
        )
    return "<ChildProtectionPlans>" + "".join(parts) + "</ChildProtectionPlans>", end


@st.composite
def details(draw: st.DrawFn, start: dt.date) -> tuple[str, dt.date | None]:
    """A CIN episode from ``start``: maybe a section 47 enquiry, its initial conference given in
    one or both places, and plans one after another. Returns the XML and when it is over
    (None: a plan is still open)."""
    referral = start + _days(draw(st.integers(0, 30)))
    s47 = referral + _days(draw(st.integers(0, 30)))
    icpc = s47 + _days(draw(st.integers(0, 30)))
    parts = [f"<CINreferralDate>{referral}</CINreferralDate>"]
    if draw(st.booleans()):  # the ICPC given on the CIN episode too
        parts.append(f"<DateOfInitialCPC>{icpc}</DateOfInitialCPC>")
    if draw(st.booleans()):
        parts.append(
            f"<Section47><S47ActualStartDate>{s47}</S47ActualStartDate>"
            f"<DateOfInitialCPC>{icpc}</DateOfInitialCPC></Section47>"
        )
    elif draw(st.booleans()):  # R-CP-8: an enquiry that needed no conference
        parts.append(
            f"<Section47><S47ActualStartDate>{s47}</S47ActualStartDate>"
            "<ICPCnotRequired>true</ICPCnotRequired></Section47>"
        )
    over: dt.date | None = icpc
    begin = icpc
    for _ in range(draw(st.integers(0, 2))):
        xml, over = draw(plan(begin))
        parts.append(xml)
        if over is None:
            break
        begin = over + _days(draw(st.integers(1, 60)))
    return "<CINdetails>" + "".join(parts) + "</CINdetails>", over


@st.composite
def messages(draw: st.DrawFn) -> str:
    children = []
    for i in range(draw(st.integers(1, 3))):
        day: dt.date | None = dt.date(2015, 4, 1) + _days(draw(day_offsets))
        episodes = []
        for _ in range(draw(st.integers(1, 2))):
            if day is None:
                break
            xml, over = draw(details(day))
            episodes.append(xml)
            day = over + _days(draw(st.integers(1, 100))) if over else None
        children.append(
            f"<Child><ChildIdentifiers><LAchildID>GEN{i}</LAchildID><UPN>A000000000{i:03d}</UPN>"
            f"<PersonBirthDate>2012-01-0{i + 1}</PersonBirthDate></ChildIdentifiers>{''.join(episodes)}</Child>"
        )
    return (
        "<Message><Header><CollectionDetails><Collection>CIN</Collection></CollectionDetails></Header>"
        f"<Children>{''.join(children)}</Children></Message>"
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=messages())
def test_generated_messages_import_as_the_oracle_says_r_cp_1_r_cp_2(
    tmp_path_factory: Any, stored: Any, to_json: Any, message: str
) -> None:
    """R-CP-1..3, R-CP-7: events stored from a generated census equal the oracle's; again: nothing new."""
    path = tmp_path_factory.mktemp("cin") / "census.xml"
    path.write_text(message, encoding="utf-8")
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        report = run_import(qa, IMPORTER, [path], ImportOptions(not_after=TODAY))
        assert report.problems == []
        assert stored(qa) == to_json(oracle(path))
        assert run_import(qa, IMPORTER, [path], ImportOptions(not_after=TODAY)).stored == 0


# --- duplicates and bad input --------------------------------------------------------------


def _message(children: str) -> str:
    return f"<Message>\n<Children>\n{children}\n</Children>\n</Message>\n"


def _child(raw: str, body: str) -> str:
    return f"<Child><ChildIdentifiers><LAchildID>{raw}</LAchildID></ChildIdentifiers>\n{body}\n</Child>"


def test_initial_conference_given_twice_is_one_and_a_repeated_review_is_a_duplicate(tmp_path: Path) -> None:
    """R-CP-2: the ICPC in Section47 and CINdetails on one date is one conference, silently;
    a CPPreviewDate repeated is reported as a duplicate once and stored once."""
    body = (
        "<CINdetails><DateOfInitialCPC>2021-05-10</DateOfInitialCPC>\n"
        "<Section47><S47ActualStartDate>2021-05-01</S47ActualStartDate>\n"
        "<DateOfInitialCPC>2021-05-10</DateOfInitialCPC></Section47>\n"
        "<ChildProtectionPlans><CPPstartDate>2021-05-10</CPPstartDate>\n"
        "<Reviews><CPPreviewDate>2021-08-01</CPPreviewDate>\n<CPPreviewDate>2021-08-01</CPPreviewDate></Reviews>\n"
        "</ChildProtectionPlans></CINdetails>"
    )
    path = tmp_path / "c.xml"
    path.write_text(_message(_child("K1", body)))
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        report = run_import(qa, IMPORTER, [path], ImportOptions(not_after=TODAY))
        stats = qa.stats()
    assert report.problems == []
    assert stats == {"StrategyDiscussionHeld": 1, "ReviewHeld": 2}
    assert len(report.duplicates) == 1
    assert report.duplicates[0].location.row == 9 and report.duplicates[0].of.row == 8


def test_bad_dates_and_missing_ids_are_reported_by_line_and_element(tmp_path: Path) -> None:
    children = "\n".join(
        [
            _child("", "<CINdetails><DateOfInitialCPC>2021-05-10</DateOfInitialCPC></CINdetails>"),
            _child("K2", "<CINdetails>\n<DateOfInitialCPC>10/05/2021</DateOfInitialCPC></CINdetails>"),
            _child("K3", "<CINdetails>\n<DateOfInitialCPC>2031-05-10</DateOfInitialCPC></CINdetails>"),
            _child("K4", "<CINdetails><DateOfInitialCPC>2021-05-10</DateOfInitialCPC></CINdetails>"),
        ]
    )
    path = tmp_path / "c.xml"
    path.write_text(_message(children))
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        report = run_import(qa, IMPORTER, [path], ImportOptions(not_after=TODAY))
        stats = qa.stats()
    found = [(p.location.row, p.location.column) for p in report.problems]
    assert found == [
        (3, "Child[1]/ChildIdentifiers/LAchildID"),
        (8, "Child[2]/CINdetails[1]/DateOfInitialCPC"),
        (12, "Child[3]/CINdetails[1]/DateOfInitialCPC"),
    ]
    assert "YYYY-MM-DD" in report.problems[1].reason and "after" in report.problems[2].reason
    assert stats == {"ReviewHeld": 1}


def test_not_well_formed_xml_keeps_the_children_before_the_fault(tmp_path: Path) -> None:
    good = _child("K1", "<CINdetails><DateOfInitialCPC>2021-05-10</DateOfInitialCPC></CINdetails>")
    path = tmp_path / "c.xml"
    path.write_text(_message(good + "\n<Child><Broken></Child>"))
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        report = run_import(qa, IMPORTER, [path], ImportOptions(not_after=TODAY))
        assert qa.stats() == {"ReviewHeld": 1}
    assert len(report.problems) == 1
    assert report.problems[0].location.row == 6 and "not well-formed" in report.problems[0].reason


def test_entity_declarations_are_refused_for_safety(tmp_path: Path) -> None:
    """An XML bomb (entity expansion) is refused by defusedxml, not expanded."""
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Message><Children>&b;</Children></Message>'
    )
    path = tmp_path / "bomb.xml"
    path.write_text(bomb)
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        report = run_import(qa, IMPORTER, [path], ImportOptions(not_after=TODAY))
    assert [p.reason for p in report.problems if "refused for safety" in p.reason]


def test_other_xml_is_not_a_census(tmp_path: Path) -> None:
    path = tmp_path / "other.txt"
    path.write_text("<Invoice><Total>3</Total></Invoice>")
    with kq.connect("memory://", policy=kq.Policy()) as qa:
        report = run_import(qa, IMPORTER, [path], ImportOptions(not_after=TODAY))
    (problem,) = report.problems
    assert "not a CIN census message" in problem.reason and ".xml" in problem.reason
