"""The keystore: one SQLite database and a master key in a private home directory."""

from __future__ import annotations

import contextlib
import errno
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
from qkms_cli.store import master
from qkms_cli.store.migrations import MIGRATIONS, SCHEMA_VERSION

DB_NAME = "keystore.db"
MASTER_KEY_NAME = "master.key"
DEFAULT_ACCOUNT_ID = "111122223333"
# The seed's ARNs (arn:verenc:<account>:key/<id>); "aws" keystores emulate AWS's, with a region.
DEFAULT_PARTITION = "verenc"
# How long a writer waits for another process's transaction before DependencyTimeoutException.
DEFAULT_BUSY_TIMEOUT = 10.0
MASTER_CHECK = b"qkms master key check"
# A new key file waits under this name until the transaction that needs it has committed.
PENDING_KEY_NAME = "master.key.new"

Clock = Callable[[], float]


def _busy_timeout() -> float:
    text = os.environ.get("QKMS_BUSY_TIMEOUT")
    if not text:
        return DEFAULT_BUSY_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86400:
        raise KeystoreError(f"QKMS_BUSY_TIMEOUT must be a number of seconds, not {text!r}.")
    return value


def default_home() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("qkms"))


def resolve_home(home: str | os.PathLike[str] | None) -> Path:
    """`--home`, else `QKMS_HOME`, else the platform's config dir."""
    return _locate(home)[0]


def _locate(home: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    """The home, and whether the user named it (then a missing parent is a typo, not ours to make)."""
    named = home or os.environ.get("QKMS_HOME")
    if not named:
        return default_home(), False
    try:
        path = Path(named).expanduser()
        os.fsencode(path)
        if "\0" in str(path):
            raise ValueError(path)
    except (ValueError, RuntimeError):  # NUL, a lone surrogate, ~nosuchuser
        raise KeystoreError(
            f"The keystore home {named!r} is not a usable directory name."
        ) from None
    return path, True


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


def prepare_home(home: str | os.PathLike[str] | None, *, create: bool = True) -> Path:
    """The home directory, made 0700 on first use and refused when other users can reach it."""
    path, explicit = _locate(home)
    if path.exists() and not path.is_dir():
        raise KeystoreError(f"The keystore home {path} is not a directory.")
    if not path.exists():
        if not create:
            raise KeystoreError(
                f"There is no keystore in {path}. Create one with: qkms keystore init"
            )
        if explicit and not path.parent.is_dir():
            raise KeystoreError(
                f"Cannot create the keystore home {path}: its parent directory {path.parent} "
                "does not exist. Create it first, or check --home / QKMS_HOME."
            )
    try:
        # The platform's config dir may not exist yet on a fresh machine; qkms makes it.
        path.mkdir(mode=0o700, parents=not explicit, exist_ok=True)
    except OSError as exc:
        raise KeystoreError(f"Cannot create the keystore home {path}: {exc.strerror}.") from None
    if not path.is_dir():
        raise KeystoreError(f"The keystore home {path} is not a directory.")
    _check_private(path, is_dir=True)
    return path


def create_private(path: Path) -> None:
    """Create the file (if missing) 0600 before anything writes a byte into it.

    An existing file is not opened: closing any descriptor of a database file drops every POSIX
    lock this process holds on it, including those of its other SQLite connections (`qkms
    serve` keeps one per thread), and SQLite may then checkpoint or reset the WAL under them and
    lose committed transactions (sqlite.org/howtocorrupt.html, 2.2).
    """
    if not os.path.lexists(path):
        try:
            os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass  # another process made it meanwhile; this process holds no lock on it yet
        except OSError as exc:
            raise KeystoreError(f"Cannot open {path}: {exc.strerror}.") from None
    try:
        _check_private(path, is_dir=False)
        # What opening it for writing would have said, asked without a descriptor.
        if hasattr(os, "statvfs") and os.statvfs(path).f_flag & os.ST_RDONLY:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        if not os.access(path, os.R_OK | os.W_OK):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES))
    except OSError as exc:
        raise KeystoreError(f"Cannot open {path}: {exc.strerror}.") from None


def write_key_file(path: Path, key: bytes) -> None:
    """Write a key file 0600 and flush it to disk (replacing a stale one of the same name)."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make a rename or unlink in the directory durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_key_file(path: Path) -> bytes | None:
    """A master key file's 32 bytes, None if there is no such file."""
    try:
        _check_private(path, is_dir=False)
        key = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise KeystoreError(f"Cannot read the master key {path}: {exc.strerror}.") from None
    if len(key) != wrap.MASTER_KEY_SIZE:
        raise KeystoreError(
            f"The master key {path} is damaged ({len(key)} bytes, expected {wrap.MASTER_KEY_SIZE})."
        )
    return key


def opens_verifier(key: bytes, check: bytes | None) -> bool:
    """Whether key is the master key whose verifier is check."""
    if not isinstance(check, bytes):
        return False
    try:
        wrap.unwrap(key, check, wrap.secret_aad("master-check"))
    except wrap.UnwrapError:
        return False
    return True


def new_verifier(key: bytes) -> bytes:
    return wrap.wrap(key, MASTER_CHECK, wrap.secret_aad("master-check"))


class Keystore:
    """An open keystore; pass it around, never keep it in a global."""

    def __init__(
        self,
        home: Path,
        conn: sqlite3.Connection,
        clock: Clock,
        timeout: float,
        credentials: master.Credentials | None = None,
    ):
        self.home = home
        self.path = home / DB_NAME
        self._conn = conn
        self._clock = clock
        self._timeout = timeout
        self._credentials = credentials or master.Credentials.from_env()
        self._master: bytes | None = None
        self._master_check: bytes | None = None
        self._account_id: str | None = None
        self._partition: tuple[str, str | None] | None = None
        self._new: master.NewMaster | None = None
        self._new_account_id: str | None = None
        self._new_partition: tuple[str, str | None] = (DEFAULT_PARTITION, None)
        # True when this call made the keystore (`keystore init` refuses an existing one).
        self.created = False

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        home: str | os.PathLike[str] | None = None,
        *,
        clock: Clock | None = None,
        timeout: float | None = None,
        credentials: master.Credentials | None = None,
        create: bool = True,
        new: master.NewMaster | None = None,
        account_id: str | None = None,
        partition: tuple[str, str | None] | None = None,
    ) -> Keystore:
        """Open (creating on first use unless create is False) the keystore in home.

        A new keystore gets its master key as `new` says, else as the environment says
        (QKMS_MASTER_KEY, QKMS_PASSPHRASE, else a random master.key). Keys whose deletion is
        due are purged.
        """
        if timeout is None:
            timeout = _busy_timeout()
        path = prepare_home(home, create=create)
        db = path / DB_NAME
        if not create and not db.exists():
            raise KeystoreError(
                f"There is no keystore in {path}. Create one with: qkms keystore init"
            )
        create_private(db)
        try:
            conn = sqlite3.connect(db, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise _translate(exc, db, timeout) from None
        store = cls(path, conn, clock or time.time, timeout, credentials)
        store._new, store._new_account_id = new, account_id
        if partition is not None:
            store._new_partition = partition
        try:
            store._prepare(create)
        except sqlite3.Error as exc:
            conn.close()
            raise _translate(exc, db, timeout) from None
        except BaseException:
            conn.close()
            raise
        return store

    def _prepare(self, create: bool) -> None:
        conn = self._conn
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise KeystoreError(
                f"The keystore {self.path} has schema version {version}, newer than this qkms "
                f"understands ({SCHEMA_VERSION}). Upgrade qkms."
            )
        if version == 0 and not create:
            raise KeystoreError(
                f"There is no keystore in {self.home}. Create one with: qkms keystore init"
            )
        if version < SCHEMA_VERSION:
            self._migrate()
        self.purge_expired()

    def _migrate(self) -> None:
        conn = self._conn
        # WAL lets readers go on while one process writes; it persists in the file. Switching
        # takes an exclusive lock, and when processes opening a new keystore race to switch,
        # SQLite answers "locked" at once rather than wait (a would-be deadlock): retry.
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.005 + (os.getpid() % 10) * 0.002)
        conn.execute("PRAGMA synchronous = NORMAL")
        with self.write():
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for _name, sql in MIGRATIONS[version:]:
                for statement in sql.split(";"):
                    if statement.strip():
                        conn.execute(statement)
            if version == 0:
                self._initialise(self._new or master.NewMaster.from_env())
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _initialise(self, new: master.NewMaster) -> None:
        account_id = self._new_account_id or os.environ.get("QKMS_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID
        if not (len(account_id) == 12 and account_id.isascii() and account_id.isdigit()):
            raise KeystoreError(
                f"QKMS_ACCOUNT_ID must be 12 digits, like AWS account ids (got {account_id!r})."
            )
        key, params = self._make_master(new)
        check = new_verifier(key)
        rows: list[tuple[str, Any]] = [
            ("account_id", account_id),
            ("master_mode", new.mode),
            ("master_check", check),
            ("created", self.now()),
        ]
        if params is not None:
            rows.append(("kdf", params.dump()))
        name, region = self._new_partition
        if name != DEFAULT_PARTITION:
            rows += [("partition", name), ("region", region)]
        self._conn.executemany("INSERT INTO meta (name, value) VALUES (?, ?)", rows)
        if new.mode == master.KEYFILE and not (self.home / MASTER_KEY_NAME).exists():
            self._install_pending_key()
        self._master, self._master_check = key, check
        self.created = True

    def _make_master(self, new: master.NewMaster) -> tuple[bytes, master.ScryptParams | None]:
        """A new master key; a new key file goes to master.key.new until the caller commits."""
        if new.mode == master.PASSPHRASE:
            assert new.passphrase is not None
            params = master.ScryptParams.new()
            return master.derive(new.passphrase, params), params
        if new.mode == master.EXTERNAL:
            assert new.raw_key is not None
            return new.raw_key, None
        if not self._conn.in_transaction:  # pragma: no cover - a programming error
            raise RuntimeError("a new key file is made inside the write transaction only")
        existing = read_key_file(self.home / MASTER_KEY_NAME)
        if self.created is False and existing is not None and self.meta("master_check") is None:
            # A process killed before committing its initialisation left this; nothing used it.
            return existing, None
        key = os.urandom(wrap.MASTER_KEY_SIZE)
        write_key_file(self.home / PENDING_KEY_NAME, key)
        return key, None

    def _install_pending_key(self) -> None:
        """Move master.key.new into place: the last step, after the commit that needs it."""
        try:
            os.replace(self.home / PENDING_KEY_NAME, self.home / MASTER_KEY_NAME)
        except FileNotFoundError:
            return  # another process finished the same move
        fsync_dir(self.home)

    # -- the master key ------------------------------------------------------------------------

    def master_key(self) -> bytes:
        """The master key, obtained and checked against the keystore's verifier on first use."""
        if self._master is None:
            check = self.meta("master_check")
            if not isinstance(check, bytes):
                raise KeystoreError(
                    f"The keystore {self.path} has lost its master key verifier; restore a backup."
                )
            self._master = self._resolve_master(str(self.meta("master_mode")), check)
            self._master_check = check
        return self._master

    def _current_master(self) -> bytes:
        """The master key, re-checked inside a write transaction: a rekey may have committed."""
        key = self.master_key()
        if self.meta("master_check") != self._master_check:
            self._master = None
            key = self.master_key()
        return key

    def _resolve_master(self, mode: str, check: bytes) -> bytes:
        raw = self._credentials.raw_key()
        if raw is not None:
            if not opens_verifier(raw, check):
                raise KeystoreError(
                    f"QKMS_MASTER_KEY is not the master key of the keystore {self.home}."
                )
            return raw
        if mode == master.KEYFILE:
            return self._keyfile_master(check)
        if mode == master.PASSPHRASE:
            passphrase = self._credentials.get_passphrase(
                f"Passphrase for the keystore {self.home}"
            )
            if passphrase is None:
                raise KeystoreError(
                    f"The keystore {self.home} is protected by a passphrase: set QKMS_PASSPHRASE "
                    "to it, or run on a terminal to be asked (QKMS_MASTER_KEY takes the raw key)."
                )
            key = master.derive(passphrase, master.ScryptParams.load(self.meta("kdf")))
            if not opens_verifier(key, check):
                raise KeystoreError(
                    f"The passphrase is wrong: it does not open the keystore {self.home}."
                )
            return key
        if mode == master.EXTERNAL:
            raise KeystoreError(
                f"The keystore {self.home} uses an external master key: set QKMS_MASTER_KEY to "
                "it (32 bytes, base64)."
            )
        raise KeystoreError(
            f"The keystore {self.path} names no known master key mode; restore a backup."
        )

    def _keyfile_master(self, check: bytes) -> bytes:
        key_path = self.home / MASTER_KEY_NAME
        key = read_key_file(key_path)
        if key is not None and opens_verifier(key, check):
            return key
        pending = read_key_file(self.home / PENDING_KEY_NAME)
        if pending is not None and opens_verifier(pending, check):
            # A rekey or restore committed, then stopped before moving its new key into place.
            self._install_pending_key()
            return pending
        if key is None:
            raise KeystoreError(
                f"The master key {key_path} is missing, so no secret in the keystore can be "
                "opened. Put the original master.key back (from your backup)."
            )
        raise KeystoreError(
            f"The master key {key_path} does not belong to this keystore; put the original "
            "master.key back."
        )

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
        rows = self._all(sql, params, limit=1)
        return rows[0] if rows else None

    def _all(self, sql: str, params: Any = (), *, limit: int | None = None) -> list[dict[str, Any]]:
        cur = self._exec(sql, params)
        try:
            # Rows are read lazily: a damaged page can surface here, not at execute().
            rows = cur.fetchall() if limit is None else cur.fetchmany(limit)
        except sqlite3.Error as exc:
            raise _translate(exc, self.path, self._timeout) from None
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row)) for row in rows]

    def _rows(self, sql: str) -> list[tuple[Any, ...]]:
        cur = self._exec(sql)
        try:
            return cur.fetchall()
        except sqlite3.Error as exc:
            raise _translate(exc, self.path, self._timeout) from None

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
            self._rollback()
            raise
        try:
            self._conn.commit()
        except sqlite3.Error as exc:
            self._rollback()
            raise _translate(exc, self.path, self._timeout) from None

    def _rollback(self) -> None:
        # SQLite may have rolled back already (a full disk, an I/O error); the first error is
        # the one worth reporting, so a failing rollback must not replace it.
        with contextlib.suppress(sqlite3.Error):
            self._conn.rollback()

    def meta(self, name: str) -> Any:
        row = self._one("SELECT value FROM meta WHERE name = ?", (name,))
        return None if row is None else row["value"]

    @property
    def account_id(self) -> str:
        if self._account_id is None:
            self._account_id = str(self.meta("account_id"))
        return self._account_id

    @property
    def partition(self) -> tuple[str, str | None]:
        """(partition, region): ("verenc", None), or ("aws", region) for an AWS-emulating keystore."""
        if self._partition is None:
            name = self.meta("partition")
            self._partition = (
                (str(name), str(self.meta("region"))) if name else (DEFAULT_PARTITION, None)
            )
        return self._partition

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
        with self.write():
            wrapped = wrap.wrap(self._current_master(), secret, aad)
            self._exec(
                "INSERT INTO key_material"
                " (key_id, version, created, rotation_type, public_key, wrapped)"
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
        for _attempt in range(2):
            try:
                return wrap.unwrap(self.master_key(), row["wrapped"], aad)
            except wrap.UnwrapError:
                if self.meta("master_check") == self._master_check:
                    break
                # Another process rekeyed the keystore since this one read its master key.
                self._master = None
                row = (
                    self._one(
                        "SELECT wrapped FROM key_material WHERE key_id = ? AND version = ?",
                        (key_id, version),
                    )
                    or row
                )
        raise KeyUnavailableException(
            f"The stored key material of key {key_id} (version {version}) failed "
            "authentication: the keystore row was altered. Run `qkms keystore verify`."
        )

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

    # -- maintenance -------------------------------------------------------------------------

    def schema_version(self) -> int:
        return int(self._rows("PRAGMA user_version")[0][0])

    def _has_table(self, name: str) -> bool:
        return self._one("SELECT 1 AS found FROM sqlite_master WHERE name = ?", (name,)) is not None

    def stats(self) -> dict[str, Any]:
        """Counts of keys by state and by spec, and of stored secrets; no secret is read."""
        by_state = self._all("SELECT key_state, count(*) AS n FROM keys GROUP BY key_state")
        by_spec = self._all("SELECT key_spec, count(*) AS n FROM keys GROUP BY key_spec")
        secrets = self._one("SELECT count(*) AS n FROM key_material")
        return {
            "keys": sum(r["n"] for r in by_state),
            "by_state": {r["key_state"]: r["n"] for r in by_state},
            "by_spec": {r["key_spec"]: r["n"] for r in by_spec},
            "secrets": secrets["n"] if secrets else 0,
        }

    def _secret_rows(self) -> list[dict[str, Any]]:
        return self._all(
            "SELECT m.key_id, m.version, k.key_spec, m.wrapped FROM key_material AS m "
            "LEFT JOIN keys AS k ON k.key_id = m.key_id ORDER BY m.key_id, m.version"
        )

    def verify(self) -> dict[str, Any]:
        """SQLite's integrity check, then every stored secret authenticated.

        Returns {"secrets": checked, "pooled": pooled pairs checked, "problems": [...]}.
        """
        problems: list[str] = []
        try:
            rows = self._rows("PRAGMA integrity_check")
            problems += [f"integrity check: {r[0]}" for r in rows if r[0] != "ok"]
            for table, rowid, parent, _fk in self._rows("PRAGMA foreign_key_check"):
                problems.append(f"{table} row {rowid}: refers to a missing {parent} row")
            missing = self._all(
                "SELECT k.key_id, k.current_version FROM keys AS k LEFT JOIN key_material AS m "
                "ON m.key_id = k.key_id AND m.version = k.current_version "
                "WHERE m.key_id IS NULL AND k.key_state != 'PendingImport'"
            )
            problems += [
                f"key {r['key_id']}: its current material (version {r['current_version']}) "
                "is missing"
                for r in missing
            ]
            secrets = self._secret_rows()
        except KeystoreError as exc:
            return {"secrets": 0, "pooled": 0, "problems": [*problems, exc.message]}
        key = self.master_key()
        for row in secrets:
            where = f"key {row['key_id']} material version {row['version']}"
            if row["key_spec"] is None:
                problems.append(f"{where}: no such key")
                continue
            aad = wrap.secret_aad("key-material", row["key_id"], row["version"], row["key_spec"])
            try:
                wrap.unwrap(key, row["wrapped"], aad)
            except (wrap.UnwrapError, TypeError):
                problems.append(f"{where}: failed authentication (altered, moved or damaged)")
        pooled, pool_problems = 0, []
        if self._has_table("key_pair_pool"):
            from qkms_cli.store import pool

            try:
                pooled, pool_problems = pool.verify(self, key)
            except KeystoreError as exc:
                pool_problems = [exc.message]
        if self._has_table("access_keys"):
            from qkms_cli.store import access_keys

            try:
                pool_problems += access_keys.verify(self, key)[1]
            except KeystoreError as exc:
                pool_problems.append(exc.message)
        return {"secrets": len(secrets), "pooled": pooled, "problems": problems + pool_problems}

    def rekey(
        self, new: master.NewMaster, *, _fault: Callable[[str], None] | None = None
    ) -> dict[str, Any]:
        """Re-wrap every secret under a new master key in one transaction.

        Returns {"old_mode": ..., "secrets": re-wrapped key materials, "pooled": pooled pairs}.

        A new key file is written as master.key.new before the commit and moved into place after
        it; until then the old master.key opens the old keystore, and a process that finds the
        commit done but the move not yet made finishes it (see _keyfile_master). `_fault` is a
        test seam called after each row ("row") and after the commit ("committed").
        """
        old_key = self.master_key()
        old_mode = str(self.meta("master_mode"))
        with self.write():
            if self.meta("master_check") != self._master_check:
                raise KeystoreError(
                    "Another process rekeyed the keystore meanwhile; run the command again."
                )
            key, params = self._make_master(new)
            rows = self._secret_rows()
            for row in rows:
                aad = wrap.secret_aad(
                    "key-material", row["key_id"], row["version"], row["key_spec"]
                )
                try:
                    secret = wrap.unwrap(old_key, row["wrapped"], aad)
                except (wrap.UnwrapError, TypeError):
                    raise KeystoreError(
                        f"Key {row['key_id']} material version {row['version']} does not "
                        "authenticate, so the keystore was not rekeyed. Run `qkms keystore verify`."
                    ) from None
                self._exec(
                    "UPDATE key_material SET wrapped = ? WHERE key_id = ? AND version = ?",
                    (wrap.wrap(key, secret, aad), row["key_id"], row["version"]),
                )
                if _fault is not None:
                    _fault("row")
            pooled = 0
            if self._has_table("key_pair_pool"):
                from qkms_cli.store import pool

                pooled = pool.rewrap(self, old_key, key)
            if self._has_table("access_keys"):
                from qkms_cli.store import access_keys

                access_keys.rewrap(self, old_key, key)
            check = new_verifier(key)
            self._many(
                "INSERT INTO meta (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                [("master_mode", new.mode), ("master_check", check)],
            )
            if params is not None:
                self._many(
                    "INSERT INTO meta (name, value) VALUES (?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    [("kdf", params.dump())],
                )
            else:
                self._exec("DELETE FROM meta WHERE name = 'kdf'")
        if _fault is not None:
            _fault("committed")
        if new.mode == master.KEYFILE:
            self._install_pending_key()
        else:
            # No secret stays on disk; backups from before the rekey need the old key, kept
            # beside them by `keystore backup --with-master-key`.
            (self.home / MASTER_KEY_NAME).unlink(missing_ok=True)
        self._master, self._master_check = key, check
        return {"old_mode": old_mode, "secrets": len(rows), "pooled": pooled}
