"""Pseudonymising child ids with a council secret (HMAC-SHA256), for importers.

The same secret gives the same ``child_ref`` for the same id in every file and every year,
so a council's SSDA903 and CIN census imports meet on one child; without the secret the
ref cannot be turned back into the id (a plain hash of a six-digit id could be, by trying
all million). The secret comes from ``KENTQA_PSEUDONYMISE_SECRET`` or is given directly.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping

import attrs

SECRET_ENV = "KENTQA_PSEUDONYMISE_SECRET"  # noqa: S105 - where the secret is, not a secret
MIN_SECRET_LENGTH = 16
REF_PREFIX = "p-"


class SecretError(ValueError):
    """The pseudonymisation secret is missing or too short."""


def _check_secret(inst: object, attribute: attrs.Attribute[bytes], value: bytes) -> None:
    if not isinstance(value, bytes):
        raise SecretError("the pseudonymisation secret must be bytes or text")
    if len(value) < MIN_SECRET_LENGTH:
        raise SecretError(
            f"the pseudonymisation secret must be at least {MIN_SECRET_LENGTH} bytes long "
            "(a council-wide random value, kept like a password)"
        )


def _to_bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


@attrs.frozen
class Pseudonymiser:
    """``ref(id)`` = ``"p-"`` + the first 32 hex digits of HMAC-SHA256(secret, id).

    Ids are compared exactly after trimming surrounding spaces (``" 123 "`` and ``"123"`` are
    one child; ``"a1"`` and ``"A1"`` are two). The secret never appears in ``repr``.
    """

    secret: bytes = attrs.field(converter=_to_bytes, validator=_check_secret, repr=False)

    def ref(self, raw_id: str) -> str:
        digest = hmac.new(self.secret, raw_id.strip().encode("utf-8"), hashlib.sha256).hexdigest()
        return REF_PREFIX + digest[:32]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Pseudonymiser:
        """From ``KENTQA_PSEUDONYMISE_SECRET``; a clear :class:`SecretError` when it is not set."""
        env = os.environ if environ is None else environ
        secret = env.get(SECRET_ENV, "")
        if not secret:
            raise SecretError(
                f"--pseudonymise needs the council secret in the environment variable {SECRET_ENV} "
                "(or --secret-file)"
            )
        return cls(secret)
