"""Data key pairs in bulk (beyond AWS): GenerateDataKeyPairs and the key-pair pool operations."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from qkms_cli.service import handles
from qkms_cli.service.crypto import data_key_pair_key, seal_data_key_pair
from qkms_cli.store import pool

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

# progress(done, total), called as pairs are ready; the CLI may draw it, the service never does.
Progress = Callable[[int, int], None]
# FillKeyPairPool commits the pairs made at most this many seconds apart (one transaction each
# time): a pair is never lost to Ctrl-C, and cheap specs are not one transaction a pair.
COMMIT_EVERY = 0.1


def _pairs(
    keystore: Keystore, spec: str, count: int, progress: Progress | None, *, pooled: bool
) -> list[tuple[bytes, bytes]]:
    """count pairs: pooled ones first (when pooled), the rest generated across all cores."""
    from qkms_cli.engine import parallel

    pairs = pool.take_pairs(keystore, spec, count) if pooled else []
    taken = len(pairs)
    if progress is not None and taken:
        progress(taken, count)
    step = None if progress is None else (lambda done: progress(taken + done, count))
    pairs += parallel.generate_pairs(spec, count - taken, progress=step)
    return pairs


@handles("GenerateDataKeyPairs")
def generate_data_key_pairs(
    keystore: Keystore, request: dict[str, Any], *, progress: Progress | None = None
) -> dict[str, Any]:
    single = {k: v for k, v in request.items() if k != "Count"}
    # Every rule of GenerateDataKeyPair applies, checked once, before any pair is made.
    key = data_key_pair_key(keystore, single, "GenerateDataKeyPair")
    pairs = _pairs(keystore, single["KeyPairSpec"], request["Count"], progress, pooled=True)
    return {
        "DataKeyPairs": [
            seal_data_key_pair(keystore, key, single, public, private) for public, private in pairs
        ]
    }


@handles("FillKeyPairPool")
def fill_key_pair_pool(
    keystore: Keystore, request: dict[str, Any], *, progress: Progress | None = None
) -> dict[str, Any]:
    import time

    from qkms_cli.engine import parallel

    spec = request["KeyPairSpec"]
    count = request["Count"]
    keystore.master_key()  # a wrong passphrase fails now, not after minutes of generation
    # Pairs are committed as they are made (batched over COMMIT_EVERY seconds, and whatever is
    # made when the run stops), so Ctrl-C keeps the pairs already made.
    pending: list[tuple[bytes, bytes]] = []
    last = [time.monotonic()]
    added = [0]

    def commit() -> None:
        if pending:
            pool.add_pairs(keystore, spec, pending)
            added[0] += len(pending)
            pending.clear()
        last[0] = time.monotonic()

    def sink(made: list[tuple[bytes, bytes]]) -> None:
        pending.extend(made)
        if time.monotonic() - last[0] >= COMMIT_EVERY:
            commit()

    step = None if progress is None else (lambda done: progress(done, count))
    try:
        parallel.generate_pairs(spec, count, progress=step, sink=sink)
    finally:
        commit()
    return {
        "KeyPairSpec": spec,
        "Added": added[0],
        "Available": pool.pool_counts(keystore).get(spec, 0),
    }


@handles("DescribeKeyPairPool")
def describe_key_pair_pool(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    counts = pool.pool_counts(keystore)
    return {"Pools": [{"KeyPairSpec": s, "Available": n} for s, n in counts.items()]}


@handles("ClearKeyPairPool")
def clear_key_pair_pool(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    return {"Removed": pool.clear(keystore, request.get("KeyPairSpec"))}
