"""`qkms blob inspect`: a blob explained without any key; non-blobs told apart; forgiving input."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Qkms, b64, openssl, unb64


def _pair_blob(qkms: Qkms, key: str, *context: str, spec: str = "ECC_NIST_P256") -> str:
    return qkms.ok("generate-data-key-pair", "--key-id", key, "--key-pair-spec", spec, *context)[
        "PrivateKeyCiphertextBlob"
    ]


def test_a_data_key_pair_blob_explained(qkms: Qkms) -> None:
    key = qkms.new_key("--description", "payments")
    qkms.ok("aliases", "create", "--alias-name", "alias/pay", "--target-key-id", key)
    blob = _pair_blob(qkms, key, "--encryption-context", "Purpose=Test")
    info = qkms.ok("blob", "inspect", blob)
    assert info["FormatVersion"] == 1
    assert info["PayloadKind"] == "DATA_KEY_PAIR_PRIVATE_KEY"
    assert info["Payload"] == "private key of an ECC_NIST_P256 data key pair"
    assert info["KeyPairSpec"] == "ECC_NIST_P256"
    assert info["KeyId"] == key
    assert info["KeyArn"] == f"arn:verenc:111122223333:key/{key}"
    assert info["KeyMaterialVersion"] == 1
    assert info["EncryptionContextBound"] is True
    assert info["BlobSize"] == len(unb64(blob))
    assert info["HeaderSize"] + info["PayloadSize"] + 16 == info["BlobSize"]
    assert info["KeyKnown"] is True and info["KeyMaterialKnown"] is True
    assert info["Aliases"] == ["alias/pay"]
    assert (info["KeyState"], info["KeyDescription"]) == ("Enabled", "payments")
    assert "same --encryption-context" in info["Note"]
    assert (
        info["KeyMaterialId"]
        == qkms.ok("keys", "describe", "--key-id", key)["KeyMetadata"]["CurrentKeyMaterialId"]
    )


def test_rsa_and_data_and_data_key_blobs(qkms: Qkms) -> None:
    key = qkms.new_key()
    rsa = qkms.ok("blob", "inspect", _pair_blob(qkms, key, spec="RSA_3072"))
    assert rsa["Payload"] == "private key of an RSA_3072 data key pair"
    assert rsa["EncryptionContextBound"] is False
    assert "without an encryption context" in rsa["Note"]
    data = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"hello"))["CiphertextBlob"]
    info = qkms.ok("blob", "inspect", data)
    assert (info["PayloadKind"], info["PayloadSize"]) == ("DATA", 5)
    assert "KeyPairSpec" not in info
    data_key = qkms.ok(
        "generate-data-key-without-plaintext", "--key-id", key, "--key-spec", "AES_256"
    )
    info = qkms.ok("blob", "inspect", data_key["CiphertextBlob"])
    assert (info["PayloadKind"], info["PayloadSize"]) == ("DATA_KEY", 32)


def test_rotated_material_and_a_disabled_key(qkms: Qkms) -> None:
    key = qkms.new_key()
    qkms.ok("keys", "rotate", "--key-id", key)
    blob = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"x"))["CiphertextBlob"]
    qkms.ok("keys", "disable", "--key-id", key)
    info = qkms.ok("blob", "inspect", blob)
    assert info["KeyMaterialVersion"] == 2
    assert info["KeyState"] == "Disabled" and "Disabled" in info["Note"]


def test_a_blob_from_another_keystore(qkms: Qkms, tmp_path: Path) -> None:
    key = qkms.new_key()
    blob = _pair_blob(qkms, key)
    qkms.ok("--home", str(tmp_path / "other"), "keys", "create")
    info = qkms.ok("--home", str(tmp_path / "other"), "blob", "inspect", blob)
    assert info["KeyKnown"] is False and info["KeyId"] == key
    assert "does not hold key" in info["Note"] and "Aliases" not in info


def test_sources_base64_fileb_file_and_stdin(qkms: Qkms, tmp_path: Path) -> None:
    key = qkms.new_key()
    blob = _pair_blob(qkms, key)
    raw, text = tmp_path / "pair.enc", tmp_path / "pair.b64"
    raw.write_bytes(unb64(blob))
    text.write_text(blob + "\n")
    expected = qkms.ok("blob", "inspect", blob)
    assert qkms.ok("blob", "inspect", f"fileb://{raw}") == expected
    assert qkms.ok("blob", "inspect", f"fileb://{text}") == expected  # base64 in a fileb:// file
    assert qkms.ok("blob", "inspect", f"file://{text}") == expected
    assert qkms.ok("blob", "inspect", "-", input=unb64(blob)) == expected
    assert qkms.ok("blob", "inspect", "-", input=blob + "\n") == expected


def test_table_output(qkms: Qkms) -> None:
    key = qkms.new_key()
    result = qkms("blob", "inspect", _pair_blob(qkms, key, spec="RSA_2048"), "--output", "table")
    assert result.exit_code == 0, result.output
    assert "private key of an RSA_2048 data key pair" in result.stdout
    assert "EncryptionContextBound" in result.stdout


def _openssl(*args: str) -> bytes:
    return subprocess.run([openssl(), *args], capture_output=True, check=True).stdout


@pytest.mark.parametrize(
    "make,says",
    [
        (lambda d: d["pem"], "PEM text (PRIVATE KEY)"),
        (lambda d: d["public_der"], "DER (a public key)"),
        (lambda d: d["private_der"], "DER (a private key)"),
        (lambda d: b"\x01\x02\x02\x00x\x01" + bytes(150), "an AWS KMS ciphertext"),
        (lambda d: b"just some words, not a blob\n", "plain text"),
    ],
    ids=["pem", "der-public", "der-private", "aws", "text"],
)
def test_non_blobs_say_what_they_look_like(qkms: Qkms, tmp_path: Path, make, says: str) -> None:  # type: ignore[no-untyped-def]
    pem = tmp_path / "k.pem"
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(pem))
    data = {
        "pem": pem.read_bytes(),
        "public_der": _openssl("pkey", "-in", str(pem), "-pubout", "-outform", "DER"),
        "private_der": _openssl("pkey", "-in", str(pem), "-outform", "DER"),
    }
    path = tmp_path / "thing"
    path.write_bytes(make(data))
    qkms.new_key()
    result = qkms.fails(254, "blob", "inspect", f"fileb://{path}")
    assert result.stderr.startswith(
        "An error occurred (InvalidCiphertextException) when calling the InspectBlob operation: "
    )
    assert says in result.stderr


def test_a_damaged_header_is_named(qkms: Qkms) -> None:
    key = qkms.new_key()
    raw = bytearray(unb64(_pair_blob(qkms, key)))
    raw[2] = 9
    result = qkms.fails(254, "blob", "inspect", base64.b64encode(bytes(raw)).decode())
    assert "version 9 is not supported" in result.stderr


def test_neither_base64_nor_a_file(qkms: Qkms, tmp_path: Path) -> None:
    result = qkms.fails(252, "blob", "inspect", "not base64!")
    assert "fileb://PATH" in result.stderr and "file://PATH" in result.stderr
    path = tmp_path / "pair.enc"
    path.write_bytes(b"QK\x01\x00")
    result = qkms.fails(252, "blob", "inspect", str(path))
    assert f"fileb://{path}" in result.stderr and f"file://{path}" in result.stderr
    result = qkms.fails(252, "blob", "inspect", f"file://{path}")
    assert "fileb://" in result.stderr
    result = qkms.fails(252, "blob", "inspect", f"fileb://{tmp_path / 'missing'}")
    assert "cannot read" in result.stderr


def test_decrypt_takes_base64_text_in_a_fileb_file(qkms: Qkms, tmp_path: Path) -> None:
    """aws-cli issue 8497: fileb:// of a base64 text file is recognised and decoded."""
    key = qkms.new_key()
    blob = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"hello"))["CiphertextBlob"]
    path = tmp_path / "c.b64"
    path.write_text(blob + "\n")
    assert qkms.ok("decrypt", "--ciphertext-blob", f"fileb://{path}")["Plaintext"] == b64(b"hello")
    assert qkms.ok("decrypt", "--ciphertext-blob", "fileb://-", input=blob)["Plaintext"] == b64(
        b"hello"
    )
    assert qkms.ok("decrypt", "--ciphertext-blob", f"file://{path}")["Plaintext"] == b64(b"hello")
