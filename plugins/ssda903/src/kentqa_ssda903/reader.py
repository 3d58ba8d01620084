"""The SSDA903 importer: every file of one return, read together."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from kentqa_domain.importing import Importer, ImportOptions, Located

from .periods import events_from
from .rows import Rows, read_file


def read(paths: Sequence[Path], options: ImportOptions) -> Iterator[Located]:
    """Recognise each file by its header, keep the good rows, then derive the events.

    The episodes and reviews of a return are read together: periods of care come from the
    episodes and decide which reviews can be imported.
    """
    rows = Rows()
    for path in paths:
        yield from read_file(Path(path), options, rows)
    yield from events_from(rows, options)


IMPORTER = Importer(
    name="ssda903",
    title="SSDA903 looked-after children return (CSV tables: episodes, reviews, ...)",
    extensions=(".csv",),
    read=read,
)
