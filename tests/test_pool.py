"""The key-pair pool: filled ahead, each pair handed out once, even to parallel processes."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding

from qkms_cli.engine import wrap
from qkms_cli.store import pool
from qkms_cli.store.keystore import Keystore
from qkms_cli.store.migrations import MIGRATIONS, SCHEMA_VERSION
from tests.conftest import Qkms, make_pre_row_mac, unb64

pytestmark = pytest.mark.backends


def pooled_public_keys(home: Path) -> set[bytes]:
    keystore = Keystore.open(home)
    try:
        return {r["public_key"] for r in keystore._all("SELECT public_key FROM key_pair_pool")}
    finally:
        keystore.close()


def check_pair(qkms: Qkms, pair: dict[str, str]) -> None:
    """The blob opens to the private half of PublicKey, and it signs what the public key verifies."""
    opened = qkms.ok("decrypt", "--ciphertext-blob", pair["PrivateKeyCiphertextBlob"])
    private = serialization.load_der_private_key(unb64(opened["Plaintext"]), password=None)
    public = serialization.load_der_public_key(unb64(pair["PublicKey"]))
    assert private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) == unb64(pair["PublicKey"])
    if isinstance(public, ec.EllipticCurvePublicKey):
        signature = private.sign(b"release", ec.ECDSA(hashes.SHA256()))
        public.verify(signature, b"release", ec.ECDSA(hashes.SHA256()))
    else:
        signature = private.sign(b"release", padding.PKCS1v15(), hashes.SHA256())
        public.verify(signature, b"release", padding.PKCS1v15(), hashes.SHA256())


def test_fill_status_clear(qkms: Qkms) -> None:
    qkms.fails(253, "pool", "status")  # no keystore yet: nothing to describe, and none made
    qkms.ok("keystore", "init")
    assert qkms.ok("pool", "status") == {"Pools": []}
    filled = qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", "3")
    assert filled == {"KeyPairSpec": "ECC_NIST_P256", "Added": 3, "Available": 3}
    qkms.ok("pool", "fill", "--key-pair-spec", "RSA_2048", "--count", "1")
    assert qkms.ok("pool", "status") == {
        "Pools": [
            {"KeyPairSpec": "ECC_NIST_P256", "Available": 3},
            {"KeyPairSpec": "RSA_2048", "Available": 1},
        ]
    }
    assert qkms.ok("pool", "clear", "--key-pair-spec", "RSA_2048") == {"Removed": 1}
    assert qkms.ok("pool", "clear") == {"Removed": 3}
    assert qkms.ok("pool", "status") == {"Pools": []}


def test_pool_rules_come_from_the_model(qkms: Qkms) -> None:
    result = qkms.fails(252, "pool", "fill", "--key-pair-spec", "SM2", "--count", "1")
    assert "Valid values: RSA_2048" in result.stderr
    result = qkms.fails(252, "pool", "fill", "--key-pair-spec", "RSA_2048", "--count", "0")
    assert "Count" in result.stderr
    qkms.fails(252, "pool", "fill", "--key-pair-spec", "RSA_2048")


def test_generate_takes_each_pooled_pair_once_then_generates(qkms: Qkms, home: Path) -> None:
    key = qkms.new_key()
    qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", "2")
    qkms.ok("pool", "fill", "--key-pair-spec", "RSA_2048", "--count", "1")
    pooled = pooled_public_keys(home)
    pairs = [
        qkms.ok("generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256")
        for _ in range(3)
    ]
    taken = [unb64(p["PublicKey"]) for p in pairs]
    assert set(taken[:2]) <= pooled  # the pool first...
    assert taken[2] not in pooled and len(set(taken)) == 3  # ...then a fresh pair
    # Another spec's pairs are never handed out in its place.
    assert qkms.ok("pool", "status")["Pools"] == [{"KeyPairSpec": "RSA_2048", "Available": 1}]
    for pair in pairs:
        check_pair(qkms, pair)


def test_without_plaintext_takes_pooled_pairs_too(qkms: Qkms) -> None:
    key = qkms.new_key()
    qkms.ok("pool", "fill", "--key-pair-spec", "RSA_2048", "--count", "1")
    pair = qkms.ok(
        "generate-data-key-pair-without-plaintext", "--key-id", key, "--key-pair-spec", "RSA_2048"
    )
    assert qkms.ok("pool", "status") == {"Pools": []}
    check_pair(qkms, pair)


def test_a_refused_request_consumes_no_pooled_pair(qkms: Qkms) -> None:
    key = qkms.new_key()
    qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", "1")
    qkms.fails(
        254,
        "generate-data-key-pair",
        "--key-id",
        key,
        "--key-pair-spec",
        "ECC_NIST_P256",
        "--dry-run",
    )
    qkms.ok("keys", "disable", "--key-id", key)
    qkms.fails(254, "generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256")
    assert qkms.ok("pool", "status")["Pools"] == [{"KeyPairSpec": "ECC_NIST_P256", "Available": 1}]


def test_parallel_processes_never_share_a_pooled_pair(
    qkms: Qkms, qkms_bin: str, home: Path
) -> None:
    key = qkms.new_key()
    qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", "20")
    pooled = pooled_public_keys(home)
    assert len(pooled) == 20
    single = [
        qkms_bin,
        "generate-data-key-pair",
        "--key-id",
        key,
        "--key-pair-spec",
        "ECC_NIST_P256",
    ]
    # Twelve processes at once: ten take one pair each, two take five each with --count.
    commands = [single] * 10 + [[*single, "--count", "5"]] * 2
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in commands]
    pairs: list[dict[str, str]] = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        got = json.loads(out)
        pairs.extend(got if isinstance(got, list) else [got])
    taken = [unb64(p["PublicKey"]) for p in pairs]
    assert len(taken) == 20
    assert len(set(taken)) == 20, "a pooled pair was handed out twice"
    assert set(taken) == pooled, "every pair came from the pool"
    assert qkms.ok("pool", "status") == {"Pools": []}
    for pair in pairs[::4]:
        check_pair(qkms, pair)


def test_pooled_pairs_are_sealed_and_bound_to_their_row(qkms: Qkms, home: Path) -> None:
    key = qkms.new_key()
    qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", "2")
    keystore = Keystore.open(home)
    try:
        rows = keystore._all("SELECT pair_id, public_key, wrapped FROM key_pair_pool")
        for row in rows:  # no private key in the clear: PKCS#8 of P-256 names id-ecPublicKey
            assert b"\x2a\x86\x48\xce\x3d\x02\x01" not in row["wrapped"]
            assert len(row["wrapped"]) == wrap.NONCE_SIZE + 138 + 16  # P-256 PKCS#8 is 138 bytes
        assert pool.verify(keystore, keystore.master_key()) == (2, [])
        # Swap the public keys between the two rows: neither opens any more.
        with keystore.write():
            for row, other in zip(rows, rows[::-1]):
                keystore._exec(
                    "UPDATE key_pair_pool SET public_key = ? WHERE pair_id = ?",
                    (other["public_key"], row["pair_id"]),
                )
        checked, problems = pool.verify(keystore, keystore.master_key())
        assert checked == 2 and len(problems) == 2
    finally:
        keystore.close()
    result = qkms.fails(
        254, "generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256"
    )
    assert "(KeyUnavailableException)" in result.stderr
    assert "qkms pool clear --key-pair-spec ECC_NIST_P256" in result.stderr
    # Never a silent fallback: the bad rows stay until the user clears them.
    assert qkms.ok("pool", "status")["Pools"] == [{"KeyPairSpec": "ECC_NIST_P256", "Available": 2}]
    qkms.ok("pool", "clear", "--key-pair-spec", "ECC_NIST_P256")
    check_pair(
        qkms,
        qkms.ok("generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256"),
    )


def test_rewrap_moves_the_pool_to_a_new_master_key(qkms: Qkms, home: Path) -> None:
    qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", "2")
    keystore = Keystore.open(home)
    try:
        old, new = keystore.master_key(), bytes(range(32))
        with keystore.write():
            assert pool.rewrap(keystore, old, new) == 2
        assert pool.verify(keystore, new) == (2, [])
        assert pool.verify(keystore, old)[1] != []
    finally:
        keystore.close()


@pytest.mark.parametrize("spec", ["ECC_NIST_P256", "RSA_2048"])
def test_pool_counts_for_keystore_info(qkms: Qkms, home: Path, spec: str) -> None:
    qkms.ok("pool", "fill", "--key-pair-spec", spec, "--count", "2")
    keystore = Keystore.open(home)
    try:
        assert pool.pool_counts(keystore) == {spec: 2}
        assert [len(p) for p in pool.take_pairs(keystore, spec, 5)] == [2, 2]
        assert pool.pool_counts(keystore) == {}
        assert pool.take_pairs(keystore, spec, 1) == []
    finally:
        keystore.close()


@pytest.mark.sqlite
def test_a_version_1_keystore_gains_the_pool_on_first_use(qkms: Qkms, home: Path) -> None:
    key = qkms.new_key()
    make_pre_row_mac(home)
    with contextlib.closing(sqlite3.connect(home / "keystore.db")) as conn:
        # back to the schema before 0002_pool (and the migrations after it)
        for name, sql in MIGRATIONS[1:]:
            if name.endswith("_row_macs"):
                break  # this one and the later ones are undone by make_pre_row_mac
            for table in re.findall(r"CREATE TABLE (\w+)", sql):
                conn.execute(f"DROP TABLE {table}")
            for table, column in re.findall(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", sql):
                conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        conn.execute("PRAGMA user_version = 1")
        conn.commit()
    check_pair(
        qkms,
        qkms.ok("generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256"),
    )
    qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", "1")
    assert qkms.ok("keystore", "info")["SchemaVersion"] == SCHEMA_VERSION


def test_keystore_info_counts_the_pool(qkms: Qkms) -> None:
    qkms.new_key()
    assert qkms.ok("keystore", "info")["KeyPairPool"] == {}
    qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", "3")
    qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P384", "--count", "1")
    assert qkms.ok("keystore", "info")["KeyPairPool"] == {"ECC_NIST_P256": 3, "ECC_NIST_P384": 1}
