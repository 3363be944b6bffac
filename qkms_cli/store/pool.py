"""The key-pair pool: pre-generated data key pairs, sealed under the master key, each used once."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from qkms_cli.engine import wrap
from qkms_cli.errors import KeyUnavailableException

if TYPE_CHECKING:
    from qkms_cli.store.rows import KeystoreRows as Keystore

Pair = tuple[bytes, bytes]  # (public SPKI DER, private PKCS#8 DER)


def _aad(pair_id: str, pair_spec: str, public_key: bytes) -> bytes:
    # The public half is bound too, so a row's public key cannot be swapped for another's.
    return wrap.secret_aad("pool-pair", pair_id, pair_spec, public_key.hex())


def add_pairs(keystore: Keystore, pair_spec: str, pairs: list[Pair]) -> None:
    """Seal and store pairs for later use, all in one transaction."""
    keystore.master_key()  # a passphrase is asked for before the write lock is taken
    with keystore.write():
        master_key = keystore._current_master()
        _own_pool(keystore)
        now = keystore.now()
        rows = []
        for public, private in pairs:
            pair_id = str(uuid.uuid4())
            wrapped = wrap.wrap(master_key, private, _aad(pair_id, pair_spec, public))
            rows.append((pair_id, pair_spec, now, public, wrapped))
        keystore._many(
            "INSERT INTO key_pair_pool (pair_id, pair_spec, created, public_key, wrapped) "
            "VALUES (?, ?, ?, ?, ?)",
            rows,
        )


def take_pairs(keystore: Keystore, pair_spec: str, count: int) -> list[Pair]:
    """Up to count pooled pairs of pair_spec, oldest first, removed in the transaction that reads them.

    On SQLite BEGIN IMMEDIATE serialises takers; on PostgreSQL each taker locks the rows it
    takes with FOR UPDATE SKIP LOCKED, so replicas take different pairs without waiting for
    one another or for other writers. Either way no pair is ever handed out twice. An empty
    pool costs one indexed read and takes no write lock.
    """
    probe = "SELECT 1 AS found FROM key_pair_pool WHERE pair_spec = ? LIMIT 1"
    if count < 1 or keystore._one(probe, (pair_spec,)) is None:
        return []
    keystore.master_key()
    lock = " FOR UPDATE SKIP LOCKED" if keystore.dialect == "postgresql" else ""
    with keystore.write(exclusive=False):
        master_key = keystore._current_master()
        if not _own_pool(keystore):
            return []
        rows = keystore._all(
            "SELECT pair_id, public_key, wrapped FROM key_pair_pool WHERE pair_spec = ? "
            f"ORDER BY created, pair_id LIMIT ?{lock}",
            (pair_spec, count),
        )
        keystore._many(
            "DELETE FROM key_pair_pool WHERE pair_id = ?", [(r["pair_id"],) for r in rows]
        )
        pairs = []
        for row in rows:
            aad = _aad(row["pair_id"], pair_spec, row["public_key"])
            try:
                private = wrap.unwrap(master_key, row["wrapped"], aad)
            except wrap.UnwrapError:
                # Raising rolls the transaction back: the bad row stays for `pool clear` to remove.
                raise KeyUnavailableException(
                    f"The pooled {pair_spec} pair {row['pair_id']} failed authentication: the "
                    "keystore row was altered. Empty that pool with `qkms pool clear "
                    f"--key-pair-spec {pair_spec}`."
                ) from None
            pairs.append((row["public_key"], private))
    return pairs


def _own_pool(keystore: Keystore) -> bool:
    """Whether the pool was filled here; if not (a copied home, an edited location), empty it.

    Call inside a write transaction. The keystore's recorded location must be this one and
    carry its MAC; otherwise every pooled pair is deleted and this location recorded.
    """
    if keystore.binding_authentic():
        return True
    keystore._exec("DELETE FROM key_pair_pool")
    keystore.seal_binding()
    return False


def pool_counts(keystore: Keystore) -> dict[str, int]:
    """How many pooled pairs each KeyPairSpec has left (specs with none are absent)."""
    rows = keystore._all(
        "SELECT pair_spec, count(*) AS n FROM key_pair_pool GROUP BY pair_spec ORDER BY pair_spec"
    )
    return {r["pair_spec"]: int(r["n"]) for r in rows}


def clear(keystore: Keystore, pair_spec: str | None = None) -> int:
    """Remove the pooled pairs of pair_spec (of every spec when None); how many went."""
    with keystore.write():
        if pair_spec is None:
            cursor = keystore._exec("DELETE FROM key_pair_pool")
        else:
            cursor = keystore._exec("DELETE FROM key_pair_pool WHERE pair_spec = ?", (pair_spec,))
    return int(cursor.rowcount)


def rewrap(keystore: Keystore, old_key: bytes, new_key: bytes) -> int:
    """Re-seal every pooled pair under a new master key; call inside the rekey's transaction.

    A pair that does not authenticate under old_key is dropped (the pool is a cache of fresh
    pairs, nothing depends on one); the count re-sealed is returned.
    """
    rows = keystore._all("SELECT pair_id, pair_spec, public_key, wrapped FROM key_pair_pool")
    for row in rows:
        aad = _aad(row["pair_id"], row["pair_spec"], row["public_key"])
        try:
            private = wrap.unwrap(old_key, row["wrapped"], aad)
        except wrap.UnwrapError:
            keystore._exec("DELETE FROM key_pair_pool WHERE pair_id = ?", (row["pair_id"],))
            continue
        keystore._exec(
            "UPDATE key_pair_pool SET wrapped = ? WHERE pair_id = ?",
            (wrap.wrap(new_key, private, aad), row["pair_id"]),
        )
    return len(rows)


def verify(keystore: Keystore, master_key: bytes) -> tuple[int, list[str]]:
    """Authenticate every pooled pair: (checked, problems), for `keystore verify`."""
    rows = keystore._all("SELECT pair_id, pair_spec, public_key, wrapped FROM key_pair_pool")
    problems = []
    for row in rows:
        try:
            wrap.unwrap(
                master_key,
                row["wrapped"],
                _aad(row["pair_id"], row["pair_spec"], row["public_key"]),
            )
        except wrap.UnwrapError:
            problems.append(
                f"pooled {row['pair_spec']} pair {row['pair_id']}: failed authentication "
                "(altered, moved or damaged); `qkms pool clear` removes it"
            )
    return len(rows), problems
