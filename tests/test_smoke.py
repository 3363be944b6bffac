"""The README's main job, through the command line: create a key, generate a pair, decrypt it."""

from __future__ import annotations

from tests.conftest import Qkms, unb64


def test_create_generate_decrypt_round_trip(qkms: Qkms) -> None:
    key = qkms.new_key()
    pair = qkms.ok(
        "generate-data-key-pair",
        "--key-id",
        key,
        "--key-pair-spec",
        "ECC_NIST_P256",
        "--encryption-context",
        "Purpose=Test",
    )
    assert set(pair) == {
        "PrivateKeyCiphertextBlob",
        "PublicKey",
        "KeyId",
        "KeyPairSpec",
        "KeyMaterialId",
    }
    assert pair["KeyId"] == f"arn:verenc:111122223333:key/{key}"
    opened = qkms.ok(
        "decrypt",
        "--ciphertext-blob",
        pair["PrivateKeyCiphertextBlob"],
        "--encryption-context",
        '{"Purpose": "Test"}',
    )
    assert opened["KeyId"] == pair["KeyId"]
    assert opened["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    assert unb64(opened["Plaintext"])[:1] == b"\x30"  # DER PKCS#8


def test_wrong_context_is_invalid_ciphertext(qkms: Qkms) -> None:
    key = qkms.new_key()
    pair = qkms.ok("generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256")
    result = qkms.fails(
        254,
        "decrypt",
        "--ciphertext-blob",
        pair["PrivateKeyCiphertextBlob"],
        "--encryption-context",
        "Purpose=Other",
    )
    assert result.stderr.startswith(
        "An error occurred (InvalidCiphertextException) when calling the Decrypt operation: "
        "The ciphertext was sealed without an encryption context"
    )
