"""The reports as one self-contained HTML page each (R-AUD-6; the IRO and CP Chair report).

No network: styles are inline, charts are inline SVG (matplotlib), there are no scripts,
fonts or images to fetch. Printable: A4 print styles keep figures and table rows whole.
A report names its template (``report.template``: ``chairs`` for ``chairs.html.j2``); the
Learning and Improvement report's is ``learning.html.j2``.
"""

from __future__ import annotations

from typing import Any

from . import charts
from .formatting import KIND_LABELS
from .templating import environment


def _learning_figures(data: dict[str, Any]) -> dict[str, str | None]:
    know, how, plans = data["what_do_we_know"], data["how_do_we_know_it"], data["what_are_our_plans"]
    return {
        "grades_by_area": charts.grades_by_area(know["by_area"]),
        "trend": charts.good_or_better_trend(know["trend"], data["cycle_id"]),
        "themes": charts.themes(know["themes"]),
        "audits_by_kind": charts.audits_by_kind(how["audits_by_kind"], KIND_LABELS),
        "actions": charts.actions_status(plans["actions"]),
        "timeliness": charts.timeliness_trend(know["timeliness_by_quarter"]),
    }


def _chairs_figures(data: dict[str, Any]) -> dict[str, str | None]:
    overall = [r for r in data["timeliness"] if r["by"] == "overall"]
    return {
        "timeliness_by_kind": charts.timeliness_by_kind(overall),
        "timeliness_trend": charts.timeliness_trend(data["timeliness_trend"], data["quarter_id"]),
    }


_FIGURES = {"learning": _learning_figures, "chairs": _chairs_figures}


def render_html(report: Any) -> str:
    name = getattr(report, "template", "learning")
    data = report.to_dict()
    figures = _FIGURES[name](data)
    return environment(True).get_template(f"{name}.html.j2").render(r=data, charts=figures)
