"""Searching database files and rows for bytes that must not be there (encryption, erasure)."""

from __future__ import annotations

from pathlib import Path


def sqlite_files(db: Path) -> list[Path]:
    """The SQLite file and its write-ahead log and shared-memory files, those that exist."""
    return [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]


def files_containing(paths: list[Path], needle: bytes) -> list[str]:
    """Which of ``paths`` (files, or folders searched recursively) hold ``needle`` anywhere."""
    hits = []
    for path in paths:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for f in files:
            try:
                data = f.read_bytes()
            except OSError:
                continue
            if needle in data:
                hits.append(str(f))
    return hits


def postgres_tables_containing(url: str, needle: bytes) -> list[str]:
    """Which tables of the database at ``url`` hold ``needle`` in any value of any row."""
    import psycopg

    hits = []
    with psycopg.connect(url) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema='public'"
            ).fetchall()
        ]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"').fetchall():
                for value in row:
                    raw = bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
                    if needle in raw:
                        hits.append(table)
                        break
    return sorted(set(hits))


def postgres_checkpoint(url: str) -> None:
    """Force dirty pages to the data files (the test role is granted pg_checkpoint)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
