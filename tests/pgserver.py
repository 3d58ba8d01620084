"""A throwaway PostgreSQL server for the test session (a pytest plugin).

Fixtures: ``postgres_url`` (session) is a server URL, from ``KENTQA_TEST_POSTGRES`` or a
cluster started here on 127.0.0.1 and removed at the end; ``make_postgres_db`` (session)
creates a fresh empty database and returns its URL; ``postgres_db_url`` (function) is one
such database per test. Tests using them are marked ``postgres``. With no server to be
had, they fail when ``CI=true`` and skip with the reason elsewhere.
"""

from __future__ import annotations

import glob
import os
import secrets
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ENV_URL = "KENTQA_TEST_POSTGRES"
ROLE, DATABASE = "kentqa", "kentqa"
FIXTURES = {"postgres_url", "make_postgres_db", "postgres_db_url", "postgres_data_dir"}
#: The data directory of the cluster started here (None with a server of yours).
STARTED: dict[str, Path] = {}


class Unavailable(Exception):
    """No PostgreSQL server can be had; the message says why."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses a server ``postgres`` (deselect with ``-m "not postgres"``)."""
    for item in items:
        if FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a PostgreSQL server whose role may create databases."""
    try:
        if os.environ.get(ENV_URL):
            yield _check(os.environ[ENV_URL])
            return
        cluster = Cluster()
        try:
            yield _check(cluster.start())
        finally:
            cluster.remove()
    except Unavailable as why:
        reason = f"no PostgreSQL server for the tests: {why}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true: PostgreSQL tests must run)", pytrace=False)
        pytest.skip(f"{reason} (set {ENV_URL}=postgresql://... to use a server of yours)")


@pytest.fixture(scope="session")
def make_postgres_db(postgres_url: str) -> Iterator[Callable[[], str]]:
    """A function returning the URL of a new empty database; all are dropped at the end."""
    import psycopg
    from psycopg import sql

    token, numbers, made = secrets.token_hex(3), count(1), []

    def make() -> str:
        name = f"test_{token}_{next(numbers)}"
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        made.append(name)
        return urlunsplit(urlsplit(postgres_url)._replace(path=f"/{name}"))

    yield make
    try:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            for name in made:
                drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                admin.execute(drop.format(sql.Identifier(name)))
    except psycopg.Error:
        pass  # a throwaway cluster goes anyway; on a server of yours, drop test_* by hand


@pytest.fixture(scope="session")
def postgres_data_dir(postgres_url: str) -> Path | None:
    """The data directory of the throwaway cluster (for scanning its files), None for a server of yours."""
    return STARTED.get("data")


@pytest.fixture
def postgres_db_url(make_postgres_db: Callable[[], str]) -> str:
    """URL of a fresh empty database for this test alone."""
    return make_postgres_db()


def _check(url: str) -> str:
    try:
        import psycopg
    except ImportError as error:
        raise Unavailable(f"psycopg is not installed ({error})") from None
    try:
        with psycopg.connect(url, connect_timeout=10) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        raise Unavailable(f"cannot connect to {_redact(url)}: {error}") from None
    return url


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def find_bindir() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``: from PATH, else /usr/lib/postgresql."""
    found = shutil.which("initdb")
    candidates = [Path(found).resolve().parent] if found else []
    versions = [Path(d) for d in glob.glob("/usr/lib/postgresql/*/bin") if Path(d).parent.name.isdigit()]
    candidates += sorted(versions, key=lambda d: int(d.parent.name), reverse=True)
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    raise Unavailable("initdb is not on PATH nor in /usr/lib/postgresql/*/bin (apt-get install postgresql)")


class Cluster:
    """A cluster in a temporary directory, run as the ``postgres`` user when we are root."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.as_root = os.geteuid() == 0
        if self.as_root and not shutil.which("runuser"):
            raise Unavailable("running as root but runuser is missing")
        # As root, under /tmp: the postgres user may not reach root's own TMPDIR.
        self.dir = Path(tempfile.mkdtemp(prefix="kentqa-pg-", dir="/tmp" if self.as_root else None))
        self.data, self.started = self.dir / "data", False
        if self.as_root:
            import pwd

            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                self.remove()
                raise Unavailable("running as root but there is no 'postgres' OS user") from None
            os.chown(self.dir, user.pw_uid, user.pw_gid)
        self.dir.chmod(0o700)

    def run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        done = subprocess.run(
            command, cwd=self.dir, env=env, capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode:
            log = self.dir / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise Unavailable(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()} {tail}")

    def start(self) -> str:
        """Initialise and start the cluster; return the URL of its test role and database."""
        try:
            self.run(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-locale",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
            )
            for attempt in range(3):  # another process may take the free port first
                port = _free_port()
                try:
                    self.run(
                        "pg_ctl",
                        "-D",
                        str(self.data),
                        "-l",
                        str(self.dir / "server.log"),
                        "-o",
                        self._options(port),
                        "-w",
                        "-t",
                        "60",
                        "start",
                    )
                    break
                except Unavailable:
                    if attempt == 2:
                        raise
            self.started = True
            STARTED["data"] = self.data
            return self._create_role(port)
        except (OSError, subprocess.SubprocessError) as error:
            raise Unavailable(str(error)) from None

    def _options(self, port: int) -> str:
        return (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {shlex.quote(str(self.dir))}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=200"
        )

    def _create_role(self, port: int) -> str:
        import psycopg
        from psycopg import sql

        password = secrets.token_urlsafe(12)
        role, database = sql.Identifier(ROLE), sql.Identifier(DATABASE)
        try:
            with psycopg.connect(
                host=str(self.dir), port=port, user="postgres", dbname="postgres", autocommit=True
            ) as admin:
                admin.execute(
                    sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}").format(role, sql.Literal(password))
                )
                admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(database, role))
                try:  # PostgreSQL 15+: lets tests force a CHECKPOINT before scanning the files
                    admin.execute(sql.SQL("GRANT pg_checkpoint TO {}").format(role))
                except psycopg.Error:
                    pass
        except psycopg.Error as error:
            raise Unavailable(f"cannot create the test role and database: {error}") from None
        return f"postgresql://{ROLE}:{password}@127.0.0.1:{port}/{DATABASE}"

    def remove(self) -> None:
        """Stop the server (fast shutdown) and delete its directory."""
        try:
            if self.started:
                self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        except Unavailable:
            pass
        finally:
            STARTED.pop("data", None)
            shutil.rmtree(self.dir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
