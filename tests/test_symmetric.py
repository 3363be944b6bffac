"""Symmetric keys: Encrypt, Decrypt, ReEncrypt, data keys and GenerateRandom, on the command line."""

from __future__ import annotations

import pytest

from tests.conftest import Qkms, arn, b64, unb64

pytestmark = pytest.mark.backends

ENCRYPT_MEMBERS = {"CiphertextBlob", "KeyId", "EncryptionAlgorithm"}
REENCRYPT_MEMBERS = {
    "CiphertextBlob",
    "SourceKeyId",
    "KeyId",
    "SourceEncryptionAlgorithm",
    "DestinationEncryptionAlgorithm",
    "SourceKeyMaterialId",
    "DestinationKeyMaterialId",
}


def error_line(code: str, op: str) -> str:
    return f"An error occurred ({code}) when calling the {op} operation: "


def material_id(qkms: Qkms, key: str) -> str:
    return qkms.ok("keys", "describe", "--key-id", key)["KeyMetadata"]["CurrentKeyMaterialId"]


# -- Encrypt / Decrypt -------------------------------------------------------------------------


def test_encrypt_then_decrypt(qkms: Qkms) -> None:
    key = qkms.new_key()
    plaintext = b"database password: hunter2"
    sealed = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(plaintext))
    assert set(sealed) == ENCRYPT_MEMBERS
    assert sealed["KeyId"] == arn(key)
    assert sealed["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    blob = unb64(sealed["CiphertextBlob"])
    assert blob[:5] == b"QK\x01\x00\x00"  # v1, no context, payload kind 0 (data)
    assert plaintext not in blob

    opened = qkms.ok("decrypt", "--ciphertext-blob", sealed["CiphertextBlob"])
    assert opened == {
        "KeyId": arn(key),
        "Plaintext": b64(plaintext),
        "EncryptionAlgorithm": "SYMMETRIC_DEFAULT",
        "KeyMaterialId": material_id(qkms, key),
    }


def test_encrypt_is_randomised(qkms: Qkms) -> None:
    key = qkms.new_key()
    args = ("encrypt", "--key-id", key, "--plaintext", b64(b"same"))
    assert qkms.ok(*args)["CiphertextBlob"] != qkms.ok(*args)["CiphertextBlob"]


def test_encrypt_through_an_alias_and_from_a_file(qkms: Qkms, tmp_path) -> None:
    key = qkms.new_key()
    qkms.ok("aliases", "create", "--alias-name", "alias/app", "--target-key-id", key)
    secret = tmp_path / "secret.bin"
    secret.write_bytes(bytes(range(256)))
    sealed = qkms.ok("encrypt", "--key-id", "alias/app", "--plaintext", f"fileb://{secret}")
    assert sealed["KeyId"] == arn(key)
    opened = qkms.ok("decrypt", "--ciphertext-blob", sealed["CiphertextBlob"], "--key-id", key)
    assert unb64(opened["Plaintext"]) == bytes(range(256))


def test_encrypt_size_limits(qkms: Qkms) -> None:
    key = qkms.new_key()
    largest = b"x" * 4096
    sealed = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(largest))
    opened = qkms.ok("decrypt", "--ciphertext-blob", sealed["CiphertextBlob"])
    assert unb64(opened["Plaintext"]) == largest
    result = qkms.fails(252, "encrypt", "--key-id", key, "--plaintext", b64(b"x" * 4097))
    assert "Plaintext" in result.stderr and "4096" in result.stderr
    result = qkms.fails(252, "encrypt", "--key-id", key, "--plaintext", "")
    assert "Invalid length for parameter Plaintext" in result.stderr  # empty base64 is 0 bytes


def test_encryption_context_must_match(qkms: Qkms) -> None:
    key = qkms.new_key()
    blob = qkms.ok(
        "encrypt",
        "--key-id",
        key,
        "--plaintext",
        b64(b"bound"),
        "--encryption-context",
        "Purpose=Test,Stage=prod",
    )["CiphertextBlob"]
    assert unb64(blob)[3] == 1  # the context flag
    opened = qkms.ok(
        "decrypt", "--ciphertext-blob", blob, "--encryption-context", "Stage=prod,Purpose=Test"
    )
    assert opened["Plaintext"] == b64(b"bound")
    for wrong in ("Purpose=Test", "Purpose=Test,Stage=Prod", "Purpose=Test,Stage=prod,x=y"):
        result = qkms.fails(
            254, "decrypt", "--ciphertext-blob", blob, "--encryption-context", wrong
        )
        assert error_line("InvalidCiphertextException", "Decrypt") in result.stderr
    result = qkms.fails(254, "decrypt", "--ciphertext-blob", blob)
    assert error_line("InvalidCiphertextException", "Decrypt") in result.stderr


def test_decrypt_with_another_key_id_is_incorrect_key(qkms: Qkms) -> None:
    key, other = qkms.new_key(), qkms.new_key()
    blob = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"x"))["CiphertextBlob"]
    result = qkms.fails(254, "decrypt", "--ciphertext-blob", blob, "--key-id", other)
    assert error_line("IncorrectKeyException", "Decrypt") in result.stderr


def test_decrypt_of_damaged_blob(qkms: Qkms) -> None:
    key = qkms.new_key()
    blob = bytearray(
        unb64(qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"x"))["CiphertextBlob"])
    )
    blob[-1] ^= 1
    result = qkms.fails(254, "decrypt", "--ciphertext-blob", b64(bytes(blob)))
    assert error_line("InvalidCiphertextException", "Decrypt") in result.stderr
    result = qkms.fails(254, "decrypt", "--ciphertext-blob", b64(b"not a blob at all"))
    assert error_line("InvalidCiphertextException", "Decrypt") in result.stderr


@pytest.mark.parametrize(
    ("spec", "usage"),
    [("HMAC_256", "GENERATE_VERIFY_MAC"), ("ECC_NIST_P256", "SIGN_VERIFY")],
)
def test_encrypt_with_a_key_that_cannot(qkms: Qkms, spec: str, usage: str) -> None:
    key = qkms.new_key("--key-spec", spec, "--key-usage", usage)
    result = qkms.fails(254, "encrypt", "--key-id", key, "--plaintext", b64(b"x"))
    assert error_line("InvalidKeyUsageException", "Encrypt") in result.stderr


def test_encrypt_with_unknown_key(qkms: Qkms) -> None:
    qkms.new_key()
    result = qkms.fails(254, "encrypt", "--key-id", "alias/nope", "--plaintext", b64(b"x"))
    assert error_line("NotFoundException", "Encrypt") in result.stderr


# -- ReEncrypt ---------------------------------------------------------------------------------


def test_re_encrypt_to_another_key_and_context(qkms: Qkms) -> None:
    source, destination = qkms.new_key(), qkms.new_key()
    blob = qkms.ok(
        "encrypt",
        "--key-id",
        source,
        "--plaintext",
        b64(b"moving"),
        "--encryption-context",
        "Stage=old",
    )["CiphertextBlob"]
    moved = qkms.ok(
        "re-encrypt",
        "--ciphertext-blob",
        blob,
        "--source-encryption-context",
        "Stage=old",
        "--destination-key-id",
        destination,
        "--destination-encryption-context",
        "Stage=new",
    )
    assert set(moved) == REENCRYPT_MEMBERS
    assert moved["SourceKeyId"] == arn(source)
    assert moved["KeyId"] == arn(destination)
    assert moved["SourceEncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    assert moved["DestinationEncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    assert moved["SourceKeyMaterialId"] == material_id(qkms, source)
    assert moved["DestinationKeyMaterialId"] == material_id(qkms, destination)

    new_blob = moved["CiphertextBlob"]
    opened = qkms.ok("decrypt", "--ciphertext-blob", new_blob, "--encryption-context", "Stage=new")
    assert opened["KeyId"] == arn(destination)
    assert opened["Plaintext"] == b64(b"moving")
    result = qkms.fails(
        254, "decrypt", "--ciphertext-blob", new_blob, "--encryption-context", "Stage=old"
    )
    assert error_line("InvalidCiphertextException", "Decrypt") in result.stderr
    # The source blob is untouched.
    qkms.ok("decrypt", "--ciphertext-blob", blob, "--encryption-context", "Stage=old")


def test_re_encrypt_under_the_same_key_drops_the_context(qkms: Qkms) -> None:
    key = qkms.new_key()
    blob = qkms.ok(
        "encrypt", "--key-id", key, "--plaintext", b64(b"v"), "--encryption-context", "a=b"
    )["CiphertextBlob"]
    moved = qkms.ok(
        "re-encrypt",
        "--ciphertext-blob",
        blob,
        "--source-encryption-context",
        "a=b",
        "--destination-key-id",
        key,
    )
    assert moved["SourceKeyId"] == moved["KeyId"] == arn(key)
    assert unb64(moved["CiphertextBlob"])[3] == 0
    assert qkms.ok("decrypt", "--ciphertext-blob", moved["CiphertextBlob"])["Plaintext"] == b64(
        b"v"
    )


def test_re_encrypt_keeps_the_payload_kind(qkms: Qkms) -> None:
    key, other = qkms.new_key(), qkms.new_key()
    pair = qkms.ok("generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256")
    moved = qkms.ok(
        "re-encrypt",
        "--ciphertext-blob",
        pair["PrivateKeyCiphertextBlob"],
        "--destination-key-id",
        other,
    )
    assert unb64(moved["CiphertextBlob"])[4:6] == unb64(pair["PrivateKeyCiphertextBlob"])[4:6]
    signed = qkms.ok(
        "sign-with-data-key-pair",
        "--private-key-ciphertext-blob",
        moved["CiphertextBlob"],
        "--message",
        b64(b"release"),
        "--signing-algorithm",
        "ECDSA_SHA_256",
    )
    assert signed["KeyId"] == arn(other)


def test_re_encrypt_errors(qkms: Qkms) -> None:
    source, destination = qkms.new_key(), qkms.new_key()
    blob = qkms.ok(
        "encrypt", "--key-id", source, "--plaintext", b64(b"v"), "--encryption-context", "a=b"
    )["CiphertextBlob"]
    base = ("re-encrypt", "--ciphertext-blob", blob, "--destination-key-id", destination)

    result = qkms.fails(254, *base)  # the source context is missing
    assert error_line("InvalidCiphertextException", "ReEncrypt") in result.stderr
    result = qkms.fails(
        254, *base, "--source-encryption-context", "a=b", "--source-key-id", destination
    )
    assert error_line("IncorrectKeyException", "ReEncrypt") in result.stderr
    result = qkms.fails(252, "re-encrypt", "--ciphertext-blob", blob)
    assert "--destination-key-id" in result.stderr

    hmac_key = qkms.new_key("--key-spec", "HMAC_256", "--key-usage", "GENERATE_VERIFY_MAC")
    result = qkms.fails(
        254,
        "re-encrypt",
        "--ciphertext-blob",
        blob,
        "--source-encryption-context",
        "a=b",
        "--destination-key-id",
        hmac_key,
    )
    assert error_line("InvalidKeyUsageException", "ReEncrypt") in result.stderr

    qkms.ok("keys", "disable", "--key-id", destination)
    result = qkms.fails(254, *base, "--source-encryption-context", "a=b")
    assert error_line("KMSInvalidStateException", "ReEncrypt") in result.stderr
    qkms.ok("keys", "enable", "--key-id", destination)
    qkms.ok("keys", "disable", "--key-id", source)
    result = qkms.fails(254, *base, "--source-encryption-context", "a=b")
    assert error_line("KMSInvalidStateException", "ReEncrypt") in result.stderr


# -- GenerateDataKey / GenerateDataKeyWithoutPlaintext -------------------------------------------


@pytest.mark.parametrize(
    ("flags", "size"),
    [
        (("--key-spec", "AES_256"), 32),
        (("--key-spec", "AES_128"), 16),
        (("--number-of-bytes", "1"), 1),
        (("--number-of-bytes", "64"), 64),
        (("--number-of-bytes", "1024"), 1024),
    ],
)
def test_generate_data_key(qkms: Qkms, flags: tuple[str, str], size: int) -> None:
    key = qkms.new_key()
    data_key = qkms.ok(
        "generate-data-key", "--key-id", key, *flags, "--encryption-context", "Use=disk"
    )
    assert set(data_key) == {"CiphertextBlob", "Plaintext", "KeyId", "KeyMaterialId"}
    assert data_key["KeyId"] == arn(key)
    assert data_key["KeyMaterialId"] == material_id(qkms, key)
    plaintext = unb64(data_key["Plaintext"])
    assert len(plaintext) == size
    blob = unb64(data_key["CiphertextBlob"])
    assert blob[:5] == b"QK\x01\x01\x01"  # context bound, payload kind 1 (data key)
    opened = qkms.ok(
        "decrypt",
        "--ciphertext-blob",
        data_key["CiphertextBlob"],
        "--encryption-context",
        "Use=disk",
    )
    assert unb64(opened["Plaintext"]) == plaintext


@pytest.mark.parametrize(
    ("flags", "size"), [(("--key-spec", "AES_256"), 32), (("--number-of-bytes", "7"), 7)]
)
def test_generate_data_key_without_plaintext(qkms: Qkms, flags: tuple[str, str], size: int) -> None:
    key = qkms.new_key()
    data_key = qkms.ok("generate-data-key-without-plaintext", "--key-id", key, *flags)
    assert set(data_key) == {"CiphertextBlob", "KeyId", "KeyMaterialId"}
    assert data_key["KeyId"] == arn(key)
    opened = qkms.ok("decrypt", "--ciphertext-blob", data_key["CiphertextBlob"])
    assert len(unb64(opened["Plaintext"])) == size


@pytest.mark.parametrize("command", ["generate-data-key", "generate-data-key-without-plaintext"])
def test_data_key_needs_exactly_one_size(qkms: Qkms, command: str) -> None:
    key = qkms.new_key()
    op = "GenerateDataKey" + ("WithoutPlaintext" if "without" in command else "")
    result = qkms.fails(
        254, command, "--key-id", key, "--key-spec", "AES_256", "--number-of-bytes", "32"
    )
    assert error_line("ValidationException", op) in result.stderr
    result = qkms.fails(254, command, "--key-id", key)
    assert error_line("ValidationException", op) in result.stderr


@pytest.mark.parametrize("command", ["generate-data-key", "generate-data-key-without-plaintext"])
def test_data_key_size_limits(qkms: Qkms, command: str) -> None:
    key = qkms.new_key()
    for bad in ("0", "1025"):
        result = qkms.fails(252, command, "--key-id", key, "--number-of-bytes", bad)
        assert "NumberOfBytes" in result.stderr
    result = qkms.fails(252, command, "--key-id", key, "--key-spec", "AES_512")
    assert "AES_256" in result.stderr


def test_data_key_refuses_other_keys(qkms: Qkms) -> None:
    qkms.new_key()
    result = qkms.fails(254, "generate-data-key", "--key-id", "alias/x", "--key-spec", "AES_256")
    assert error_line("NotFoundException", "GenerateDataKey") in result.stderr
    rsa_key = qkms.new_key("--key-spec", "RSA_2048", "--key-usage", "ENCRYPT_DECRYPT")
    result = qkms.fails(254, "generate-data-key", "--key-id", rsa_key, "--key-spec", "AES_256")
    assert error_line("InvalidKeyUsageException", "GenerateDataKey") in result.stderr
    key = qkms.new_key()
    qkms.ok("keys", "disable", "--key-id", key)
    result = qkms.fails(254, "generate-data-key", "--key-id", key, "--key-spec", "AES_256")
    assert error_line("KMSInvalidStateException", "GenerateDataKey") in result.stderr


# -- GenerateRandom ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 32, 1024])
def test_generate_random(qkms: Qkms, size: int) -> None:
    response = qkms.ok("generate-random", "--number-of-bytes", str(size))
    assert set(response) == {"Plaintext"}
    assert len(unb64(response["Plaintext"])) == size


def test_generate_random_is_random(qkms: Qkms) -> None:
    first = qkms.ok("generate-random", "--number-of-bytes", "32")["Plaintext"]
    second = qkms.ok("generate-random", "--number-of-bytes", "32")["Plaintext"]
    assert first != second


def test_generate_random_limits(qkms: Qkms) -> None:
    for bad in ("0", "1025"):
        result = qkms.fails(252, "generate-random", "--number-of-bytes", bad)
        assert "NumberOfBytes" in result.stderr
    result = qkms.fails(254, "generate-random")
    assert error_line("ValidationException", "GenerateRandom") + "NumberOfBytes is required." in (
        result.stderr
    )
