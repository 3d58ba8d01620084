"""The CIN census importer: one or more census XML files (``Message/Children/Child``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from kentqa_domain.importing import FileRead, Importer, ImportOptions, Located, Problem, SourceLocation

from .children import DefusedXmlException, NotAMessage, ParseError, TooDeep, children
from .mapping import child_events

KIND = "CIN census message"


def read(paths: Sequence[Path], options: ImportOptions) -> Iterator[Located]:
    """Each file in turn; a file that is not well-formed keeps what was read before the fault."""
    for path in paths:
        yield from _read_file(Path(path), options)


def _read_file(path: Path, options: ImportOptions) -> Iterator[Located]:
    where = SourceLocation(str(path))
    try:
        handle = options.open(path)
    except OSError as exc:
        yield where, Problem(f"cannot be read: {exc.strerror or exc}")
        return
    count = 0
    with handle:
        try:
            for element, lines in children(handle):
                count += 1
                if count == 1:
                    yield where, FileRead(KIND, 0, "children")
                yield from child_events(element, lines, count, str(path), options)
        except NotAMessage as exc:
            hint = "" if path.suffix.lower() == ".xml" else " (CIN census returns are .xml files)"
            yield where, Problem(f"is not a CIN census message: {exc}{hint}")
            return
        except TooDeep as exc:
            yield SourceLocation(str(path), exc.line), Problem(f"{exc}: nothing after this point is imported")
        except ParseError as exc:
            line = exc.position[0] if exc.position else None
            yield (
                SourceLocation(str(path), line),
                Problem(f"is not well-formed XML ({exc}): nothing after this point is imported"),
            )
        except DefusedXmlException as exc:
            yield (
                where,
                Problem(
                    f"uses an XML feature refused for safety ({type(exc).__name__}): file not imported further"
                ),
            )
    yield where, FileRead(KIND, count, "children")


IMPORTER = Importer(
    name="cin-census",
    title="Children in Need census (XML message)",
    extensions=(".xml",),
    read=read,
)
