"""Reading one SSDA903 CSV file (standard library ``csv``; UTF-8 with or without a BOM).

A file yields a :class:`~kentqa_domain.importing.FileRead` (which table, how many rows),
problems, and the rows the importer needs as :class:`Episode` and :class:`ReviewRow`
records holding only what the rules use: the child id, dates and codes. Names, UPNs, dates
of birth and postcodes are never kept. A row with any problem is not imported; each bad
column is reported (file, row, column, reason).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from kentqa_domain.importing import FileRead, ImportOptions, Located, Problem, SourceLocation
from kentqa_domain.values import LegalStatus

from .codes import (
    LEAVING_CODES,
    LEGAL_STATUS_CODES,
    PARTICIPATION_CODES,
    REC_CODES,
    RNE_CODES,
    STARTED,
    BadValue,
    parse_date,
)
from .tables import EPISODES, REVIEWS, TABLES, Table, normalise, recognise


@attrs.frozen
class Episode:
    """An episode of care: what the rules need of one Episodes row."""

    location: SourceLocation
    child: str
    decom: dt.date
    rne: str
    dec: dt.date | None
    rec: str | None
    #: LS, the legal status (None: blank or not a code), and PLACE, the placement type (SPEC 9.2)
    ls: LegalStatus | None = None
    place: str | None = None

    @property
    def starts_care(self) -> bool:
        return self.rne == STARTED

    @property
    def ends_care(self) -> bool:
        """REC is a leaving code (not X1): the child ceased to be looked after on DEC."""
        return self.rec in LEAVING_CODES

    def content(self) -> tuple[object, ...]:
        return (self.child, self.decom, self.rne, self.dec, self.rec)


@attrs.frozen
class ReviewRow:
    """A looked-after review: what the rules need of one Reviews row."""

    location: SourceLocation
    child: str
    held_on: dt.date
    participation: str | None


@attrs.define
class Rows:
    """The good rows of every file of one import."""

    episodes: list[Episode] = attrs.Factory(list)
    reviews: list[ReviewRow] = attrs.Factory(list)


def read_file(path: Path, options: ImportOptions, into: Rows) -> Iterator[Located]:
    """Yield what ``path`` is and its problems; append its good rows to ``into``."""
    where = SourceLocation(str(path))
    try:
        handle = options.open(path)
    except OSError as exc:
        yield where, Problem(f"cannot be read: {exc.strerror or exc}")
        return
    with handle:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, strict=True)
        try:
            yield from _read_rows(reader, where, path, options, into)
        except UnicodeDecodeError as exc:
            yield (
                SourceLocation(str(path), reader.line_num + 1),
                Problem(
                    f"is not UTF-8 text ({exc.reason} at byte {exc.start} of a block): "
                    "the rest of the file is not imported; save it as UTF-8 CSV"
                ),
            )
        except csv.Error as exc:
            yield (
                SourceLocation(str(path), reader.line_num),
                Problem(f"is not well-formed CSV ({exc}): the rest of the file is not imported"),
            )


def _read_rows(
    reader: Any, where: SourceLocation, path: Path, options: ImportOptions, into: Rows
) -> Iterator[Located]:
    header = next((row for row in reader if any(cell.strip() for cell in row)), None)
    if header is None:
        yield where, Problem("is empty: no header row")
        return
    recognition = recognise(header)
    table = recognition.table
    if table is None:
        yield where, Problem(_unrecognised(header, recognition.candidates, path))
        return
    if recognition.missing:
        missing = ", ".join(recognition.missing)
        yield (
            where.at(recognition.missing[0]),
            Problem(f"the {table.name} table is missing column(s) {missing}: file not imported"),
        )
        return
    columns = normalise(header)
    yield where, FileRead(_describe(table), 0)
    count = 0
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        count += 1
        if not table.imported:
            continue
        location = SourceLocation(str(path), reader.line_num)
        refused = _misfit(row, columns, table)
        if refused is not None:
            yield location, Problem(refused)
            continue
        cells = {name: value.strip() for name, value in zip(columns, row, strict=False)}
        yield from _parse_row(table, cells, location, options, into)
    yield where, FileRead(_describe(table), count)


def _misfit(row: list[str], columns: list[str], table: Table) -> str | None:
    """Why a row whose length differs from the header's cannot be read, or None (decision 0975).

    Returns often carry local extra columns, and spreadsheets drop a row's empty trailing
    cells: a row that lacks only trailing columns this importer does not read is read (the
    cells it lacks are blank); so are blank cells after the last column. A row lacking a
    column the importer reads, or with values beyond the header, is refused."""
    if len(row) < len(columns):
        lacking = [name for name in columns[len(row) :] if name in table.needed]
        if not lacking:
            return None
        return (
            f"has {len(row)} values but the header has {len(columns)} columns: it lacks "
            f"{', '.join(lacking)}, which the importer reads: row not imported"
        )
    if len(row) > len(columns) and any(cell.strip() for cell in row[len(columns) :]):
        return (
            f"has {len(row)} values but the header has {len(columns)} columns: the values after "
            "the last column belong to no column: row not imported"
        )
    return None


def _describe(table: Table) -> str:
    if table.imported:
        return f"{table.name} table"
    return f"{table.name} table (nothing the rules need: not read)"


def _unrecognised(header: list[str], candidates: tuple[str, ...], path: Path) -> str:
    shown = ",".join(cell.strip() for cell in header)[:120]
    known = ", ".join(t.name for t in TABLES)
    hint = ""
    if candidates:
        hint = f" (it could be any of: {', '.join(candidates)})"
    if path.suffix.lower() != ".csv":
        hint += "; SSDA903 tables are .csv files"
    return f"is not an SSDA903 table we recognise by its header {shown!r}{hint}; known tables: {known}"


def _parse_row(
    table: Table, cells: dict[str, str], location: SourceLocation, options: ImportOptions, into: Rows
) -> list[Located]:
    problems: list[Located] = []

    def bad(column: str, reason: str) -> None:
        problems.append((location.at(column), Problem(f"{reason}: row not imported")))

    def date(column: str, *, required: bool) -> dt.date | None:
        text = cells.get(column, "")
        if not text:
            if required:
                bad(column, f"{column} is blank")
            return None
        try:
            return parse_date(text, column, options.not_after)
        except BadValue as exc:
            bad(column, str(exc))
            return None

    child = cells["CHILD"]
    if not child:
        bad("CHILD", "CHILD is blank")
    if table is EPISODES:
        decom = date("DECOM", required=True)
        dec = date("DEC", required=False)
        rne = cells["RNE"].upper()
        rec = cells["REC"].upper() or None
        if rne not in RNE_CODES:
            bad(
                "RNE",
                f"RNE {cells['RNE']!r:.20} is not a reason for new episode ({', '.join(sorted(RNE_CODES))})",
            )
        if rec is not None and rec not in REC_CODES:
            bad("REC", f"REC {cells['REC']!r:.20} is not a reason episode ceased (X1 or an E code)")
        if decom and dec and dec < decom:
            bad("DEC", f"DEC {cells['DEC']} is before DECOM {cells['DECOM']}")
        if cells["DEC"] and rec is None:
            bad("REC", "REC is blank but DEC is given: why did the episode end?")
        open_end = rec in LEAVING_CODES and not cells["DEC"]
        if not problems and decom is not None:
            if open_end:  # the row's start is good; only its end cannot be used
                problems.append(
                    (
                        location.at("DEC"),
                        Problem(
                            f"REC {rec} says the child ceased to be looked after but DEC is blank: "
                            "the episode is imported as still open, its end is not imported"
                        ),
                    )
                )
                rec = None
            status = cells.get("LS", "").upper()
            into.episodes.append(
                Episode(
                    location,
                    child,
                    decom,
                    rne,
                    dec,
                    rec,
                    LegalStatus(status) if status in LEGAL_STATUS_CODES else None,
                    cells.get("PLACE", "").upper() or None,
                )
            )
    elif table is REVIEWS:
        held_on = date("REVIEW", required=True)
        code = cells["REVIEW_CODE"].upper() or None
        if code is not None and code not in PARTICIPATION_CODES:
            bad(
                "REVIEW_CODE",
                f"REVIEW_CODE {cells['REVIEW_CODE']!r:.20} is not a participation code (PN0..PN7)",
            )
        if not problems and held_on is not None:
            into.reviews.append(ReviewRow(location, child, held_on, code))
    return problems
