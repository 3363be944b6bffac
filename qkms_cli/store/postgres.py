"""The PostgreSQL backend (psycopg 3): one keystore shared by machines and `qkms serve` replicas."""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import re
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from qkms_cli.errors import DependencyTimeoutException, KeystoreError

SCHEMES = ("postgresql://", "postgres://")

# Write transactions run READ COMMITTED, side by side, and lock the rows they decide on (a key's
# row FOR UPDATE, pooled pairs FOR UPDATE SKIP LOCKED); two that insert the same new row (an
# alias, a key's next material version) meet on its unique index, and the loser's operation runs
# again (service.call). Two transaction-scoped advisory locks order what rows cannot:
# - SCHEMA_LOCK: every write transaction holds it shared; migrations, rekeys and restores
#   (alone=True) hold it exclusive, so they see no writer and no writer sees them half done.
# - CHAIN_LOCK (lock=True): the audit chain's head, one appender at a time (store/audit.py),
#   with the small writes whose event commits in the same transaction (service.call).
# Readers take neither. Each is taken once per transaction, in that order, so they never deadlock.
SCHEMA_LOCK = 0x716B6D73  # "qkms"
CHAIN_LOCK = 0x716B6D61  # "qkma"

# A read whose connection dropped is tried again on a new one, this many times in all.
ATTEMPTS = 3

# Connections a process keeps for threads other than the one that opened the keystore (a
# `qkms serve` replica's request threads): QKMS_STORE_POOL_SIZE, else this.
DEFAULT_POOL_SIZE = 8

# The table that counts the migrations run (SQLite keeps the count in PRAGMA user_version).
VERSION_TABLE = "qkms_schema_version"

# SQLSTATEs (PostgreSQL's appendix A) that mean "run the whole operation again".
# serialization_failure, deadlock_detected, and unique_violation (two writers that do not queue,
# inserting the same new row).
_RETRY_STATES = {"40001", "40P01", "23505"}
_LOCK_TIMEOUT = "55P03"  # lock_not_available: lock_timeout passed
_QUERY_CANCELED = "57014"  # statement_timeout passed


def is_url(text: str | None) -> bool:
    return bool(text) and str(text).startswith(SCHEMES)


def check_url(url: str) -> None:
    """KeystoreError for a URL libpq cannot read, saying why without quoting any of it (libpq's
    message quotes the part it choked on, which may be the password)."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    try:
        conninfo_to_dict(url)
    except psycopg.Error as exc:
        why = re.sub(r'"[^"]*"?', '"..."', reason(exc))
        raise KeystoreError(
            f"The shared keystore's URL is not one PostgreSQL can read ({why}). Write it as "
            "postgresql://USER@HOST:PORT/DBNAME?PARAM=VALUE, with special characters "
            "percent-encoded; keep a password in PGPASSWORD or ~/.pgpass."
        ) from None


def _password(url: str) -> str | None:
    from psycopg.conninfo import conninfo_to_dict

    try:
        return conninfo_to_dict(url).get("password") or None
    except Exception:
        return None


def describe(url: str) -> str:
    """The store for messages: postgresql://host:port/dbname, never a user's password."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(url)
    except Exception:
        return "postgresql://(an unreadable URL)"
    host = parts.get("host") or "localhost"
    port = parts.get("port") or "5432"
    return f"postgresql://{host}:{port}/{parts.get('dbname') or parts.get('user') or ''}"


class Result:
    """A statement's rows, read whole, and how many rows it changed."""

    __slots__ = ("columns", "rowcount", "rows")

    def __init__(self, columns: list[str], rows: list[tuple[Any, ...]], rowcount: int) -> None:
        self.columns, self.rows, self.rowcount = columns, rows, rowcount

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.rows

    def fetchone(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None

    def dicts(self, limit: int | None = None) -> list[dict[str, Any]]:
        rows = self.rows if limit is None else self.rows[:limit]
        return [dict(zip(self.columns, row)) for row in rows]


# -- SQL in SQLite's dialect, spoken to PostgreSQL ---------------------------------------------

_INSERT_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)


@functools.lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """A statement written for sqlite3 (`?` parameters) as psycopg takes it (`%s`).

    Quoted text is left alone; a literal % is doubled; `INSERT OR IGNORE` becomes
    `INSERT ... ON CONFLICT DO NOTHING`, `ifnull` PostgreSQL's `coalesce`.
    """
    out: list[str] = []
    quote = ""
    for char in sql:
        if char == "%":
            out.append("%%")  # psycopg reads % even inside quoted text
        elif quote:
            out.append(char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        else:
            out.append(char)
    text = "".join(out)
    if _INSERT_OR_IGNORE.match(text):
        text = _INSERT_OR_IGNORE.sub("INSERT INTO", text, count=1).rstrip().rstrip(";")
        text += " ON CONFLICT DO NOTHING"
    return re.sub(r"\bifnull\s*\(", "coalesce(", text, flags=re.IGNORECASE)


_DDL = [
    # A rowid alias numbers rows itself in SQLite; an identity column does it here.
    (
        re.compile(r"\bINTEGER\s+PRIMARY\s+KEY(\s+AUTOINCREMENT)?\b", re.IGNORECASE),
        "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    ),
    (re.compile(r"\bINTEGER\b", re.IGNORECASE), "BIGINT"),
    (re.compile(r"\bBLOB\b", re.IGNORECASE), "BYTEA"),
    (re.compile(r"\bREAL\b", re.IGNORECASE), "DOUBLE PRECISION"),
    (
        re.compile(
            r"\)\s*(WITHOUT\s+ROWID|STRICT)(\s*,\s*(WITHOUT\s+ROWID|STRICT))*", re.IGNORECASE
        ),
        ")",
    ),
]


# SQLite's triggers keep the change token that only a SQLite keystore's cache reads
# (migrations.CHANGE_TOKEN_TABLES): a PostgreSQL keystore has the table but no triggers.
_TRIGGER = re.compile(r"CREATE\s+TRIGGER\b.*?\bEND\s*;", re.IGNORECASE | re.DOTALL)


def _without_triggers(sql: str) -> str:
    return _TRIGGER.sub("", sql)


def translate_ddl(sql: str) -> str:
    """A migration's DDL, written for SQLite, in PostgreSQL's types."""
    for pattern, replacement in _DDL:
        sql = pattern.sub(replacement, sql)
    return sql


def _adapt(params: Sequence[Any]) -> tuple[Any, ...]:
    # SQLite stores booleans as integers, and the schema says INTEGER: keep it that way here.
    return tuple(int(p) if isinstance(p, bool) else p for p in params)


# meta.value holds text, numbers and bytes side by side in SQLite; here it is BYTEA, each value
# tagged with its type so that it reads back as it was written.
def encode_meta(value: Any) -> bytes:
    if isinstance(value, bytes):
        return b"b" + value
    if isinstance(value, str):
        return b"t" + value.encode("utf-8", "surrogateescape")
    if isinstance(value, bool) or isinstance(value, int):
        return b"i" + str(int(value)).encode()
    if isinstance(value, float):
        return b"f" + repr(value).encode()
    raise TypeError(f"meta values are bytes, str, int or float, not {type(value).__name__}")


def decode_meta(raw: bytes | None) -> Any:
    if raw is None:
        return None
    raw = bytes(raw)
    tag, body = raw[:1], raw[1:]
    if tag == b"b":
        return body
    if tag == b"t":
        return body.decode("utf-8", "surrogateescape")
    if tag == b"i":
        return int(body)
    if tag == b"f":
        return float(body)
    raise KeystoreError(
        "The keystore's meta table holds a value qkms did not write; restore a backup."
    )


# -- errors ------------------------------------------------------------------------------------


def reason(exc: Exception) -> str:
    """libpq's message on one line (it spreads a refused connection over two)."""
    text = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    return text.rstrip(".") or type(exc).__name__


def _transient(error: Exception) -> Exception:
    """Mark an error that running the whole operation again may cure (service.call retries)."""
    error.transient = True  # type: ignore[attr-defined]
    return error


def translate_error(exc: Exception, where: str, timeout: float) -> Exception:
    """A psycopg or pool error as the error qkms reports."""
    import psycopg

    state = getattr(exc, "sqlstate", None)
    if state == _LOCK_TIMEOUT:
        return DependencyTimeoutException(
            f"The keystore {where} is locked by another qkms writer; gave up after "
            f"{timeout:g} seconds."
        )
    if state == _QUERY_CANCELED:
        return DependencyTimeoutException(
            f"The keystore {where} did not answer within {2 * timeout:g} seconds."
        )
    if state in _RETRY_STATES:
        return _transient(
            DependencyTimeoutException(
                f"The keystore {where} stayed too busy to complete the operation ({state}); "
                "run it again."
            )
        )
    if type(exc).__name__ == "PoolTimeout":
        return DependencyTimeoutException(
            f"No connection to the keystore {where} came free within {timeout:g} seconds."
        )
    if isinstance(exc, psycopg.OperationalError) and state is None:
        return _transient(
            KeystoreError(f"Cannot reach the PostgreSQL keystore {where}: {reason(exc)}")
        )
    return KeystoreError(f"The keystore {where} cannot be used: {reason(exc)}.")


# -- connections -------------------------------------------------------------------------------


_BEGIN = f"BEGIN; SELECT pg_advisory_xact_lock_shared({SCHEMA_LOCK})"
_BEGIN_CHAIN = f"{_BEGIN}; SELECT pg_advisory_xact_lock({CHAIN_LOCK})"
_BEGIN_ALONE = f"BEGIN; SELECT pg_advisory_xact_lock({SCHEMA_LOCK})"


def _busy_settings(timeout: float) -> dict[str, str]:
    millis = str(max(1, int(timeout * 1000)))
    return {
        "lock_timeout": millis,
        "statement_timeout": str(max(1, int(timeout * 2000))),
        # A replica stopped (not killed) inside a transaction must not keep its locks.
        "idle_in_transaction_session_timeout": str(max(1, int(timeout * 4000))),
    }


def _connect_kwargs(timeout: float) -> dict[str, Any]:
    return {
        "autocommit": True,
        "connect_timeout": max(1, round(timeout)),
        "application_name": "qkms",
        # psycopg prepares a statement on a connection after this many runs of it.
        "prepare_threshold": 2,
    }


def _configure(conn: Any, timeout: float) -> None:
    for name, value in _busy_settings(timeout).items():
        conn.execute("SELECT set_config(%s, %s, false)", (name, value))


_POOLS: dict[tuple[int, str, float], Any] = {}
_POOLS_LOCK = threading.Lock()


def _shared_pool(url: str, timeout: float) -> Any:
    """The process's pool for url, made on first use (a replica's request threads share it)."""
    key = (os.getpid(), url, timeout)
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None:
            from psycopg_pool import ConnectionPool

            size = _pool_size()
            pool = ConnectionPool(
                url,
                min_size=1,
                max_size=size,
                kwargs=_connect_kwargs(timeout),
                configure=lambda conn: _configure(conn, timeout),
                timeout=timeout,
                name="qkms",
                open=False,
            )
            pool.open(wait=False)
            if not _POOLS:
                atexit.register(_close_pools)
            _POOLS[key] = pool
        return pool


def _close_pools() -> None:
    with _POOLS_LOCK:
        pools = [p for (pid, _u, _t), p in _POOLS.items() if pid == os.getpid()]
        _POOLS.clear()
    for pool in pools:
        with contextlib.suppress(Exception):
            pool.close(timeout=1.0)


def _pool_size() -> int:
    text = os.environ.get("QKMS_STORE_POOL_SIZE")
    if not text:
        return DEFAULT_POOL_SIZE
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 1000):
        raise KeystoreError(f"QKMS_STORE_POOL_SIZE must be a number from 1 to 1000, not {text!r}.")
    return int(text)


class Database:
    """A keystore's tables in a PostgreSQL database, spoken to in SQLite's dialect.

    Opened in a program's main thread (a CLI command) it makes one connection of its own;
    opened in another thread (a `qkms serve` replica's keystore threads), or used from one, it
    borrows connections from the process's pool (psycopg_pool, QKMS_STORE_POOL_SIZE), a
    statement or a transaction at a time. A transaction keeps its connection from BEGIN to
    COMMIT.
    """

    dialect = "postgresql"

    def __init__(self, url: str, timeout: float, *, pooled: bool | None = None) -> None:
        import psycopg

        check_url(url)
        self.url = url
        self.location = describe(url)
        self.timeout = timeout
        self._secret = _password(url)
        self._owner = threading.get_ident()
        self._local = threading.local()
        self._own: Any = None
        if pooled is None:
            # A server's keystore threads share the process's pool; a command has one thread.
            pooled = threading.current_thread() is not threading.main_thread()
        if pooled:
            self._release(self._acquire())  # unreachable or misconfigured: say so now
            return
        try:
            self._own = psycopg.Connection.connect(url, **_connect_kwargs(timeout))
            _configure(self._own, timeout)
        except psycopg.Error as exc:
            raise self._error(exc) from None

    # -- connections ---------------------------------------------------------------------------

    def _error(self, exc: Exception) -> Exception:
        error = translate_error(exc, self.location, self.timeout)
        message = getattr(error, "message", "")
        if self._secret and self._secret in message:  # libpq never says it; make sure
            error.args = (message.replace(self._secret, "********"),)
            error.message = error.args[0]  # type: ignore[attr-defined]
        return error

    @property
    def in_transaction(self) -> bool:
        return getattr(self._local, "conn", None) is not None

    def _acquire(self) -> Any:
        """The thread's own connection (made again if it dropped), or one from the pool."""
        if self._own is not None and threading.get_ident() == self._owner:
            if self._own.closed or self._own.broken:
                self._reconnect()
            return self._own
        pool = _shared_pool(self.url, self.timeout)
        try:
            return pool.getconn()
        except Exception as exc:
            raise self._unreachable_or(exc) from None

    def _release(self, conn: Any) -> None:
        if conn is not self._own:
            # The pool closes a broken connection and makes a new one in its place.
            _shared_pool(self.url, self.timeout).putconn(conn)

    def _unreachable_or(self, exc: Exception) -> Exception:
        """No pooled connection came: say "cannot reach" when the server is gone."""
        import psycopg

        try:
            psycopg.Connection.connect(self.url, **_connect_kwargs(self.timeout)).close()
        except psycopg.Error as probe:
            return self._error(probe)
        return self._error(exc)

    @contextlib.contextmanager
    def _connection(self) -> Iterator[Any]:
        """A connection for one statement of this thread."""
        conn = self._acquire()
        try:
            yield conn
        finally:
            self._release(conn)

    def _reconnect(self) -> None:
        import psycopg

        with contextlib.suppress(Exception):
            self._own.close()
        try:
            self._own = psycopg.Connection.connect(self.url, **_connect_kwargs(self.timeout))
            _configure(self._own, self.timeout)
        except psycopg.Error as exc:
            raise self._error(exc) from None

    @staticmethod
    def _run(conn: Any, sql: str, params: Sequence[Any]) -> Result:
        cur = conn.execute(sql, _adapt(params))
        if cur.description is None:
            return Result([], [], cur.rowcount)
        return Result([c.name for c in cur.description], cur.fetchall(), cur.rowcount)

    # -- statements ----------------------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        import psycopg

        sql = translate(sql)
        current = getattr(self._local, "conn", None)
        if current is not None:
            try:
                return self._run(current, sql, params)
            except psycopg.Error as exc:
                raise self._error(exc) from None
        # Outside a transaction a statement commits alone; a read is safe to try again when
        # its connection dropped, a write is not (it may have committed before the drop).
        retry = sql.lstrip()[:6].upper() in ("SELECT", "WITH")
        for attempt in range(ATTEMPTS):
            try:
                with self._connection() as conn:
                    return self._run(conn, sql, params)
            except psycopg.Error as exc:
                dropped = isinstance(exc, psycopg.OperationalError) and conn.broken
                if not (retry and dropped) or attempt == ATTEMPTS - 1:
                    raise self._error(exc) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        import psycopg

        if not rows:
            return
        sql = translate(sql)
        with self.transaction(exclusive=False):
            conn = self._local.conn
            try:
                with conn.cursor() as cur:
                    cur.executemany(sql, [_adapt(r) for r in rows])
            except psycopg.Error as exc:
                raise self._error(exc) from None

    def query(
        self, sql: str, params: Sequence[Any] = (), *, limit: int | None = None
    ) -> list[dict[str, Any]]:
        return self.execute(sql, params).dicts(limit)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self.execute(sql).rows

    @contextlib.contextmanager
    def transaction(
        self, *, exclusive: bool = True, lock: bool = False, alone: bool = False
    ) -> Iterator[None]:
        """One write transaction: all of it commits, or none of it does.

        READ COMMITTED beside other writers, under SCHEMA_LOCK shared (exclusive says nothing
        here: every writer locks the rows it decides on); lock: also CHAIN_LOCK, one holder
        at a time (the audit chain's head); alone: SCHEMA_LOCK exclusive, no other writer at
        all (migrations, rekeys, restores). See SCHEMA_LOCK.
        """
        import psycopg

        if self.in_transaction:
            yield
            return
        conn = self._begin(_BEGIN_ALONE if alone else _BEGIN_CHAIN if lock else _BEGIN)
        self._local.conn = conn
        self._local.writing = True
        try:
            try:
                yield
            except BaseException:
                with contextlib.suppress(psycopg.Error):
                    conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except psycopg.Error as exc:
                with contextlib.suppress(psycopg.Error):
                    conn.execute("ROLLBACK")
                if isinstance(exc, psycopg.OperationalError) and conn.broken:
                    raise KeystoreError(
                        f"The connection to the keystore {self.location} dropped while "
                        "committing; the change may or may not have been saved. Check "
                        "before running the command again."
                    ) from None
                raise self._error(exc) from None
        finally:
            self._local.conn = None
            self._local.writing = False
            self._release(conn)  # the advisory locks went with the transaction

    @property
    def writing(self) -> bool:
        """Whether this thread is inside a write transaction (not a snapshot): rows it reads to
        decide on are locked FOR UPDATE."""
        return bool(getattr(self._local, "writing", False))

    def _begin(self, begin: str) -> Any:
        """A connection of this thread's, inside BEGIN and holding the advisory locks begin takes
        (one round trip: statements without parameters go as one simple query)."""
        import psycopg

        for attempt in range(ATTEMPTS):
            conn = self._acquire()
            try:
                conn.execute(begin)
                return conn
            except psycopg.Error as exc:
                with contextlib.suppress(psycopg.Error):
                    conn.execute("ROLLBACK")
                self._release(conn)
                # Nothing was done yet: a dropped connection is simply made again.
                if not conn.broken or attempt == ATTEMPTS - 1:
                    raise self._error(exc) from None
        raise AssertionError("unreachable")  # pragma: no cover

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read-only transaction that sees one consistent state (a backup's)."""
        import psycopg

        if self.in_transaction:
            yield
            return
        with self._connection() as conn:
            try:
                conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            except psycopg.Error as exc:
                raise self._error(exc) from None
            self._local.conn = conn
            try:
                yield
            finally:
                self._local.conn = None
                with contextlib.suppress(psycopg.Error):
                    conn.execute("ROLLBACK")

    # -- schema --------------------------------------------------------------------------------

    def has_table(self, name: str) -> bool:
        # A query of the catalog, not to_regclass(): a writer that waited for the lock while
        # another made the table must see it, and a name lookup may answer from a stale cache.
        row = self.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables "
            "WHERE schemaname = current_schema() AND tablename = ?) AS found",
            (name,),
        ).fetchone()
        return bool(row and row[0])

    def schema_version(self) -> int:
        if not self.has_table(VERSION_TABLE):
            return 0
        row = self.execute(f"SELECT version FROM {VERSION_TABLE}").fetchone()
        return int(row[0]) if row else 0

    def set_schema_version(self, version: int) -> None:
        """Inside the migration's transaction (PostgreSQL's DDL is transactional)."""
        self.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER NOT NULL)")
        self.execute(f"DELETE FROM {VERSION_TABLE}")
        self.execute(f"INSERT INTO {VERSION_TABLE} (version) VALUES (?)", (version,))

    def drop_schema_version(self) -> None:
        self.execute(f"DROP TABLE IF EXISTS {VERSION_TABLE}")

    def run_script(self, sql: str) -> None:
        """A migration's statements, in the current transaction."""
        for statement in _without_triggers(translate_ddl(sql)).split(";"):
            if statement.strip():
                self.execute(statement)

    def prepare(self) -> None:
        """Nothing to set per database (SQLite switches to WAL here)."""

    def after_copy(self, tables: Sequence[str]) -> None:
        """Move identity columns' sequences past the rows a copy inserted with their numbers."""
        found = self.query(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND is_identity = 'YES'"
        )
        for row in found:
            table, column = row["table_name"], row["column_name"]
            if table in tables:
                self.execute(
                    f"SELECT setval(pg_get_serial_sequence(?, ?), "
                    f"coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)",
                    (table, column),
                )

    def integrity_problems(self) -> list[str]:
        """PostgreSQL enforces foreign keys and checks its own pages; nothing to add."""
        return []

    # -- meta ----------------------------------------------------------------------------------

    def get_meta(self, name: str) -> Any:
        row = self.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else decode_meta(row[0])

    def put_meta(self, items: Sequence[tuple[str, Any]]) -> None:
        self.executemany(
            "INSERT INTO meta (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            [(name, encode_meta(value)) for name, value in items],
        )

    def close(self) -> None:
        if self._own is not None:
            with contextlib.suppress(Exception):
                self._own.close()
