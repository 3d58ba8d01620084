"""The report's charts, drawn with matplotlib (an Agg canvas per figure, no pyplot) as inline SVG.

Each function takes the report's plain data and returns an ``<svg>`` element (no XML
prologue) whose text stays text (``svg.fonttype: none``) so it prints sharply, scales with
the page and can be read by screen readers and tests. Output is deterministic: fixed hash
salt and no date in the metadata. A chart with nothing to show returns None.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

#: Grade colours, best to worst (a red-amber-green scale managers read at a glance).
GRADE_COLOURS = {
    "outstanding": "#1a7f4b",
    "good": "#7cc47f",
    "requires_improvement": "#f2a541",
    "inadequate": "#d1495b",
}
INK = "#1f2937"
MUTED = "#6b7280"
ACCENT = "#1d4e89"
SOURCE_COLOURS = {
    "audits": "#1d4e89",
    "complaints": "#d1495b",
    "compliments": "#1a7f4b",
    "feedback": "#8e6bbf",
}
ACTION_COLOURS = {"overdue": "#d1495b", "open": "#f2a541", "completed": "#1a7f4b"}

_STYLE: Any = {  # matplotlib types rcParams keys as literals
    "svg.fonttype": "none",
    "svg.hashsalt": "kentqa-learning-report",
    "text.parse_math": False,  # team names and themes are text, never mathtext ($...$)
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial"],
    "font.size": 10,
    "axes.edgecolor": "#d1d5db",
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": MUTED,
    "ytick.color": INK,
}


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _svg(fig: Figure, title: str) -> str:
    buffer = io.StringIO()
    with rc_context(_STYLE):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    # Several charts share one page: give each chart's element ids (and the references to
    # them) its own prefix so the document's ids stay unique.
    prefix = re.sub(r"[^a-z]+", "-", title.lower()).strip("-")[:24] + "-"
    text = re.sub(r'(\bid="|xlink:href="#|href="#|url\(#)', lambda m: m.group(1) + prefix, text)
    # Scale with the page: keep the viewBox, let CSS size it; name it for screen readers.
    text = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", text, count=1)
    title_el = f"<title>{_escape(title)}</title>"
    return text.replace(">", f' role="img" class="chart" aria-label="{_escape(title)}">{title_el}', 1)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


#: Figure widths in inches matching the page's slots (96 px an inch): text then shows at its
#: own size on screen rather than scaled.
HALF = 4.9
FULL = 10.0


def _figure(width: float, height: float) -> Figure:
    """A figure on its own Agg canvas: no pyplot, no global backend switch, thread-safe."""
    with rc_context(_STYLE):
        fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def grades_by_area(by_area: Sequence[Mapping[str, Any]]) -> str | None:
    """Stacked horizontal bars: each area's graded audits by grade, share good or better at the end."""
    rows = [r for r in by_area if r["graded"]]
    if not rows:
        return None
    with rc_context(_STYLE):
        fig = _figure(HALF, 0.5 * len(rows) + 1.5)
        ax = fig.add_subplot()
        labels = [r["label"] for r in rows][::-1]
        left = [0] * len(rows)
        for grade, colour in GRADE_COLOURS.items():
            values = [r["grades"].get(grade, 0) for r in rows][::-1]
            bars = ax.barh(labels, values, left=left, color=colour, label=_label(grade), height=0.6)
            ax.bar_label(
                bars,
                labels=[str(v) if v else "" for v in values],
                label_type="center",
                color="white",
                fontsize=9,
            )
            left = [a + b for a, b in zip(left, values, strict=True)]
        for y, (total, row) in enumerate(zip(left, rows[::-1], strict=True)):
            share = row["good_or_better_share"]
            ax.text(
                total + max(left) * 0.03,
                y,
                f"{share * 100:.0f}%",
                va="center",
                color=INK,
                fontsize=9,
                fontweight="bold",
            )
        ax.set_xlim(0, max(left) * 1.22)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("Graded audits (and the share good or better)")
        fig.legend(ncols=2, loc="outside lower center", frameon=False, fontsize=9)
        return _svg(fig, "Grade distribution by area")


def good_or_better_trend(trend: Sequence[Mapping[str, Any]], current: str) -> str | None:
    """A line of the share good or better in each cycle up to this one (the last nine)."""
    points = [t for t in trend if t["good_or_better_share"] is not None][-9:]
    if not points:
        return None
    with rc_context(_STYLE):
        fig = _figure(HALF, 3.0)
        ax = fig.add_subplot()
        xs = list(range(len(points)))
        ys = [p["good_or_better_share"] for p in points]
        ax.plot(xs, ys, color=ACCENT, linewidth=2.2, marker="o", markersize=7)
        for x, p in zip(xs, points, strict=True):
            ax.annotate(
                f"{p['good_or_better_share'] * 100:.0f}%\n(n={p['graded']})",
                (x, p["good_or_better_share"]),
                textcoords="offset points",
                xytext=(0, 9),
                ha="center",
                fontsize=8.5,
                color=INK,
                fontweight="bold" if p["cycle_id"] == current else "normal",
            )
        ax.set_xticks(xs, [p["cycle_id"] for p in points])
        ax.set_ylim(0, 1.18)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_ylabel("Good or better")
        ax.grid(axis="y", color="#e5e7eb")
        ax.set_axisbelow(True)
        ax.set_xlim(-0.6 if len(xs) > 1 else -1, len(xs) - 0.4 if len(xs) > 1 else 1)
        return _svg(fig, "Share of graded audits good or better, by cycle")


def actions_status(actions: Mapping[str, int]) -> str | None:
    """Horizontal bars: audit actions overdue, open (not yet due) and completed."""
    order = ["overdue", "open", "completed"]
    values = [actions.get(k, 0) for k in order]
    if not any(values):
        return None
    with rc_context(_STYLE):
        fig = _figure(HALF, 1.9)
        ax = fig.add_subplot()
        labels = ["Overdue", "Open, not yet due", "Completed"][::-1]
        bars = ax.barh(labels, values[::-1], color=[ACTION_COLOURS[k] for k in order][::-1], height=0.6)
        ax.bar_label(bars, padding=4, color=INK, fontsize=9)
        ax.set_xlim(0, max(values) * 1.15)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("Audit actions")
        return _svg(fig, "Audit actions: overdue, open and completed")


def themes(theme_rows: Sequence[Mapping[str, Any]], limit: int = 10) -> str | None:
    """Stacked horizontal bars: the most-raised themes of the cycle, by source."""
    rows = list(theme_rows)[:limit]
    if not rows:
        return None
    with rc_context(_STYLE):
        fig = _figure(FULL, 0.4 * len(rows) + 1.2)
        ax = fig.add_subplot()
        labels = [r["theme"].replace("_", " ").replace("-", " ") for r in rows][::-1]
        left = [0] * len(rows)
        sources = sorted({s for r in rows for s in r["by_source"]}, key=list(SOURCE_COLOURS).index)
        for source in sources:
            values = [r["by_source"].get(source, 0) for r in rows][::-1]
            ax.barh(labels, values, left=left, color=SOURCE_COLOURS[source], label=_label(source), height=0.6)
            left = [a + b for a, b in zip(left, values, strict=True)]
        for y, total in enumerate(left):
            ax.text(total + max(left) * 0.015, y, str(total), va="center", fontsize=9, color=INK)
        ax.set_xlim(0, max(left) * 1.12)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("Times raised in the cycle")
        fig.legend(ncols=len(sources), loc="outside lower center", frameon=False)
        return _svg(fig, "Themes raised in the cycle, by source")


def audits_by_kind(counts: Mapping[str, int], labels: Mapping[str, str]) -> str | None:
    """Horizontal bars: the cycle's audits of each kind (every kind shown, zeros too)."""
    if not any(counts.values()):
        return None
    with rc_context(_STYLE):
        fig = _figure(HALF, 0.32 * len(counts) + 1.0)
        ax = fig.add_subplot()
        names = [labels.get(k, _label(k)) for k in counts][::-1]
        values = list(counts.values())[::-1]
        bars = ax.barh(names, values, color=ACCENT, height=0.6)
        ax.bar_label(bars, padding=3, color=INK, fontsize=9)
        ax.set_xlim(0, max(values) * 1.15)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("Audits")
        return _svg(fig, "Audits completed in the cycle, by kind")


#: How the timeliness chart names each kind of review (R-TML-1).
TIMELINESS_LABELS = {
    "first_looked_after_review": "First LAC review",
    "second_looked_after_review": "Second LAC review",
    "later_looked_after_review": "Later LAC reviews",
    "initial_cp_conference": "Initial CP conference",
    "first_review_cp_conference": "First CP review",
    "later_review_cp_conference": "Later CP reviews",
}

#: Timeliness series (R-TML-1): every review, looked-after reviews, CP conferences.
TIMELINESS_SERIES = {
    "share_in_time": ("All reviews and conferences", ACCENT, "held"),
    "looked_after_share": ("Looked-after reviews", "#1a7f4b", "looked_after_held"),
    "child_protection_share": ("Child protection conferences", "#d1495b", "child_protection_held"),
}


def timeliness_trend(quarters: Sequence[Mapping[str, Any]], current: str | None = None) -> str | None:
    """R-TML-1: lines of the share of reviews held in time in each quarter (all, looked
    after, child protection); a quarter with none held leaves a gap."""
    if not any(q["held"] for q in quarters):
        return None
    with rc_context(_STYLE):
        fig = _figure(HALF, 3.0)
        ax = fig.add_subplot()
        xs = list(range(len(quarters)))
        for field, (label, colour, held) in TIMELINESS_SERIES.items():
            ys = [q[field] if q[held] else float("nan") for q in quarters]
            ax.plot(
                xs,
                ys,
                color=colour,
                linewidth=2.0 if field == "share_in_time" else 1.4,
                marker="o",
                label=label,
            )
        for x, q in zip(xs, quarters, strict=True):
            if q["share_in_time"] is not None:
                ax.annotate(
                    f"{q['share_in_time'] * 100:.0f}%\n(n={q['held']})",
                    (x, q["share_in_time"]),
                    textcoords="offset points",
                    xytext=(0, 9),
                    ha="center",
                    fontsize=8.5,
                    color=INK,
                    fontweight="bold" if q["quarter_id"] == current else "normal",
                )
        ax.set_xticks(xs, [q["quarter_id"] for q in quarters])
        ax.set_ylim(0, 1.22)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_ylabel("Held in time")
        ax.grid(axis="y", color="#e5e7eb")
        ax.set_axisbelow(True)
        ax.set_xlim(-0.6 if len(xs) > 1 else -1, len(xs) - 0.4 if len(xs) > 1 else 1)
        fig.legend(ncols=1, loc="outside lower center", frameon=False, fontsize=8.5)
        return _svg(fig, "Share of reviews held in time, by quarter")


def timeliness_by_kind(rows: Sequence[Mapping[str, Any]]) -> str | None:
    """R-TML-1: horizontal bars, the share held in time of each kind of review held."""
    held = [r for r in rows if r["held"]]
    if not held:
        return None
    with rc_context(_STYLE):
        fig = _figure(HALF, 0.45 * len(held) + 1.2)
        ax = fig.add_subplot()
        labels = [TIMELINESS_LABELS.get(r["kind"], _label(r["kind"])) for r in held][::-1]
        shares = [r["share_in_time"] for r in held][::-1]
        colours = ["#1a7f4b" if "looked_after" in r["kind"] else "#d1495b" for r in held][::-1]
        bars = ax.barh(labels, shares, color=colours, height=0.6)
        ax.bar_label(
            bars,
            labels=[f"{r['share_in_time'] * 100:.0f}% of {r['held']}" for r in held][::-1],
            padding=4,
            color=INK,
            fontsize=9,
        )
        ax.set_xlim(0, 1.35)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel("Held in time")
        return _svg(fig, "Reviews held in time, by kind")
