"""`qkms serve` under a real load generator, beside moto_server in the same run, as ratios.

    python benchmarks/bench_server.py                 # ~4 minutes on 2 cores
    python benchmarks/bench_server.py --duration 5 --connections 8 --ops GenerateDataKey
    python benchmarks/bench_server.py --profile       # and where one worker's time goes (py-spy)
    python benchmarks/bench_server.py --store postgresql://127.0.0.1:5432/postgres --ops \
        GenerateDataKey CreateKey                     # SQLite vs PostgreSQL, 1 and 2 replicas

Needs wrk (`apt-get install wrk`) and the test extras (`pip install -e '.[test]'`: boto3,
moto[server]); `--profile` needs py-spy (`pip install py-spy`).

How it measures:

- wrk (C, event-driven, one thread per 32 connections) sends the same request over and over on
  kept-alive connections for --duration seconds per cell, after a one-second warm-up; its Lua
  script sets POST, the JSON 1.1 headers, the body, and a static SigV4 Authorization header (both
  servers accept it without checking, as moto does and as `qkms serve --auth none` does).
- Requests per second and p50/p99 latency come from wrk's own report (`--latency`). Every answer
  must be 2xx: a cell with non-2xx answers or socket errors is reported as such, not as a speed.
- qkms serve runs with --workers (default: one per core) on a fresh keystore; moto_server is one
  process (it has no workers option). Both run on this machine beside wrk, which takes its share
  of the same cores: the ratio is what this measures, not an absolute capacity.
- moto has no GenerateDataKeyPair (it answers 500); that cell says so instead of a ratio.
- --store URL (a PostgreSQL server; a database is made on it for the run and dropped after)
  measures the keystore backends instead of moto: qkms serve on SQLite, one replica on
  PostgreSQL, and two replicas on the same PostgreSQL keystore, each replica with --workers.
  Two replicas get one wrk each, half the connections apiece, run at once: their requests per
  second add up, the p50 is their mean and the p99 the larger. CreateKey (a write transaction
  each) shows what concurrent writers (and the audit chain) allow; the others only read keys.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

OPS = ("Encrypt", "Decrypt", "GenerateDataKey", "GenerateDataKeyPair")
# Beyond OPS for --store: a write transaction a request.
WRITE_OPS = ("CreateKey",)
CONNECTIONS = (1, 8, 64)
# AWS's default request quota for symmetric cryptographic operations, per account and region.
AWS_SYMMETRIC_QUOTA = 10_000
LUA = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
wrk.headers["X-Amz-Target"] = "TrentService.{op}"
wrk.headers["X-Amz-Date"] = "{amz_date}"
wrk.headers["Authorization"] = "{authorization}"
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[Any], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"bench: the server at {url} exited ({proc.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError as exc:
            if getattr(exc, "code", None):  # an HTTP error answer: it is up
                return
        time.sleep(0.1)
    sys.exit(f"bench: {url} did not come up")


class Peer:
    """A server under test: its URL, process, and the request bodies for each operation.

    A peer of several replicas (--store) has their URLs and processes in `more`.
    """

    def __init__(self, name: str, url: str, proc: subprocess.Popen[Any]) -> None:
        self.name, self.url, self.proc = name, url, proc
        self.bodies: dict[str, bytes | None] = {}
        self.more: list[tuple[str, subprocess.Popen[Any]]] = []

    @property
    def urls(self) -> list[str]:
        return [self.url, *(url for url, _proc in self.more)]

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "kms",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
            aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        )

    def prepare(self) -> None:
        import base64

        from botocore.exceptions import ClientError

        kms = self.client()
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        blob = kms.encrypt(KeyId=key, Plaintext=b"x" * 32)["CiphertextBlob"]
        requests = {
            "Encrypt": {"KeyId": key, "Plaintext": base64.b64encode(b"x" * 32).decode()},
            "Decrypt": {"CiphertextBlob": base64.b64encode(blob).decode()},
            "GenerateDataKey": {"KeyId": key, "KeySpec": "AES_256"},
            "GenerateDataKeyPair": {"KeyId": key, "KeyPairSpec": "ECC_NIST_P256"},
            "CreateKey": {},
        }
        for op, request in requests.items():
            try:
                getattr(kms, _snake(op))(**_boto_args(request))
                self.bodies[op] = json.dumps(request).encode()
            except ClientError as exc:  # moto: GenerateDataKeyPair is not implemented
                self.bodies[op] = None
                print(f"  {self.name} cannot {op}: {exc.response['Error'].get('Code')}")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the server and every process under it, so far."""
        total = 0
        for pid in [self.proc.pid, *_descendants(self.proc.pid)]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        for proc in [self.proc, *(proc for _url, proc in self.more)]:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()


def _snake(op: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", op).lower()


def _boto_args(request: dict[str, Any]) -> dict[str, Any]:
    import base64

    blobs = ("Plaintext", "CiphertextBlob")
    return {k: base64.b64decode(v) if k in blobs else v for k, v in request.items()}


def start_qkms(
    home: Path,
    workers: int,
    threads: int,
    *,
    name: str = "qkms serve",
    env: dict[str, str] | None = None,
    replicas: int = 1,
) -> Peer:
    env = {**os.environ, "QKMS_HOME": str(home), **(env or {})}
    subprocess.run([sys.executable, "-m", "qkms_cli", "keystore", "init"], env=env,
                   check=True, capture_output=True)  # fmt: skip
    started: list[tuple[str, subprocess.Popen[Any]]] = []
    for _ in range(replicas):
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "qkms_cli", "serve", "--port", str(port), "--workers",
             str(workers), "--threads", str(threads)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        wait_ready(f"{url}/health", proc)
        started.append((url, proc))
    peer = Peer(name, *started[0])
    peer.more = started[1:]
    return peer


def start_stores(server: str, home: Path, workers: int, threads: int) -> tuple[list[Peer], str]:
    """qkms serve on SQLite, and 1 and 2 replicas on a new database on the PostgreSQL server."""
    import base64
    import secrets

    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    dbname = f"qkms_bench_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{dbname}"')
    parts = {k: v for k, v in conninfo_to_dict(server).items() if k != "dbname"}
    url = f"postgresql:///{dbname}?" + "&".join(f"{k}={v}" for k, v in parts.items())
    master = {"QKMS_MASTER_KEY": base64.b64encode(os.urandom(32)).decode()}
    shared = {**master, "QKMS_STORE": url}
    peers = [
        start_qkms(home / "sqlite", workers, threads, name="sqlite", env=master),
        start_qkms(home / "pg1", workers, threads, name="postgresql x1", env=shared),
    ]
    # The second replica set serves the same keystore (init refuses to make it twice).
    env = {**os.environ, "QKMS_HOME": str(home / "pg2"), **shared}
    two = []
    for _ in range(2):
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "qkms_cli", "serve", "--port", str(port), "--workers",
             str(workers), "--threads", str(threads)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_ready(f"http://127.0.0.1:{port}/health", proc)
        two.append((f"http://127.0.0.1:{port}", proc))
    pair = Peer("postgresql x2", *two[0])
    pair.more = two[1:]
    peers.append(pair)
    return peers, dbname


def drop_database(server: str, dbname: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def wrk_all(
    peer: Peer, op: str, body: bytes, connections: int, duration: float, lua_dir: Path
) -> dict[str, Any]:
    """wrk on each of the peer's replicas at once, the connections shared out; figures summed."""
    urls = peer.urls
    if len(urls) == 1:
        return wrk(urls[0], op, body, connections, duration, lua_dir)
    from concurrent.futures import ThreadPoolExecutor

    share = max(1, connections // len(urls))
    with ThreadPoolExecutor(len(urls)) as pool:
        runs = list(
            pool.map(lambda url: wrk(url, op, body, share, duration, lua_dir, tag=url[-5:]), urls)
        )
    return {
        "rps": sum(r["rps"] for r in runs),
        "p50": sum(r["p50"] for r in runs) / len(runs),
        "p99": max(r["p99"] for r in runs),
        "non2xx": sum(r["non2xx"] for r in runs),
        "socket_errors": "; ".join(r["socket_errors"] for r in runs if r["socket_errors"]),
    }


def start_moto() -> Peer:
    port = free_port()
    exe = Path(sys.executable).parent / "moto_server"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "moto.server"]
    proc = subprocess.Popen(
        [*command, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_ready(f"{url}/moto-api/", proc)
    return Peer("moto_server", url, proc)


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _descendants(pid: int) -> list[int]:
    found = []
    for child in _children(pid):
        found += [child, *_descendants(child)]
    return found


def measure(
    peer: Peer, op: str, body: bytes, connections: int, duration: float, lua_dir: Path
) -> dict[str, Any]:
    """One wrk run, with the server's CPU time per request (steadier than rates on a busy box)."""
    before = peer.cpu_seconds()
    result = wrk(peer.url, op, body, connections, duration, lua_dir, warm=False)
    result["cpu_ms"] = 1000 * (peer.cpu_seconds() - before) / max(result["requests"], 1)
    return result


def wrk(
    url: str,
    op: str,
    body: bytes,
    connections: int,
    duration: float,
    lua_dir: Path,
    warm: bool = True,
    tag: str = "",
) -> dict[str, Any]:
    from qkms_cli import sigv4

    headers = sigv4.sign(
        "POST",
        url + "/",
        {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"TrentService.{op}"},
        body,
        access_key="AKIAIOSFODNN7EXAMPLE",
        secret_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region="us-east-1",
    )
    script = lua_dir / f"{op}{tag}.lua"
    script.write_text(
        LUA.format(
            body=json.dumps(body.decode()),
            op=op,
            amz_date=headers["X-Amz-Date"],
            authorization=headers["Authorization"],
        )
    )
    threads = max(1, min(connections // 32, 2)) if connections > 1 else 1
    base = ["wrk", "-t", str(threads), "-c", str(connections), "-s", str(script), "--latency"]
    if warm:
        subprocess.run([*base, "-d", "1s", url], capture_output=True, check=True)
    out = subprocess.run(
        [*base, "-d", f"{duration:g}s", "--timeout", "10s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return parse_wrk(out)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(text)
    return float(match[1]) * _UNITS[match[2]]


def parse_wrk(out: str) -> dict[str, Any]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    requests = int(re.search(r"(\d+) requests in", out)[1])  # type: ignore[index]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out)[1])  # type: ignore[index]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out)[1])  # type: ignore[index]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:(.*)", out)
    return {
        "rps": rps,
        "requests": requests,
        "p50": p50,
        "p99": p99,
        "non2xx": int(bad[1]) if bad else 0,
        "socket_errors": errors[1].strip() if errors else "",
    }


def cell(result: dict[str, Any] | None) -> str:
    if result is None:
        return "n/a"
    text = f"{result['rps']:6.0f}/s p50 {result['p50']:5.2f} p99 {result['p99']:6.2f} ms"
    if "cpu_ms" in result:
        text += f" cpu {result['cpu_ms']:.2f} ms/req"
    if result["non2xx"]:
        text += f" ({result['non2xx']} non-2xx!)"
    if result["socket_errors"]:
        text += f" (socket errors: {result['socket_errors']})"
    return text


def profile(peer: Peer, op: str, duration: float, lua_dir: Path) -> None:
    """py-spy samples one worker while wrk loads the server; the time by where it goes."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        print("profile: py-spy is not installed (pip install py-spy)")
        return
    # The busiest process under the server (a uvicorn worker, not multiprocessing's helper).
    candidates = [peer.proc.pid, *_descendants(peer.proc.pid)]
    pid = max(candidates, key=_cpu_ticks)
    out = lua_dir / "profile.txt"
    spy_proc = subprocess.Popen(
        [spy, "record", "--pid", str(pid), "--duration", f"{duration:g}", "--rate", "250",
         "--format", "raw", "--output", str(out), "--threads", "--nonblocking"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(0.5)
    wrk(peer.url, op, peer.bodies[op] or b"{}", 8, duration, lua_dir)
    spy_proc.wait(timeout=duration + 60)
    if not out.exists():
        print("profile: py-spy recorded nothing (it needs ptrace: run as root or set "
              "kernel.yama.ptrace_scope=0)")  # fmt: skip
        return
    summarize_profile(out.read_text())


_BUCKETS = (
    (
        "SQLite (keystore reads, audit event inserts and commits)",
        ("sqlite3", "qkms_cli/store/sqlite.py", "Keystore._exec", "Keystore._all"),
    ),
    ("audit trail (events' chain links, seals, batching)", ("qkms_cli/store/audit.py",)),
    ("AES-GCM, key wrapping, hashing", ("cryptography/", "qkms_cli/engine/", "_sha256")),
    ("JSON and base64 (wire.py)", ("qkms_cli/wire.py", "json/", "base64")),
    ("SigV4", ("qkms_cli/sigv4.py",)),
    ("request validation (model)", ("service/validate.py",)),
    ("operation handlers (service)", ("qkms_cli/service/",)),
    ("thread pool hand-off", ("concurrent/futures", "threading.py", "asyncio/futures.py")),
    ("uvicorn's HTTP protocol (Python side)", ("uvicorn/",)),
    ("ASGI adapter (server/app.py)", ("qkms_cli/server/",)),
    ("asyncio", ("asyncio/",)),
)


def summarize_profile(raw: str) -> None:
    """py-spy's collapsed stacks -> the share of the worker's samples in each part of the code.

    A stack counts for the innermost frame that names a bucket. Pool threads waiting for work are
    left out; the event loop's own frame (uvloop runs in C: HTTP parsing, socket I/O, and waiting
    for the next event) is shown apart, as py-spy cannot see inside it.
    """
    totals: dict[str, int] = {}
    leaves: dict[str, int] = {}
    samples = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")[1:]  # the first is "thread (id): name"
        if not frames:
            continue
        leaf = frames[-1]
        in_qkms = any("qkms_cli/" in f and "__main__" not in f for f in frames)
        if not in_qkms and re.search(
            r"\((threading|queue|selectors)\.py|_worker \(concurrent", leaf
        ):
            continue  # a pool thread waiting for work
        samples += count
        leaves[leaf] = leaves.get(leaf, 0) + count
        if not in_qkms and "Runner.run (asyncio/runners.py" in leaf:
            name = "event loop, native (uvloop + httptools in C, and idle waits)"
        else:
            name = next(
                (b for frame in reversed(frames) for b, marks in _BUCKETS
                 if any(m in frame for m in marks)),
                "other",
            )  # fmt: skip
        totals[name] = totals.get(name, 0) + count
    if not samples:
        print("profile: no samples")
        return
    print(f"\nWhere one worker's time goes ({samples} samples):")
    for name, count in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {100 * count / samples:5.1f}%  {name}")
    print("Top leaf frames:")
    for leaf, count in sorted(leaves.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  {100 * count / samples:5.1f}%  {leaf[:110]}")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per cell")
    parser.add_argument("--connections", type=int, nargs="+", default=list(CONNECTIONS))
    parser.add_argument("--ops", nargs="+", default=list(OPS), choices=OPS + WRITE_OPS)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--threads", type=int, default=4, help="qkms serve --threads")
    parser.add_argument("--no-moto", action="store_true", help="measure qkms serve alone")
    parser.add_argument(
        "--profile", action="store_true", help="py-spy one worker (GenerateDataKey, 8 connections)"
    )
    parser.add_argument(
        "--store",
        metavar="URL",
        help="a PostgreSQL server: compare SQLite with 1 and 2 replicas on PostgreSQL (no moto)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench: wrk is not installed (apt-get install wrk)")
    if args.store:
        stores(args)
        return

    with tempfile.TemporaryDirectory() as tmp:
        lua_dir = Path(tmp)
        peers = [start_qkms(lua_dir / "home", args.workers, args.threads)]
        if not args.no_moto:
            peers.append(start_moto())
        try:
            for peer in peers:
                peer.prepare()
            print(
                f"qkms serve --workers {args.workers} --threads {args.threads}; moto_server "
                f"(one process); wrk {args.duration:g} s per cell; load average "
                f"{os.getloadavg()[0]:.2f}; {len(os.sched_getaffinity(0))} cores\n"
            )
            results: dict[tuple[str, str, int], dict[str, Any] | None] = {}
            for op in args.ops:
                for connections in args.connections:
                    for peer in peers:
                        body = peer.bodies.get(op)
                        if body is not None:  # warm-up, not counted
                            wrk(peer.url, op, body, connections, 1, lua_dir, warm=False)
                        results[peer.name, op, connections] = (
                            None if body is None
                            else measure(peer, op, body, connections, args.duration, lua_dir)
                        )  # fmt: skip
                    report(op, connections, peers, results)
            summary(args, peers, results)
            if args.profile:
                profile(peers[0], "GenerateDataKey", max(args.duration, 8), lua_dir)
        finally:
            for peer in peers:
                peer.stop()


def stores(args: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        lua_dir = Path(tmp)
        peers, dbname = start_stores(args.store, lua_dir, args.workers, args.threads)
        try:
            for peer in peers:
                peer.prepare()
            print(
                f"qkms serve --workers {args.workers} --threads {args.threads} per replica; "
                f"wrk {args.duration:g} s per cell; load average {os.getloadavg()[0]:.2f}; "
                f"{len(os.sched_getaffinity(0))} cores\n"
            )
            for op in args.ops:
                for connections in args.connections:
                    cells = []
                    for peer in peers:
                        body = peer.bodies.get(op)
                        got = None if body is None else wrk_all(
                            peer, op, body, connections, args.duration, lua_dir
                        )  # fmt: skip
                        cells.append(f"{peer.name} {cell(got)}")
                    print(f"{op:20} c={connections:<3} " + " | ".join(cells), flush=True)
        finally:
            for peer in peers:
                peer.stop()
            drop_database(args.store, dbname)


def report(op: str, connections: int, peers: list[Peer], results: dict[Any, Any]) -> None:
    ours = results["qkms serve", op, connections]
    line = f"{op:20} c={connections:<3} qkms {cell(ours)}"
    if len(peers) > 1:
        theirs = results["moto_server", op, connections]
        line += f" | moto {cell(theirs)}"
        if theirs is None:
            line += " | moto has no GenerateDataKeyPair" if op == "GenerateDataKeyPair" else ""
        elif ours is not None:
            line += (
                f" | {ours['rps'] / theirs['rps']:.1f}x moto's requests/s, "
                f"{theirs['cpu_ms'] / ours['cpu_ms']:.1f}x less CPU a request"
            )
    print(line, flush=True)


def summary(args: Any, peers: list[Peer], results: dict[Any, Any]) -> None:
    gdk = results.get(("qkms serve", "GenerateDataKey", 8))
    if gdk is None:
        return
    print()
    best = max(
        (r["rps"] for (name, op, _c), r in results.items()
         if name == "qkms serve" and r and op != "GenerateDataKeyPair"),
        default=0.0,
    )  # fmt: skip
    if len(peers) > 1 and results.get(("moto_server", "GenerateDataKey", 8)):
        moto = results["moto_server", "GenerateDataKey", 8]
        ratio = gdk["rps"] / moto["rps"]
        cpu_ratio = moto["cpu_ms"] / gdk["cpu_ms"]
        print(
            f"Target GenerateDataKey at 8 connections: {ratio:.1f}x moto_server's requests/s, "
            f"{cpu_ratio:.1f}x less server CPU a request "
            f"(target >= 10x: {'met' if ratio >= 10 else 'NOT met'}), p99 {gdk['p99']:.2f} ms "
            f"(target < 20 ms: {'met' if gdk['p99'] < 20 else 'NOT met'})"
        )
    cores = len(os.sched_getaffinity(0))
    print(
        f"GenerateDataKey costs the server {gdk['cpu_ms']:.2f} ms of CPU a request: {cores} idle "
        f"cores could serve at most ~{1000 * cores / gdk['cpu_ms']:.0f} requests/s "
        f"({100 * 1000 * cores / gdk['cpu_ms'] / AWS_SYMMETRIC_QUOTA:.0f}% of AWS's default quota "
        "of 10,000/s), less what the load generator takes"
    )
    print(
        f"Best symmetric throughput: {best:.0f} requests/s, {100 * best / AWS_SYMMETRIC_QUOTA:.0f}% "
        f"of AWS's default quota of {AWS_SYMMETRIC_QUOTA} requests/s for symmetric operations"
    )


if __name__ == "__main__":
    main()
