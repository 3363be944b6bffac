"""A shared keystore on PostgreSQL (QKMS_STORE=postgresql://...): its own rules and commands."""

from __future__ import annotations

import base64
import os
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Qkms, unb64

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def shared(postgres_store: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """QKMS_STORE names an empty PostgreSQL keystore; no master key given yet."""
    monkeypatch.setenv("QKMS_STORE", postgres_store)
    return postgres_store


def raw_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def admin_sql(postgres_server: Any, url: str, sql: str, params: tuple[Any, ...] = ()) -> Any:
    """SQL run straight on the keystore's database, as someone with access to it could."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else None


def test_init_makes_the_schema_and_keeps_nothing_on_this_machine(
    qkms: Qkms, shared: str, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QKMS_MASTER_KEY", raw_key())
    made = qkms.ok("keystore", "init", "--account-id", "123456789012")
    assert made["MasterKeyMode"] == "external"
    assert made["AccountId"] == "123456789012"
    assert made["Path"].startswith("postgresql://127.0.0.1:5432/qkms_test_")
    assert "MasterKeyFile" not in made
    assert not home.exists()
    again = qkms.fails(253, "keystore", "init")
    assert "already holds a keystore" in again.stderr
    key = qkms.new_key()
    info = qkms.ok("keystore", "info")
    assert info["Keys"]["Total"] == 1 and info["StoredSecrets"] == 1
    assert qkms.ok("keys", "describe", "--key-id", key)["KeyMetadata"]["Arn"].startswith(
        "arn:verenc:123456789012:key/"
    )


def test_a_shared_keystore_refuses_a_key_file(qkms: Qkms, shared: str, home: Path) -> None:
    """No master.key for a shared store: it would live on one machine only."""
    for args in (("keystore", "init"), ("keys", "create")):
        failed = qkms.fails(253, *args)
        assert "keeps no master.key file" in failed.stderr
        assert "QKMS_MASTER_KEY" in failed.stderr
    assert not home.exists()
    failed = qkms.fails(253, "keystore", "init", "--mode", "keyfile")
    assert "keeps no master.key file" in failed.stderr


def test_a_passphrase_opens_it_and_a_wrong_one_is_253(
    qkms: Qkms, shared: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QKMS_PASSPHRASE", PASSPHRASE)
    assert qkms.ok("keystore", "init")["MasterKeyMode"] == "passphrase"
    key = qkms.new_key()
    blob = qkms.ok("encrypt", "--key-id", key, "--plaintext", base64.b64encode(b"hi").decode())
    monkeypatch.setenv("QKMS_PASSPHRASE", "wrong")
    failed = qkms.fails(253, "decrypt", "--ciphertext-blob", blob["CiphertextBlob"])
    assert "The passphrase is wrong" in failed.stderr
    monkeypatch.setenv("QKMS_PASSPHRASE", PASSPHRASE)
    plain = qkms.ok("decrypt", "--ciphertext-blob", blob["CiphertextBlob"])["Plaintext"]
    assert unb64(plain) == b"hi"


def test_postgresql_never_sees_a_plaintext_key(
    qkms: Qkms, shared: str, postgres_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The private key a client gets back is nowhere in the database, nor the master key."""
    master = raw_key()
    monkeypatch.setenv("QKMS_MASTER_KEY", master)
    key = qkms.new_key("--key-spec", "SYMMETRIC_DEFAULT")
    qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", "2")
    pair = qkms.ok("generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256")
    private = qkms.ok("decrypt", "--ciphertext-blob", pair["PrivateKeyCiphertextBlob"])
    secrets = [unb64(private["Plaintext"]), base64.b64decode(master)]
    rows = admin_sql(
        postgres_server,
        shared,
        "SELECT string_agg(encode(wrapped, 'hex'), '') FROM ("
        " SELECT wrapped FROM key_material UNION ALL SELECT wrapped FROM key_pair_pool"
        " UNION ALL SELECT value FROM meta) AS everything",
    )
    stored = bytes.fromhex(rows[0][0])
    for secret in secrets:
        assert secret[:16] not in stored


def test_verify_finds_an_altered_row_and_rekey_moves_between_modes(
    qkms: Qkms, shared: str, postgres_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QKMS_MASTER_KEY", raw_key())
    key = qkms.new_key()
    blob = qkms.ok("encrypt", "--key-id", key, "--plaintext", base64.b64encode(b"x").decode())
    checked = qkms.ok("keystore", "verify")
    assert checked["SecretsChecked"] == 1 and checked["IntegrityCheck"] == "ok"

    monkeypatch.setenv("QKMS_NEW_PASSPHRASE", PASSPHRASE)
    done = qkms.ok("keystore", "rekey", "--to", "passphrase")
    assert (done["PreviousMasterKeyMode"], done["MasterKeyMode"]) == ("external", "passphrase")
    monkeypatch.delenv("QKMS_MASTER_KEY")
    monkeypatch.setenv("QKMS_PASSPHRASE", PASSPHRASE)
    assert (
        unb64(qkms.ok("decrypt", "--ciphertext-blob", blob["CiphertextBlob"])["Plaintext"]) == b"x"
    )
    refused = qkms.fails(253, "keystore", "rekey", "--to", "keyfile")
    assert "keeps no master.key file" in refused.stderr

    admin_sql(
        postgres_server,
        shared,
        "UPDATE key_material SET wrapped = set_byte(wrapped, 20, get_byte(wrapped, 20) # 1)",
    )
    failed = qkms.fails(253, "keystore", "verify")
    assert f"key {key} material version 1: failed authentication" in failed.stderr


def test_backup_to_a_sqlite_file_and_restore_either_way(
    qkms: Qkms,
    shared: str,
    postgres_server: Any,
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A team moves from PostgreSQL to a home's SQLite file and back; blobs open on all three."""
    monkeypatch.setenv("QKMS_MASTER_KEY", raw_key())
    key = qkms.new_key()
    qkms.ok("aliases", "create", "--alias-name", "alias/team", "--target-key-id", key)
    qkms.ok("keys", "tag", "--key-id", key, "--tags", "TagKey=team,TagValue=a")
    qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", "2")
    blob = qkms.ok("encrypt", "--key-id", "alias/team", "--plaintext", "aGk=")["CiphertextBlob"]
    copy = tmp_path / "team.db"
    made = qkms.ok("keystore", "backup", str(copy))
    assert made["Keys"] == 1 and made["MasterKeyMode"] == "external"

    monkeypatch.delenv("QKMS_STORE")  # to the home's SQLite keystore
    restored = qkms.ok("keystore", "restore", str(copy))
    assert restored["Keys"] == 1 and restored["Path"] == str(home / "keystore.db")
    assert qkms.ok("decrypt", "--ciphertext-blob", blob)["Plaintext"] == "aGk="
    assert qkms.ok("keystore", "info")["KeyPairPool"] == {}  # pooled pairs are used once
    assert qkms.ok("keys", "list-tags", "--key-id", key)["Tags"] == [
        {"TagKey": "team", "TagValue": "a"}
    ]

    again = postgres_server.new_schema()  # and back, into another database
    monkeypatch.setenv("QKMS_STORE", again)
    assert qkms.ok("keystore", "restore", str(copy))["Path"].startswith("postgresql://")
    assert qkms.ok("decrypt", "--ciphertext-blob", blob)["Plaintext"] == "aGk="
    assert qkms.ok("aliases", "list")["Aliases"][0]["TargetKeyId"] == key
    refused = qkms.fails(253, "keystore", "restore", str(copy))
    assert "already holds a keystore (1 keys)" in refused.stderr
    qkms.ok("keys", "create")
    assert qkms.ok("keystore", "restore", str(copy), "--force")["Keys"] == 1
    assert qkms.ok("keystore", "info")["Keys"]["Total"] == 1


def test_a_key_file_backup_is_not_restored_into_a_shared_keystore(
    qkms: Qkms, postgres_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    qkms.new_key()  # a key-file keystore in the home
    qkms.ok("keystore", "backup", str(tmp_path / "file.db"), "--with-master-key")
    monkeypatch.setenv("QKMS_STORE", postgres_store)
    failed = qkms.fails(253, "keystore", "restore", str(tmp_path / "file.db"))
    assert "rekey it there" in failed.stderr


def test_an_unreachable_server_is_253_without_the_password(
    qkms: Qkms, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("psycopg")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("QKMS_STORE", f"postgresql://qkms:s3cret-pw@127.0.0.1:{port}/keys")
    monkeypatch.setenv("QKMS_MASTER_KEY", raw_key())
    failed = qkms.fails(253, "keys", "list")
    assert f"Cannot reach the PostgreSQL keystore postgresql://127.0.0.1:{port}/keys" in (
        failed.stderr
    )
    assert "s3cret-pw" not in failed.stderr
    monkeypatch.setenv("QKMS_STORE", "mysql://qkms:s3cret-pw@db/keys")
    failed = qkms.fails(253, "keys", "list")
    assert "postgresql://" in failed.stderr and "s3cret-pw" not in failed.stderr


def test_a_writer_held_too_long_is_dependency_timeout(
    qkms: Qkms, shared: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another replica holding a key's row past QKMS_BUSY_TIMEOUT: 254, readers go on."""
    import psycopg

    monkeypatch.setenv("QKMS_MASTER_KEY", raw_key())
    key = qkms.new_key()
    other_key = qkms.new_key()
    monkeypatch.setenv("QKMS_BUSY_TIMEOUT", "0.3")
    with psycopg.connect(shared) as other:  # a transaction left open on the key's row
        other.execute("SELECT 1 FROM keys WHERE key_id = %s FOR UPDATE", (key,))
        failed = qkms.fails(
            254, "keys", "update-description", "--key-id", key, "--description", "x"
        )
        assert "DependencyTimeoutException" in failed.stderr
        assert "gave up after 0.3 seconds" in failed.stderr
        assert qkms.ok("keys", "describe", "--key-id", key)["KeyMetadata"]["Description"] == ""
        # writers of other rows do not wait for it
        qkms.ok("keys", "update-description", "--key-id", other_key, "--description", "y")
        other.rollback()
    qkms.ok("keys", "update-description", "--key-id", key, "--description", "x")
