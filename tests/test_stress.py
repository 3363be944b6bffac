"""Eight qkms processes at a time on one keystore for a minute: no failure, no lost key.

Not run by default; run it with: pytest -m stress -s tests/test_stress.py
(QKMS_STRESS_SECONDS changes the duration, 60 by default.)
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

WORKERS = 8
SECONDS = float(os.environ.get("QKMS_STRESS_SECONDS", "60"))


class Worker(threading.Thread):
    """Loops create key -> generate a data key pair under it -> decrypt the pair's private half."""

    def __init__(self, qkms_bin: str, index: int, stop_at: float) -> None:
        super().__init__(name=f"stress-{index}")
        self.qkms_bin = qkms_bin
        self.index = index
        self.stop_at = stop_at
        self.keys: list[str] = []
        self.calls = 0
        self.failures: list[str] = []

    def run_qkms(self, *args: str) -> dict | None:
        self.calls += 1
        proc = subprocess.run([self.qkms_bin, *args], capture_output=True, timeout=120)
        if proc.returncode != 0:
            self.failures.append(f"{args[0]}: exit {proc.returncode}: {proc.stderr.decode()}")
            return None
        return json.loads(proc.stdout)

    def run(self) -> None:
        from cryptography.hazmat.primitives import serialization

        context = f"Worker={self.index}"
        while time.monotonic() < self.stop_at:
            made = self.run_qkms("keys", "create", "--description", f"stress {self.index}")
            if made is None:
                continue
            key = made["KeyMetadata"]["KeyId"]
            self.keys.append(key)
            pair = self.run_qkms(
                "generate-data-key-pair",
                "--key-id",
                key,
                "--key-pair-spec",
                "ECC_NIST_P256",
                "--encryption-context",
                context,
            )
            if pair is None:
                continue
            opened = self.run_qkms(
                "decrypt",
                "--ciphertext-blob",
                pair["PrivateKeyCiphertextBlob"],
                "--encryption-context",
                context,
            )
            if opened is None:
                continue
            private = serialization.load_der_private_key(
                base64.b64decode(opened["Plaintext"]), None
            )
            public = private.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            if public != base64.b64decode(pair["PublicKey"]):
                self.failures.append(f"key {key}: the decrypted private key does not match")


@pytest.mark.stress
def test_eight_processes_for_a_minute(qkms_bin: str, home: Path, run_bin) -> None:
    assert run_bin("keystore", "init").returncode == 0
    start = time.monotonic()
    workers = [Worker(qkms_bin, i, start + SECONDS) for i in range(WORKERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - start

    failures = [f for w in workers for f in w.failures]
    made = {k for w in workers for k in w.keys}
    calls = sum(w.calls for w in workers)

    from qkms_cli import service
    from qkms_cli.store.keystore import Keystore

    store = Keystore.open(home)
    try:
        listed: set[str] = set()
        request: dict = {"Limit": 1000}
        while True:
            page = service.call(store, "ListKeys", request)
            listed.update(k["KeyId"] for k in page["Keys"])
            if not page["Truncated"]:
                break
            request["Marker"] = page["NextMarker"]
    finally:
        store.close()
    verified = run_bin("keystore", "verify")
    print(
        f"\nstress: {WORKERS} workers, {elapsed:.1f} s, {calls} qkms calls "
        f"({calls / elapsed:.1f}/s), {len(made)} keys made, {len(listed)} listed, "
        f"{len(failures)} failures, {len(made - listed)} lost"
    )
    assert failures == []
    assert made - listed == set(), "keys reported as created are missing"
    assert verified.returncode == 0, verified.stderr
