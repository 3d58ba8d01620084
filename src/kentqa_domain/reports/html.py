"""The Learning and Improvement report as one self-contained HTML page (R-AUD-6).

No network: styles are inline, charts are inline SVG (matplotlib), there are no scripts,
fonts or images to fetch. Printable: A4 print styles keep figures and table rows whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import charts
from .learning import KIND_LABELS
from .templating import environment

if TYPE_CHECKING:
    from .learning import LearningReport


def render_html(report: LearningReport) -> str:
    data = report.to_dict()
    know, how, plans = data["what_do_we_know"], data["how_do_we_know_it"], data["what_are_our_plans"]
    figures = {
        "grades_by_area": charts.grades_by_area(know["by_area"]),
        "trend": charts.good_or_better_trend(know["trend"], data["cycle_id"]),
        "themes": charts.themes(know["themes"]),
        "audits_by_kind": charts.audits_by_kind(how["audits_by_kind"], KIND_LABELS),
        "actions": charts.actions_status(plans["actions"]),
    }
    return environment(True).get_template("learning.html.j2").render(r=data, charts=figures)
