"""--*-out PATH: binary members written to files (DER or PEM), atomically, 0600 when secret."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Qkms, b64, openssl


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():  # type: ignore[no-untyped-def]
    old = os.umask(0o022)
    yield
    os.umask(old)


def _openssl(*args: str) -> bytes:
    result = subprocess.run([openssl(), *args], capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


@pytest.mark.parametrize(
    "spec", ["RSA_2048", "ECC_NIST_P256", "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519"]
)
def test_pair_as_pem_files_that_openssl_reads(
    qkms: Qkms, tmp_path: Path, spec: str, umask_022: None
) -> None:
    key = qkms.new_key()
    pub, sealed, private = tmp_path / "pub.pem", tmp_path / "pair.enc", tmp_path / "private.pem"
    response = qkms.ok(
        "generate-data-key-pair",
        "--key-id",
        key,
        "--key-pair-spec",
        spec,
        "--encryption-context",
        "Purpose=Test",
        "--public-key-out",
        str(pub),
        "--private-key-ciphertext-out",
        str(sealed),
        "--key-format",
        "pem",
    )
    assert set(response) == {"KeyId", "KeyPairSpec", "KeyMaterialId"}  # written members leave
    assert pub.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----\n")
    assert sealed.read_bytes()[:3] == b"QK\x01"  # the blob itself, raw
    assert _mode(pub) == 0o644 and _mode(sealed) == 0o644
    opened = qkms.ok(
        "decrypt",
        "--ciphertext-blob",
        f"fileb://{sealed}",
        "--encryption-context",
        "Purpose=Test",
        "--plaintext-out",
        str(private),
        "--key-format",
        "pem",
    )
    assert "Plaintext" not in opened
    assert private.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----\n")
    assert _mode(private) == 0o600
    _openssl("pkey", "-pubin", "-in", str(pub), "-noout")
    derived = _openssl("pkey", "-in", str(private), "-pubout")
    assert derived == pub.read_bytes()


def test_der_is_the_default_key_format(qkms: Qkms, tmp_path: Path) -> None:
    key = qkms.new_key()
    pub = tmp_path / "pub.der"
    pair = qkms.ok(
        "generate-data-key-pair-without-plaintext",
        "--key-id",
        key,
        "--key-pair-spec",
        "ECC_NIST_P384",
        "--public-key-out",
        str(pub),
    )
    assert "PublicKey" not in pair and "PrivateKeyCiphertextBlob" in pair
    assert pub.read_bytes()[:1] == b"\x30"
    _openssl("pkey", "-pubin", "-inform", "DER", "-in", str(pub), "-noout")
    private = tmp_path / "private.der"
    qkms.ok(
        "decrypt",
        "--ciphertext-blob",
        pair["PrivateKeyCiphertextBlob"],
        "--plaintext-out",
        str(private),
    )
    assert _mode(private) == 0o600
    _openssl("pkey", "-inform", "DER", "-in", str(private), "-noout")


def test_get_public_key_writes_pem(qkms: Qkms, tmp_path: Path) -> None:
    key = qkms.new_key("--key-spec", "RSA_2048", "--key-usage", "ENCRYPT_DECRYPT")
    pub = tmp_path / "signer.pem"
    response = qkms.ok(
        "get-public-key", "--key-id", key, "--public-key-out", str(pub), "--key-format", "pem"
    )
    assert "PublicKey" not in response and response["KeySpec"] == "RSA_2048"
    assert b"Public-Key: (2048 bit)" in _openssl("pkey", "-pubin", "-in", str(pub), "-text")


def test_encrypt_decrypt_and_data_keys_through_files(
    qkms: Qkms, tmp_path: Path, umask_022: None
) -> None:
    key, other = qkms.new_key(), qkms.new_key()
    sealed, again, plain = tmp_path / "c.bin", tmp_path / "c2.bin", tmp_path / "p.txt"
    response = qkms.ok(
        "encrypt", "--key-id", key, "--plaintext", b64(b"hello"), "--ciphertext-out", str(sealed)
    )
    assert "CiphertextBlob" not in response
    qkms.ok(
        "re-encrypt",
        "--ciphertext-blob",
        f"fileb://{sealed}",
        "--destination-key-id",
        other,
        "--ciphertext-out",
        str(again),
    )
    opened = qkms.ok(
        "decrypt", "--ciphertext-blob", f"fileb://{again}", "--plaintext-out", str(plain)
    )
    assert plain.read_bytes() == b"hello" and _mode(plain) == 0o600
    assert opened["KeyId"].endswith(other)
    data_key, data_key_blob = tmp_path / "dk", tmp_path / "dk.enc"
    response = qkms.ok(
        "generate-data-key",
        "--key-id",
        key,
        "--key-spec",
        "AES_256",
        "--plaintext-out",
        str(data_key),
        "--ciphertext-out",
        str(data_key_blob),
    )
    assert set(response) == {"KeyId", "KeyMaterialId"}
    assert len(data_key.read_bytes()) == 32 and _mode(data_key) == 0o600
    assert _mode(data_key_blob) == 0o644
    check = tmp_path / "check"
    qkms.ok(
        "decrypt", "--ciphertext-blob", f"fileb://{data_key_blob}", "--plaintext-out", str(check)
    )
    assert check.read_bytes() == data_key.read_bytes()
    qkms.ok(
        "generate-data-key-without-plaintext",
        "--key-id",
        key,
        "--number-of-bytes",
        "16",
        "--ciphertext-out",
        str(data_key_blob),
    )
    assert data_key_blob.read_bytes()[:3] == b"QK\x01"


def test_pem_of_a_data_blob_is_refused_and_nothing_is_written(qkms: Qkms, tmp_path: Path) -> None:
    key = qkms.new_key()
    blob = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"x"))["CiphertextBlob"]
    out = tmp_path / "p.pem"
    result = qkms.fails(
        252,
        "decrypt",
        "--ciphertext-blob",
        blob,
        "--plaintext-out",
        str(out),
        "--key-format",
        "pem",
    )
    assert "--key-format" in result.stderr and not out.exists()


def test_files_are_replaced_atomically(qkms: Qkms, tmp_path: Path) -> None:
    key = qkms.new_key()
    out = tmp_path / "c.bin"
    out.write_bytes(b"old")
    qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"new"), "--ciphertext-out", str(out))
    assert out.read_bytes()[:3] == b"QK\x01"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.bin", "qkms-home"]  # no temp left


def test_an_unwritable_path_is_a_clear_error(qkms: Qkms, tmp_path: Path) -> None:
    key = qkms.new_key()
    missing = tmp_path / "no-such-dir" / "c.bin"
    result = qkms.fails(
        252, "encrypt", "--key-id", key, "--plaintext", b64(b"x"), "--ciphertext-out", str(missing)
    )
    assert "no-such-dir" in result.stderr
