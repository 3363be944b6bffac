"""qkms start-up, scaling and batch benchmark: medians of whole-process runs beside their floors.

Run it from a checkout with qkms installed in the active environment:

    python benchmarks/bench.py            # about three minutes on 2 cores
    python benchmarks/bench.py --quick    # fewer runs, 10,000 keys instead of 100,000

Every figure is the median wall time of repeated fresh processes (`subprocess.run`, stdout to
/dev/null), and every command is timed interleaved with its floor, run for run, so machine load
falls on both alike. Ratios are what matter; the load average is printed so the reader can judge.

How it measures:

- Python caches bytecode for both qkms and its floors (in a temporary PYTHONPYCACHEPREFIX, so the
  checkout stays clean, even when PYTHONDONTWRITEBYTECODE is set); the first, cache-filling runs
  are not counted. A user's `pip install` compiles bytecode the same way.
- Keystores are built through the service in one transaction (`service.call(keystore,
  "CreateKey", {})` inside `keystore.write()`): real rows, real wrapped key material, about ten
  seconds for 100,000 keys on 2 cores. The small and the big keystore are built by the same code.
- Batch generation: the time a pair of `generate-data-key-pair --count 16 --key-pair-spec
  RSA_4096` against one `generate-data-key-pair` process a pair, and against a loop of
  `generate_pair` in one process (the strictest single-core baseline), over four interleaved
  rounds: one RSA_4096 prime search takes from a tenth of a second to seconds.
- Pool: `generate-data-key-pair --key-pair-spec RSA_4096` taking pairs from a pool filled
  beforehand, against ECC_NIST_P256 generated on the spot.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

PY = sys.executable
CLICK_FLOOR = [PY, "-c", "import click"]
CRYPTO_FLOOR = [
    PY,
    "-c",
    "import click; from cryptography.hazmat.primitives.asymmetric import ec; "
    "ec.generate_private_key(ec.SECP256R1())",
]
RSA_LOOP = (
    "import sys; from qkms_cli.engine.keypairs import generate_pair\n"
    "for _ in range(int(sys.argv[1])): generate_pair('RSA_4096')"
)


def qkms_executable() -> str:
    beside = Path(PY).parent / "qkms"
    found = str(beside) if beside.exists() else shutil.which("qkms")
    if not found:
        sys.exit("bench: the qkms command is not installed here; run `pip install -e .` first")
    return found


def clean_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QKMS_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["NO_COLOR"] = "1"
    return env


def run_once(argv: Sequence[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(argv[:4])} ... failed: {done.stderr.decode()[-500:]}")
    return elapsed


def medians(cases: dict[str, tuple[list[str], dict[str, str]]], runs: int) -> dict[str, float]:
    """Median wall time of each case, run round-robin so that load hits every case alike."""
    for argv, env in cases.values():  # fill the bytecode caches and the page cache
        run_once(argv, env)
        run_once(argv, env)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, (argv, env) in cases.items():
            times[name].append(run_once(argv, env))
    return {name: statistics.median(values) for name, values in times.items()}


def build_keystore(home: Path, keys: int) -> str:
    """A keystore of `keys` symmetric keys, built by the service in one transaction."""
    from qkms_cli import service
    from qkms_cli.store.keystore import Keystore

    keystore = Keystore.open(home)
    try:
        with keystore.write():
            ids = [
                service.call(keystore, "CreateKey", {})["KeyMetadata"]["KeyId"] for _ in range(keys)
            ]
    finally:
        keystore.close()
    return ids[len(ids) // 2]  # a key from the middle: no favourable position in the index


def capture(argv: Sequence[str], env: dict[str, str]) -> dict:
    done = subprocess.run(argv, env=env, capture_output=True, check=True)
    return json.loads(done.stdout)


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


class Report:
    """Rows of (what, its median, against what, that median, target, kind), printed as ratios."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, str, float, float, str]] = []

    def slower(self, name: str, value: float, base: str, floor: float, target: float) -> None:
        """value / floor, to stay at or under target (0: for information)."""
        self.rows.append((name, value, base, floor, target, "slower"))

    def faster(self, name: str, value: float, base: str, floor: float, target: float) -> None:
        """floor / value for the same work (a throughput gain), to reach target (0: info)."""
        self.rows.append((name, value, base, floor, target, "faster"))

    def print(self) -> None:
        print(f"{'measure':<40} {'median':>8}   {'against':<32} {'median':>8} {'ratio':>6}  target")
        for name, value, base, floor, target, kind in self.rows:
            if kind == "faster":
                ratio = floor / value
                goal = f">= {target:.1f}x {'ok' if ratio >= target else 'MISSED'}"
            else:
                ratio = value / floor
                goal = f"<= {target:.1f}x {'ok' if ratio <= target else 'MISSED'}"
            print(
                f"{name:<40} {value * 1000:>6.0f}ms   {base:<32} {floor * 1000:>6.0f}ms "
                f"{ratio:>5.2f}x  {goal if target else '(for information)'}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="timed runs of each command")
    parser.add_argument("--big", type=int, default=100_000, help="keys in the big keystore")
    parser.add_argument("--rsa", type=int, default=16, help="RSA_4096 pairs in the batch test")
    parser.add_argument("--quick", action="store_true", help="7 runs, 10,000 keys, 4 RSA pairs")
    parser.add_argument(
        "--startup-only", action="store_true", help="leave out the pool and RSA_4096 tests"
    )
    args = parser.parse_args()
    if args.quick:
        args.runs, args.big, args.rsa = 7, 10_000, 4

    qkms = qkms_executable()
    work = Path(tempfile.mkdtemp(prefix="qkms-bench-"))
    try:
        run(qkms, work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(qkms: str, work: Path, args: argparse.Namespace) -> None:
    env = clean_env(work)
    homes = {name: {**env, "QKMS_HOME": str(work / name)} for name in ("small", "big", "rsa")}
    small_env, big_env, rsa_env = homes["small"], homes["big"], homes["rsa"]
    print(
        f"qkms benchmark: {cores()} cores, Python {sys.version.split()[0]}, "
        f"{args.runs} runs each, load average {load()}"
    )
    started = time.perf_counter()
    small_key = build_keystore(work / "small", 10)
    built = time.perf_counter()
    big_key = build_keystore(work / "big", args.big)
    rsa_key = build_keystore(work / "rsa", 1)
    print(
        f"keystores: 10 keys in {built - started:.2f}s, {args.big:,} keys in "
        f"{time.perf_counter() - built:.1f}s (through the service, one transaction)"
    )

    def gdkp(key: str, spec: str = "ECC_NIST_P256") -> list[str]:
        return [qkms, "generate-data-key-pair", "--key-id", key, "--key-pair-spec", spec]

    def decrypt(blob: str) -> list[str]:
        return [qkms, "decrypt", "--ciphertext-blob", blob]

    small_blob = capture(gdkp(small_key), small_env)["PrivateKeyCiphertextBlob"]
    big_blob = capture(gdkp(big_key), big_env)["PrivateKeyCiphertextBlob"]
    report = Report()

    m = medians(
        {
            "help": ([qkms, "--help"], env),
            "click": (CLICK_FLOOR, env),
            "gdkp": (gdkp(small_key), small_env),
            "decrypt": (decrypt(small_blob), small_env),
            "floor": (CRYPTO_FLOOR, env),
        },
        args.runs,
    )
    crypto_floor = "click+cryptography+one P-256"
    report.slower("qkms --help", m["help"], "python -c 'import click'", m["click"], 1.3)
    report.slower("generate-data-key-pair P-256", m["gdkp"], crypto_floor, m["floor"], 1.5)
    report.slower("decrypt (its private key blob)", m["decrypt"], crypto_floor, m["floor"], 1.5)

    listing = [qkms, "keys", "list", "--max-items", "10"]
    m = medians(
        {
            "gdkp-small": (gdkp(small_key), small_env),
            "gdkp-big": (gdkp(big_key), big_env),
            "dec-small": (decrypt(small_blob), small_env),
            "dec-big": (decrypt(big_blob), big_env),
            "list-small": (listing, small_env),
            "list-big": (listing, big_env),
        },
        args.runs,
    )
    big = f"{args.big:,} keys"
    same = "the same, 10 keys"
    report.slower(f"generate-data-key-pair, {big}", m["gdkp-big"], same, m["gdkp-small"], 1.1)
    report.slower(f"decrypt, {big}", m["dec-big"], same, m["dec-small"], 1.1)
    report.slower(f"keys list (first 10), {big}", m["list-big"], same, m["list-small"], 1.1)

    if not args.startup_only:
        pool_runs = max(5, args.runs // 3)
        subprocess.run(
            [qkms, "pool", "fill", "--key-pair-spec", "RSA_4096", "--count", str(pool_runs + 2)],
            env=small_env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        m = medians(
            {
                "pooled": (gdkp(small_key, "RSA_4096"), small_env),
                "p256": (gdkp(small_key), small_env),
            },
            pool_runs,
        )
        report.slower("gdkp RSA_4096, warm pool", m["pooled"], "gdkp ECC_NIST_P256", m["p256"], 0)

        n, rounds = args.rsa, 4
        batch = single = loop = 0.0
        # One RSA_4096 prime search takes anywhere from a tenth of a second to seconds, so the
        # three ways are interleaved over several rounds and compared by their time per pair.
        for _ in range(rounds):
            batch += run_once([*gdkp(rsa_key, "RSA_4096"), "--count", str(n)], rsa_env)
            single += sum(run_once(gdkp(rsa_key, "RSA_4096"), rsa_env) for _ in range(n))
            loop += run_once([PY, "-c", RSA_LOOP, str(n)], env)
        pairs = n * rounds
        name = f"--count {n} RSA_4096, a pair"
        report.faster(name, batch / pairs, "a qkms call a pair", single / pairs, 1.7)
        report.faster(name, batch / pairs, "a loop in one process, a pair", loop / pairs, 0)

    print(f"load average after: {load()}")
    report.print()


if __name__ == "__main__":
    main()
