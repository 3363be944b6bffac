"""`qkms serve` throughput on each keystore backend: SQLite, and PostgreSQL behind 1 and 2 replicas.

    python benchmarks/bench_store.py                      # PostgreSQL at 127.0.0.1:5432
    python benchmarks/bench_store.py --postgresql URL --seconds 10 --clients 16

For each setup a fresh keystore (a new home; a new PostgreSQL database, dropped after) is served
by `qkms serve --workers 1` processes on free loopback ports, and client threads, each with one
keep-alive HTTP connection, send requests round-robin to the replicas for a fixed time: a mix of
reads (Encrypt, DescribeKey: no write lock) and writes (CreateKey, TagResource: one transaction
each), then writes alone. Requests per second and the p50/p99 latency are printed side by side,
with the load average, since this machine's cores are shared. Every setup runs in the same
invocation, so their figures compare; absolute numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

START = re.compile(r"listening on http://(?P<host>[^:]+):(?P<port>\d+) ")


class Replica:
    def __init__(self, home: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "qkms_cli", "serve", "--port", "0", "--workers", "1"],
            env={**os.environ, "QKMS_HOME": str(home), **env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            match = START.search(line)
            if match:
                self.host, self.port = match["host"], int(match["port"])
                break
        else:
            sys.exit(f"bench: qkms serve did not start: {self.proc.wait()}")
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.05)
        sys.exit("bench: qkms serve never became ready")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)


def call(conn: http.client.HTTPConnection, op: str, request: dict[str, Any]) -> dict[str, Any]:
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": f"TrentService.{op}",
    }
    conn.request("POST", "/", body=json.dumps(request), headers=headers)
    answer = conn.getresponse()
    body = answer.read()
    if answer.status != 200:
        raise RuntimeError(f"{op}: {answer.status} {body[:200]!r}")
    return json.loads(body)


def load(replicas: list[Replica], clients: int, seconds: float, mix: str) -> dict[str, float]:
    """Requests per second and latency percentiles of `clients` threads for `seconds`."""
    first = http.client.HTTPConnection(replicas[0].host, replicas[0].port, timeout=60)
    key = call(first, "CreateKey", {})["KeyMetadata"]["KeyId"]
    first.close()
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    stop = time.monotonic() + seconds
    barrier = threading.Barrier(clients)

    def client(n: int) -> None:
        replica = replicas[n % len(replicas)]
        conn = http.client.HTTPConnection(replica.host, replica.port, timeout=60)
        mine = latencies[n]
        barrier.wait()
        i = 0
        while time.monotonic() < stop:
            i += 1
            t0 = time.perf_counter()
            try:
                if mix == "writes" or i % 2:
                    if i % 4 < 2:
                        call(conn, "CreateKey", {"Description": f"bench {n}"})
                    else:
                        call(
                            conn,
                            "TagResource",
                            {"KeyId": key, "Tags": [{"TagKey": f"c{n}", "TagValue": str(i)}]},
                        )
                elif i % 4 == 0:
                    call(conn, "Encrypt", {"KeyId": key, "Plaintext": "aGVsbG8="})
                else:
                    call(conn, "DescribeKey", {"KeyId": key})
            except Exception as exc:
                errors.append(str(exc))
                return
            mine.append(time.perf_counter() - t0)
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    if errors:
        sys.exit(f"bench: requests failed: {errors[:3]}")
    every = sorted(x for xs in latencies for x in xs)
    return {
        "rps": len(every) / elapsed,
        "p50_ms": statistics.median(every) * 1000,
        "p99_ms": every[int(len(every) * 0.99) - 1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgresql", default="postgresql://127.0.0.1:5432/postgres")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    import psycopg

    master = base64.b64encode(os.urandom(32)).decode()
    dbname = f"qkms_bench_{secrets.token_hex(4)}"
    with psycopg.connect(args.postgresql, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{dbname}"')
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    parts = conninfo_to_dict(args.postgresql)
    parts["dbname"] = dbname
    query = "&".join(f"{k}={v}" for k, v in conninfo_to_dict(make_conninfo(**parts)).items())
    url = f"postgresql:///{dbname}?{query}"
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            setups = [
                ("sqlite, 1 server", {"QKMS_MASTER_KEY": master}, 1),
                ("postgresql, 1 replica", {"QKMS_STORE": url, "QKMS_MASTER_KEY": master}, 1),
                ("postgresql, 2 replicas", {"QKMS_STORE": url, "QKMS_MASTER_KEY": master}, 2),
            ]
            for n, (name, env, count) in enumerate(setups):
                replicas = [Replica(Path(tmp) / f"home-{n}", env) for _ in range(count)]
                try:
                    for mix in ("mixed", "writes"):
                        figures = load(replicas, args.clients, args.seconds, mix)
                        rows.append((name, mix, figures))
                finally:
                    for replica in replicas:
                        replica.stop()
    finally:
        with psycopg.connect(args.postgresql, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores, {args.clients} clients, "
        f"{args.seconds:g} s each"
    )
    print(f"{'setup':26} {'mix':7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for name, mix, f in rows:
        print(f"{name:26} {mix:7} {f['rps']:8.0f} {f['p50_ms']:8.1f} {f['p99_ms']:8.1f}")


if __name__ == "__main__":
    main()
