"""``kentqa status complaints | complaints-summary | voice`` (R-CMP-1..7, framework 4.1-4.3).

- ``complaints``: the register at ``--as-of`` (stage, state, the next thing due and its date,
  extended, breached, late), filtered by ``--state``/``--since`` and paged by
  ``--limit``/``--after``. At stage 3 the next thing due is the review panel, then its report,
  then the council's response (R-CMP-7); ``ombudsman``: referred to the Ombudsman.
- ``complaints-summary --from DATE [--to DATE]``: the period's volumes, stages, outcomes,
  timeliness, themes, learning and actions, by service and team (quarterly learning report,
  six-monthly report to senior managers).
- ``voice --from DATE [--to DATE] [--source S ...]``: compliments and feedback by source,
  channel, theme, rating and team: "what are children and families telling us?".

``--to`` defaults to ``--as-of``, which defaults to today (the CLI may read the clock; the
library never does); with both, a period still running is reported up to ``--as-of``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from ..areas.complaints.files import OMBUDSMAN, OPEN, STATES
from ..areas.complaints.register import ComplaintRow
from ..areas.complaints.summary import ComplaintsSummary, ComplaintTally
from ..areas.complaints.timescales import PANEL, PANEL_REPORT, RESPONSE
from ..areas.voice.summary import VoiceSummary, VoiceTally
from ..values import FeedbackSource
from . import output
from .common import (
    as_of_date,
    as_of_option,
    as_worker_option,
    date_option,
    db_option,
    from_group,
    json_option,
    open_store,
)


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


def _register_row(row: ComplaintRow) -> dict[str, Any]:
    """The register's table columns, kept narrow for an 80-column terminal (all fields: --json).

    stage is 1, 2, 3 or corp (the corporate route, R-CMP-6); next is what ``due`` is for:
    resp (the stage's response), panel or report (R-CMP-7).
    """
    return {
        "id": row.complaint_id,
        "team": _key(row.team_id),
        "stage": row.stage.value.removeprefix("stage_") if row.statutory else "corp",
        "state": row.state,
        "next": _NEXT[row.due_for],
        "due": row.due_on,
        "ext": _yes(row.extended),
        "breach": _yes(row.breached),
        "late": _yes(row.late),
    }


#: ``ComplaintRow.due_for`` -> the register's narrow "next" column.
_NEXT = {RESPONSE: "resp", PANEL: "panel", PANEL_REPORT: "report"}


def _period_end(end: dt.datetime | None, as_of: dt.datetime | None) -> tuple[dt.date, dt.date | None]:
    """A summary's last day (``--to``, else the as-of date) and its ``as_of`` cut-off."""
    return (end.date() if end is not None else as_of_date(as_of)), (
        as_of.date() if as_of is not None else None
    )


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def _mean(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _key(value: str | None) -> str:
    return "(none)" if value is None else value


@click.command("complaints")
@db_option
@as_of_option
@as_worker_option
@json_option
@click.option(
    "--state",
    "states",
    type=click.Choice(list(STATES)),
    multiple=True,
    help="Only rows in this state at --as-of (repeatable; open: what is open now).",
)
@date_option("--since", "since", help="Only complaints received on or after this date, YYYY-MM-DD.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many rows (one page).")
@click.option(
    "--after", metavar="COMPLAINT_ID", help="Start after this complaint: the last id of the previous page."
)
@click.pass_context
def complaints(
    ctx: click.Context,
    *,
    db: str | None,
    as_of: dt.datetime | None,
    as_worker: str | None,
    as_json: bool,
    states: tuple[str, ...],
    since: dt.datetime | None,
    limit: int | None,
    after: str | None,
) -> None:
    """The complaints register (R-CMP-1..7): stage, state, the next thing due and its date,
    extended, breached, late.

    Oldest first; page through a long register with --limit N, then --after the last id shown.
    """
    day = as_of_date(as_of)
    with open_store(from_group(ctx, "db", db)) as qa:
        rows = qa.complaints_register(
            as_of=day,
            as_worker=as_worker,
            state=states or None,
            since=since.date() if since is not None else None,
            limit=limit,
            after=after,
        )
    if from_group(ctx, "as_json", as_json):
        output.print_json(rows)
        return
    output.print_table(f"Complaints register as of {day.isoformat()}", [_register_row(r) for r in rows])
    breached = sum(1 for r in rows if r.state == OPEN and r.breached)
    ombudsman = sum(1 for r in rows if r.state == OMBUDSMAN)
    click.echo(
        f"{len(rows)} complaint{'' if len(rows) == 1 else 's'}: "
        f"{sum(1 for r in rows if r.state == OPEN)} open "
        f"({breached} past their due date), {sum(1 for r in rows if r.late)} late (R-CMP-4)"
        + (f", {ombudsman} with the Ombudsman (R-CMP-7)" if ombudsman else "")
    )
    if limit is not None and len(rows) == limit:
        click.echo(f"The next page: --after {rows[-1].complaint_id}")


def _tally_row(tally: ComplaintTally, label: str) -> dict[str, Any]:
    """A group's columns, narrow for 80 columns (late and withdrawn counts are in --json);
    "upheld" counts upheld and partially upheld responses."""
    return {
        label: _key(tally.key),
        "received": tally.received,
        "responses": tally.responses,
        "on_time": _percent(tally.timeliness_share),
        "upheld": tally.outcomes["upheld"] + tally.outcomes["partially_upheld"],
        "open": tally.open_at_end,
        "overdue": tally.overdue_at_end,
    }


def _print_complaints_summary(summary: ComplaintsSummary) -> None:
    period = f"{summary.start.isoformat()} to {summary.end.isoformat()}"
    overall = summary.overall
    click.echo(
        f"Complaints {period}: {overall.received} received ({overall.corporate} corporate, "
        f"{overall.late} late), {overall.responses} responses, "
        f"{_percent(overall.timeliness_share) or 'n/a'} on time, {overall.withdrawn} withdrawn, "
        f"{overall.ombudsman} referred to the Ombudsman; "
        f"{overall.open_at_end} open at the end ({overall.overdue_at_end} overdue)"
    )
    output.print_table(
        "By stage",
        [
            {
                "stage": s.stage,
                "begun": s.begun,
                "responses": s.responses,
                "on_time": _percent(s.timeliness_share),
                "upheld": s.outcomes["upheld"],
                "partly": s.outcomes["partially_upheld"],
                "not_upheld": s.outcomes["not_upheld"],
                "no_finding": s.outcomes["no_finding"],
            }
            for s in overall.by_stage
        ],
    )
    output.print_table("By service", [_tally_row(t, "service") for t in summary.by_service])
    output.print_table("By team", [_tally_row(t, "team") for t in summary.by_team])
    output.print_table("Themes", [{"theme": k, "complaints": v} for k, v in overall.themes.items()])
    output.print_table(
        "Learning and actions",
        [
            {
                "complaint": item.complaint_id,
                "stage": item.stage,
                "responded": item.responded_on,
                "team": _key(item.team_id),
                "outcome": item.outcome,
                "learning": "; ".join(item.learning),
                "actions": "; ".join(item.actions),
            }
            for item in summary.learning
        ],
    )


@click.command("complaints-summary")
@db_option
@date_option("--from", "start", required=True, help="First day of the period, YYYY-MM-DD.")
@date_option("--to", "end", help="Last day of the period (default: --as-of).")
@as_of_option
@as_worker_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.pass_context
def complaints_summary(
    ctx: click.Context,
    *,
    db: str | None,
    start: dt.datetime,
    end: dt.datetime | None,
    as_of: dt.datetime | None,
    as_worker: str | None,
    as_json: bool,
) -> None:
    """Complaints over a period: volumes, stages, outcomes, timeliness, themes, learning, by service and team."""
    last, cutoff = _period_end(end, as_of)
    with open_store(from_group(ctx, "db", db)) as qa:
        summary = qa.complaints_summary(start.date(), last, as_of=cutoff, as_worker=as_worker)
    if from_group(ctx, "as_json", as_json):
        output.print_json(summary)
    else:
        _print_complaints_summary(summary)


def _voice_row(tally: VoiceTally, label: str) -> dict[str, Any]:
    return {
        label: _key(tally.key),
        "feedback": tally.feedback,
        "compliments": tally.compliments,
        "rated": tally.rated,
        "mean_rating": _mean(tally.mean_rating),
    }


def _print_voice_summary(summary: VoiceSummary) -> None:
    overall = summary.overall
    click.echo(
        f"Voice {summary.start.isoformat()} to {summary.end.isoformat()} "
        f"({', '.join(s.value for s in summary.sources)}): {overall.feedback} feedback, "
        f"{overall.compliments} compliments, {overall.rated} rated, mean rating "
        f"{_mean(overall.mean_rating) or 'n/a'}"
    )
    output.print_table("By source", [_voice_row(t, "source") for t in summary.by_source])
    output.print_table("By channel", [_voice_row(t, "channel") for t in summary.by_channel])
    output.print_table("By theme", [_voice_row(t, "theme") for t in summary.by_theme])
    output.print_table("By team", [_voice_row(t, "team") for t in summary.by_team])
    output.print_table(
        "By team and theme",
        [
            {
                "team": _key(t.team_id),
                "theme": _key(t.theme),
                "feedback": t.feedback,
                "compliments": t.compliments,
                "rated": t.rated,
                "mean_rating": _mean(t.mean_rating),
            }
            for t in summary.by_team_theme
        ],
    )


@click.command("voice")
@db_option
@date_option("--from", "start", required=True, help="First day of the period, YYYY-MM-DD.")
@date_option("--to", "end", help="Last day of the period (default: --as-of).")
@click.option(
    "--source",
    "sources",
    type=click.Choice([s.value for s in FeedbackSource]),
    multiple=True,
    help="Only this source's voice (repeatable; default: everyone's).",
)
@as_of_option
@as_worker_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.pass_context
def voice(
    ctx: click.Context,
    *,
    db: str | None,
    start: dt.datetime,
    end: dt.datetime | None,
    sources: tuple[str, ...],
    as_of: dt.datetime | None,
    as_worker: str | None,
    as_json: bool,
) -> None:
    """Compliments and feedback by source, channel, theme, rating and team."""
    last, cutoff = _period_end(end, as_of)
    with open_store(from_group(ctx, "db", db)) as qa:
        summary = qa.voice_summary(
            start.date(), last, as_of=cutoff, as_worker=as_worker, sources=sources or None
        )
    if from_group(ctx, "as_json", as_json):
        output.print_json(summary)
    else:
        _print_voice_summary(summary)


COMMANDS = (complaints, complaints_summary, voice)
