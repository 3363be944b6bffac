"""Many data key pairs at once, generated across the machine's cores."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable

from qkms_cli.engine.keypairs import generate_pair

Pair = tuple[bytes, bytes]  # (public SPKI DER, private PKCS#8 DER)
Progress = Callable[[int], None]  # called with the number of pairs done so far
Sink = Callable[[list[Pair]], None]  # handed each batch of pairs as soon as it is made

# Seconds one pair takes on one core, roughly (a 2020s x86 core, cryptography 4x; RSA varies a
# lot from pair to pair with the prime search). Below PARALLEL_MIN_SECONDS of work in all,
# starting worker processes costs more than it saves.
_COST = {"RSA_2048": 0.06, "RSA_3072": 0.25, "RSA_4096": 0.6}
_CHEAP_COST = 0.0004  # the ECC and Edwards specs
PARALLEL_MIN_SECONDS = 0.3
# Pairs handed to a worker at a time: one for RSA (slow and uneven), more for the cheap specs.
_CHUNK_SECONDS = 0.05


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _ignore_sigint() -> None:
    # Ctrl-C goes to the whole process group; the parent alone handles it and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _chunk(job: tuple[str, int]) -> list[Pair]:
    spec, count = job
    return [generate_pair(spec) for _ in range(count)]


def generate_pairs(
    spec: str,
    count: int,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    sink: Sink | None = None,
) -> list[Pair]:
    """count fresh pairs of spec, on up to `workers` processes (default: every core).

    sink, when given, gets each pair or chunk as it is made (to keep it if the run is
    interrupted); the pairs are returned all the same.
    """
    if count < 1:
        return []
    cost = _COST.get(spec, _CHEAP_COST)
    workers = min(workers or cores(), count)
    if workers < 2 or cost * count < PARALLEL_MIN_SECONDS:
        pairs = []
        for _ in range(count):
            pairs.append(generate_pair(spec))
            if sink is not None:
                sink(pairs[-1:])
            if progress is not None:
                progress(len(pairs))
        return pairs
    per_chunk = max(1, min(int(_CHUNK_SECONDS / cost), count // (workers * 4) or 1))
    jobs = [(spec, min(per_chunk, count - start)) for start in range(0, count, per_chunk)]
    import multiprocessing

    # fork starts a worker in a millisecond and needs no re-import; elsewhere, the default.
    method = "fork" if sys.platform.startswith("linux") else None
    context = multiprocessing.get_context(method)
    pairs = []
    with context.Pool(workers, initializer=_ignore_sigint) as pool:  # exit terminates the workers
        for chunk in pool.imap_unordered(_chunk, jobs):
            pairs.extend(chunk)
            if sink is not None:
                sink(chunk)
            if progress is not None:
                progress(len(pairs))
    return pairs
