"""The keystore: keys, materials, aliases, tags and the pool over a backend (sqlite.py, postgres.py)."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qkms_cli.engine import wrap
from qkms_cli.errors import (
    ApiError,
    KeystoreError,
    KeyUnavailableException,
)
from qkms_cli.store import master

# Home and permissions (home.py), the verifier (master.py): imported from here by older code.
from qkms_cli.store.home import (  # noqa: F401
    DB_NAME,
    MASTER_KEY_NAME,
    PENDING_KEY_NAME,
    _check_parent,
    _check_private,
    _check_stat,
    _locate,
    _owner_text,
    _symlink_refused,
    check_companions,
    create_private,
    default_home,
    fsync_dir,
    prepare_home,
    read_key_file,
    resolve_home,
    write_key_file,
)
from qkms_cli.store.master import MASTER_CHECK, new_verifier, opens_verifier  # noqa: F401
from qkms_cli.store.migrations import MIGRATIONS, SCHEMA_VERSION
from qkms_cli.store.sqlite import translate_error as _translate  # noqa: F401 (old name)

DEFAULT_ACCOUNT_ID = "111122223333"
# The seed's ARNs (arn:verenc:<account>:key/<id>); "aws" keystores emulate AWS's, with a region.
DEFAULT_PARTITION = "verenc"
# How long a writer waits for another process's transaction before DependencyTimeoutException.
DEFAULT_BUSY_TIMEOUT = 10.0

# The schema version before aliases and tags carried MACs (see Keystore._migrate).
_ALIAS_TAG_MACS = [name for name, _sql in MIGRATIONS].index("0007_alias_tag_macs")

Clock = Callable[[], float]

if TYPE_CHECKING:
    from qkms_cli.store.postgres import Database as PostgresDatabase
    from qkms_cli.store.sqlite import Database as SqliteDatabase

    Database = SqliteDatabase | PostgresDatabase

# The columns of a keys row its MAC covers (see key_mac_fields).
KEY_MAC_COLUMNS = (
    "key_id",
    "created",
    "key_spec",
    "key_usage",
    "key_state",
    "current_version",
    "deletion_date",
    "pending_window_days",
    "rotation_period_days",
    "next_rotation",
    "origin",
    "key_manager",
    "expiration_model",
    "valid_to",
    "import_fingerprint",
)


def key_mac_fields(row: Mapping[str, Any]) -> list[object]:
    """What a keys row's MAC covers: each security-relevant column's name and value.

    That is everything deciding what a key may do and which material it uses: its id, spec,
    usage, state, current material version, deletion date and window, and rotation schedule;
    not its description. A column whose value is NULL is left out (names keep the message
    unambiguous), so a nullable column added later (a key policy, say) joins KEY_MAC_COLUMNS
    without invalidating the rows written before it had a value.
    """
    fields: list[object] = []
    for name in KEY_MAC_COLUMNS:
        value = row.get(name)
        if value is not None:
            fields += [name, value]
    return fields


@functools.cache
def harden_process() -> None:
    """No core dumps and no ptrace by the same user, before any secret is in memory (once).

    RLIMIT_CORE 0 stops the kernel writing a core file; PR_SET_DUMPABLE 0 (Linux) also keeps
    core-dump handlers and same-user debuggers out of the process.
    """
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):  # pragma: no cover - no such limit here
        pass
    if sys.platform.startswith("linux"):
        _prctl(PR_SET_DUMPABLE, 0)


PR_SET_DUMPABLE = 4  # <linux/prctl.h>


def _prctl(option: int, value: int) -> int | None:
    """libc's prctl(option, value, 0, 0, 0), or None where it cannot be called.

    Through _ctypes, the C core of ctypes: importing ctypes itself costs ~1.5 ms more of every
    command's start-up (measured), for type machinery this one call does not need.
    """
    try:
        import _ctypes

        class _Int(_ctypes._SimpleCData):
            _type_ = "i"

        class _Function(_ctypes.CFuncPtr):
            _flags_ = _ctypes.FUNCFLAG_CDECL
            _restype_ = _Int

        libc = _ctypes.dlopen(None, os.RTLD_NOW)  # type: ignore[arg-type]
        prctl = _Function(_ctypes.dlsym(libc, "prctl"))
        return int(prctl(option, value, 0, 0, 0))
    except (ImportError, AttributeError, OSError, TypeError):  # pragma: no cover
        try:
            import ctypes

            return int(ctypes.CDLL(None).prctl(option, value, 0, 0, 0))
        except (ImportError, AttributeError, OSError):
            return None


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


class _AlteredError(Exception):
    """A row that failed authentication; the message says which and what to do."""

    def __init__(self, message: str, short: str | None = None) -> None:
        super().__init__(message)
        self.short = short or message


# How many reads a process keeps (Keystore.cached) before starting over.
_CACHED_READS_KEPT = 10_000
# How many checked key rows a process remembers (Keystore._authentic_rows) before starting over.
_AUTHENTIC_ROWS_KEPT = 4096


def _altered_row(key_id: str) -> ApiError:
    return KeyUnavailableException(
        f"The keystore row of key {key_id} failed authentication: its state, spec, usage, "
        "material version or dates were altered outside qkms. Run `qkms keystore verify`; "
        "restore a backup to get the key back."
    )


def _has_public_half(key_spec: str | None) -> bool:
    return key_spec is not None and key_spec.startswith(("RSA_", "ECC_", "SM2"))


def material_aad(key_id: str, version: int, key_spec: str, row: Mapping[str, Any]) -> bytes:
    """The AAD of a key's material: its row, and its public key (none for secret-only keys).

    Version 2 of the layout; version 1 (key id, version, spec) sealed keys made before row
    MACs, which Keystore._seal_legacy_key moves to this one on their first use.
    """
    public = row["public_key"]
    return wrap.secret_aad(
        "key-material", key_id, version, key_spec, public.hex() if public else "-", version=2
    )


def shared_url(store: str | None) -> tuple[str, str] | None:
    """The shared keystore a command names, and what named it: store (--store) when given,
    else QKMS_STORE; store="" names none (the home, whatever QKMS_STORE says)."""
    if store is not None:
        return (store, "--store") if store else None
    env = os.environ.get("QKMS_STORE")
    return (env, "QKMS_STORE") if env else None


def open_shared(url: str, timeout: float, source: str = "QKMS_STORE") -> Database:
    """The database of a shared keystore named by source (--store or QKMS_STORE): a
    postgresql:// URL. Nothing of the URL but its scheme, host, port and database is ever
    said back: it may hold a password."""
    from qkms_cli.store import postgres

    check_shared(url, source)
    return postgres.Database(url, timeout)


def check_shared(url: str, source: str) -> None:
    """KeystoreError unless url is a postgresql:// URL libpq can read, psycopg installed."""
    from qkms_cli.store import postgres

    if not postgres.is_url(url):
        import re

        scheme = re.match(r"[A-Za-z][A-Za-z0-9+.-]{0,19}(?=://)", url)
        what = f"{scheme[0]}:// is not one" if scheme else "this is not such a URL"
        unset = "Unset it" if source == "QKMS_STORE" else "Leave --store out"
        raise KeystoreError(
            f"{source} names a shared keystore as postgresql://USER@HOST:PORT/DB; {what}. "
            f"{unset} for the keystore in the home."
        )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise KeystoreError(
            f"{source} names a PostgreSQL keystore, but psycopg is not installed: "
            "pip install 'qkms[postgresql]'."
        ) from None
    postgres.check_url(url)


class Keystore:
    """An open keystore; pass it around, never keep it in a global.

    Its rows live in one of two backends (store/sqlite.py, the default, in the home; or
    store/postgres.py, shared, named by QKMS_STORE), both spoken to in SQLite's dialect.
    """

    def __init__(
        self,
        home: Path | None,
        db: Database,
        clock: Clock,
        timeout: float,
        credentials: master.Credentials | None = None,
    ):
        # A shared (PostgreSQL) keystore has no home: nothing of it lives on this machine.
        self.home = home
        self.path: Path | str = home / DB_NAME if home is not None else db.location
        # What messages call the keystore: its home, or the shared store's URL (no password).
        self.where: Path | str = home if home is not None else db.location
        self._db = db
        self.dialect = db.dialect
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
        self._mac_key: tuple[bytes, bytes] | None = None
        # Key rows whose MAC this process has checked, by their whole content: a row read again
        # unchanged (a long-running `qkms serve` reads the same key on every call) is not
        # re-MACed. Any change to any column, its MAC included, is a new entry, checked afresh.
        self._authentic_rows: set[tuple[Any, ...]] = set()
        # A SQLite keystore's reads that this process has checked (key rows, policies, opened
        # key material), reused while the keystore's change token is the one they were read
        # under: triggers set it anew on every change but an audit event's (cached()).
        self._cache: dict[tuple[str, Any], Any] = {}
        self._cache_token: int | None = None
        self._cache_checked = False
        self._cache_checked_at = float("-inf")  # time.monotonic() as the token was last read
        # True when this call made the keystore (`keystore init` refuses an existing one).
        self.created = False
        # Set once the schema is in place and the credentials checked (see write()).
        self._ready = False

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
        store: str | None = None,
    ) -> Keystore:
        """Open (creating on first use unless create is False) the keystore in home.

        store (else QKMS_STORE) names a shared keystore instead: postgresql://...; store=""
        names none, whatever QKMS_STORE says (the CLI's --home beats QKMS_STORE).

        A new keystore gets its master key as `new` says, else as the environment says
        (QKMS_MASTER_KEY, QKMS_PASSPHRASE, else a random master.key). Keys whose deletion is
        due are purged.
        """
        harden_process()
        if timeout is None:
            timeout = _busy_timeout()
        named = shared_url(store)
        if named is not None:
            url, source = named
            shared_db = open_shared(url, timeout, source)
            shared = cls(None, shared_db, clock or time.time, timeout, credentials)
            shared._new, shared._new_account_id = new, account_id
            if partition is not None:
                shared._new_partition = partition
            try:
                shared._prepare(create)
            except BaseException:
                shared_db.close()
                raise
            return shared
        path = prepare_home(home, create=create)
        db = path / DB_NAME
        if not create and not os.path.lexists(db):
            raise KeystoreError(
                f"There is no keystore in {path}. Create one with: qkms keystore init"
            )
        create_private(db)
        check_companions(db)
        from qkms_cli.store import sqlite

        database = sqlite.Database(db, timeout)
        keystore = cls(path, database, clock or time.time, timeout, credentials)
        keystore._new, keystore._new_account_id = new, account_id
        if partition is not None:
            keystore._new_partition = partition
        try:
            keystore._prepare(create)
        except BaseException:
            database.close()
            raise
        return keystore

    def _prepare(self, create: bool) -> None:
        version = self._db.schema_version()
        if version > SCHEMA_VERSION:
            raise KeystoreError(
                f"The keystore {self.path} has schema version {version}, newer than this qkms "
                f"understands ({SCHEMA_VERSION}). Upgrade qkms."
            )
        if version == 0 and not create:
            raise KeystoreError(
                f"There is no keystore {'in ' if self.home else 'at '}{self.where}. "
                "Create one with: qkms keystore init"
            )
        if version < SCHEMA_VERSION:
            self._migrate()
        self._check_credentials()
        self._ready = True
        self._check_binding()
        self.purge_expired()

    def _check_credentials(self) -> None:
        """Refuse a passphrase given to a keystore that has none, rather than ignore it."""
        creds = self._credentials
        if creds.passphrase is None or creds.raw_key_text is not None:
            return
        mode = self.meta("master_mode")
        if mode == master.PASSPHRASE:
            return
        what = {
            master.KEYFILE: f"its master key is the file {Path(self.where) / MASTER_KEY_NAME}",
            master.EXTERNAL: "its master key is external (QKMS_MASTER_KEY)",
        }.get(str(mode), f"its master key mode is {mode}")
        raise KeystoreError(
            f"QKMS_PASSPHRASE is set, but the keystore {self.where} has no passphrase ({what}). "
            "qkms will not ignore it: if this is not the keystore you meant, someone may have "
            "put another in its place; otherwise unset QKMS_PASSPHRASE."
        )

    # -- where the keystore lives: a copy or a restore discards the key-pair pool -------------

    def _binding(self) -> str:
        """Where this keystore's file is: device, inodes of file and home, and the real path.

        A shared keystore is where its database is: the database's oid, name and schema (a
        restored dump gets a new oid).
        """
        if self.home is None:
            row = self._one(
                "SELECT d.oid AS oid, current_database() AS db, current_schema() AS schema "
                "FROM pg_catalog.pg_database AS d WHERE d.datname = current_database()"
            )
            assert row is not None
            return f"postgresql:{row['oid']}:{row['db']}:{row['schema']}"
        st = os.stat(self.path)
        home_st = os.stat(self.home)
        return f"{st.st_dev}:{st.st_ino}:{home_st.st_ino}:{os.path.realpath(self.home)}"

    def _check_binding(self) -> None:
        """Discard the pool when the keystore was copied, restored or moved here.

        Pooled private keys are handed out once; a copy of the home (a CI cache, a restored
        backup) would hand the same ones out again. The keystore's location is kept in meta
        (`home_binding`); when it differs from where the file is now, the pool is emptied and
        the new location recorded. take_pairs also wants the location's MAC, so an edited
        `home_binding` cannot keep a copied pool either.
        """
        current = self._binding()
        if self.meta("home_binding") == current:
            return
        with self.write():
            if self.meta("home_binding") == current:
                return
            if self._has_table("key_pair_pool"):
                self._exec("DELETE FROM key_pair_pool")
            self._set_meta("home_binding", current)
            self._exec("DELETE FROM meta WHERE name = 'home_binding_mac'")

    def binding_authentic(self) -> bool:
        """Whether the recorded location is this one and carries its MAC (needs the master key)."""
        current = self._binding()
        if self.meta("home_binding") != current:
            return False
        return self.check_row_mac(
            "home-binding", [current], self.meta("home_binding_mac"), retry=False
        )

    def seal_binding(self) -> None:
        """Record this location with its MAC; call inside a write transaction."""
        current = self._binding()
        self._set_meta("home_binding", current)
        self._set_meta("home_binding_mac", self.row_mac("home-binding", [current]))

    def _set_meta(self, name: str, value: Any) -> None:
        """Insert or replace one meta value: text, a number or bytes, read back as written."""
        self._db.put_meta([(name, value)])

    def _migrate(self) -> None:
        self._db.prepare()
        if 0 < self._db.schema_version() <= _ALIAS_TAG_MACS:
            self._master_for_upgrade()  # before the lock: a passphrase may be asked for
        with self.write(alone=True):
            # Again under the lock: another process may have migrated meanwhile.
            version = self._db.schema_version()
            for _name, sql in MIGRATIONS[version:]:
                self._db.run_script(sql)
            if version == 0:
                self._initialise(self._new or master.NewMaster.from_env())
            elif version <= _ALIAS_TAG_MACS:
                # The aliases and tags already there are taken as they are, once, at the
                # upgrade (as key rows from before row MACs are sealed at their first use);
                # a row without a MAC after it is refused, as a grant without one is.
                from qkms_cli.store import aliases, tags

                aliases.seal_legacy(self)
                tags.seal_legacy(self)
            self._db.set_schema_version(SCHEMA_VERSION)

    def _master_for_upgrade(self) -> None:
        try:
            self.master_key()
        except KeystoreError as exc:
            raise KeystoreError(
                "This qkms authenticates aliases and tags: upgrading the keystore MACs those it "
                f"holds, once, and needs its master key for that. {exc.message}"
            ) from None

    def _initialise(self, new: master.NewMaster) -> None:
        account_id = self._new_account_id or os.environ.get("QKMS_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID
        if not (len(account_id) == 12 and account_id.isascii() and account_id.isdigit()):
            raise KeystoreError(
                f"QKMS_ACCOUNT_ID must be 12 digits, like AWS account ids (got {account_id!r})."
            )
        if new.mode == master.KEYFILE and self.home is None:
            raise KeystoreError(
                f"A shared keystore ({self.where}) keeps no master.key file: it would live on one "
                "machine only. Give it QKMS_MASTER_KEY (32 random bytes, base64) or "
                "QKMS_PASSPHRASE (or: qkms keystore init --mode passphrase)."
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
        self._db.put_meta(rows)
        if (
            new.mode == master.KEYFILE
            and self.home is not None
            and not (self.home / MASTER_KEY_NAME).exists()
        ):
            self._install_pending_key()
        self._master, self._master_check = key, check
        self.created = True

    def _make_master(self, new: master.NewMaster) -> tuple[bytes, master.KdfParams | None]:
        """A new master key; a new key file goes to master.key.new until the caller commits."""
        if new.mode == master.PASSPHRASE:
            assert new.passphrase is not None
            params = master.new_kdf()
            return master.derive(new.passphrase, params), params
        if new.mode == master.EXTERNAL:
            assert new.raw_key is not None
            return new.raw_key, None
        if not self._db.in_transaction:  # pragma: no cover - a programming error
            raise RuntimeError("a new key file is made inside the write transaction only")
        existing = read_key_file(self._home_dir / MASTER_KEY_NAME)
        if self.created is False and existing is not None and self.meta("master_check") is None:
            # A process killed before committing its initialisation left this; nothing used it.
            return existing, None
        key = os.urandom(wrap.MASTER_KEY_SIZE)
        write_key_file(self._home_dir / PENDING_KEY_NAME, key)
        return key, None

    @property
    def _home_dir(self) -> Path:
        """The home of a keystore with files (a key file); a shared keystore has none."""
        if self.home is None:  # pragma: no cover - callers check the mode first
            raise KeystoreError(f"The shared keystore {self.where} has no home directory.")
        return self.home

    def _install_pending_key(self) -> None:
        """Move master.key.new into place: the last step, after the commit that needs it."""
        try:
            os.replace(self._home_dir / PENDING_KEY_NAME, self._home_dir / MASTER_KEY_NAME)
        except FileNotFoundError:
            return  # another process finished the same move
        fsync_dir(self._home_dir)

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

    def _rekeyed_meanwhile(self) -> bool:
        """Whether another process rekeyed since this one read the master key (then forget it)."""
        if self._master is None or self.meta("master_check") == self._master_check:
            return False
        self._master = None
        return True

    def master_at_hand(self) -> bool:
        """Whether the master key is known or can be had without asking anyone.

        Then reads that decide nothing secret (DescribeKey, blob inspect) check row MACs too:
        a key file, QKMS_MASTER_KEY or a given passphrase (QKMS_PASSPHRASE) is at hand. A
        passphrase keystore opened without its passphrase shows its rows unchecked rather than
        prompt for a listing; every operation that uses a key's material, or changes a key,
        checks its row first, and `keystore verify` checks them all.
        """
        return (
            self._master is not None
            or self._credentials.raw_key_text is not None
            or self._credentials.passphrase is not None
            or self.meta("master_mode") == master.KEYFILE
        )

    # -- row MACs ------------------------------------------------------------------------------

    def _row_mac_key(self) -> bytes:
        # Inside a write transaction the key is re-checked: a rekey may have just committed.
        key = self._current_master() if self._db.in_transaction else self.master_key()
        if self._mac_key is None or self._mac_key[0] is not key:
            self._mac_key = (key, wrap.mac_key(key))
        return self._mac_key[1]

    def row_mac(self, kind: str, values: list[object]) -> bytes:
        """The MAC to store beside a row: HMAC-SHA256 keyed by HKDF from the master key.

        For any store module's rows (keys here; grants or policies elsewhere): kind names the
        table or purpose, values list the protected columns (names and values, as
        key_mac_fields does) in a fixed order. Write it in the same transaction as the row and
        check it with check_row_mac wherever the row decides anything. Needs the master key
        (a passphrase keystore asks for it). `keystore rekey` must re-MAC such rows.
        """
        return wrap.row_mac(self._row_mac_key(), kind, values)

    def check_row_mac(
        self, kind: str, values: list[object], mac: object, *, retry: bool = True
    ) -> bool:
        """Whether mac is the row MAC of values (see row_mac); retried once across a rekey."""
        if wrap.check_row_mac(self._row_mac_key(), kind, values, mac):
            return True
        if retry and self._rekeyed_meanwhile():
            return wrap.check_row_mac(self._row_mac_key(), kind, values, mac)
        return False

    def check_row_mac_once(self, kind: str, values: list[object], mac: bytes) -> bool:
        """check_row_mac, remembered per process by the row's whole content (kind, values and
        MAC), as key rows are (_authentic): a hot alias or tag is not re-MACed on every call,
        and any change to the row, its MAC included, is checked afresh."""
        try:
            seen: tuple[Any, ...] | None = (kind, *values, mac)
            if seen in self._authentic_rows:
                return True
        except TypeError:  # a value that cannot be hashed: check it every time
            seen = None
        if not self.check_row_mac(kind, values, mac):
            return False
        if seen is not None:
            if len(self._authentic_rows) >= _AUTHENTIC_ROWS_KEPT:
                self._authentic_rows.clear()
            self._authentic_rows.add(seen)
        return True

    def _resolve_master(self, mode: str, check: bytes) -> bytes:
        raw = self._credentials.raw_key()
        if raw is not None:
            if not opens_verifier(raw, check):
                raise KeystoreError(
                    f"QKMS_MASTER_KEY is not the master key of the keystore {self.where}."
                )
            return raw
        if mode == master.KEYFILE and self.home is None:
            raise KeystoreError(
                f"The shared keystore {self.where} says its master key is a file, which a shared "
                "keystore cannot have; restore a backup."
            )
        if mode == master.KEYFILE:
            return self._keyfile_master(check)
        if mode == master.PASSPHRASE:
            passphrase = self._credentials.get_passphrase(
                f"Passphrase for the keystore {self.where}"
            )
            if passphrase is None:
                raise KeystoreError(
                    f"The keystore {self.where} is protected by a passphrase: set QKMS_PASSPHRASE "
                    "to it, or run on a terminal to be asked (QKMS_MASTER_KEY takes the raw key)."
                )
            key = master.derive(passphrase, master.load_kdf(self.meta("kdf")))
            if not opens_verifier(key, check):
                raise KeystoreError(
                    f"The passphrase is wrong: it does not open the keystore {self.where}."
                )
            return key
        if mode == master.EXTERNAL:
            raise KeystoreError(
                f"The keystore {self.where} uses an external master key: set QKMS_MASTER_KEY to "
                "it (32 bytes, base64)."
            )
        raise KeystoreError(
            f"The keystore {self.path} names no known master key mode; restore a backup."
        )

    def _keyfile_master(self, check: bytes) -> bytes:
        key_path = self._home_dir / MASTER_KEY_NAME
        key = read_key_file(key_path)
        if key is not None and opens_verifier(key, check):
            return key
        pending = read_key_file(self._home_dir / PENDING_KEY_NAME)
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
        self._db.close()

    # -- plumbing ----------------------------------------------------------------------------

    def now(self) -> float:
        return self._clock()

    def _exec(self, sql: str, params: Any = ()) -> Any:
        """One statement in SQLite's dialect (`?` parameters); the backend speaks it."""
        return self._db.execute(sql, params)

    def _many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        self._db.executemany(sql, rows)

    def _one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        rows = self._db.query(sql, params, limit=1)
        return rows[0] if rows else None

    def _all(self, sql: str, params: Any = (), *, limit: int | None = None) -> list[dict[str, Any]]:
        return self._db.query(sql, params, limit=limit)

    def _rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self._db.rows(sql)

    @contextlib.contextmanager
    def write(
        self, *, exclusive: bool = True, lock: bool = False, alone: bool = False
    ) -> Iterator[None]:
        """One write transaction: all of it commits, or none of it does.

        SQLite's writers queue (BEGIN IMMEDIATE). PostgreSQL's run side by side, each locking
        the rows it decides on (get_key and authentic_key lock the key's row inside one), and
        service.call runs an operation again when it lost a race or its connection dropped;
        lock=True also takes the audit chain's head, one holder at a time, and alone=True
        (migrations, rekeys) waits for every other writer and keeps them all out. exclusive is
        kept for callers that lock their own rows (FOR UPDATE SKIP LOCKED).

        A passphrase given in the environment is stretched before the lock is taken: nearly
        every write checks or writes a row MAC, and Argon2id must not hold other processes up.
        """
        if self._db.in_transaction:
            yield
            return
        creds = self._credentials
        if (
            self._ready
            and self._master is None
            and creds.passphrase is not None
            and creds.raw_key_text is None
        ):
            self.master_key()
        try:
            with self._db.transaction(exclusive=exclusive, lock=lock, alone=alone):
                yield
        finally:
            self._cache_checked = False  # what this call reads next, it reads after its change

    def new_call(self, received: float | None = None) -> None:
        """A call starts (service.call): cached reads are good for it only once the change token
        has been read again, after the call's request arrived.

        received: when the server had the request in hand (time.monotonic()). A token read that
        began later already sees every change committed before the request was sent, so calls
        arriving together (a busy server's) share one read. None: read it again now.
        """
        if received is None or received >= self._cache_checked_at:
            self._cache_checked = False

    def cached(self, kind: str, ident: Any, load: Callable[[], Any]) -> Any:
        """load(), or what it gave before if nothing but audit events has changed since.

        SQLite only, outside write transactions (those read what they decide on afresh). The
        first cached read of a call reads the change token: a new value (any row of
        migrations.CHANGE_TOKEN_TABLES written by any process, through qkms or not; a restore)
        empties the cache. What is kept was authenticated when it was read (row MACs, the
        material's AEAD), so a row altered outside qkms afterwards is refused as soon as the
        change is seen. load() returns None for nothing to keep (not found, not checked).
        """
        if self.dialect != "sqlite" or self._db.in_transaction:
            return load()
        if not self._cache_checked:
            self._cache_checked_at = time.monotonic()  # before the read: what it sees is newer
            rows = self._db.rows("SELECT token FROM change_token")
            token = rows[0][0] if len(rows) == 1 else None
            if token is None or token != self._cache_token:
                self._cache.clear()
            self._cache_token = token
            self._cache_checked = token is not None
            if token is None:  # no token to trust: read everything afresh
                return load()
        found = self._cache.get((kind, ident))
        if found is None:
            found = load()
            if found is not None:
                if len(self._cache) >= _CACHED_READS_KEPT:
                    self._cache.clear()
                self._cache[(kind, ident)] = found
        return found

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction: every read inside it sees the same state of the keystore."""
        with self._db.snapshot():
            yield

    def meta(self, name: str) -> Any:
        return self._db.get_meta(name)

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
        """A key's row; its MAC checked whenever the master key is at hand (see master_at_hand).

        KeyUnavailableException when the row was altered outside qkms.
        """
        if self.master_at_hand():
            row = self.cached("key", key_id, lambda: self._checked_key(key_id))
            return None if row is None else dict(row)
        return self._one(f"SELECT * FROM keys WHERE key_id = ?{self._row_lock()}", (key_id,))

    def authentic_key(self, key_id: str) -> dict[str, Any]:
        """A key's row with its MAC checked (the master key is obtained, asked for if need be)."""
        row = self.cached("key", key_id, lambda: self._checked_key(key_id))
        if row is None:
            raise KeyUnavailableException(f"Key {key_id} is not in the keystore.")
        return dict(row)

    def _checked_key(self, key_id: str) -> dict[str, Any] | None:
        row = self._one(f"SELECT * FROM keys WHERE key_id = ?{self._row_lock()}", (key_id,))
        return None if row is None else self._authentic(row)

    def _row_lock(self) -> str:
        """FOR UPDATE inside a PostgreSQL write transaction: a key's row read there is what the
        transaction decides on (its state, its current version), and no other writer may change
        it before the commit. SQLite's one writer needs no row locks."""
        return " FOR UPDATE" if self.dialect == "postgresql" and self._db.writing else ""

    def _authentic(self, row: dict[str, Any]) -> dict[str, Any]:
        if row.get("row_mac") is None:
            return self._seal_legacy_key(row["key_id"])
        try:
            seen: tuple[Any, ...] | None = tuple(sorted(row.items()))
            if seen in self._authentic_rows:
                return row
        except TypeError:  # a value that cannot be hashed: check it every time
            seen = None
        if not self.check_row_mac("keys", key_mac_fields(row), row["row_mac"]):
            raise _altered_row(row["key_id"])
        if seen is not None:
            if len(self._authentic_rows) >= _AUTHENTIC_ROWS_KEPT:
                self._authentic_rows.clear()
            self._authentic_rows.add(seen)
        return row

    def _seal_legacy_key(self, key_id: str) -> dict[str, Any]:
        """MAC a key row from before row MACs, after checking it the only way it can be checked.

        Such a key's material was sealed under the first AAD, without its public key: each
        version must open under that AAD (material sealed under today's AAD means a row of
        this qkms whose MAC was removed), and a stored public key must be the one the private
        key gives. Its material is then re-sealed under today's AAD and its row MACed, once.
        """
        self.master_key()  # a passphrase first, before the write lock is taken
        with self.write():
            row = self._one(f"SELECT * FROM keys WHERE key_id = ?{self._row_lock()}", (key_id,))
            if row is None:
                raise KeyUnavailableException(f"Key {key_id} is not in the keystore.")
            if row.get("row_mac") is not None:  # another process sealed it meanwhile
                return self._authentic(row)
            key = self._current_master()
            for material in self._material_rows(key_id):
                try:
                    secret = self._open_legacy(key, row, material)
                except _AlteredError as exc:
                    raise KeyUnavailableException(str(exc)) from None
                aad = material_aad(key_id, material["version"], row["key_spec"], material)
                self._exec(
                    "UPDATE key_material SET wrapped = ? WHERE key_id = ? AND version = ?",
                    (wrap.wrap(key, secret, aad), key_id, material["version"]),
                )
            mac = self.row_mac("keys", key_mac_fields(row))
            self._exec("UPDATE keys SET row_mac = ? WHERE key_id = ?", (mac, key_id))
        return {**row, "row_mac": mac}

    def _open_legacy(self, key: bytes, row: dict[str, Any], material: dict[str, Any]) -> bytes:
        """The secret of a pre-row-MAC key's material, or _AlteredError saying what was changed."""
        where = f"key {row['key_id']} material version {material['version']}"
        wrapped = material["wrapped"]
        try:
            wrap.unwrap(
                key,
                wrapped,
                material_aad(row["key_id"], material["version"], row["key_spec"], material),
            )
        except (wrap.UnwrapError, TypeError):
            pass
        else:
            raise _AlteredError(
                f"The keystore row of key {row['key_id']} lost its MAC: it was altered outside "
                "qkms. Run `qkms keystore verify`.",
                f"key {row['key_id']}: its row lost its MAC (altered outside qkms)",
            )
        legacy_aad = wrap.secret_aad(
            "key-material", row["key_id"], material["version"], row["key_spec"]
        )
        try:
            secret = wrap.unwrap(key, wrapped, legacy_aad)
        except (wrap.UnwrapError, TypeError):
            raise _AlteredError(
                f"The stored key material of {where} failed authentication: the keystore row "
                "was altered. Run `qkms keystore verify`.",
                f"{where}: failed authentication (altered, moved or damaged)",
            ) from None
        public = material["public_key"]
        if public is not None or _has_public_half(row["key_spec"]):
            from qkms_cli.engine import keypairs

            try:
                derived = keypairs.public_der(keypairs.load_private(secret))
            except (ValueError, TypeError):
                derived = None
            if public != derived:
                raise _AlteredError(
                    f"The public key stored with {where} is not the one its private key gives: "
                    "the keystore row was altered. Run `qkms keystore verify`.",
                    f"{where}: its public key is not its private key's (replaced)",
                )
        return secret

    def list_keys(self, after: str | None, limit: int) -> list[dict[str, Any]]:
        return self._all(
            "SELECT key_id FROM keys WHERE key_id > ? ORDER BY key_id LIMIT ?",
            (after or "", limit),
        )

    def insert_key(self, row: dict[str, Any]) -> None:
        """Add a key row and its MAC (the master key is obtained first: derive it outside write)."""
        self.master_key()
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self.write():
            self._exec(f"INSERT INTO keys ({columns}) VALUES ({marks})", tuple(row.values()))
            self._remac_key(row["key_id"])

    def update_key(self, key_id: str, **fields: Any) -> None:
        """Change a key's columns; a protected one only on a row that authenticates, re-MACed."""
        protected = any(name in KEY_MAC_COLUMNS for name in fields)
        if protected:
            self.master_key()
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self.write():
            if protected:
                self.authentic_key(key_id)  # never re-MAC (and so launder) an altered row
            self._exec(
                f"UPDATE keys SET {assignments} WHERE key_id = ?", (*fields.values(), key_id)
            )
            if protected:
                self._remac_key(key_id)

    def _remac_key(self, key_id: str) -> None:
        # The MAC is of the row as SQLite hands it back, so column affinities cannot upset it.
        row = self._one("SELECT * FROM keys WHERE key_id = ?", (key_id,))
        if row is not None:
            mac = self.row_mac("keys", key_mac_fields(row))
            self._exec("UPDATE keys SET row_mac = ? WHERE key_id = ?", (mac, key_id))

    def delete_key(self, key_id: str) -> None:
        self._exec("DELETE FROM keys WHERE key_id = ?", (key_id,))

    def purge_expired(self) -> int:
        """Delete for good every key whose scheduled deletion date has passed.

        Only rows that authenticate and say PendingDeletion go: an edited deletion date must
        not destroy a key. A passphrase keystore purges once its master key is in hand.
        """
        now = self.now()
        due = self._one(
            "SELECT 1 AS due FROM keys WHERE deletion_date IS NOT NULL AND deletion_date <= ? "
            "LIMIT 1",
            (now,),
        )
        if due is None or not self.master_at_hand():
            return 0
        purged = 0
        with self.write():
            # In one order, so that two processes purging at once never deadlock.
            rows = self._all(
                "SELECT * FROM keys WHERE deletion_date IS NOT NULL AND deletion_date <= ? "
                f"ORDER BY key_id{self._row_lock()}",
                (now,),
            )
            for row in rows:
                try:
                    row = self._authentic(row)
                except KeyUnavailableException:
                    continue  # left for `keystore verify` to report
                if row["key_state"] == "PendingDeletion":
                    self.delete_key(row["key_id"])
                    purged += 1
        return purged

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
        """Store a key's material version, sealed with its public key in the AAD."""
        self.master_key()
        aad = material_aad(key_id, version, key_spec, {"public_key": public_key})
        with self.write():
            self.authentic_key(key_id)  # a row from before row MACs is sealed first
            wrapped = wrap.wrap(self._current_master(), secret, aad)
            self._exec(
                "INSERT INTO key_material"
                " (key_id, version, created, rotation_type, public_key, wrapped)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (key_id, version, self.now(), rotation_type, public_key, wrapped),
            )

    def _material_rows(self, key_id: str) -> list[dict[str, Any]]:
        return self._all(
            "SELECT version, public_key, wrapped FROM key_material WHERE key_id = ? "
            "ORDER BY version",
            (key_id,),
        )

    def _open_material(self, key_id: str, version: int) -> tuple[bytes, bytes | None]:
        """(secret, public key) of one version, both authenticated, with the key's row."""
        opened: tuple[bytes, bytes | None] = self.cached(
            "material", (key_id, version), lambda: self._unwrap_material(key_id, version)
        )
        return opened

    def _unwrap_material(self, key_id: str, version: int) -> tuple[bytes, bytes | None]:
        for _attempt in range(2):
            master_key = self.master_key()
            key = self.authentic_key(key_id)
            row = self._one(
                "SELECT public_key, wrapped FROM key_material WHERE key_id = ? AND version = ?",
                (key_id, version),
            )
            if row is None:
                raise KeyUnavailableException(
                    f"Key material version {version} of key {key_id} is not in the keystore."
                )
            aad = material_aad(key_id, version, key["key_spec"], row)
            try:
                return wrap.unwrap(master_key, row["wrapped"], aad), row["public_key"]
            except wrap.UnwrapError:
                # Another process may have rekeyed the keystore since this one read its key.
                if not self._rekeyed_meanwhile():
                    break
        raise KeyUnavailableException(
            f"The stored key material of key {key_id} (version {version}) failed "
            "authentication: the keystore row was altered. Run `qkms keystore verify`."
        )

    def material(self, key_id: str, version: int, key_spec: str) -> bytes:
        """The plaintext key material of one version; KeyUnavailableException if it is unusable.

        The key's row is authenticated first (its MAC), so a row edited to re-enable a key or
        to undo a rotation is refused here even when the caller read it unchecked.
        """
        return self._open_material(key_id, version)[0]

    def public_key(self, key_id: str, version: int) -> bytes | None:
        """A key version's public key, authenticated: it is part of its private key's AAD."""
        return self._open_material(key_id, version)[1]

    def list_material(self, key_id: str, after: int, limit: int) -> list[dict[str, Any]]:
        return self._all(
            "SELECT version, created, rotation_type FROM key_material "
            "WHERE key_id = ? AND version > ? ORDER BY version LIMIT ?",
            (key_id, after, limit),
        )

    # -- aliases and tags: each row MACed (store/aliases.py, store/tags.py) -----------------

    def get_alias(self, name: str, *, checked: bool = True) -> dict[str, Any] | None:
        """The alias, its MAC checked: KeyUnavailableException when it was altered outside qkms.

        checked=False only to test that a name is taken or to remove the alias.
        """
        from qkms_cli.store import aliases

        return aliases.get(self, name, checked=checked)

    def insert_alias(self, name: str, key_id: str) -> None:
        from qkms_cli.store import aliases

        aliases.insert(self, name, key_id)

    def retarget_alias(self, name: str, key_id: str) -> None:
        from qkms_cli.store import aliases

        aliases.retarget(self, name, key_id)

    def delete_alias(self, name: str) -> None:
        from qkms_cli.store import aliases

        aliases.delete(self, name)

    def list_aliases(
        self,
        key_id: str | None,
        after: str | None,
        limit: int,
        *,
        checked: bool = True,
        skip_altered: bool = False,
    ) -> list[dict[str, Any]]:
        """Aliases by name; each checked whenever the master key is at hand (see master_at_hand),
        as a listing of keys is: KeyUnavailableException for one altered, or (skip_altered) left
        out. checked=False for names that decide nothing (a hint)."""
        from qkms_cli.store import aliases

        at_hand = checked and self.master_at_hand()
        return aliases.page(self, key_id, after, limit, checked=at_hand, skip_altered=skip_altered)

    def put_tags(self, key_id: str, tags: dict[str, str]) -> None:
        from qkms_cli.store import tags as stored

        stored.put(self, key_id, tags)

    def delete_tags(self, key_id: str, tag_keys: list[str]) -> None:
        from qkms_cli.store import tags

        tags.delete(self, key_id, tag_keys)

    def list_tags(
        self, key_id: str, after: str | None, limit: int, *, skip_altered: bool = False
    ) -> list[dict[str, Any]]:
        """A key's tags by tag key; each checked whenever the master key is at hand, as key
        policies are (a tag decides aws:ResourceTag conditions): KeyUnavailableException for
        one altered, or (skip_altered) left out."""
        from qkms_cli.store import tags

        at_hand = self.master_at_hand()
        return tags.page(self, key_id, after, limit, checked=at_hand, skip_altered=skip_altered)

    def tag_keys(self, key_id: str) -> set[str]:
        from qkms_cli.store import tags

        return tags.tag_keys(self, key_id)

    # -- maintenance -------------------------------------------------------------------------

    def schema_version(self) -> int:
        return self._db.schema_version()

    def _has_table(self, name: str) -> bool:
        return self._db.has_table(name)

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
            "SELECT key_id, version, public_key, wrapped FROM key_material ORDER BY key_id, version"
        )

    def _key_rows(self) -> dict[str, dict[str, Any]]:
        return {r["key_id"]: r for r in self._all("SELECT * FROM keys ORDER BY key_id")}

    def _open_stored(
        self, master_key: bytes, key_row: dict[str, Any], material: dict[str, Any]
    ) -> bytes:
        """Open a material row as its key row says: today's AAD, or the pre-row-MAC way."""
        if key_row.get("row_mac") is None:
            return self._open_legacy(master_key, key_row, material)
        aad = material_aad(key_row["key_id"], material["version"], key_row["key_spec"], material)
        try:
            return wrap.unwrap(master_key, material["wrapped"], aad)
        except (wrap.UnwrapError, TypeError):
            raise _AlteredError(
                f"key {key_row['key_id']} material version {material['version']}: failed "
                "authentication (altered, moved or damaged, or its public key replaced)"
            ) from None

    def verify(self) -> dict[str, Any]:
        """SQLite's integrity check, then every key row's MAC and every stored secret.

        Returns {"keys": key rows checked, "legacy": rows from before row MACs (checked the
        old way, sealed at first use), "secrets": checked, "pooled": pooled pairs checked,
        "problems": [...]}.
        """
        problems: list[str] = []
        try:
            problems += self._db.integrity_problems()
            missing = self._all(
                "SELECT k.key_id, k.current_version FROM keys AS k LEFT JOIN key_material AS m "
                "ON m.key_id = k.key_id AND m.version = k.current_version "
                "WHERE m.key_id IS NULL AND k.key_state != 'PendingImport' "
                # Imported material that expired while its key waited for deletion is gone too.
                "AND NOT (k.key_state = 'PendingDeletion' AND k.origin = 'EXTERNAL')"
            )
            problems += [
                f"key {r['key_id']}: its current material (version {r['current_version']}) "
                "is missing"
                for r in missing
            ]
            keys = self._key_rows()
            secrets = self._secret_rows()
        except KeystoreError as exc:
            return {
                "keys": 0,
                "legacy": 0,
                "secrets": 0,
                "pooled": 0,
                "problems": [*problems, exc.message],
            }
        key = self.master_key()
        mac_key = wrap.mac_key(key)
        legacy = 0
        for row in keys.values():
            if row.get("row_mac") is None:
                legacy += 1
            elif not wrap.check_row_mac(mac_key, "keys", key_mac_fields(row), row["row_mac"]):
                problems.append(
                    f"key {row['key_id']}: its row (state, spec, usage, material version or "
                    "dates) failed authentication: altered outside qkms"
                )
        for material in secrets:
            where = f"key {material['key_id']} material version {material['version']}"
            key_row = keys.get(material["key_id"])
            if key_row is None:
                problems.append(f"{where}: no such key")
                continue
            try:
                self._open_stored(key, key_row, material)
            except _AlteredError as exc:
                problems.append(exc.short)
        pooled, pool_problems = 0, list[str]()
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
        if self._has_table("key_policies"):
            from qkms_cli.store import policies

            pool_problems += policies.verify(self, wrap.mac_key(key))
        if self._has_table("grants"):
            from qkms_cli.store import grants

            pool_problems += grants.verify(self, wrap.mac_key(key))
        from qkms_cli.store import aliases, tags

        pool_problems += aliases.verify(self, wrap.mac_key(key))
        pool_problems += tags.verify(self, wrap.mac_key(key))
        return {
            "keys": len(keys),
            "legacy": legacy,
            "secrets": len(secrets),
            "pooled": pooled,
            "problems": problems + pool_problems,
        }

    def rekey(
        self, new: master.NewMaster, *, _fault: Callable[[str], None] | None = None
    ) -> dict[str, Any]:
        """Re-wrap every secret and re-MAC every row under a new master key, in one transaction.

        Returns {"old_mode": ..., "secrets": re-wrapped key materials, "pooled": pooled pairs}.
        Nothing is rekeyed unless every row authenticates; rows from before row MACs come out
        sealed and MACed like new ones.

        A new key file is written as master.key.new before the commit and moved into place after
        it; until then the old master.key opens the old keystore, and a process that finds the
        commit done but the move not yet made finishes it (see _keyfile_master). `_fault` is a
        test seam called after each row ("row") and after the commit ("committed").
        """
        if new.mode == master.KEYFILE and self.home is None:
            raise KeystoreError(
                f"A shared keystore ({self.where}) keeps no master.key file; rekey it --to "
                "passphrase or --to external."
            )
        old_key = self.master_key()
        old_mode = str(self.meta("master_mode"))
        with self.write(alone=True):
            if self.meta("master_check") != self._master_check:
                raise KeystoreError(
                    "Another process rekeyed the keystore meanwhile; run the command again."
                )
            binding_ok = self.binding_authentic()
            key, params = self._make_master(new)
            old_mac, new_mac = wrap.mac_key(old_key), wrap.mac_key(key)
            keys = self._key_rows()
            for row in keys.values():
                mac = row.get("row_mac")
                if mac is not None and not wrap.check_row_mac(
                    old_mac, "keys", key_mac_fields(row), mac
                ):
                    raise KeystoreError(
                        f"The row of key {row['key_id']} does not authenticate, so the keystore "
                        "was not rekeyed. Run `qkms keystore verify`."
                    )
            rows = self._secret_rows()
            for row in rows:
                key_row = keys.get(row["key_id"])
                try:
                    if key_row is None:
                        raise _AlteredError("no such key")
                    secret = self._open_stored(old_key, key_row, row)
                except _AlteredError:
                    raise KeystoreError(
                        f"Key {row['key_id']} material version {row['version']} does not "
                        "authenticate, so the keystore was not rekeyed. Run `qkms keystore verify`."
                    ) from None
                aad = material_aad(row["key_id"], row["version"], key_row["key_spec"], row)
                self._exec(
                    "UPDATE key_material SET wrapped = ? WHERE key_id = ? AND version = ?",
                    (wrap.wrap(key, secret, aad), row["key_id"], row["version"]),
                )
                if _fault is not None:
                    _fault("row")
            self._many(
                "UPDATE keys SET row_mac = ? WHERE key_id = ?",
                [
                    (wrap.row_mac(new_mac, "keys", key_mac_fields(r)), key_id)
                    for key_id, r in keys.items()
                ],
            )
            pooled = 0
            if self._has_table("key_pair_pool"):
                from qkms_cli.store import pool

                if not binding_ok:
                    self._exec("DELETE FROM key_pair_pool")
                pooled = pool.rewrap(self, old_key, key)
            if self._has_table("access_keys"):
                from qkms_cli.store import access_keys

                access_keys.rewrap(self, old_key, key)
            if self._has_table("key_policies"):
                from qkms_cli.store import policies

                policies.remac(self, old_mac, new_mac)
            if self._has_table("grants"):
                from qkms_cli.store import grants

                grants.remac(self, old_mac, new_mac)
            from qkms_cli.store import aliases, tags

            aliases.remac(self, old_mac, new_mac)
            tags.remac(self, old_mac, new_mac)
            if self._has_table("audit_events"):
                from qkms_cli.store import audit

                audit.reseal(self, old_key, key)
            binding = self._binding()
            self._db.put_meta(
                [
                    ("master_mode", new.mode),
                    ("master_check", new_verifier(key)),
                    ("home_binding", binding),
                    ("home_binding_mac", wrap.row_mac(new_mac, "home-binding", [binding])),
                ]
            )
            check = self.meta("master_check")
            if params is not None:
                self._set_meta("kdf", params.dump())
            else:
                self._exec("DELETE FROM meta WHERE name = 'kdf'")
        if _fault is not None:
            _fault("committed")
        if self.home is None:
            pass  # a shared keystore never has a key file
        elif new.mode == master.KEYFILE:
            self._install_pending_key()
        else:
            # No secret stays on disk; backups from before the rekey need the old key, kept
            # beside them by `keystore backup --with-master-key`.
            (self.home / MASTER_KEY_NAME).unlink(missing_ok=True)
        self._master, self._master_check = key, check
        self._mac_key = None
        return {"old_mode": old_mode, "secrets": len(rows), "pooled": pooled}
