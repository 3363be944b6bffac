"""Parallel CI jobs on one keystore: real `qkms` processes at once, from a keystore not yet made."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.backends

WORKERS = 8
ROUNDS = 2  # keys each worker creates


def _qkms(qkms_bin: str, home: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "QKMS_HOME": str(home)}
    return subprocess.run([qkms_bin, *args], capture_output=True, env=env, timeout=120)


def _worker(
    qkms_bin: str,
    home: Path,
    index: int,
    start: threading.Barrier,
    created: list[str],
    failures: list[str],
) -> None:
    """One CI job: create keys, generate a pair under each, open one pair again."""
    start.wait()
    try:
        for round_ in range(ROUNDS):
            done = _qkms(
                qkms_bin,
                home,
                "keys",
                "create",
                "--description",
                f"worker {index} key {round_}",
                "--query",
                "KeyMetadata.KeyId",
                "--output",
                "text",
            )
            if done.returncode != 0:
                failures.append(f"worker {index} create: {done.returncode} {done.stderr!r}")
                return
            key = done.stdout.decode().strip()
            created.append(key)
            command = (
                "generate-data-key-pair"
                if round_ % 2 == 0
                else "generate-data-key-pair-without-plaintext"
            )
            done = _qkms(
                qkms_bin,
                home,
                command,
                "--key-id",
                key,
                "--key-pair-spec",
                "ECC_NIST_P256",
                "--encryption-context",
                f"worker={index}",
            )
            if done.returncode != 0:
                failures.append(f"worker {index} {command}: {done.returncode} {done.stderr!r}")
                return
            pair = json.loads(done.stdout)
            done = _qkms(
                qkms_bin,
                home,
                "decrypt",
                "--ciphertext-blob",
                pair["PrivateKeyCiphertextBlob"],
                "--encryption-context",
                f"worker={index}",
                "--query",
                "KeyId",
                "--output",
                "text",
            )
            if done.returncode != 0 or done.stdout.decode().strip() != pair["KeyId"]:
                failures.append(f"worker {index} decrypt: {done.returncode} {done.stderr!r}")
                return
    except Exception as exc:  # surfaced as a test failure below, with the worker named
        failures.append(f"worker {index}: {exc!r}")


@pytest.mark.slow
def test_parallel_processes_share_a_new_keystore(
    qkms_bin: str, tmp_path: Path, store_backend: str
) -> None:
    home = tmp_path / "shared-home"
    assert not home.exists()
    start = threading.Barrier(WORKERS)
    created: list[str] = []
    failures: list[str] = []
    threads = [
        threading.Thread(
            target=_worker, args=(qkms_bin, home, i, start, created, failures), daemon=True
        )
        for i in range(WORKERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    assert failures == []
    assert len(created) == len(set(created)) == WORKERS * ROUNDS

    done = _qkms(qkms_bin, home, "keys", "list", "--limit", "1000")
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert listed["Truncated"] is False
    assert {k["KeyId"] for k in listed["Keys"]} == set(created)

    if store_backend != "sqlite":
        assert not home.exists()  # a shared keystore keeps nothing on this machine
        return
    # One keystore, one master key, made once; private modes survived the race.
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    names = sorted(p.name for p in home.iterdir())
    assert "keystore.db" in names and "master.key" in names
    assert not [n for n in names if n.endswith(".tmp")], names
    for path in home.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


@pytest.mark.slow
def test_parallel_first_use_agrees_on_one_master_key(qkms_bin: str, tmp_path: Path) -> None:
    """Eight processes all opening a keystore for the first time; every key opens afterwards."""
    home = tmp_path / "race-home"
    procs = [
        subprocess.Popen(
            [qkms_bin, "keys", "create", "--query", "KeyMetadata.KeyId", "--output", "text"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "QKMS_HOME": str(home)},
        )
        for _ in range(WORKERS)
    ]
    keys = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        keys.append(out.decode().strip())
    for key in keys:
        done = _qkms(
            qkms_bin, home, "generate-data-key-pair", "--key-id", key, "--key-pair-spec", "RSA_2048"
        )
        assert done.returncode == 0, done.stderr
    done = _qkms(qkms_bin, home, "keys", "list", "--query", "Keys[].KeyId")
    assert sorted(json.loads(done.stdout)) == sorted(keys)
