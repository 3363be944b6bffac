"""The keystore: one SQLite database and a master key in a private home directory."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from qkms_cli.engine import wrap
from qkms_cli.errors import (
    DependencyTimeoutException,
    KeystoreError,
    KeyUnavailableException,
)
from qkms_cli.store.migrations import MIGRATIONS, SCHEMA_VERSION

DB_NAME = "keystore.db"
MASTER_KEY_NAME = "master.key"
DEFAULT_ACCOUNT_ID = "111122223333"
# How long a writer waits for another process's transaction before DependencyTimeoutException.
DEFAULT_BUSY_TIMEOUT = 10.0
_MASTER_CHECK = b"qkms master key check"

Clock = Callable[[], float]


def default_home() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("qkms"))


def resolve_home(home: str | os.PathLike[str] | None) -> Path:
    """`--home`, else `QKMS_HOME`, else the platform's config dir."""
    if home:
        return Path(home).expanduser()
    env = os.environ.get("QKMS_HOME")
    if env:
        return Path(env).expanduser()
    return default_home()


def _check_private(path: Path, *, is_dir: bool) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        want = "700" if is_dir else "600"
        raise KeystoreError(
            f"{path} is accessible by other users (mode {mode:o}); qkms refuses to use it. "
            f"Fix it with: chmod {want} '{path}'"
        )


def _translate(exc: sqlite3.Error, path: Path, timeout: float) -> Exception:
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


class Keystore:
    """An open keystore; pass it around, never keep it in a global."""

    def __init__(self, home: Path, conn: sqlite3.Connection, clock: Clock, timeout: float):
        self.home = home
        self.path = home / DB_NAME
        self._conn = conn
        self._clock = clock
        self._timeout = timeout
        self._master: bytes | None = None
        self._account_id: str | None = None

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        home: str | os.PathLike[str] | None = None,
        *,
        clock: Clock | None = None,
        timeout: float | None = None,
    ) -> Keystore:
        """Open (creating on first use) the keystore in home; purge keys whose deletion is due."""
        path = resolve_home(home)
        if timeout is None:
            timeout = float(os.environ.get("QKMS_BUSY_TIMEOUT", DEFAULT_BUSY_TIMEOUT))
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise KeystoreError(
                f"Cannot create the keystore home {path}: {exc.strerror}."
            ) from None
        if not path.is_dir():
            raise KeystoreError(f"The keystore home {path} is not a directory.")
        _check_private(path, is_dir=True)
        db = path / DB_NAME
        try:
            # Create the file ourselves so it is 0600 before SQLite writes a byte into it.
            os.close(os.open(db, os.O_RDWR | os.O_CREAT, 0o600))
        except OSError as exc:
            raise KeystoreError(f"Cannot open the keystore {db}: {exc.strerror}.") from None
        _check_private(db, is_dir=False)
        try:
            conn = sqlite3.connect(db, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise _translate(exc, db, timeout) from None
        store = cls(path, conn, clock or time.time, timeout)
        try:
            store._prepare()
        except sqlite3.Error as exc:
            conn.close()
            raise _translate(exc, db, timeout) from None
        except BaseException:
            conn.close()
            raise
        return store

    def _prepare(self) -> None:
        conn = self._conn
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise KeystoreError(
                f"The keystore {self.path} has schema version {version}, newer than this qkms "
                f"understands ({SCHEMA_VERSION}). Upgrade qkms."
            )
        if version < SCHEMA_VERSION:
            self._migrate()
        self.purge_expired()

    def _migrate(self) -> None:
        conn = self._conn
        # WAL lets readers go on while one process writes; it persists in the file.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        with self.write():
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for _name, sql in MIGRATIONS[version:]:
                for statement in sql.split(";"):
                    if statement.strip():
                        conn.execute(statement)
            if version == 0:
                master = self._create_master_key()
                check = wrap.wrap(master, _MASTER_CHECK, wrap.secret_aad("master-check"))
                conn.executemany(
                    "INSERT INTO meta (name, value) VALUES (?, ?)",
                    [
                        ("account_id", os.environ.get("QKMS_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)),
                        ("master_mode", "keyfile"),
                        ("master_check", check),
                        ("created", self.now()),
                    ],
                )
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _create_master_key(self) -> bytes:
        key_path = self.home / MASTER_KEY_NAME
        if key_path.exists():
            # A process killed before committing its initialisation left this; nothing used it.
            return self._read_master_key()
        key = os.urandom(wrap.MASTER_KEY_SIZE)
        tmp = self.home / f".{MASTER_KEY_NAME}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, key)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, key_path)  # atomic: never a half-written master.key
        except FileExistsError:
            key = self._read_master_key()
        finally:
            tmp.unlink(missing_ok=True)
        return key

    def _read_master_key(self) -> bytes:
        key_path = self.home / MASTER_KEY_NAME
        try:
            _check_private(key_path, is_dir=False)
            key = key_path.read_bytes()
        except FileNotFoundError:
            raise KeystoreError(
                f"The master key {key_path} is missing, so no secret in the keystore can be "
                "opened. Put the original master.key back (from your backup)."
            ) from None
        except OSError as exc:
            raise KeystoreError(f"Cannot read the master key {key_path}: {exc.strerror}.") from None
        if len(key) != wrap.MASTER_KEY_SIZE:
            raise KeystoreError(
                f"The master key {key_path} is damaged ({len(key)} bytes, expected 32)."
            )
        return key

    def master_key(self) -> bytes:
        """The master key, read and checked against the keystore's verifier on first use."""
        if self._master is None:
            key = self._read_master_key()
            check = self.meta("master_check")
            try:
                wrap.unwrap(key, check, wrap.secret_aad("master-check"))
            except wrap.UnwrapError:
                raise KeystoreError(
                    f"The master key {self.home / MASTER_KEY_NAME} does not belong to this "
                    "keystore; put the original master.key back."
                ) from None
            self._master = key
        return self._master

    def close(self) -> None:
        self._conn.close()

    # -- plumbing ----------------------------------------------------------------------------

    def now(self) -> float:
        return self._clock()

    def _exec(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        try:
            return self._conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise _translate(exc, self.path, self._timeout) from None

    def _many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        try:
            self._conn.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise _translate(exc, self.path, self._timeout) from None

    def _one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        cur = self._exec(sql, params)
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([c[0] for c in cur.description], row))

    def _all(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        cur = self._exec(sql, params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        """One write transaction: all of it commits, or none of it does."""
        if self._conn.in_transaction:
            yield
            return
        self._exec("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._conn.rollback()
            raise
        try:
            self._conn.commit()
        except sqlite3.Error as exc:
            self._conn.rollback()
            raise _translate(exc, self.path, self._timeout) from None

    def meta(self, name: str) -> Any:
        row = self._one("SELECT value FROM meta WHERE name = ?", (name,))
        return None if row is None else row["value"]

    @property
    def account_id(self) -> str:
        if self._account_id is None:
            self._account_id = str(self.meta("account_id"))
        return self._account_id

    # -- keys --------------------------------------------------------------------------------

    def get_key(self, key_id: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM keys WHERE key_id = ?", (key_id,))

    def list_keys(self, after: str | None, limit: int) -> list[dict[str, Any]]:
        return self._all(
            "SELECT key_id FROM keys WHERE key_id > ? ORDER BY key_id LIMIT ?",
            (after or "", limit),
        )

    def insert_key(self, row: dict[str, Any]) -> None:
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self._exec(f"INSERT INTO keys ({columns}) VALUES ({marks})", tuple(row.values()))

    def update_key(self, key_id: str, **fields: Any) -> None:
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self._exec(f"UPDATE keys SET {assignments} WHERE key_id = ?", (*fields.values(), key_id))

    def delete_key(self, key_id: str) -> None:
        self._exec("DELETE FROM keys WHERE key_id = ?", (key_id,))

    def purge_expired(self) -> int:
        """Delete for good every key whose scheduled deletion date has passed."""
        now = self.now()
        due = self._one(
            "SELECT 1 AS due FROM keys WHERE deletion_date IS NOT NULL AND deletion_date <= ? "
            "LIMIT 1",
            (now,),
        )
        if due is None:
            return 0
        with self.write():
            cur = self._exec(
                "DELETE FROM keys WHERE deletion_date IS NOT NULL AND deletion_date <= ?", (now,)
            )
        return cur.rowcount

    def count_keys(self) -> int:
        row = self._one("SELECT count(*) AS n FROM keys")
        return int(row["n"]) if row else 0

    # -- key material ------------------------------------------------------------------------

    def put_material(
        self,
        key_id: str,
        version: int,
        key_spec: str,
        secret: bytes,
        *,
        public_key: bytes | None = None,
        rotation_type: str | None = None,
    ) -> None:
        aad = wrap.secret_aad("key-material", key_id, version, key_spec)
        wrapped = wrap.wrap(self.master_key(), secret, aad)
        self._exec(
            "INSERT INTO key_material (key_id, version, created, rotation_type, public_key, wrapped)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (key_id, version, self.now(), rotation_type, public_key, wrapped),
        )

    def material(self, key_id: str, version: int, key_spec: str) -> bytes:
        """The plaintext key material of one version; KeyUnavailableException if it is unusable."""
        row = self._one(
            "SELECT wrapped FROM key_material WHERE key_id = ? AND version = ?", (key_id, version)
        )
        if row is None:
            raise KeyUnavailableException(
                f"Key material version {version} of key {key_id} is not in the keystore."
            )
        aad = wrap.secret_aad("key-material", key_id, version, key_spec)
        try:
            return wrap.unwrap(self.master_key(), row["wrapped"], aad)
        except wrap.UnwrapError:
            raise KeyUnavailableException(
                f"The stored key material of key {key_id} (version {version}) failed "
                "authentication: the keystore row was altered. Run `qkms keystore verify`."
            ) from None

    def public_key(self, key_id: str, version: int) -> bytes | None:
        row = self._one(
            "SELECT public_key FROM key_material WHERE key_id = ? AND version = ?",
            (key_id, version),
        )
        return None if row is None else row["public_key"]

    def list_material(self, key_id: str, after: int, limit: int) -> list[dict[str, Any]]:
        return self._all(
            "SELECT version, created, rotation_type FROM key_material "
            "WHERE key_id = ? AND version > ? ORDER BY version LIMIT ?",
            (key_id, after, limit),
        )

    # -- aliases -----------------------------------------------------------------------------

    def get_alias(self, name: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM aliases WHERE name = ?", (name,))

    def insert_alias(self, name: str, key_id: str) -> None:
        now = self.now()
        self._exec(
            "INSERT INTO aliases (name, key_id, created, updated) VALUES (?, ?, ?, ?)",
            (name, key_id, now, now),
        )

    def retarget_alias(self, name: str, key_id: str) -> None:
        self._exec(
            "UPDATE aliases SET key_id = ?, updated = ? WHERE name = ?", (key_id, self.now(), name)
        )

    def delete_alias(self, name: str) -> None:
        self._exec("DELETE FROM aliases WHERE name = ?", (name,))

    def list_aliases(
        self, key_id: str | None, after: str | None, limit: int
    ) -> list[dict[str, Any]]:
        if key_id is None:
            return self._all(
                "SELECT * FROM aliases WHERE name > ? ORDER BY name LIMIT ?", (after or "", limit)
            )
        return self._all(
            "SELECT * FROM aliases WHERE key_id = ? AND name > ? ORDER BY name LIMIT ?",
            (key_id, after or "", limit),
        )

    # -- tags --------------------------------------------------------------------------------

    def put_tags(self, key_id: str, tags: dict[str, str]) -> None:
        self._many(
            "INSERT INTO tags (key_id, tag_key, tag_value) VALUES (?, ?, ?) "
            "ON CONFLICT (key_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value",
            [(key_id, k, v) for k, v in tags.items()],
        )

    def delete_tags(self, key_id: str, tag_keys: list[str]) -> None:
        self._many(
            "DELETE FROM tags WHERE key_id = ? AND tag_key = ?", [(key_id, k) for k in tag_keys]
        )

    def list_tags(self, key_id: str, after: str | None, limit: int) -> list[dict[str, Any]]:
        return self._all(
            "SELECT tag_key, tag_value FROM tags WHERE key_id = ? AND tag_key > ? "
            "ORDER BY tag_key LIMIT ?",
            (key_id, after or "", limit),
        )

    def tag_keys(self, key_id: str) -> set[str]:
        return {
            r["tag_key"] for r in self._all("SELECT tag_key FROM tags WHERE key_id = ?", (key_id,))
        }
