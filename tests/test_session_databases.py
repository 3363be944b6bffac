"""A killed test session's PostgreSQL database is dropped when the next session starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
# A session's first step on the server, as the fixture takes it: its database, made, and then
# the session goes on (here: waits to be killed).
SESSION = """
import sys, time
from tests.conftest import PostgresServer
server = PostgresServer(sys.argv[1])
server.new_schema()
print(server.dbname, flush=True)
time.sleep(600)
"""


def start_session(url: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", SESSION, url], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    dbname = proc.stdout.readline().strip()
    assert dbname.startswith("qkms_test_"), dbname
    return proc, dbname


def databases(postgres_server: Any) -> set[str]:
    with postgres_server.admin() as conn:
        return {r[0] for r in conn.execute("SELECT datname FROM pg_database").fetchall()}


def test_a_new_session_drops_what_killed_sessions_left_and_nothing_else(
    postgres_store: str, postgres_server: Any
) -> None:
    from psycopg import sql

    killed, killed_db = start_session(postgres_server.admin_url)
    alive, alive_db = start_session(postgres_server.admin_url)
    dead_pid = killed.pid
    os.kill(dead_pid, signal.SIGKILL)
    killed.wait(timeout=30)
    # A dead pid in a database made from another host means nothing here; names that are not a
    # session's are never touched.
    others = {
        f"qkms_test_{dead_pid}_0badc0de": "qkms test session: host elsewhere.example, pid 1",
        f"qkms_test_{dead_pid}_notasession": None,
        f"qkmsxtest_{dead_pid}_0badc0de": None,
    }
    with postgres_server.admin() as conn:
        for name, comment in others.items():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            if comment:
                conn.execute(
                    sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                        sql.Identifier(name), sql.Literal(comment)
                    )
                )
    try:
        assert {killed_db, alive_db, *others} <= databases(postgres_server)
        # The next test session, as a user starts it: any test using the server will do.
        session = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "--postgresql",
                postgres_server.admin_url,
                "tests/test_store_backends.py::test_values_read_back_with_their_types",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert session.returncode == 0, session.stdout + session.stderr
        assert "2 passed" in session.stdout, session.stdout
        left = databases(postgres_server)
        assert killed_db not in left
        assert {alive_db, postgres_server.dbname, *others} <= left
    finally:
        alive.kill()
        alive.wait(timeout=30)
        with postgres_server.admin() as conn:
            for name in (alive_db, *others):
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
