"""SSDA903 codes and dates, as the DfE's return guidance defines them.

Only what the rules need is read: whether an episode starts a period of care (``RNE``),
whether and when it ends one (``REC``, ``DEC``), its legal status (``LS``) and whether it is
a placement for adoption (``PLACE`` A3-A6), and a review's date and the child's
participation (``REVIEW``, ``REVIEW_CODE``).
"""

from __future__ import annotations

import datetime as dt
import re

from kentqa_domain.fields import EARLIEST_DATE, LATEST_DATE
from kentqa_domain.values import LegalStatus, Participation

#: RNE, reason for new episode. ``S``: started to be looked after; the others are changes of
#: placement or legal status within a period of care.
STARTED = "S"
RNE_CODES = frozenset({"S", "L", "P", "T", "U", "B"})

#: REC, reason episode ceased. ``X1``: the episode ends and another begins the same day (the
#: child stays looked after); every ``E`` code means the child ceased to be looked after.
STILL_LOOKED_AFTER = "X1"
LEAVING_CODES = frozenset(
    {
        "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E45", "E46",
        "E47", "E48", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9",
    }
)  # fmt: skip
REC_CODES = LEAVING_CODES | {STILL_LOOKED_AFTER}

#: LS, legal status (SPEC 9.2): the codes ``LegalStatus`` has; another value is read as none.
LEGAL_STATUS_CODES = frozenset(s.value for s in LegalStatus)
#: PLACE codes of a placement for adoption (A3-A6: placed for adoption, R-ADO-1).
ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})

#: REVIEW_CODE, the child's participation in the review (PN0..PN7).
PARTICIPATION_CODES = frozenset(p.value for p in Participation)

_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")


class BadValue(ValueError):
    """A cell that cannot be used; the message says why, for a user."""


def parse_date(text: str, column: str, not_after: dt.date | None) -> dt.date:
    """A ``dd/mm/YYYY`` date, within the range events accept and not after ``not_after``."""
    if not _DATE.fullmatch(text):
        raise BadValue(f"{column} {text!r:.40} is not a date dd/mm/YYYY")
    try:
        value = dt.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise BadValue(f"{column} {text!r} is not a real date (dd/mm/YYYY)") from None
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise BadValue(f"{column} {text} is outside {EARLIEST_DATE:%d/%m/%Y}..{LATEST_DATE:%d/%m/%Y}")
    if not_after is not None and value > not_after:
        raise BadValue(
            f"{column} {text} is after {not_after:%d/%m/%Y}, the date of the import: a typing error?"
        )
    return value


def show(day: dt.date) -> str:
    """A date as the return writes it."""
    return day.strftime("%d/%m/%Y")
