"""Two fresh databases on a PostgreSQL server: one for kentqa, one for the bare baseline."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit, urlunsplit


def databases(server_url: str) -> tuple[str, dict[str, str]]:
    """(kentqa URL, bare eventsourcing settings) for two new databases on ``server_url``."""
    import psycopg
    from psycopg import sql

    token = secrets.token_hex(3)
    names = (f"bench_kentqa_{token}", f"bench_bare_{token}")
    with psycopg.connect(server_url, autocommit=True) as admin:
        for name in names:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    parts = urlsplit(server_url)
    kentqa_url = urlunsplit(parts._replace(path=f"/{names[0]}"))
    settings = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": names[1],
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": parts.username or "",
        "POSTGRES_PASSWORD": parts.password or "",
    }
    return kentqa_url, settings
