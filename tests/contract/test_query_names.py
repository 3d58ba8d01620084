"""The dashboards ``kentqa demo`` prints and the report's "how do we know it" sources name
queries by string (issue 19): each name is a query of ``Queries``, so renaming a query
fails here instead of the dashboard or the report section quietly disappearing."""

from __future__ import annotations

import inspect

import pytest

from kentqa_domain.cli.dashboards import DASHBOARDS
from kentqa_domain.queries import Queries
from kentqa_domain.reports.sources import AREA_QUERIES

QUERIES = {
    name for name, member in inspect.getmembers(Queries, inspect.isfunction) if not name.startswith("_")
}


@pytest.mark.parametrize("query", sorted({d.query for d in DASHBOARDS}))
def test_every_dashboard_names_a_query(query: str) -> None:
    assert query in QUERIES, f"cli/dashboards.py names {query!r}, which Queries does not have"


@pytest.mark.parametrize("query", sorted({a.query for a in AREA_QUERIES}))
def test_every_report_source_names_a_query(query: str) -> None:
    assert query in QUERIES, f"reports/sources.py names {query!r}, which Queries does not have"


def test_the_lists_are_not_empty() -> None:
    assert len(DASHBOARDS) >= 4 and len(AREA_QUERIES) >= 5
