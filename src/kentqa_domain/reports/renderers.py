"""The built-in report formats, registered through ``kentqa_register_renderers`` (R-AUD-6).

``json``, ``md`` (Markdown) and ``html`` (one self-contained page, charts inline as SVG).
Each renderer is ``renderer(report) -> str``; Jinja2 and matplotlib are imported only when a
document is rendered.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from ..hookspecs import hookimpl


def render_json(report: Any) -> str:
    """The report's JSON object (keys ``what_do_we_know``, ``how_do_we_know_it``, ``what_are_our_plans``)."""
    text: str = report.to_json()
    return text


def render_markdown(report: Any) -> str:
    from .markdown import render_markdown as render

    return render(report)


def render_html(report: Any) -> str:
    from .html import render_html as render

    return render(report)


BUILTIN: dict[str, Callable[[Any], str]] = {"json": render_json, "md": render_markdown, "html": render_html}


def render_with(report: Any, format_name: str, registered: Mapping[str, Any]) -> str | bytes:
    """``report.render(format_name)``: a built-in renderer or one ``registered`` by a plugin."""
    renderers = {**BUILTIN, **registered}
    renderer = renderers.get(format_name)
    if renderer is None:
        known = ", ".join(sorted(renderers))
        raise ValueError(f"no renderer for report format {format_name!r}; known: {known}")
    result: str | bytes = renderer(report)
    return result


@hookimpl
def kentqa_register_renderers(register: Callable[[str, Any], None]) -> None:
    for name, renderer in BUILTIN.items():
        register(name, renderer)


class Document:
    """What every report does with its ``to_dict()`` and the ``renderers`` it was built with:
    JSON, Markdown, HTML, or any registered format (R-AUD-6, SPEC 9.2)."""

    renderers: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_markdown(self) -> str:
        return render_markdown(self)

    def to_html(self) -> str:
        return render_html(self)

    def render(self, format_name: str) -> str | bytes:
        """Render with a registered renderer (built in: json, md, html)."""
        return render_with(self, format_name, self.renderers)
