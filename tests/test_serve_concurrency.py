"""Two `qkms serve` processes and CLI processes on one keystore: no acknowledged write is lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from botocore.config import Config

from tests.serving import Server

CLIENT_CONFIG = Config(retries={"max_attempts": 1}, connect_timeout=10, read_timeout=60)


def _cli(home: Path, *args: str) -> Any:
    result = subprocess.run(
        [sys.executable, "-m", "qkms_cli", "--home", str(home), *args],
        capture_output=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout) if result.stdout.strip() else None


def _all_keys(home: Path) -> set[str]:
    return {k["KeyId"] for k in _cli(home, "keys", "list", "--limit", "1000")["Keys"]}


def test_two_servers_and_the_cli_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _cli(home, "keystore", "init")
    servers = [Server(home), Server(home)]
    acked: list[tuple[str, str]] = []  # (key id, alias) acknowledged by a server
    failures: list[str] = []
    lock = threading.Lock()

    def writer(server: Server, name: str) -> None:
        kms = server.client(config=CLIENT_CONFIG)
        try:
            for n in range(12):
                key = kms.create_key(Description=name)["KeyMetadata"]["KeyId"]
                alias = f"alias/{name}-{n}"
                kms.create_alias(AliasName=alias, TargetKeyId=key)
                kms.tag_resource(KeyId=key, Tags=[{"TagKey": "writer", "TagValue": name}])
                with lock:
                    acked.append((key, alias))
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(f"{name}: {exc!r}")

    cli_script = (
        "for i in 1 2 3 4 5 6; do "
        f'"{sys.executable}" -m qkms_cli --home "{home}" keys create --description cli-$0 '
        "--query KeyMetadata.KeyId --output text || exit 1; done"
    )
    clis = [
        subprocess.Popen(["bash", "-c", cli_script, str(n)], stdout=subprocess.PIPE, text=True)
        for n in range(2)
    ]
    threads = [
        threading.Thread(target=writer, args=(server, f"s{i}t{t}"))
        for i, server in enumerate(servers)
        for t in range(3)
    ]
    for thread in threads:
        thread.start()
    cli_keys = set()
    for proc in clis:
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0
        cli_keys |= set(out.split())
    for thread in threads:
        thread.join(timeout=300)
    for server in servers:
        assert server.stop() == 0, server.log
    assert failures == []
    assert len(acked) == 6 * 12 and len(cli_keys) == 12
    stored = _all_keys(home)
    assert {key for key, _alias in acked} | cli_keys <= stored
    aliases = {a["AliasName"]: a["TargetKeyId"] for a in _cli(home, "aliases", "list")["Aliases"]}
    assert all(aliases[alias] == key for key, alias in acked)
    verify = subprocess.run(
        [sys.executable, "-m", "qkms_cli", "--home", str(home), "keystore", "verify"],
        capture_output=True,
    )
    assert verify.returncode == 0, verify.stderr.decode()


def test_a_server_killed_mid_load_loses_nothing_acknowledged(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _cli(home, "keystore", "init")
    server = Server(home, workers=2)
    acked: list[tuple[str, bytes, bytes]] = []
    lock = threading.Lock()
    enough = threading.Event()

    def writer() -> None:
        kms = server.client(config=CLIENT_CONFIG)
        try:
            while True:
                key = kms.create_key()["KeyMetadata"]["KeyId"]
                blob = kms.encrypt(KeyId=key, Plaintext=key.encode())["CiphertextBlob"]
                with lock:
                    acked.append((key, blob, key.encode()))
                    if len(acked) >= 40:
                        enough.set()
        except Exception:
            return  # the server is gone: everything acknowledged before is in `acked`

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    assert enough.wait(timeout=300), server.log
    # SIGKILL to the supervisor and to its workers at once: nothing gets to finish or clean up.
    for pid in [*_children_of(server.proc.pid), server.proc.pid]:
        os.kill(pid, signal.SIGKILL)
    server.proc.wait(timeout=30)
    for thread in threads:
        thread.join(timeout=120)
    with lock:
        done = list(acked)
    stored = _all_keys(home)
    assert {key for key, _b, _p in done} <= stored
    # Each acknowledged ciphertext still decrypts, through a fresh server on the same keystore.
    again = Server(home)
    kms = again.client(config=CLIENT_CONFIG)
    for key, blob, plain in done:
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == plain, key
    assert again.stop() == 0, again.log


def _children_of(pid: int) -> list[int]:
    """Worker processes uvicorn spawned (killed too: SIGKILL does not reach them through it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found
