"""The reports as Markdown (R-AUD-6; the IRO and CP Chair report): headings, lists and tables.

A report names its template (``report.template``: ``chairs`` for ``chairs.md.j2``); the
Learning and Improvement report's is ``learning.md.j2``.
"""

from __future__ import annotations

from typing import Any

from .templating import environment


def render_markdown(report: Any) -> str:
    name = getattr(report, "template", "learning")
    return environment(False).get_template(f"{name}.md.j2").render(r=report.to_dict())
