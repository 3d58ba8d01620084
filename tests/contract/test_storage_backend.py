"""The storage plugin contract (decision 1010): the back end a storage plugin puts in
``Storage.backend`` gives the admin operations, the page reader of the notification log and the
reading of its exceptions, and the core uses those, not its own. A third-party-style plugin
registered here (scheme ``acme://``, over a real SQLite file) supplies its own, and the core's
rule for a classified fault holds for any classification (hypothesis)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

import attrs
import pytest
from eventsourcing.persistence import ApplicationRecorder, PersistenceError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kentqa_domain as kq
from kentqa_domain.application import QualityAssurance
from kentqa_domain.builtin.sqlite_backend import SQLiteAdmin, SQLiteBackend, sqlite_fault
from kentqa_domain.builtin.storage import open_sqlite
from kentqa_domain.errors import StorageError, StoreBusy
from kentqa_domain.hookspecs import hookimpl
from kentqa_domain.storage import DEFAULT_BACKEND, Storage, StorageBackend
from kentqa_domain.storage.admin import StoreAdmin
from kentqa_domain.storage.faults import Fault, FaultKind, storage_errors
from kentqa_domain.storage.log_pages import PageReader, page_reader
from tests.conftest import organisation
from tests.reliability.test_storage_faults import FEEDBACK, HOLD_LOCK

ACME_BUSY = "acme: the vault is held by another process (ask the acme operator)"


class AcmeAdmin(SQLiteAdmin):
    """The plugin's own admin: counts the scrubs it was asked for."""

    scrubs = 0

    def scrub(self) -> None:
        type(self).scrubs += 1
        super().scrub()


class AcmeBackend(SQLiteBackend):
    """A third party's back end over SQLite: its own admin, page reader and classification."""

    def __init__(self) -> None:
        self.admins: list[StoreAdmin] = []
        self.pages = 0
        self.classified: list[BaseException] = []

    def admin(self, recorder: Any) -> StoreAdmin:
        made = AcmeAdmin(recorder)
        self.admins.append(made)
        return made

    def page_reader(self, recorder: ApplicationRecorder) -> PageReader:
        inner = super().page_reader(recorder)

        def read(start: int, limit: int) -> Sequence[Any]:
            self.pages += 1
            return inner(start, limit)

        return read

    def classify(self, exc: BaseException) -> Fault | None:
        self.classified.append(exc)
        if "database is locked" in str(exc):
            return Fault(FaultKind.BUSY, ACME_BUSY)
        return super().classify(exc)


class AcmePlugin:
    """Registers ``acme:///PATH``: an SQLite file with the plugin's back end."""

    def __init__(self, backend: StorageBackend | None) -> None:
        self.backend = backend

    @hookimpl
    def kentqa_register_storage(self, register: Callable[[str, Any], None]) -> None:
        register("acme", self.open)

    def open(self, url: str) -> Storage:
        storage = open_sqlite("sqlite://" + url.removeprefix("acme://"))
        if self.backend is None:  # a plugin that supplies no back end
            return Storage(settings=storage.settings, display=url, files=storage.files)
        return attrs.evolve(storage, display=url, backend=self.backend)


@pytest.fixture
def acme(tmp_path: Path) -> Iterator[tuple[QualityAssurance, AcmeBackend, Path]]:
    backend = AcmeBackend()
    db = tmp_path / "acme.db"
    qa = kq.connect(f"acme:///{db}", policy=kq.Policy(), plugins=[AcmePlugin(backend)])
    try:
        yield qa, backend, db
    finally:
        qa.close()


def test_the_core_uses_the_plugins_admin_and_page_reader(
    acme: tuple[QualityAssurance, AcmeBackend, Path],
) -> None:
    qa, backend, _db = acme
    assert qa.backend is backend
    assert qa.admin is backend.admins[0] and isinstance(qa.admin, AcmeAdmin)
    qa.record_many(organisation())
    before = backend.pages
    qa.replay()
    assert backend.pages > before  # replay read the log through the plugin's reader
    scrubs = AcmeAdmin.scrubs
    qa.scrub()
    assert AcmeAdmin.scrubs == scrubs + 1


def test_the_core_reports_a_fault_as_the_plugin_classifies_it(
    acme: tuple[QualityAssurance, AcmeBackend, Path],
) -> None:
    """A real lock held by another process: the plugin's reading of it is what the caller sees."""
    qa, backend, db = acme
    qa.record_many(organisation())
    qa.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db), "30"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        busy = kq.connect(f"acme:///{db}?timeout=1", policy=kq.Policy(), plugins=[AcmePlugin(backend)])
        try:
            with pytest.raises(StoreBusy, match="the vault is held by another process") as caught:
                busy.record_json(FEEDBACK)
            assert str(caught.value).startswith(f"recording: {ACME_BUSY}: ")
            assert caught.value.__cause__ in backend.classified
        finally:
            holder.kill()
            holder.wait()
            busy.close()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_a_plugin_that_supplies_no_back_end_is_refused_with_what_it_lacks(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match=r"no admin operations .*Storage\.backend must implement admin"):
        kq.connect(f"acme:///{tmp_path / 'bare.db'}", policy=kq.Policy(), plugins=[AcmePlugin(None)])


def test_the_built_in_storage_gives_the_sqlite_back_end(tmp_path: Path) -> None:
    for url in ("memory://", f"sqlite:///{tmp_path / 'qa.db'}"):
        with kq.connect(url, policy=kq.Policy()) as qa:
            assert isinstance(qa.backend, SQLiteBackend)
            assert isinstance(qa.admin, SQLiteAdmin)


# --- the default page reader and SQLite's read the same rows -----------------------------------


@pytest.fixture(scope="module")
def recorded() -> Iterator[QualityAssurance]:
    qa = kq.connect("memory://", policy=kq.Policy())
    qa.record_many(organisation())
    qa.record_many([{**FEEDBACK, "feedback_id": f"F{n}"} for n in range(30)])
    yield qa
    qa.close()


def _plain(rows: Sequence[Any]) -> list[tuple[int, UUID, int, str, bytes]]:
    return [(p, s if isinstance(s, UUID) else UUID(hex=str(s)), v, t, bytes(b)) for p, s, v, t, b in rows]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.integers(min_value=0, max_value=50), limit=st.integers(min_value=1, max_value=60))
def test_sqlites_page_reader_reads_what_the_default_reads(
    recorded: QualityAssurance, start: int, limit: int
) -> None:
    """The rule a back end's page reader keeps: the rows of ``select_notifications``, in order."""
    fast = SQLiteBackend().page_reader(recorded.recorder)
    default = DEFAULT_BACKEND.page_reader(recorded.recorder)
    assert (
        _plain(fast(start, limit))
        == _plain(default(start, limit))
        == _plain(page_reader(recorded.recorder)(start, limit))
    )


# --- the core's rule for a classified fault ------------------------------------------------------


@attrs.frozen
class Classifies:
    fault: Fault | None

    def classify(self, exc: BaseException) -> Fault | None:
        return self.fault


texts = st.text(st.characters(blacklist_categories=["Cs", "Cc", "Zs", "Zl", "Zp"]), min_size=1, max_size=30)


@given(kind=st.sampled_from(FaultKind), advice=texts, action=texts, message=texts)
def test_a_classified_fault_is_store_busy_only_when_busy(
    kind: FaultKind, advice: str, action: str, message: str
) -> None:
    raised = RuntimeError(message)  # not a storage error unless the back end says so
    with pytest.raises(StorageError) as caught, storage_errors(action, Classifies(Fault(kind, advice))):
        raise raised
    assert isinstance(caught.value, StoreBusy) == (kind is FaultKind.BUSY)
    assert str(caught.value) == f"{action}: {advice}: {message}"
    assert caught.value.__cause__ is raised


@given(message=texts)
def test_what_no_back_end_recognises_is_raised_unchanged_and_persistence_errors_are_failures(
    message: str,
) -> None:
    raised = RuntimeError(message)
    with pytest.raises(RuntimeError) as caught, storage_errors("reading", Classifies(None)):
        raise raised
    assert caught.value is raised
    with pytest.raises(StorageError) as failed, storage_errors("reading", Classifies(None)):
        raise PersistenceError(message)
    assert type(failed.value) is StorageError
    assert str(failed.value).startswith("reading: the storage back end failed (PersistenceError): ")


@given(before=st.text(max_size=20), after=st.text(max_size=20), which=st.sampled_from(["", "table "]))
def test_sqlite_calls_a_locked_database_busy_whatever_surrounds_it(
    before: str, after: str, which: str
) -> None:
    fault = sqlite_fault(RuntimeError(f"{before} Database {which}is LOCKED {after}"))
    assert fault is not None and fault.kind is FaultKind.BUSY


def test_the_built_in_sqlite_back_end_does_not_claim_other_drivers_errors() -> None:
    assert SQLiteBackend().classify(RuntimeError("password authentication failed")) is None
