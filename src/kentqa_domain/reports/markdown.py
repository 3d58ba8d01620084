"""The Learning and Improvement report as Markdown (R-AUD-6): headings, lists and tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .templating import environment

if TYPE_CHECKING:
    from .learning import LearningReport


def render_markdown(report: LearningReport) -> str:
    return environment(False).get_template("learning.md.j2").render(r=report.to_dict())
