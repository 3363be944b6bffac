"""The audit trail's rows: a hash chain of events, sealed with a MAC keyed from the master key.

Each row holds one event (canonical JSON), the SHA-256 of its predecessor's link (`prev_hash`),
its own link `hash` = SHA-256(prev_hash || seq || record), and, when the process writing it holds
the master key, a `seal` = HMAC-SHA256(audit key, seq || hash), the audit key derived from the
master key with HKDF. A seal authenticates its event and, through the chain, every event before
it; events written by calls that never needed the master key (a passphrase keystore's
`keys list`) wait unsealed until the next call that holds it seals the chain's head.
"""

from __future__ import annotations

import random
import struct
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from qkms_cli.engine.digest import sha256
from qkms_cli.errors import QkmsError

if TYPE_CHECKING:
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


class _Pending:
    """One thread's event waiting for the group's transaction."""

    __slots__ = ("columns", "done", "error", "key", "record", "result")

    def __init__(self, columns: dict[str, Any], record: bytes, key: bytes | None) -> None:
        self.columns, self.record, self.key = columns, record, key
        self.done = False
        self.result: tuple[int, bytes] | None = None
        self.error: BaseException | None = None


# Group commit: the threads of one process (a `qkms serve` worker) queue their events here and
# whichever holds _WRITER writes every queued one in one transaction, so N calls in flight cost
# one write transaction, not N fighting for SQLite's lock. A call returns only once its own event
# is committed, as before.
_QUEUE: list[_Pending] = []
_QUEUE_LOCK = threading.Lock()
_WRITER = threading.Lock()


def append(
    keystore: Keystore, columns: dict[str, Any], record: bytes, key: bytes | None
) -> tuple[int, bytes]:
    """Add one event at the head of the chain, sealed when key is given: (seq, link).

    Inside the call's own transaction when there is one. Else in one of its own, taken straight
    from the database (a read-only call never derives a passphrase for its event) under the
    writers' lock, so that events of parallel calls queue for the chain's head instead of
    racing for it (a shared PostgreSQL keystore); a race lost anyway is run again. Events of
    this process's other threads waiting meanwhile go in the same transaction (_QUEUE)."""
    if keystore._db.in_transaction:
        return _append(keystore, columns, record, key)
    mine = _Pending(columns, record, key)
    with _QUEUE_LOCK:
        _QUEUE.append(mine)
    with _WRITER:
        if not mine.done:
            with _QUEUE_LOCK:
                batch = _QUEUE[:]
                _QUEUE.clear()
            try:
                results = _append_batch(keystore, batch)
                for pending, result in zip(batch, results):
                    pending.result = result
            except BaseException as exc:
                for pending in batch:
                    pending.error = exc
            finally:
                for pending in batch:
                    pending.done = True
    if mine.error is not None:
        raise mine.error
    assert mine.result is not None
    return mine.result


def _append_batch(keystore: Keystore, batch: list[_Pending]) -> list[tuple[int, bytes]]:
    for attempt in range(_ATTEMPTS):
        try:
            with keystore._db.transaction(exclusive=True, lock=True):
                return [_append(keystore, p.columns, p.record, p.key) for p in batch]
        except QkmsError as exc:
            if not getattr(exc, "transient", False) or attempt == _ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0, 0.002 * 2**attempt))
    raise AssertionError("unreachable")  # pragma: no cover


def _append(
    keystore: Keystore, columns: dict[str, Any], record: bytes, key: bytes | None
) -> tuple[int, bytes]:
    head = keystore._one("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
    seq, prev = (head["seq"] + 1, bytes(head["hash"])) if head else (1, GENESIS)
    digest = link(prev, seq, record)
    keystore._exec(
        f"INSERT INTO audit_events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        ),
    )
    return seq, digest


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
