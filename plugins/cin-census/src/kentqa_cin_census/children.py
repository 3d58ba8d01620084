"""Streaming the ``<Child>`` elements of a CIN census message, each with its line numbers.

The message is parsed with defusedxml (entity declarations and external references are
refused: the file is untrusted) through a parser target that builds one ``<Child>`` at a time
(``Message/Children/Child``) and hands it on when it closes, so a county's census of tens of
thousands of children is never held whole. The line of every element is kept for reports.
Namespaces are dropped from tag names.

Each element costs the same whatever its depth (issue 17, finding 9: comparing the whole open
path at every tag made 200,000 nested elements take 22 s), and nesting deeper than
``MAX_DEPTH`` is refused: a census message is about eight levels deep.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

CHILD_PATH = ("Message", "Children", "Child")
CHUNK = 64 * 1024
#: The deepest nesting read: DfE's CIN census schema nests about eight levels.
MAX_DEPTH = 64


class NotAMessage(ValueError):
    """The root element is not ``<Message>``: not a CIN census file."""


class TooDeep(ValueError):
    """Elements nested deeper than :data:`MAX_DEPTH`: not a census message, and not read on."""

    def __init__(self, line: int) -> None:
        self.line = line
        super().__init__(
            f"elements are nested more than {MAX_DEPTH} levels deep (a census message has about eight)"
        )


class _ChildCollector:
    """A parser target keeping each complete ``<Child>`` with the lines of its elements."""

    def __init__(self) -> None:
        self.parser: DefusedXMLParser | None = None
        self.path: list[str] = []
        self.builder: TreeBuilder | None = None
        self.lines: dict[Element, int] = {}
        self.ready: list[tuple[Element, dict[Element, int]]] = []

    def _at_child(self) -> bool:
        """The open elements are exactly Message/Children/Child (compared only at that depth)."""
        return len(self.path) == len(CHILD_PATH) and tuple(self.path) == CHILD_PATH

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = tag.rpartition("}")[2]
        if not self.path and name != "Message":
            raise NotAMessage(f"the root element is <{name}>, not <Message>")
        if len(self.path) >= MAX_DEPTH:
            assert self.parser is not None
            raise TooDeep(self.parser.parser.CurrentLineNumber)
        self.path.append(name)
        if self.builder is None and self._at_child():
            self.builder = TreeBuilder()
            self.lines = {}
        if self.builder is not None:
            element = self.builder.start(name, {})
            assert self.parser is not None
            self.lines[element] = self.parser.parser.CurrentLineNumber

    def end(self, tag: str) -> None:
        at_child = self._at_child()
        name = self.path.pop()
        if self.builder is not None:
            self.builder.end(name)
            if at_child:
                self.ready.append((self.builder.close(), self.lines))
                self.builder = None

    def data(self, text: str) -> None:
        if self.builder is not None:
            self.builder.data(text)

    def close(self) -> None:
        return None


def children(handle: BinaryIO) -> Iterator[tuple[Element, dict[Element, int]]]:
    """Each ``<Child>`` element of the message and the line of each of its elements.

    Raises ``ParseError`` (not well-formed, with ``.position``), :class:`NotAMessage`,
    :class:`TooDeep`, or defusedxml's ``DefusedXmlException`` (entities, external references).
    """
    collector = _ChildCollector()
    parser = DefusedXMLParser(target=collector)
    collector.parser = parser
    try:
        while chunk := handle.read(CHUNK):
            parser.feed(chunk)
            yield from _drain(collector)
        parser.close()
    except Exception:
        yield from _drain(collector)  # the children completed before the fault still count
        raise
    yield from _drain(collector)


def _drain(collector: _ChildCollector) -> Iterator[tuple[Element, dict[Element, int]]]:
    ready, collector.ready = collector.ready, []
    yield from ready


__all__ = ["MAX_DEPTH", "DefusedXmlException", "NotAMessage", "ParseError", "TooDeep", "children"]
