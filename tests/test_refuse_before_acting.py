"""A command that is going to fail must fail before it acts: no key made, no pair spent, no file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Qkms


def key_count(qkms: Qkms) -> int:
    return len(qkms.ok("keys", "list")["Keys"])


@pytest.mark.parametrize(
    "bad", [("--output", "xml"), ("--query", "[["), ("--output", "bogus", "--query", "Keys")]
)
def test_bad_output_or_query_is_refused_before_the_key_is_made(
    qkms: Qkms, bad: tuple[str, ...]
) -> None:
    qkms.new_key()
    qkms.fails(252, "keys", "create", *bad)
    assert key_count(qkms) == 1


def test_bad_query_spends_no_pooled_pair(qkms: Qkms) -> None:
    key = qkms.new_key()
    qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", "1")
    qkms.fails(
        252,
        "generate-data-key-pair",
        "--key-id",
        key,
        "--key-pair-spec",
        "ECC_NIST_P256",
        "--query",
        "[[",
    )
    assert qkms.ok("keystore", "info")["KeyPairPool"] == {"ECC_NIST_P256": 1}


def test_unwritable_output_is_refused_before_anything_is_written(
    qkms: Qkms, tmp_path: Path
) -> None:
    key = qkms.new_key()
    qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", "1")
    result = qkms.fails(
        252,
        "generate-data-key",
        "--key-id",
        key,
        "--key-spec",
        "AES_256",
        "--ciphertext-out",
        str(tmp_path / "ct.bin"),
        "--plaintext-out",
        str(tmp_path / "missing" / "pt.bin"),
    )
    assert "is not a directory" in result.stderr
    assert not (tmp_path / "ct.bin").exists()
    qkms.fails(
        252,
        "generate-data-key-pair",
        "--key-id",
        key,
        "--key-pair-spec",
        "ECC_NIST_P256",
        "--public-key-out",
        str(tmp_path / "nowhere" / "pub.der"),
    )
    assert qkms.ok("keystore", "info")["KeyPairPool"] == {"ECC_NIST_P256": 1}


def test_one_path_for_two_outputs_is_refused(qkms: Qkms, tmp_path: Path) -> None:
    key = qkms.new_key()
    same = str(tmp_path / "out.bin")
    result = qkms.fails(
        252,
        "generate-data-key",
        "--key-id",
        key,
        "--key-spec",
        "AES_256",
        "--ciphertext-out",
        same,
        "--plaintext-out",
        same,
    )
    assert "each output needs its own file" in result.stderr
    assert not Path(same).exists()


def test_backup_into_the_keystore_home_is_refused(qkms: Qkms, home: Path) -> None:
    qkms.new_key()
    master = (home / "master.key").read_bytes()
    for target in ("master.key", "keystore.db"):
        result = qkms.fails(253, "keystore", "backup", str(home / target), "--force")
        assert "Refusing to back up into the keystore home" in result.stderr
    assert (home / "master.key").read_bytes() == master
    qkms.ok("keystore", "verify")


def test_restore_from_the_live_database_is_refused(qkms: Qkms, home: Path) -> None:
    qkms.new_key()
    result = qkms.fails(253, "keystore", "restore", str(home / "keystore.db"), "--force")
    assert "inside the keystore home" in result.stderr
    assert key_count(qkms) == 1


def test_an_empty_passphrase_is_an_error_not_a_key_file(
    qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QKMS_PASSPHRASE", "")
    result = qkms.fails(253, "keys", "create")
    assert "QKMS_PASSPHRASE is set but empty" in result.stderr
    assert not (home / "master.key").exists()


def test_account_id_from_the_environment_must_be_twelve_digits(
    qkms: Qkms, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QKMS_ACCOUNT_ID", "x/y:z")
    result = qkms.fails(253, "keys", "create")
    assert "QKMS_ACCOUNT_ID must be 12 digits" in result.stderr
    monkeypatch.setenv("QKMS_ACCOUNT_ID", "444455556666")
    assert qkms.ok("keys", "create")["KeyMetadata"]["Arn"].startswith("arn:verenc:444455556666:")


def test_count_errors_name_the_operation_the_user_called(qkms: Qkms) -> None:
    key = qkms.new_key()
    result = qkms.fails(
        254,
        "generate-data-key-pair",
        "--key-id",
        key,
        "--key-pair-spec",
        "ECC_NIST_P256",
        "--count",
        "2",
        "--dry-run",
    )
    assert "when calling the GenerateDataKeyPair operation" in result.stderr
