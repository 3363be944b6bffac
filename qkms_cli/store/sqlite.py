"""The SQLite backend (the default): one file in the keystore home, WAL, one writer at a time."""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from qkms_cli.errors import DependencyTimeoutException, KeystoreError
from qkms_cli.store.home import open_lock


def translate_error(exc: sqlite3.Error, path: Path | str, timeout: float) -> Exception:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return DependencyTimeoutException(
            f"The keystore is locked by another qkms process; gave up after {timeout:g} seconds."
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return KeystoreError(
            f"The keystore database {path} is damaged ({exc}). "
            "Restore it from a backup (qkms keystore restore)."
        )
    if "readonly" in text or "read-only" in text:
        return KeystoreError(f"The keystore {path} is read-only: {exc}.")
    if "full" in text:
        return KeystoreError(f"The disk holding the keystore {path} is full: {exc}.")
    return KeystoreError(f"The keystore {path} cannot be used: {exc}.")


# The longest wait between tries for the writers' lock (flock has no timeout, so it is tried
# again); a `qkms serve` writer leaves the lock free for longer than this between transactions.
WRITER_LOCK_POLL = 0.0005


class WriterBusyError(Exception):
    """Another writer holds the writers' lock (transaction(wait=False))."""


class Database:
    """A keystore's tables in one SQLite file; the interface postgres.Database mirrors."""

    dialect = "sqlite"

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.location = str(path)
        self.timeout = timeout
        self._lock_fd: int | None = None
        self._lockable = True
        try:
            self.conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            self.conn.execute("PRAGMA foreign_keys = ON")
            # Deleted rows (a purged key's material, a used pooled pair) are overwritten with
            # zeros, not left in free pages; upstream SQLite defaults this off.
            self.conn.execute("PRAGMA secure_delete = ON")
        except sqlite3.Error as exc:
            raise translate_error(exc, path, timeout) from None

    @classmethod
    def over(cls, conn: sqlite3.Connection, path: Path) -> Database:
        """The interface over a connection opened elsewhere (a backup opened read-only)."""
        database = cls.__new__(cls)
        database.path, database.location, database.timeout = path, str(path), 0.0
        database.conn = conn
        database._lock_fd, database._lockable = None, False
        return database

    def _error(self, exc: sqlite3.Error) -> Exception:
        return translate_error(exc, self.path, self.timeout)

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        try:
            self.conn.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def query(
        self, sql: str, params: Sequence[Any] = (), *, limit: int | None = None
    ) -> list[dict[str, Any]]:
        cur = self.execute(sql, params)
        try:
            # Rows are read lazily: a damaged page can surface here, not at execute().
            rows = cur.fetchall() if limit is None else cur.fetchmany(limit)
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row)) for row in rows]

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        cur = self.execute(sql)
        try:
            return cur.fetchall()
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    @contextlib.contextmanager
    def transaction(
        self, *, exclusive: bool = True, lock: bool = False, alone: bool = False, wait: bool = True
    ) -> Iterator[None]:
        """One write transaction: all of it commits, or none of it does.

        SQLite has one writer at a time whatever exclusive, lock and alone say (BEGIN
        IMMEDIATE). qkms's writers queue for it on a lock file first (_writer_lock), not in
        SQLite's busy handler. wait=False: WriterBusyError at once when another holds that lock (an
        event loop tries again later rather than stop).
        """
        if self.conn.in_transaction:
            yield
            return
        locked = self._writer_lock(wait)
        try:
            self.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._rollback()
                raise
            try:
                self.conn.commit()
            except sqlite3.Error as exc:
                self._rollback()
                raise self._error(exc) from None
        finally:
            if locked:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)  # type: ignore[arg-type]

    @contextlib.contextmanager
    def writers_excluded(self) -> Iterator[None]:
        """Hold the writers' lock without a transaction (a checkpoint: none may run in one)."""
        locked = self._writer_lock()
        try:
            yield
        finally:
            if locked:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)  # type: ignore[arg-type]

    def _writer_lock(self, wait: bool = True) -> bool:
        """Take the writers' lock (flock on the keystore's directory): whether it was taken.

        SQLite's busy handler makes a writer that finds the database locked sleep 1, 2, 5, 10,
        ... 100 ms between tries, so under a steady stream of writes (a `qkms serve` worker's
        audit events) another process's writer can wait a hundred milliseconds or starve. A
        writer waiting here takes it within half a millisecond of its release. Where the directory
        cannot be opened, SQLite's own locking still keeps one writer at a time.
        """
        if self._lock_fd is None:
            if not self._lockable:
                return False
            try:
                self._lock_fd = open_lock(self.path.parent)
            except (OSError, KeystoreError):
                self._lockable = False
                return False
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if not wait:
                raise WriterBusyError from None
        # flock has no timeout: try again after short, growing waits until the busy timeout.
        deadline = time.monotonic() + self.timeout
        delay = 0.00005
        while True:
            time.sleep(delay)
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise DependencyTimeoutException(
                        "The keystore is locked by another qkms process; gave up after "
                        f"{self.timeout:g} seconds."
                    ) from None
                delay = min(delay * 2, WRITER_LOCK_POLL)

    @property
    def writing(self) -> bool:
        """Whether a write transaction is open (rows need no locks of their own: one writer)."""
        return self.conn.in_transaction

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction that sees one consistent state (WAL keeps it while others write)."""
        if self.conn.in_transaction:
            yield
            return
        self.execute("BEGIN")
        try:
            yield
        finally:
            self._rollback()

    def _rollback(self) -> None:
        # SQLite may have rolled back already (a full disk, an I/O error); the first error is
        # the one worth reporting, so a failing rollback must not replace it.
        with contextlib.suppress(sqlite3.Error):
            self.conn.rollback()

    # -- schema --------------------------------------------------------------------------------

    def has_table(self, name: str) -> bool:
        found = self.query("SELECT 1 AS found FROM sqlite_master WHERE name = ?", (name,))
        return bool(found)

    def schema_version(self) -> int:
        return int(self.rows("PRAGMA user_version")[0][0])

    def set_schema_version(self, version: int) -> None:
        self.execute(f"PRAGMA user_version = {int(version)}")

    def drop_schema_version(self) -> None:
        self.set_schema_version(0)

    def run_script(self, sql: str) -> None:
        """A migration's statements, in the current transaction; a trigger's body holds `;`s of
        its own, so pieces are joined until SQLite finds a whole statement."""
        statement = ""
        for piece in sql.split(";"):
            statement += piece + ";"
            if sqlite3.complete_statement(statement):
                if statement.strip(" \t\n;"):
                    self.execute(statement)
                statement = ""
        if statement.strip(" \t\n;"):
            self.execute(statement)

    def prepare(self) -> None:
        """WAL, before the first migration: readers go on while one process writes."""
        # WAL persists in the file. Switching takes an exclusive lock, and when processes
        # opening a new keystore race to switch, SQLite answers "locked" at once rather than
        # wait (a would-be deadlock): retry.
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                    raise self._error(exc) from None
                time.sleep(0.005 + (os.getpid() % 10) * 0.002)
            except sqlite3.Error as exc:
                raise self._error(exc) from None
        self.execute("PRAGMA synchronous = NORMAL")

    def after_copy(self, tables: Sequence[str]) -> None:
        """Nothing to do: a rowid goes on from the largest in the table."""

    def integrity_problems(self) -> list[str]:
        """SQLite's integrity check and foreign key check, as lines for `keystore verify`."""
        problems = [f"integrity check: {r[0]}" for r in self.rows("PRAGMA integrity_check")]
        problems = [p for p in problems if p != "integrity check: ok"]
        for table, rowid, parent, _fk in self.rows("PRAGMA foreign_key_check"):
            problems.append(f"{table} row {rowid}: refers to a missing {parent} row")
        return problems

    # -- meta ----------------------------------------------------------------------------------

    def get_meta(self, name: str) -> Any:
        rows = self.query("SELECT value FROM meta WHERE name = ?", (name,), limit=1)
        return rows[0]["value"] if rows else None

    def put_meta(self, items: Sequence[tuple[str, Any]]) -> None:
        self.executemany(
            "INSERT INTO meta (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            list(items),
        )

    def close(self) -> None:
        self.conn.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
