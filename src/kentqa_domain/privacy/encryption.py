"""Encryption at rest: ``KENTQA_CIPHER_KEY`` -> eventsourcing's AES-GCM cipher settings.

The key is 32 random bytes in base64 (``kentqa keygen``). :func:`cipher_settings` adds
eventsourcing's ``CIPHER_TOPIC`` (``eventsourcing.cryptography:AESCipher``, from the
``cryptography`` package) and ``CIPHER_KEY`` to the storage settings, so every stored event
state, checkpoint and key row is AES-GCM encrypted. Event topics (type names), stream ids,
versions and positions stay readable: see docs/security.md.
"""

from __future__ import annotations

import base64
import binascii

import attrs
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..errors import StorageError
from ..storage import Storage

CIPHER_TOPIC = "eventsourcing.cryptography:AESCipher"
KEY_BYTES = 32


def new_key() -> str:
    """A fresh 256-bit key, base64: the value for ``KENTQA_CIPHER_KEY``."""
    return base64.b64encode(AESGCM.generate_key(KEY_BYTES * 8)).decode()


def check_key(key: str) -> None:
    """Refuse a malformed key with a :class:`StorageError` naming ``KENTQA_CIPHER_KEY``: not
    base64, not 16, 24 or 32 bytes, or one byte repeated (an all-zero placeholder is no key)."""
    try:
        raw = base64.b64decode(key.strip().encode(), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise StorageError("KENTQA_CIPHER_KEY is not base64: make one with `kentqa keygen`") from None
    if len(raw) not in (16, 24, 32):
        raise StorageError(
            f"KENTQA_CIPHER_KEY must decode to 16, 24 or 32 bytes, not {len(raw)}: make one with `kentqa keygen`"
        )
    if len(set(raw)) == 1:  # all zero (a placeholder left in), or any one byte repeated
        raise StorageError(
            f"KENTQA_CIPHER_KEY is one byte (0x{raw[0]:02x}) repeated {len(raw)} times, not a secret: "
            "make one with `kentqa keygen`"
        )


def cipher_settings(storage: Storage, key: str | None) -> Storage:
    """``storage`` with the cipher configured when ``key`` is given (None: encryption off).

    A key that is set but empty (``KENTQA_CIPHER_KEY=`` left by a script whose secret did not
    load) is an error, never a silent plain store (issue 17, finding 6)."""
    if key is None:
        return storage
    if not key.strip():
        raise StorageError(
            "KENTQA_CIPHER_KEY is set but empty: set it to the store's key (make one with `kentqa keygen`), "
            "or unset it for a store without encryption"
        )
    check_key(key)
    settings = {**storage.settings, "CIPHER_TOPIC": CIPHER_TOPIC, "CIPHER_KEY": key.strip()}
    return attrs.evolve(storage, settings=settings)
