"""This checkout against another commit of qkms, in the same run: `qkms serve` under wrk and the
CLI's start-up, alternated run for run, so machine load falls on both alike.

    python benchmarks/bench_against.py 7b9174b^          # e.g. the commit before the audit trail
    python benchmarks/bench_against.py HEAD~5 --rounds 5 --duration 5

The other commit is checked out into a temporary `git worktree` and run from the same Python
environment (PYTHONPATH), so only qkms's own code differs. Server: GenerateDataKey, 8
connections, `qkms serve --workers 2` on a fresh keystore each, requests per second and the
server's CPU time a request (medians over --rounds). CLI: generate-data-key-pair P-256 and
decrypt of its private key, whole processes with bytecode cached, beside bench.py's floor
(click + cryptography + one P-256 key). Needs wrk (`apt-get install wrk`) and a git checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
FLOOR = [
    PY,
    "-c",
    "import click; from cryptography.hazmat.primitives.asymmetric import ec; "
    "ec.generate_private_key(ec.SECP256R1())",
]


def qkms(tree: Path, env: dict[str, str], *args: str) -> Any:
    done = subprocess.run(
        [PY, "-m", "qkms_cli", *args],
        env={**env, "PYTHONPATH": str(tree)},
        capture_output=True,
        check=True,
    )
    return json.loads(done.stdout)


def cpu_ticks(pid: int) -> int:
    """User + system clock ticks of pid and its children (uvicorn's workers)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])
    return total


class Server:
    def __init__(self, name: str, tree: Path, work: Path, env: dict[str, str]) -> None:
        self.name = name
        home = work / f"{name}-home"
        env = {**env, "QKMS_HOME": str(home)}
        key = qkms(tree, env, "keys", "create")["KeyMetadata"]["KeyId"]
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.proc = subprocess.Popen(
            [PY, "-m", "qkms_cli", "serve", "--port", str(self.port), "--workers", "2"],
            env={**env, "PYTHONPATH": str(tree)},
            stderr=subprocess.DEVNULL,
        )
        body = json.dumps({"KeyId": key, "KeySpec": "AES_256"})
        self.lua = work / f"{name}.lua"
        self.lua.write_text(
            f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
            'wrk.headers["Content-Type"] = "application/x-amz-json-1.1"\n'
            'wrk.headers["X-Amz-Target"] = "TrentService.GenerateDataKey"\n'
        )

    def wrk(self, duration: float) -> tuple[float, float]:
        """(requests per second, server CPU ms a request) of one wrk run."""
        before = cpu_ticks(self.proc.pid)
        out = subprocess.run(
            ["wrk", "-t1", "-c8", f"-d{duration:g}s", "-s", str(self.lua),
             f"http://127.0.0.1:{self.port}/"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        ticks = cpu_ticks(self.proc.pid) - before
        if "Non-2xx" in out:
            sys.exit(f"bench: {self.name} answered non-2xx: {out}")
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
        return rps, ticks / os.sysconf("SC_CLK_TCK") / (rps * duration) * 1000

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rev", help="the other commit (anything git rev-parse takes)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds a wrk run")
    parser.add_argument("--cli-runs", type=int, default=15)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench: wrk is not installed (apt-get install wrk)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        other = work / "other"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(other), args.rev],
            check=True, capture_output=True,
        )  # fmt: skip
        try:
            trees = {args.rev: other, "this checkout": ROOT}
            env = {k: v for k, v in os.environ.items() if not k.startswith("QKMS_")}
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
            serve(trees, work, env, args)
            startup(trees, work, env, args.cli_runs)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)],
                capture_output=True,
            )


def serve(trees: dict[str, Path], work: Path, env: dict[str, str], args: Any) -> None:
    servers = [Server(f"s{i}", tree, work, env) for i, tree in enumerate(trees.values())]
    try:
        time.sleep(4)  # workers up
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
        for server in servers:
            server.wrk(2)  # warm-up
        for _ in range(args.rounds):
            for name, server in zip(trees, servers):
                results[name].append(server.wrk(args.duration))
        print(f"qkms serve --workers 2, GenerateDataKey, 8 connections, {args.rounds} rounds:")
        for name, runs in results.items():
            rps = statistics.median(r for r, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            print(f"  {name:>16}: {rps:7.0f} requests/s, {cpu:.2f} ms of server CPU a request")
    finally:
        for server in servers:
            server.stop()


def startup(trees: dict[str, Path], work: Path, env: dict[str, str], runs: int) -> None:
    cases: dict[str, tuple[list[str], dict[str, str]]] = {"floor": (FLOOR, env)}
    for i, (name, tree) in enumerate(trees.items()):
        tree_env = {**env, "QKMS_HOME": str(work / f"cli{i}"), "PYTHONPATH": str(tree)}
        key = qkms(tree, tree_env, "keys", "create")["KeyMetadata"]["KeyId"]
        gdkp = ["generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256"]
        blob = work / f"cli{i}.blob"
        blob.write_text(qkms(tree, tree_env, *gdkp)["PrivateKeyCiphertextBlob"])
        cases[f"{name}: generate-data-key-pair"] = ([PY, "-m", "qkms_cli", *gdkp], tree_env)
        decrypt = ["decrypt", "--ciphertext-blob", f"file://{blob}"]
        cases[f"{name}: decrypt"] = ([PY, "-m", "qkms_cli", *decrypt], tree_env)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for round_ in range(runs + 2):  # the first two fill the bytecode and page caches
        for name, (argv, case_env) in cases.items():
            start = time.perf_counter()
            subprocess.run(argv, env=case_env, capture_output=True, check=True)
            if round_ >= 2:
                times[name].append(time.perf_counter() - start)
    floor = statistics.median(times["floor"])
    print(f"CLI start-up, medians of {runs} interleaved runs:")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:>40}: {median * 1000:6.1f} ms, {median / floor:.2f}x the floor")


if __name__ == "__main__":
    main()
