"""`qkms serve` on a passphrase keystore: every thread of every worker opens it, and it answers."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.serving import Server

PASSPHRASE = "correct horse battery staple"


def _cli(home: Path, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "qkms_cli", "--home", str(home), *args],
        capture_output=True,
        env={**os.environ, "QKMS_PASSPHRASE": PASSPHRASE},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)


def test_a_passphrase_keystore_is_served(tmp_path: Path) -> None:
    """Each keystore thread (four a worker, the event loop's and the audit writer's) opens the
    keystore at start. Two Argon2id derivations at once in one process never returned
    (cryptography 50), so the server hung before it ever answered; now one derivation serves
    them all, and every call's event is sealed."""
    home = tmp_path / "home"
    assert _cli(home, "keystore", "init")["MasterKeyMode"] == "passphrase"
    key = _cli(home, "keys", "create")["KeyMetadata"]["KeyId"]
    server = Server(home, "--threads", "4", workers=2, env={"QKMS_PASSPHRASE": PASSPHRASE})
    assert server.url, server.log
    try:
        for _ in range(4):
            status, answer = server.call("GenerateDataKey", {"KeyId": key, "KeySpec": "AES_256"})
            assert status == 200, answer
            assert len(base64.b64decode(answer["Plaintext"])) == 32
        pair = server.call("GenerateDataKeyPair", {"KeyId": key, "KeyPairSpec": "ECC_NIST_P256"})
        assert pair[0] == 200, pair
    finally:
        assert server.stop() == 0, server.log
    assert PASSPHRASE not in server.log
    verify = _cli(home, "audit", "verify")
    # keys create, four data keys, one pair: each event sealed under the derived key
    assert verify["Events"] == 6 and verify["Sealed"] == 6, verify
