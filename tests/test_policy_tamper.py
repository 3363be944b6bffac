"""A key policy edited with sqlite3 is refused, never obeyed; verify reports it; rekey re-MACs it."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

from tests.conftest import Qkms, b64
from tests.test_authz import ADMIN, ADMIN_ALL, BOB, as_, denied, policy_of

# What the attacker wants: bob may do anything with the key.
BOB_ALL = policy_of(
    {"Effect": "Allow", "Principal": {"AWS": BOB}, "Action": "kms:*", "Resource": "*"}
)


def _key(qkms: Qkms) -> str:
    created = qkms.ok(*as_(ADMIN, "keys", "create", "--policy", policy_of(ADMIN_ALL)))
    return created["KeyMetadata"]["KeyId"]


def _plant(home: Path, key: str, policy: str) -> None:
    """The attacker's edit: plain sqlite3 on the file, no qkms and no master key."""
    with contextlib.closing(sqlite3.connect(home / "keystore.db")) as conn, conn:
        changed = conn.execute(
            "UPDATE key_policies SET policy = ? WHERE key_id = ?", (policy, key)
        ).rowcount
    assert changed == 1


def test_a_planted_policy_grants_nothing(qkms: Qkms, home: Path) -> None:
    key = _key(qkms)
    encrypt = ("encrypt", "--key-id", key, "--plaintext", b64(b"for bob"))
    denied(qkms, BOB, "Encrypt", "Encrypt", key, *encrypt)
    _plant(home, key, BOB_ALL)
    stderr = qkms.fails(254, *as_(BOB, *encrypt)).stderr
    assert "(KeyUnavailableException)" in stderr, stderr
    assert "qkms keystore verify" in stderr, stderr
    verify = qkms.fails(253, "keystore", "verify").stderr
    assert f"key {key}: its key policy failed authentication" in verify, verify


def test_a_policy_survives_a_rekey(qkms: Qkms, home: Path, monkeypatch) -> None:
    key = _key(qkms)
    monkeypatch.setenv("QKMS_NEW_PASSPHRASE", "a long new passphrase")
    qkms.ok("keystore", "rekey", "--to", "passphrase")
    monkeypatch.setenv("QKMS_PASSPHRASE", "a long new passphrase")
    policy = qkms.ok(*as_(ADMIN, "get-key-policy", "--key-id", key))["Policy"]
    assert json.loads(policy) == json.loads(policy_of(ADMIN_ALL))
    qkms.ok("keystore", "verify")
