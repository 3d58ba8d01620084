"""The command line's contract (SPEC section 8, docs/cli.md): every SPEC command is there,
each explains itself, takes --db, and prints JSON with --json wherever it prints a table."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click

from kentqa_domain.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SPEC_COMMANDS = {
    "demo",
    "record",
    "status observations",
    "status drift",
    "status escalations",
    "status complaints",
    "status cycle",
    "report learning",
    "stats",
    "plugins",
    "policy",
    "replay",
    "notify",
}
#: Commands that print no table: what they make is a file in the chosen format.
NO_TABLE = {
    "report learning": "writes the report to -o FILE in --format html|md|json",
    "report chairs": "writes the report to -o FILE in --format html|md|json",
    "keygen": "prints one new key, the whole of its output",
    "scrub": "prints one line; its effect is on the database files",
    "init": "prints one line: where the store was created and whether it is encrypted",
    "export": "writes JSON lines to -o FILE (the input of kentqa record); its summary is one line on stderr",
}
#: Commands that open no store.
NO_STORE = {
    "plugins": "lists what is installed",
    "policy": "shows the policy the installed plugins give (SPEC 9.5)",
    "keygen": "makes a key; opens nothing",
}


def commands(group: click.Group = cli, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from commands(command, f"{path} ")


def options(command: click.Command) -> set[str]:
    return {opt for param in command.params for opt in getattr(param, "opts", ())}


def test_every_spec_command_is_there() -> None:
    assert SPEC_COMMANDS <= {path for path, _ in commands()}


def test_every_command_explains_itself() -> None:
    for path, command in commands():
        assert (command.help or "").strip(), f"kentqa {path} has no --help text"
        assert len((command.help or "").split()) >= 4, path


def test_every_command_that_prints_a_table_has_json_and_every_store_command_has_db() -> None:
    for path, command in commands():
        if isinstance(command, click.Group) and not command.invoke_without_command:
            continue
        if path not in NO_TABLE:
            assert "--json" in options(command), f"kentqa {path} prints tables but has no --json"
        if path not in NO_STORE:
            assert "--db" in options(command), f"kentqa {path} has no --db"


def test_docs_cli_names_every_command_and_every_exit_status() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for path, command in commands():
        if not isinstance(command, click.Group) or command.invoke_without_command:
            top = path.split()[0]
            assert f"kentqa {top}" in text, f"docs/cli.md does not mention kentqa {top}"
    from kentqa_domain.cli import common

    for name in dir(common):
        if name.startswith("EXIT_"):
            assert f"| {getattr(common, name)} |" in text, f"docs/cli.md has no row for {name}"


def test_the_register_filters_are_options_and_documented_in_docs_cli() -> None:
    """Decision 0815: ``status escalations`` and ``status complaints`` take ``--state`` and
    ``--since`` (filters in the query itself), and docs/cli.md says so for each."""
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    found = dict(commands())
    for path in ("status escalations", "status complaints"):
        assert {"--state", "--since", "--json"} <= options(found[path]), path
        line = next((ln for ln in text.splitlines() if f"kentqa {path} --state" in ln), "")
        assert "--since" in line, f"docs/cli.md does not document kentqa {path} --state/--since"
