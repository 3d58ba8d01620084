"""Keys kept in the store: the cipher check, the child lookup secret and per-child keys.

Every key is random (``os.urandom`` through ``cryptography``'s AES-GCM), kept in the key
table of the same store (:mod:`kentqa_domain.storage.admin`) and, when the application cipher
is on (``KENTQA_CIPHER_KEY``), wrapped by it. Rows (by name):

- ``check``: tells whether the store is encrypted, and with which key (a wrong or missing
  ``KENTQA_CIPHER_KEY`` is refused with a clear :class:`StorageError`);
- ``secret``: the HMAC secret that turns a child reference into its lookup name, so the
  table never holds a child reference;
- ``ref:<hmac of the child reference>`` -> the child's key id; ``child:<key id>`` -> the
  child's AES key (and its lookup name). Destroying both is erasure (crypto-shredding);

See ``docs/security.md`` and ``docs/decisions/0601-crypto-shredding.md``.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
from hashlib import sha256
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..errors import StorageError, StoreBusy
from ..storage.admin import StoreAdmin
from ..storage.faults import contention

CHECK_PLAIN = b"kentqa:plain"
CHECK_SEALED = b"kentqa:sealed"
KEY_ID_BYTES = 10
#: Attempts at making a child's key while other processes make it at the same moment.
KEY_ATTEMPTS = 3


def aes_encrypt(key: bytes, plaintext: bytes) -> bytes:
    """AES-GCM with a random 96-bit nonce: ``nonce + ciphertext-and-tag``."""
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, None)


def aes_encrypt_parts(key: bytes, plaintext: bytes | memoryview) -> tuple[bytes, bytes]:
    """``(nonce, ciphertext-and-tag)``, whose concatenation is :func:`aes_encrypt`'s result: the
    caller can let go of the plaintext before joining them (checkpoints of tens of megabytes)."""
    nonce = os.urandom(12)
    return nonce, AESGCM(key).encrypt(nonce, plaintext, None)


def aes_decrypt(key: bytes, blob: bytes) -> bytes:
    """The inverse of :func:`aes_encrypt`; ``ValueError`` if the key is wrong or the bytes damaged."""
    try:
        return AESGCM(key).decrypt(blob[:12], blob[12:], None)
    except InvalidTag:
        raise ValueError("the ciphertext does not match the key (wrong key or damaged bytes)") from None


def pseudonym(key: bytes, kind: str, value: str) -> str:
    """A stable pseudonym of ``value`` under ``key``: unlinkable to ``value`` once the key is gone."""
    digest = hmac.new(key, f"{kind}\x1f{value}".encode(), sha256).hexdigest()
    return f"anon-{digest[:24]}"


def token_for(key_id: str) -> str:
    """The anonymous child reference that replaces a forgotten child's reference."""
    return f"anon-{key_id}"


def key_id_of(token: str) -> str | None:
    return token[5:] if token.startswith("anon-") and len(token) == 5 + 2 * KEY_ID_BYTES else None


class Keyring:
    """Key material of one store, with an in-process cache."""

    def __init__(self, admin: StoreAdmin, cipher: Any | None) -> None:
        self.admin = admin
        self.cipher = cipher  # eventsourcing's AESCipher, or None
        self._lock = threading.RLock()
        self._child_keys: dict[str, bytes | None] = {}  # key id -> key (None: destroyed)
        self._by_ref: dict[str, str] = {}  # child ref -> key id
        self._secret: bytes | None = None
        self.check_cipher()

    # --- the application cipher ------------------------------------------------------------

    def wrap(self, material: bytes) -> bytes:
        return self.cipher.encrypt(material) if self.cipher else material

    def unwrap(self, material: bytes) -> bytes:
        if not self.cipher:
            return material
        try:
            out: bytes = self.cipher.decrypt(material)
        except ValueError:
            raise StorageError(
                "KENTQA_CIPHER_KEY is not the key this store was encrypted with (a key row failed to decrypt)"
            ) from None
        return out

    def check_cipher(self) -> None:
        """Refuse a missing, wrong or unexpected ``KENTQA_CIPHER_KEY`` before anything is read."""
        stored = self.admin.get_key("check")
        if stored is None:
            mine = self.cipher.encrypt(CHECK_SEALED) if self.cipher else CHECK_PLAIN
            if self.admin.change_keys(insert={"check": mine}):
                return
            stored = self.admin.get_key("check")
            assert stored is not None
        if stored == CHECK_PLAIN:
            if self.cipher:
                raise StorageError(
                    "this store was created without encryption, but KENTQA_CIPHER_KEY is set: "
                    "unset it to use this store (encryption cannot be switched on for an existing store)"
                )
            return
        if not self.cipher:
            raise StorageError(
                "this store is encrypted: set KENTQA_CIPHER_KEY to the key it was created with"
            )
        try:
            ok = self.cipher.decrypt(stored) == CHECK_SEALED
        except ValueError:
            ok = False
        if not ok:
            raise StorageError("KENTQA_CIPHER_KEY is not the key this store was encrypted with")

    # --- the lookup secret --------------------------------------------------------------

    def secret(self) -> bytes:
        if self._secret is None:
            stored = self.admin.get_key("secret")
            if stored is None:
                self.admin.change_keys(insert={"secret": self.wrap(secrets.token_bytes(32))})
                stored = self.admin.get_key("secret")
                assert stored is not None
            self._secret = self.unwrap(stored)
        return self._secret

    def lookup_name(self, child_ref: str) -> str:
        digest = hmac.new(self.secret(), child_ref.encode(), sha256).hexdigest()
        return f"ref:{digest}"

    # --- per-child keys -----------------------------------------------------------------

    def child_key_id(self, child_ref: str, *, create: bool) -> str | None:
        """The key id of ``child_ref`` (made on first use when ``create``)."""
        with self._lock:
            known = self._by_ref.get(child_ref)
            if known is not None and self._child_keys.get(known) is not None:
                return known
            lookup = self.lookup_name(child_ref)
            try:  # another process made the child's key first: read it again
                for attempt in contention(_KeyTaken, KEY_ATTEMPTS, wait=False):
                    with attempt:
                        return self._child_key_id(lookup, child_ref, create=create)
            except _KeyTaken:
                raise StoreBusy(
                    f"could not make a key for a child after {attempt.num} attempts (lookup {lookup[:12]}...): "
                    "other processes kept making it at the same moment; record it again"
                ) from None
            raise AssertionError("unreachable: stamina returns or raises")  # pragma: no cover

    def _child_key_id(self, lookup: str, child_ref: str, *, create: bool) -> str | None:
        stored = self.admin.get_key(lookup)
        if stored is not None:
            key_id = self.unwrap(stored).decode()
            if self.child_key(key_id) is not None:
                self._by_ref[child_ref] = key_id
                return key_id
        if not create:
            return None
        key_id = secrets.token_hex(KEY_ID_BYTES)
        key = AESGCM.generate_key(256)
        record = orjson.dumps({"k": key.hex(), "l": lookup})
        delete = [lookup] if stored is not None else []
        if not self.admin.change_keys(
            insert={f"child:{key_id}": self.wrap(record), lookup: self.wrap(key_id.encode())},
            delete=delete,
        ):
            raise _KeyTaken
        self._child_keys[key_id] = key
        self._by_ref[child_ref] = key_id
        return key_id

    def make_child_keys(self, refs: list[str]) -> None:
        """Make the keys of several new children in one transaction (recording a batch); a
        child whose key another process made meanwhile falls back to :meth:`child_key_id`."""
        with self._lock:
            made: dict[str, tuple[str, bytes]] = {}
            rows: dict[str, bytes] = {}
            for ref in dict.fromkeys(refs):
                lookup = self.lookup_name(ref)
                key_id = secrets.token_hex(KEY_ID_BYTES)
                key = AESGCM.generate_key(256)
                rows[f"child:{key_id}"] = self.wrap(orjson.dumps({"k": key.hex(), "l": lookup}))
                rows[lookup] = self.wrap(key_id.encode())
                made[ref] = (key_id, key)
            if rows and self.admin.change_keys(insert=rows):
                for ref, (key_id, key) in made.items():
                    self._child_keys[key_id] = key
                    self._by_ref[ref] = key_id
                return
        for ref in refs:
            self.child_key_id(ref, create=True)

    def child_key(self, key_id: str) -> bytes | None:
        """The child's key, or None once it was destroyed (the child was forgotten)."""
        with self._lock:
            if key_id in self._child_keys:
                return self._child_keys[key_id]
            stored = self.admin.get_key(f"child:{key_id}")
            key = bytes.fromhex(orjson.loads(self.unwrap(stored))["k"]) if stored is not None else None
            if key is not None:
                self._child_keys[key_id] = key
            return key

    def destroy_child(
        self, key_id: str, *, also: dict[str, bytes] | None = None, delete: tuple[str, ...] = ()
    ) -> None:
        """Delete the child's key and lookup rows (idempotent), with other key changes in one transaction."""
        with self._lock:
            names = [f"child:{key_id}"]
            stored = self.admin.get_key(f"child:{key_id}")
            if stored is not None:
                names.append(orjson.loads(self.unwrap(stored))["l"])
            if not self.admin.change_keys(delete=[*names, *delete], insert=also or {}):
                raise StorageError(
                    "could not destroy a child's key: the key table changed meanwhile; try again"
                )
            self.forget_cached(key_id)

    def check_table(self) -> list[str]:
        """What is wrong in the key table (``kentqa verify``, issue 17 finding 7): each child's
        key row and its lookup row (``ref:<HMAC>``) name each other, as recording makes them
        and forgetting deletes them, together. A lookup row deleted would make the child's
        next event start a new key (the child split in two); a key row deleted is found by
        reading the log. Rows that do not unwrap are reported too."""
        rows = self.admin.all_keys()
        problems: list[str] = []
        for name, material in sorted(rows.items()):
            try:
                if name.startswith("child:"):
                    key_id = name.removeprefix("child:")
                    lookup = orjson.loads(self.unwrap(material))["l"]
                    back = rows.get(lookup)
                    if back is None or self.unwrap(back).decode() != key_id:
                        problems.append(f"the lookup row of anon-{key_id} is missing or names another key")
                elif name.startswith("ref:"):
                    key_id = self.unwrap(material).decode()
                    if f"child:{key_id}" not in rows:
                        problems.append(
                            f"a lookup row ({name[:16]}...) names anon-{key_id}, whose key row is missing"
                        )
            except (StorageError, ValueError, KeyError, TypeError) as exc:
                problems.append(f"the key row {name[:24]} does not read back ({type(exc).__name__})")
        return problems

    def forget_cached(self, key_id: str) -> None:
        with self._lock:
            self._child_keys[key_id] = None
            for ref in [r for r, k in self._by_ref.items() if k == key_id]:
                del self._by_ref[ref]


class _KeyTaken(Exception):
    """Another process made the child's key (or changed its lookup row) first (retried)."""
