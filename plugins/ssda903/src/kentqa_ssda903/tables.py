"""SSDA903 tables, recognised by their header row (never by the file name).

Each table of the return has a fixed set of columns. A file is the table whose columns its
header shares most (by Jaccard similarity); a tie, or less than half in common, is not
recognised. A recognised table missing a column the importer needs is refused whole, with
the missing columns named. Tables the rules do not need are recognised and left alone.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Table:
    """One table of the return: its name, its columns, and the columns this importer reads."""

    name: str
    columns: frozenset[str]
    needed: tuple[str, ...] = ()

    @property
    def imported(self) -> bool:
        return bool(self.needed)


def _table(name: str, columns: str, needed: str = "") -> Table:
    return Table(name, frozenset(columns.split(",")), tuple(needed.split(",")) if needed else ())


EPISODES = _table(
    "episodes",
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN",
    "CHILD,DECOM,RNE,DEC,REC",
)
REVIEWS = _table("reviews", "CHILD,DOB,REVIEW,REVIEW_CODE", "CHILD,REVIEW,REVIEW_CODE")

#: Every table of the return. Only episodes and reviews hold what the rules need; the others
#: (dates of birth, UPNs, health, adoption, missing episodes...) are never read past the header.
TABLES: tuple[Table, ...] = (
    EPISODES,
    REVIEWS,
    _table("header", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"),
    _table("uasc", "CHILD,SEX,DOB,DUC"),
    _table("ad1", "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR"),
    _table("placed_adoption", "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED"),
    _table("prev_perm", "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM"),
    _table("missing", "CHILD,DOB,MISSING,MIS_START,MIS_END"),
    _table("oc3", "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM"),
    _table(
        "oc2",
        "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
        "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED",
    ),
)

MIN_SIMILARITY = 0.5


@attrs.frozen
class Recognition:
    """The table a header was recognised as (None: not recognised), and what it lacks."""

    table: Table | None
    missing: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()


def normalise(header: list[str]) -> list[str]:
    return [cell.strip().upper() for cell in header]


def recognise(header: list[str]) -> Recognition:
    """Which table ``header`` (the first row of a file) is."""
    columns = set(normalise(header)) - {""}
    scored = sorted(
        ((len(columns & t.columns) / len(columns | t.columns), t) for t in TABLES),
        key=lambda pair: -pair[0],
    )
    best_score, best = scored[0]
    tied = tuple(t.name for s, t in scored if s == best_score)
    if best_score < MIN_SIMILARITY or len(tied) > 1:
        return Recognition(None, candidates=tied if best_score > 0 else ())
    missing = tuple(c for c in best.needed if c not in columns)
    return Recognition(best, missing)
