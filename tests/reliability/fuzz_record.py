"""Coverage-guided fuzzing of ``record_json`` with atheris: ``python -m tests.reliability.fuzz_record [libFuzzer flags]``.

Each input is decoded as JSON (orjson, as the CLI does; undecodable bytes are skipped) and
also structured from the fuzzer's own choices; ``record_json`` must either record it or
raise InvalidEvent. Anything else is a crash that libFuzzer reports with the input.
"""

from __future__ import annotations

import sys
from typing import Any

import atheris

with atheris.instrument_imports(include=["kentqa_domain"]):
    import orjson

    import kentqa_domain as kq
    from kentqa_domain import application, fields, serialization, values  # noqa: F401
    from kentqa_domain.errors import InvalidEvent
    from kentqa_domain.events import EVENT_TYPES
    from kentqa_domain.privacy import sealing  # noqa: F401
    from kentqa_domain.recording import write_model  # noqa: F401
    from kentqa_domain.serialization import mapper  # noqa: F401

TYPES = sorted(EVENT_TYPES)
QA = kq.connect("memory://", policy=kq.Policy())


def _value(fdp: atheris.FuzzedDataProvider, depth: int = 0) -> Any:
    kind = fdp.ConsumeIntInRange(0, 7 if depth < 4 else 4)
    if kind == 0:
        return None
    if kind == 1:
        return fdp.ConsumeBool()
    if kind == 2:
        return fdp.ConsumeInt(fdp.ConsumeIntInRange(1, 64))
    if kind == 3:
        return fdp.ConsumeFloat()
    if kind == 4:
        return fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 40))
    if kind == 5:
        return f"20{fdp.ConsumeIntInRange(0, 99):02d}-{fdp.ConsumeIntInRange(0, 13):02d}-{fdp.ConsumeIntInRange(0, 32):02d}"
    if kind == 6:
        return [_value(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 3))]
    return {fdp.ConsumeUnicode(8): _value(fdp, depth + 1) for _ in range(fdp.ConsumeIntInRange(0, 3))}


def _attempt(obj: object) -> None:
    try:
        QA.record_json(obj)
    except InvalidEvent as error:
        str(error).encode("utf-8")


def test_one(data: bytes) -> None:
    try:
        decoded = orjson.loads(data)
    except orjson.JSONDecodeError:
        decoded = None
    if decoded is not None:
        _attempt(decoded)
    fdp = atheris.FuzzedDataProvider(data)
    event: dict[str, Any] = {"type": TYPES[fdp.ConsumeIntInRange(0, len(TYPES) - 1)]}
    for _ in range(fdp.ConsumeIntInRange(0, 12)):
        event[
            fdp.PickValueInList(
                [
                    "child_ref",
                    "team_id",
                    "worker_id",
                    "on",
                    "held_on",
                    "kind",
                    "review_id",
                    "actions",
                    "rating",
                    "themes",
                    fdp.ConsumeUnicode(10),
                ]
            )
        ] = _value(fdp)
    _attempt(event)


def main() -> None:
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
