"""``python -m benchmarks.chart RESULTS.json [OUT.svg]``: the figures of docs/performance.md as
an SVG bar chart (no plotting library needed). RESULTS.json is the line ``--full-json`` prints."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

WIDTH, BAR, GAP = 760, 18, 10
COLOURS = {"kentqa": "#1f6f8b", "bare": "#c9a227", "first": "#99c1b9", "last": "#1f6f8b"}


def _bars(
    title: str, rows: list[tuple[str, list[tuple[str, float, str]]]], unit: str, y: int
) -> tuple[list[str], int]:
    """A titled group of horizontal bars; each row has one bar per series."""
    out = [f'<text x="10" y="{y + 14}" font-weight="bold">{escape(title)}</text>']
    y += 26
    top = max((v for _, series in rows for _, v, _ in series), default=1.0) or 1.0
    for label, series in rows:
        out.append(f'<text x="10" y="{y + 13}">{escape(label)}</text>')
        for name, value, colour in series:
            length = max(1.0, 420 * value / top)
            out.append(f'<rect x="220" y="{y}" width="{length:.1f}" height="{BAR - 4}" fill="{colour}"/>')
            out.append(f'<text x="{226 + length:.1f}" y="{y + 12}">{escape(name)} {value:,.1f} {unit}</text>')
            y += BAR
        y += GAP
    return out, y


def render(results: dict[str, Any]) -> str:
    def rate(part: str) -> float:
        return float(results[part]["events"] / results[part]["wall"])

    parts: list[str] = []
    y = 0
    group, y = _bars(
        f"Throughput, events per second ({results['events']:,} events, {results['backend']})",
        [
            (
                "ingest",
                [
                    ("kentqa", rate("kentqa_ingest"), COLOURS["kentqa"]),
                    ("bare", rate("bare_ingest"), COLOURS["bare"]),
                ],
            ),
            (
                "replay",
                [
                    ("kentqa", rate("kentqa_replay"), COLOURS["kentqa"]),
                    ("bare read+decode", rate("bare_replay"), COLOURS["bare"]),
                ],
            ),
        ],
        "/s",
        y,
    )
    parts += group
    first, last = results["queries_first"], results["queries_last"]
    group, y = _bars(
        f"Queries, median ms after {results['events'] // 10:,} and {results['events']:,} events",
        [
            (
                name,
                [
                    ("first", first.get(name, {}).get("ms", 0.0), COLOURS["first"]),
                    ("last", last[name]["ms"], COLOURS["last"]),
                ],
            )
            for name in last
        ],
        "ms",
        y + 10,
    )
    parts += group
    body = "\n".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y + 10}" '
        f'font-family="sans-serif" font-size="12">\n<rect width="100%" height="100%" fill="white"/>\n{body}\n</svg>\n'
    )


def main(argv: list[str]) -> int:
    source = Path(argv[0])
    target = Path(argv[1]) if len(argv) > 1 else Path("docs/performance.svg")
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.startswith("{")]
    results = json.loads(max(lines, key=len))
    target.write_text(render(results), encoding="utf-8")
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
