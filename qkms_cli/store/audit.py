"""The audit trail's rows: a hash chain of events, sealed with a MAC keyed from the master key.

Each row holds one event (canonical JSON), the SHA-256 of its predecessor's link (`prev_hash`),
its own link `hash` = SHA-256(prev_hash || seq || record), and, when the process writing it holds
the master key, a `seal` = HMAC-SHA256(audit key, seq || hash), the audit key derived from the
master key with HKDF. A seal authenticates its event and, through the chain, every event before
it; events written by calls that never needed the master key (a passphrase keystore's
`keys list`) wait unsealed until the next call that holds it seals the chain's head.
"""

from __future__ import annotations

import contextlib
import struct
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from qkms_cli.engine.digest import sha256
from qkms_cli.errors import QkmsError

if TYPE_CHECKING:
    import asyncio

    from qkms_cli.store.rows import KeystoreRows as Keystore

GENESIS = bytes(32)
# Tries of an event's own transaction when a shared keystore's serialization check refuses it.
_ATTEMPTS = 8
_SEAL_LABEL = b"qkms audit seal v1\0"
_HKDF_INFO = b"qkms audit chain v1"
_COLUMNS = (
    "seq, event_time, event_name, principal, key_id, key_id2, error_code, used, record, "
    "prev_hash, hash, seal"
)


def link(prev_hash: bytes, seq: int, record: bytes) -> bytes:
    """The chain link of event seq: SHA-256(prev_hash || seq as 8 bytes || record)."""
    return sha256(prev_hash + struct.pack(">Q", seq) + record)


def audit_key(master_key: bytes) -> bytes:
    """The key that seals the chain, derived from the master key (HKDF-SHA256)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(master_key)


def seal(key: bytes, seq: int, digest: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes, hmac

    mac = hmac.HMAC(key, hashes.SHA256())
    mac.update(_SEAL_LABEL + struct.pack(">Q", seq) + digest)
    return mac.finalize()


def seal_ok(key: bytes, seq: int, digest: bytes, tag: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, hmac

    mac = hmac.HMAC(key, hashes.SHA256())
    mac.update(_SEAL_LABEL + struct.pack(">Q", seq) + digest)
    try:
        mac.verify(tag)
    except InvalidSignature:
        return False
    return True


# One event: its indexed columns, its record, and the key that seals it (None: sealed later).
Event = tuple[dict[str, Any], bytes, bytes | None]
# What became of one event: its (seq, link), or the error that kept it out of the trail.
Outcome = tuple["tuple[int, bytes] | None", "BaseException | None"]


class _Waiter:
    """A thread's wait for its event (a pool thread's call): a lock the writer releases."""

    __slots__ = ("_done", "outcome")

    def __init__(self) -> None:
        self._done = threading.Lock()
        self._done.acquire()
        self.outcome: Outcome = (None, None)

    def settle(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self._done.release()

    def wait(self) -> tuple[int, bytes]:
        self._done.acquire()
        result, error = self.outcome
        if error is not None:
            raise error
        assert result is not None
        return result


def _settle(outcomes: list[tuple[asyncio.Future[tuple[int, bytes]], Outcome]]) -> None:
    """On an event loop: resolve the futures of its calls' events, all of a batch at once."""
    for future, (result, error) in outcomes:
        if future.done():  # cancelled: its call went away (the client disconnected)
            continue
        if error is None:
            future.set_result(result)  # type: ignore[arg-type]
        else:
            future.set_exception(error)


# A queued event and the thread that waits for it.
_Item = tuple[Event, _Waiter]


class Writer:
    """The thread that appends a `qkms serve` worker's events, many to a transaction.

    The pool's calls hand their events over and wait for them (the event loop's own calls have
    a LoopWriter); whatever queued while one transaction ran goes in the next, so N calls in
    flight cost one write transaction, not N fighting for the keystore's write lock, and the
    threads serving requests never wait in SQLite's busy handler themselves. A call still answers
    only once its own event is committed. The thread also runs the LoopWriter's checkpoints.

    Its connection commits with synchronous=NORMAL on SQLite, where the keystore's others use
    FULL: an event is in the WAL (the operating system's) before its call is answered, so it
    survives the server being killed, and reaches the disk with the next commit that changes a
    key (FULL syncs the whole WAL) or the next checkpoint: only an operating system crash or a
    power loss can take back the events written since then (never a key, nor an event before
    one's change), the rule of Vault's file audit device. Syncing the WAL at every batch cost
    a commit 310 us instead of 48, on every request's path.
    """

    def __init__(self, open_keystore: Callable[[], Keystore]) -> None:
        import queue  # a server's: the CLI never loads it

        self._empty = queue.Empty
        self._open = open_keystore
        # SimpleQueue: a put is a few C instructions, never a lock handed between threads.
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._closing = False
        self._thread = threading.Thread(target=self._loop, name="qkms-audit", daemon=True)
        self._keystore: Any = None  # the writer thread's own connection
        self._opened = threading.Event()
        self._failed: BaseException | None = None

    def start(self) -> None:
        """Start the thread, which opens its own keystore connection (SQLite's belong to the
        thread that opens them); an error opening it is raised here."""
        self._thread.start()
        self._opened.wait()
        if self._failed is not None:
            raise self._failed

    def write(self, event: Event) -> tuple[int, bytes]:
        """Queue an event and wait until it is committed (a thread's call, not the loop's)."""
        if self._closing:
            raise QkmsError("The audit trail's writer has stopped.")
        waiter = _Waiter()
        self._queue.put((event, waiter))
        return waiter.wait()

    def checkpoint_soon(self) -> None:
        """Have the thread run a passive checkpoint (for the event loop, which must not)."""
        if not self._closing:
            self._queue.put(_CHECKPOINT)  # type: ignore[arg-type]

    def close(self) -> None:
        """Write what is queued, then stop."""
        self._closing = True
        self._queue.put(None)
        if self._thread.is_alive():
            self._thread.join()
        late: list[_Item] = []
        while True:  # events handed over as it stopped: their calls fail, they do not hang
            try:
                item = self._queue.get_nowait()
            except self._empty:
                break
            if item is not None and item is not _CHECKPOINT:
                late.append(item)
        stopped = QkmsError("The audit trail's writer has stopped.")
        for _event, waiter in late:
            waiter.settle((None, stopped))

    def _loop(self) -> None:
        try:
            self._keystore = self._open()
            if self._keystore.dialect == "sqlite":  # see the class's docstring
                self._keystore._db.execute("PRAGMA synchronous = NORMAL")
        except BaseException as exc:
            self._failed = exc
            if self._keystore is not None:
                self._keystore.close()
                self._keystore = None
            return
        finally:
            self._opened.set()
        try:
            self._serve()
        finally:
            self._keystore.close()
            self._keystore = None

    def _serve(self) -> None:
        stopping = False
        while not stopping:
            batch: list[_Item] = []
            checkpoint = False
            item = self._queue.get()
            while True:
                if item is None:
                    stopping = True  # after what was queued before close()
                elif item is _CHECKPOINT:
                    checkpoint = True
                else:
                    batch.append(item)
                try:
                    item = self._queue.get_nowait()
                except self._empty:
                    break
            if checkpoint:
                _checkpoint(self._keystore)
            if not batch:
                continue
            try:
                results = _append_batch(self._keystore, [event for event, _ in batch])
            except BaseException as exc:  # each waiting call reports it as its own failure
                for _event, waiter in batch:
                    waiter.settle((None, exc))
            else:
                for (_event, waiter), result in zip(batch, results):
                    waiter.settle((result, None))
            if self._keystore.dialect == "sqlite":
                # Leave the lock free a moment: another worker's writer, trying it every half
                # millisecond (store/sqlite.py), would otherwise rarely find it free between
                # this writer's back-to-back transactions, and its calls would wait 100 ms and
                # more (GenerateDataKey p99 at 8 connections, 2 workers: 35-91 ms without this
                # pause, 10-14 ms with it; throughput up too, in bigger batches). PostgreSQL
                # queues lock waiters itself.
                time.sleep(_YIELD_SECONDS)


class LoopWriter:
    """Appends the events of the calls an event loop runs itself, from that loop, in batches.

    A call hands its event over and awaits the future it gets back; the first event of a batch
    schedules a flush after the callbacks already due, so the calls the loop runs in the same
    turn share one transaction (and whatever arrives while the writers' lock is taken elsewhere
    joins them). The flush commits on a connection of its own (SQLite, synchronous=NORMAL, as
    the writer thread's) and then resolves the batch's futures: no thread, no hand-over of the
    interpreter lock, no wake-up through a pipe (measured: 0.4 context switches a request in one
    worker, against 5.5 through the writer thread). It never waits for the writers' lock or for
    SQLite's: when another process or thread holds either, the flush is tried again a moment
    later while the loop goes on serving, for up to the keystore's busy timeout. A call still
    answers only once its own event is committed.

    The connection does not checkpoint inside its commits (which hold the writers' lock and
    would keep the other workers waiting): every _CHECKPOINT_EVERY commits the process's writer
    thread runs a checkpoint, off the loop (its fsync would hold every call on the loop
    up: GenerateDataKey p99 at 8 connections 52-58 ms with it on the loop, 10-28 ms without).
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, keystore: Keystore) -> None:
        self._loop = loop
        self._keystore = keystore  # SQLite: its connection is this writer's alone
        db = keystore._db
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA wal_autocheckpoint = 0")
        db.execute("PRAGMA busy_timeout = 0")  # a locked database is tried again, not waited on
        self._patience = float(getattr(db, "timeout", 5.0))
        self._pending: list[tuple[Event, asyncio.Future[tuple[int, bytes]]]] = []
        self._scheduled = False
        self._busy_since: float | None = None
        self._commits = 0

    def submit(self, event: Event) -> asyncio.Future[tuple[int, bytes]]:
        future: asyncio.Future[tuple[int, bytes]] = self._loop.create_future()
        self._pending.append((event, future))
        if not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self._flush)
        return future

    def _flush(self) -> None:
        from qkms_cli.errors import DependencyTimeoutException
        from qkms_cli.store.sqlite import WriterBusyError

        self._scheduled = False
        batch = self._pending
        if not batch:
            return
        try:
            with self._keystore._db.transaction(exclusive=True, lock=True, wait=False):
                results = _append_many(self._keystore, [event for event, _ in batch])
        except (WriterBusyError, DependencyTimeoutException) as exc:
            now = time.monotonic()
            if self._busy_since is None:
                self._busy_since = now
            if now - self._busy_since <= self._patience:
                # Another writer holds a lock for a moment: try again after it, with whatever
                # has arrived meanwhile.
                self._scheduled = True
                self._loop.call_later(_RETRY_SECONDS, self._flush)
                return
            self._fail(
                exc
                if isinstance(exc, DependencyTimeoutException)
                else DependencyTimeoutException(
                    "The keystore is locked by another qkms process; gave up after "
                    f"{self._patience:g} seconds."
                )
            )
            return
        except BaseException as exc:  # each waiting call reports it as its own failure
            self._fail(exc)
            return
        self._busy_since = None
        self._pending = []
        _settle([(future, (result, None)) for (_, future), result in zip(batch, results)])
        self._commits += 1
        if self._commits >= _CHECKPOINT_EVERY:
            self._commits = 0
            writer = _WRITER
            if writer is not None:
                writer.checkpoint_soon()
            else:
                self._loop.call_soon(_checkpoint, self._keystore)

    def _fail(self, exc: BaseException) -> None:
        batch, self._pending = self._pending, []
        self._busy_since = None
        _settle([(future, (None, exc)) for _, future in batch])

    def close(self) -> None:
        """Write what is pending (the calls in flight have finished by now), then let go."""
        if self._pending:
            batch, self._pending = self._pending, []
            self._keystore._db.execute(f"PRAGMA busy_timeout = {int(self._patience * 1000)}")
            try:
                results = _append_batch(self._keystore, [event for event, _ in batch])
            except BaseException as exc:
                _settle([(future, (None, exc)) for _, future in batch])
            else:
                _settle([(future, (r, None)) for (_, future), r in zip(batch, results)])
        _checkpoint(self._keystore)
        self._keystore.close()


def _checkpoint(keystore: Keystore) -> None:
    """Copy the write-ahead log into the database so that it starts over.

    Twice: first beside the writers, which copies nearly all of it and pays the fsyncs; then
    holding the writers' lock, which copies what they added meanwhile, so that the checkpoint
    goes to the log's end and the next transaction starts the log over (a checkpoint that new
    commits overtake never lets it restart, and it would grow without bound), while the writers
    wait only for that small rest (GenerateDataKey p99 at 8 connections, one worker: 39-52 ms
    with one checkpoint under the lock). PASSIVE: neither waits for a reader."""
    with contextlib.suppress(QkmsError):
        keystore._db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        with keystore._db.writers_excluded():
            keystore._db.execute("PRAGMA wal_checkpoint(PASSIVE)")


# Queued for the writer thread: run a checkpoint (LoopWriter's connection makes none itself).
_CHECKPOINT: Any = object()
# A loop writer's checkpoint: after this many of its commits, each of which adds at least four
# pages to the log (the event's and its indexes'): about SQLite's own 1000-page default, a log
# of 4-6 MB.

_CHECKPOINT_EVERY = 250
# How long a loop's flush waits before it tries the writers' lock again: a millisecond, the
# resolution of uvloop's timers (a shorter delay is no delay there: the loop would spin).
_RETRY_SECONDS = 0.001
# A writer's pause between transactions on SQLite: longer than another process's longest
# wait between tries for the writers' lock (sqlite.Database._writer_lock), so it gets its turn.
_YIELD_SECONDS = 0.0006
_WRITER: Writer | None = None
# Set by the server around a call it runs on its event loop: (its LoopWriter, a list), the
# futures of the call's events going into the list as (future, required), for the server to
# await before it answers. A thread's own (the loop's), not a context variable: the call it covers runs
# synchronously.
_DEFERRED = threading.local()


def start_writer(open_keystore: Callable[[], Keystore]) -> Writer:
    """Give this process a writer thread; every later append outside a transaction goes to it."""
    global _WRITER
    writer = Writer(open_keystore)
    writer.start()
    _WRITER = writer
    return writer


def stop_writer() -> None:
    global _WRITER
    writer, _WRITER = _WRITER, None
    if writer is not None:
        writer.close()


@contextlib.contextmanager
def deferring(writer: LoopWriter, into: list[tuple[asyncio.Future[Any], bool]]) -> Iterator[None]:
    """Within (on the running loop): appends hand their events to the loop's writer and return
    at once, leaving futures in `into` (with whether the call's answer depends on the event)
    for the caller to await."""
    outer = getattr(_DEFERRED, "into", None)
    _DEFERRED.into = (writer, into)
    try:
        yield
    finally:
        _DEFERRED.into = outer


def append(
    keystore: Keystore,
    columns: dict[str, Any],
    record: bytes,
    key: bytes | None,
    *,
    required: bool = True,
) -> None:
    """Add one event at the head of the chain, sealed when key is given.

    Inside the call's own transaction when there is one. Else, in a server, by the event loop's
    LoopWriter (a call the loop runs: see deferring()) or the process's writer thread, or else in a transaction of its own, taken straight from the
    database (a read-only call never derives a passphrase for its event) holding the chain's
    lock, so that events of parallel processes queue for the chain's head instead of racing for
    it (a shared PostgreSQL keystore); a race lost anyway is run again. `required`: whether the
    call's answer depends on the event (a failed call's event does not hide its error)."""
    if keystore._db.in_transaction:
        _append(keystore, columns, record, key)
        return
    deferred = getattr(_DEFERRED, "into", None)
    if deferred is not None:
        loop_writer, into = deferred
        into.append((loop_writer.submit((columns, record, key)), required))
        return
    writer = _WRITER
    if writer is None:
        _append_batch(keystore, [(columns, record, key)])
        return
    writer.write((columns, record, key))


def _append_batch(keystore: Keystore, batch: list[Event]) -> list[tuple[int, bytes]]:
    """The batch's events in one transaction holding the chain's lock (one holder at a time),
    tried again when a shared keystore's serialization check refuses it."""
    for attempt in range(_ATTEMPTS):
        try:
            with keystore._db.transaction(exclusive=True, lock=True):
                return _append_many(keystore, batch)
        except QkmsError as exc:
            if not getattr(exc, "transient", False) or attempt == _ATTEMPTS - 1:
                raise
            import random

            time.sleep(random.uniform(0, 0.002 * 2**attempt))
    raise AssertionError("unreachable")  # pragma: no cover


def _append(
    keystore: Keystore, columns: dict[str, Any], record: bytes, key: bytes | None
) -> tuple[int, bytes]:
    return _append_many(keystore, [(columns, record, key)])[0]


def _append_many(keystore: Keystore, events: list[Event]) -> list[tuple[int, bytes]]:
    """Link events at the chain's head: its head read once, the rows written in one statement
    (on PostgreSQL one round trip for the batch, while the chain's lock is held)."""
    head = keystore._one("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
    seq, prev = (head["seq"] + 1, bytes(head["hash"])) if head else (1, GENESIS)
    rows: list[tuple[Any, ...]] = []
    links: list[tuple[int, bytes]] = []
    for columns, record, key in events:
        digest = link(prev, seq, record)
        rows.append(
            (
                seq,
                columns["event_time"],
                columns["event_name"],
                columns["principal"],
                columns.get("key_id"),
                columns.get("key_id2"),
                columns.get("error_code"),
                1 if columns.get("used") else 0,
                record.decode("utf-8"),
                prev,
                digest,
                None if key is None else seal(key, seq, digest),
            )
        )
        links.append((seq, digest))
        seq, prev = seq + 1, digest
    keystore._many(
        f"INSERT INTO audit_events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
    )
    return links


def page(
    keystore: Keystore,
    *,
    key_id: str | None,
    event_name: str | None,
    principal: str | None,
    user_name: str | None,
    since: float | None,
    until: float | None,
    errors: bool,
    marker: int | None,
    limit: int,
    forward: bool,
) -> list[dict[str, Any]]:
    """Events matching every filter given, newest first (oldest first when forward)."""
    where: list[str] = []
    params: list[Any] = []
    if marker is not None:
        where.append("seq > ?" if forward else "seq < ?")
        params.append(marker)
    if key_id is not None:
        where.append("(key_id = ? OR key_id2 = ?)")
        params += [key_id, key_id]
    if event_name is not None:
        where.append("event_name = ?")
        params.append(event_name)
    if principal is not None:
        where.append("principal = ?")
        params.append(principal)
    if user_name is not None:
        where.append("principal LIKE ? ESCAPE '\\'")
        escaped = user_name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"arn:%:iam::%:user/{escaped}")
    if since is not None:
        where.append("event_time >= ?")
        params.append(since)
    if until is not None:
        where.append("event_time <= ?")
        params.append(until)
    if errors:
        where.append("error_code IS NOT NULL")
    sql = f"SELECT seq, record FROM audit_events{' WHERE ' if where else ''}{' AND '.join(where)}"
    sql += f" ORDER BY seq {'ASC' if forward else 'DESC'} LIMIT ?"
    return keystore._all(sql, (*params, limit))


def last_use(keystore: Keystore, key_id: str) -> dict[str, Any] | None:
    """The newest successful cryptographic operation with the key (as either key of the event)."""
    found = None
    for column in ("key_id", "key_id2"):
        row = keystore._one(
            f"SELECT seq, record FROM audit_events WHERE {column} = ? AND used = 1 "
            "ORDER BY seq DESC LIMIT 1",
            (key_id,),
        )
        if row is not None and (found is None or row["seq"] > found["seq"]):
            found = row
    return found


def first_time(keystore: Keystore) -> float | None:
    row = keystore._one("SELECT event_time FROM audit_events ORDER BY seq LIMIT 1")
    return None if row is None else float(row["event_time"])


def latest_ok(keystore: Keystore, event_name: str) -> dict[str, Any] | None:
    """The newest successful event of that name."""
    return keystore._one(
        f"SELECT {_COLUMNS} FROM audit_events WHERE event_name = ? AND error_code IS NULL "
        "ORDER BY seq DESC LIMIT 1",
        (event_name,),
    )


def snapshot(keystore: Keystore) -> Any:
    """One read transaction: every read inside sees the same state of the trail."""
    return keystore.snapshot()


def cut_point(keystore: Keystore, before: float) -> int | None:
    """The first event at or after `before` (events before it form the prunable prefix)."""
    row = keystore._one("SELECT min(seq) AS seq FROM audit_events WHERE event_time >= ?", (before,))
    return None if row is None or row["seq"] is None else int(row["seq"])


def delete_before(keystore: Keystore, seq: int) -> int:
    cur = keystore._exec("DELETE FROM audit_events WHERE seq < ?", (seq,))
    return int(cur.rowcount)


def head(keystore: Keystore) -> dict[str, Any] | None:
    return keystore._one("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")


def first(keystore: Keystore) -> dict[str, Any] | None:
    return keystore._one("SELECT seq, prev_hash FROM audit_events ORDER BY seq LIMIT 1")


def walk(keystore: Keystore, batch: int = 1000) -> Iterator[dict[str, Any]]:
    """Every event in chain order, read in batches."""
    after = 0
    while True:
        rows = keystore._all(
            f"SELECT {_COLUMNS} FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?",
            (after, batch),
        )
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1]["seq"]


def reseal(keystore: Keystore, old_master: bytes, new_master: bytes) -> int:
    """Re-make every seal under a new master key (keystore rekey); seals that do not verify under
    the old key are left as they are, for `audit verify` to report."""
    old, new = audit_key(old_master), audit_key(new_master)
    rows = keystore._all("SELECT seq, hash, seal FROM audit_events WHERE seal IS NOT NULL")
    count = 0
    for row in rows:
        if seal_ok(old, row["seq"], row["hash"], row["seal"]):
            keystore._exec(
                "UPDATE audit_events SET seal = ? WHERE seq = ?",
                (seal(new, row["seq"], row["hash"]), row["seq"]),
            )
            count += 1
    return count
