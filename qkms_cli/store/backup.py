"""Online backups of a keystore through SQLite's backup API, and restoring them into a home."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from qkms_cli.errors import KeystoreError
from qkms_cli.store import master
from qkms_cli.store.keystore import (
    DB_NAME,
    MASTER_KEY_NAME,
    PENDING_KEY_NAME,
    Keystore,
    _busy_timeout,
    _translate,
    create_private,
    fsync_dir,
    opens_verifier,
    prepare_home,
    read_key_file,
    shared_url,
    write_key_file,
)
from qkms_cli.store.migrations import SCHEMA_VERSION

# A key file saved beside a backup: PATH + this suffix.
KEY_SUFFIX = ".master.key"


def _os_error(what: str, path: Path, exc: OSError) -> KeystoreError:
    return KeystoreError(f"Cannot {what} {path}: {exc.strerror or exc}.")


def backup(store: Keystore, dest: Path, *, with_master_key: bool, force: bool) -> dict[str, Any]:
    """A consistent copy of the live keystore at dest (0600), still encrypted.

    The copy is made in a temporary file beside dest and renamed over it, so dest is never
    half-written. With with_master_key a key-file keystore's master.key goes to dest.master.key.
    """
    dest = dest.expanduser()
    key_dest = dest.with_name(dest.name + KEY_SUFFIX)
    if store.home is not None and dest.resolve().parent == store.home.resolve():
        # Writing over keystore.db or master.key would destroy what the backup is meant to keep.
        raise KeystoreError(
            f"Refusing to back up into the keystore home itself ({dest}); choose a path outside "
            f"{store.home}."
        )
    if not dest.parent.is_dir():
        raise KeystoreError(f"Cannot write the backup {dest}: {dest.parent} is not a directory.")
    if not force and (dest.exists() or (with_master_key and key_dest.exists())):
        raise KeystoreError(f"{dest} already exists; pass --force to replace it.")
    mode = str(store.meta("master_mode"))
    if with_master_key and mode != master.KEYFILE:
        raise KeystoreError(
            f"This keystore's master key is not a file (mode {mode}): there is no master.key to "
            "include; the backup opens with the same passphrase or QKMS_MASTER_KEY."
        )
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        tmp.unlink(missing_ok=True)
        os.close(os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise _os_error("write the backup", dest, exc) from None
    try:
        if store.home is None:
            keys, check = _copy_shared(store, tmp)
        else:
            target = sqlite3.connect(tmp, isolation_level=None)
            try:
                target.execute("PRAGMA secure_delete = ON")
                # One step (pages=-1): one read transaction, so the copy is one consistent state.
                store._db.conn.backup(target)  # type: ignore[union-attr]  # SQLite here
                # A single self-contained file: no -wal beside it to lose when it is copied.
                target.execute("PRAGMA journal_mode = DELETE")
                _discard_pool(target)
                check = target.execute(
                    "SELECT value FROM meta WHERE name = 'master_check'"
                ).fetchone()
                keys = target.execute("SELECT count(*) FROM keys").fetchone()[0]
            finally:
                target.close()
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        if with_master_key:
            key = store._keyfile_master(check[0] if check else b"")
            write_key_file(key_dest, key)
        os.replace(tmp, dest)
        fsync_dir(dest.parent)
    except sqlite3.Error as exc:
        raise _translate(exc, dest, store._timeout) from None
    except OSError as exc:
        raise _os_error("write the backup", dest, exc) from None
    finally:
        tmp.unlink(missing_ok=True)
    return {
        "path": dest,
        "mode": mode,
        "keys": keys,
        "master_key_file": key_dest if with_master_key else None,
        "master_key_path": store.home / MASTER_KEY_NAME if store.home is not None else None,
    }


def _copy_shared(store: Keystore, tmp: Path) -> tuple[int, Any]:
    """A shared keystore's rows, as of one snapshot, into a new SQLite file (no pooled pairs)."""
    from qkms_cli.store import sqlite, transfer

    target = sqlite.Database(tmp, store._timeout)
    try:
        version = store.schema_version()
        with target.transaction(), store._db.snapshot():
            transfer.make_schema(target, version)
            transfer.copy_rows(store._db, target, version)
        keys = target.query("SELECT count(*) AS n FROM keys")[0]["n"]
        return int(keys), (target.get_meta("master_check"),)
    finally:
        target.close()


def _open_source(source: Path) -> sqlite3.Connection:
    if not source.is_file():
        raise KeystoreError(f"The backup {source} does not exist or is not a file.")
    try:
        # mode=ro: restoring never writes to the backup, and never creates a file at a typo.
        conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        raise KeystoreError(f"{source} is not a usable qkms backup ({exc}).") from None
    return conn


def _inspect(conn: sqlite3.Connection, source: Path) -> dict[str, Any]:
    """Refuse anything that is not a whole, readable keystore of a schema this qkms knows."""
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise KeystoreError(
                f"The backup {source} has schema version {version}, newer than this qkms "
                f"understands ({SCHEMA_VERSION}). Upgrade qkms."
            )
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        if integrity != ["ok"]:
            raise KeystoreError(f"The backup {source} is damaged: {'; '.join(integrity[:5])}.")
        meta = dict(conn.execute("SELECT name, value FROM meta").fetchall()) if version else {}
        keys = conn.execute("SELECT count(*) FROM keys").fetchone()[0] if version else 0
    except sqlite3.Error as exc:
        raise KeystoreError(f"{source} is not a usable qkms backup ({exc}).") from None
    if not version or not {"master_mode", "master_check", "account_id"} <= set(meta):
        raise KeystoreError(f"{source} is not a qkms keystore backup.")
    return {"meta": meta, "keys": keys, "version": version}


def restore(
    home: str | os.PathLike[str] | None,
    source: Path,
    *,
    master_key_file: Path | None,
    force: bool,
    store: str | None = None,
) -> dict[str, Any]:
    """Copy a backup into home through SQLite's backup API, with its master key if it has one;
    into the shared keystore store (else QKMS_STORE) names instead, as Keystore.open reads it.

    A home that already holds keys is replaced only with force. For a key-file backup the key
    comes from master_key_file, else SOURCE.master.key, else the home's own master.key, and it
    must open the backup's verifier before anything in home changes.
    """
    source = source.expanduser()
    src = _open_source(source)
    try:
        found = _inspect(src, source)
        meta = found["meta"]
        mode = str(meta["master_mode"])
        shared = shared_url(store)
        if shared is not None:
            return _restore_shared(shared, source, src, found, force=force)
        path = prepare_home(home)
        if source.resolve().parent == path.resolve():
            raise KeystoreError(
                f"Refusing to restore {source}: it lies inside the keystore home it would replace; "
                "copy it elsewhere first (qkms keystore backup)."
            )
        key = None
        if mode == master.KEYFILE:
            key = _backup_key(source, master_key_file, path, meta["master_check"])
        db = path / DB_NAME
        timeout = _busy_timeout()
        dst = _connect_target(db, timeout, force)
        try:
            existing = _existing_keys(dst)
            if existing is not None and not force:
                raise KeystoreError(
                    f"{path} already holds a keystore ({existing} keys). Restore into an empty "
                    "home, or pass --force to replace it (back it up first)."
                )
            if key is not None:
                write_key_file(path / PENDING_KEY_NAME, key)
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = WAL")
            _discard_pool(dst)
        except sqlite3.Error as exc:
            raise _translate(exc, db, timeout) from None
        except OSError as exc:
            raise _os_error("restore into", db, exc) from None
        finally:
            dst.close()
    finally:
        src.close()
    try:
        if key is not None:
            os.replace(path / PENDING_KEY_NAME, path / MASTER_KEY_NAME)
        else:
            # The replaced keystore's key file protects nothing any more.
            (path / MASTER_KEY_NAME).unlink(missing_ok=True)
        fsync_dir(path)
    except OSError as exc:
        raise _os_error("install the master key in", path, exc) from None
    return {
        "path": db,
        "source": source,
        "mode": mode,
        "keys": found["keys"],
        "account_id": str(meta["account_id"]),
        "schema_version": found["version"],
    }


def _restore_shared(
    shared: tuple[str, str],
    source: Path,
    src: sqlite3.Connection,
    found: dict[str, Any],
    *,
    force: bool,
) -> dict[str, Any]:
    """A backup's rows into the shared keystore at url, in one transaction (no pooled pairs)."""
    from qkms_cli.store import sqlite, transfer
    from qkms_cli.store.keystore import open_shared

    meta = found["meta"]
    mode = str(meta["master_mode"])
    if mode == master.KEYFILE:
        raise KeystoreError(
            f"The backup {source} is of a key-file keystore, and a shared keystore keeps no "
            "master.key. Restore it into a home, rekey it there (qkms keystore rekey --to "
            "external, or --to passphrase), back that up, and restore the new backup."
        )
    version = found["version"]
    target = open_shared(shared[0], _busy_timeout(), shared[1])
    try:
        with target.transaction(alone=True):
            existing = target.schema_version()
            if existing:
                held = 0
                if target.has_table("keys"):
                    held = int(target.query("SELECT count(*) AS n FROM keys")[0]["n"])
                if not force:
                    raise KeystoreError(
                        f"{target.location} already holds a keystore ({held} keys). Restore "
                        "into an empty database, or pass --force to replace it (back it up "
                        "first)."
                    )
                transfer.drop(target, max(existing, version))
            transfer.make_schema(target, version)
            transfer.copy_rows(sqlite.Database.over(src, source), target, version)
        where = target.location
    finally:
        target.close()
    return {
        "path": where,
        "source": source,
        "mode": mode,
        "keys": found["keys"],
        "account_id": str(meta["account_id"]),
        "schema_version": version,
    }


def _discard_pool(conn: sqlite3.Connection) -> None:
    """A copy never keeps pooled pairs: each is handed out once, by the keystore that made it.

    secure_delete (set on the connection) overwrites them; the location is forgotten, so the
    keystore records its own when first opened.
    """
    conn.execute("PRAGMA secure_delete = ON")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.execute("BEGIN IMMEDIATE")
    try:
        if "key_pair_pool" in tables:
            conn.execute("DELETE FROM key_pair_pool")
        if "meta" in tables:
            conn.execute("DELETE FROM meta WHERE name IN ('home_binding', 'home_binding_mac')")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _connect_target(db: Path, timeout: float, force: bool) -> sqlite3.Connection:
    """A connection to the home's database; a damaged one is moved aside when force is given."""
    for attempt in range(2):
        create_private(db)
        try:
            conn = sqlite3.connect(db, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise _translate(exc, db, timeout) from None
        try:
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.DatabaseError as exc:
            conn.close()
            damaged = "not a database" in str(exc) or "malformed" in str(exc)
            if not damaged or attempt:
                raise _translate(exc, db, timeout) from None
            if not force:
                raise KeystoreError(
                    f"The keystore {db} is damaged ({exc}); pass --force to replace it "
                    f"(it is kept as {db.name}.damaged)."
                ) from None
        for suffix in ("", "-wal", "-shm"):
            try:
                os.replace(f"{db}{suffix}", f"{db}.damaged{suffix}")
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise _os_error("move aside the damaged keystore", db, exc) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _existing_keys(conn: sqlite3.Connection) -> int | None:
    if not conn.execute("PRAGMA user_version").fetchone()[0]:
        return None
    return int(conn.execute("SELECT count(*) FROM keys").fetchone()[0])


def _backup_key(source: Path, given: Path | None, home: Path, check: bytes) -> bytes:
    beside = source.with_name(source.name + KEY_SUFFIX)
    candidates = [given] if given is not None else [beside, home / MASTER_KEY_NAME]
    for candidate in candidates:
        assert candidate is not None
        key = read_key_file(candidate.expanduser())
        if key is not None and opens_verifier(key, check):
            return key
        if given is not None:
            raise KeystoreError(
                f"{given} is not the master key of the backup {source}."
                if key is not None
                else f"The master key file {given} does not exist."
            )
    raise KeystoreError(
        f"The backup {source} is of a key-file keystore and needs its master.key: none beside it "
        f"({beside.name}) or in the home opens it. Pass --master-key-file PATH."
    )
