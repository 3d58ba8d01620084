"""The import graph of ``kentqa_domain`` (issue 19): every import-linter contract is kept, and
no module imports itself back through others.

Imports inside functions count (grimp reads every import statement), and so do imports under
``if TYPE_CHECKING:``: a cycle made only of annotations cannot fail at run time, but it still
ties two modules together, so there are none (docs/architecture.md). Where a lower module
needs the type of a higher one it declares a protocol of what it uses (``StaffBook``,
``DriftQueries``, ``LearningQueries``, ``Engine``).
"""

from __future__ import annotations

import re
import sys
import tomllib

import grimp

from tests.cli_run import ROOT, python


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in edges[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(modules)))
    for module in modules:
        if module not in index:
            visit(module)
    return found


def describe(graph: grimp.ImportGraph, component: list[str]) -> str:
    """One cycle's chain, with the import lines that make it."""
    first, members = component[0], set(component)
    back = next(m for m in component if first in graph.find_modules_directly_imported_by(m))
    chain = graph.find_shortest_chain(importer=first, imported=back, as_packages=False) or (first, back)
    lines = [f"cycle of {len(component)} modules: " + " -> ".join([*chain, first])]
    for importer, imported in zip([*chain], [*chain[1:], first], strict=True):
        for detail in graph.get_import_details(importer=importer, imported=imported):
            lines.append(f"  {importer}:{detail['line_number']}: {detail['line_contents']}")
    lines.append("  members: " + ", ".join(sorted(members)))
    return "\n".join(lines)


def build(*, type_checking: bool) -> grimp.ImportGraph:
    return grimp.build_graph(
        "kentqa_domain",
        include_external_packages=False,
        exclude_type_checking_imports=not type_checking,
        cache_dir=None,  # a stale cache would hide a new import
    )


def test_no_import_cycle_at_run_time() -> None:
    """Every import that runs (top level or inside a function) goes one way."""
    graph = build(type_checking=False)
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(describe(graph, c) for c in found)


def test_no_import_cycle_even_through_annotations() -> None:
    """No cycle either when the imports under ``if TYPE_CHECKING:`` are counted."""
    graph = build(type_checking=True)
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(describe(graph, c) for c in found)


def test_every_import_linter_contract_is_kept() -> None:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"][
        "contracts"
    ]
    result = python(
        "-c",
        "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
        "--no-cache",
    )
    out = " ".join(result.stdout.split())  # the report wraps long contract names
    broken = [c["name"] for c in contracts if f"{' '.join(c['name'].split())} BROKEN" in out]
    assert not broken, f"broken contracts: {broken}\n{result.stdout}{result.stderr}"
    counts = re.search(r"Contracts: (\d+) kept, (\d+) broken\.", out)
    assert counts is not None, result.stdout + result.stderr
    assert (int(counts[1]), int(counts[2])) == (len(contracts), 0), result.stdout
    assert result.returncode == 0, result.stdout + result.stderr
