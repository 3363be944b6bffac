"""Every grant operation in botocore's model: a grant allowing it lets its grantee do exactly that,
on a key that supports it; CreateGrant refuses one the key does not support (ValidationException).

The operations each type of key supports are written out here from AWS's key type reference (the
KMS developer guide), not read from qkms.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Qkms, arn, b64
from tests.test_authz import ADMIN, ADMIN_ALL, ALICE, BOB, as_, policy_of, statement

KEY_ARGS = {
    "symmetric": (),
    "rsa": ("--key-spec", "RSA_2048", "--key-usage", "ENCRYPT_DECRYPT"),
    "sign": ("--key-spec", "ECC_NIST_P256", "--key-usage", "SIGN_VERIFY"),
    "hmac": ("--key-spec", "HMAC_256", "--key-usage", "GENERATE_VERIFY_MAC"),
    "ecdh": ("--key-spec", "ECC_NIST_P256", "--key-usage", "KEY_AGREEMENT"),
    "kem": ("--key-spec", "ML_KEM_768", "--key-usage", "ENCAPSULATE_DECAPSULATE"),
}
EVERY_KEY = {"CreateGrant", "RetireGrant", "DescribeKey"}
VALID = {
    "symmetric": EVERY_KEY
    | {
        "Decrypt",
        "Encrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "ReEncryptFrom",
        "ReEncryptTo",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
    },
    "rsa": EVERY_KEY | {"Decrypt", "Encrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey"},
    "sign": EVERY_KEY | {"Sign", "Verify", "GetPublicKey"},
    "hmac": EVERY_KEY | {"GenerateMac", "VerifyMac"},
    "ecdh": EVERY_KEY | {"DeriveSharedSecret", "GetPublicKey"},
    "kem": EVERY_KEY | {"Encapsulate", "Decapsulate", "GetPublicKey"},
}
# The key each operation is tried on.
KIND = {
    "Decrypt": "symmetric",
    "Encrypt": "symmetric",
    "GenerateDataKey": "symmetric",
    "GenerateDataKeyWithoutPlaintext": "symmetric",
    "ReEncryptFrom": "symmetric",
    "ReEncryptTo": "symmetric",
    "Sign": "sign",
    "Verify": "sign",
    "GetPublicKey": "sign",
    "CreateGrant": "symmetric",
    "RetireGrant": "symmetric",
    "DescribeKey": "symmetric",
    "GenerateDataKeyPair": "symmetric",
    "GenerateDataKeyPairWithoutPlaintext": "symmetric",
    "GenerateMac": "hmac",
    "VerifyMac": "hmac",
    "DeriveSharedSecret": "ecdh",
    "Encapsulate": "kem",
    "Decapsulate": "kem",
}
MESSAGE = b64(b"a message")


def _model_grant_operations() -> list[str]:
    from botocore.loaders import Loader

    model = Loader().load_service_model("kms", "service-2")
    return list(model["shapes"]["GrantOperation"]["enum"])


def test_every_grant_operation_is_tried() -> None:
    assert set(KIND) == set(_model_grant_operations())
    assert all(op in VALID[kind] for op, kind in KIND.items())


def _key(qkms: Qkms, kind: str, *statements: dict[str, Any]) -> str:
    document = policy_of(ADMIN_ALL, *statements)
    created = qkms.ok(*as_(ADMIN, "keys", "create", *KEY_ARGS[kind], "--policy", document))
    return str(created["KeyMetadata"]["KeyId"])


def _grant(qkms: Qkms, key: str, operations: list[str]) -> dict[str, Any]:
    return qkms.ok(  # type: ignore[no-any-return]
        *as_(ADMIN, "grants", "create", "--key-id", key, "--grantee-principal", BOB),
        "--operations",
        *operations,
    )


def _admin(qkms: Qkms, argv: tuple[str, ...], request: dict[str, Any]) -> Any:
    return qkms.ok(*as_(ADMIN, *argv, "--cli-input-json", json.dumps(request)))


def _peer_public_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    return b64(
        public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def _call(qkms: Qkms, op: str, key: str) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The command bob runs to use `op` on key, made ready by the admin."""
    if op == "Decrypt":
        blob = _admin(qkms, ("encrypt",), {"KeyId": key, "Plaintext": MESSAGE})["CiphertextBlob"]
        return ("decrypt",), {"CiphertextBlob": blob}
    if op == "Encrypt":
        return ("encrypt",), {"KeyId": key, "Plaintext": MESSAGE}
    if op in ("GenerateDataKey", "GenerateDataKeyWithoutPlaintext"):
        command = "generate-data-key" + ("" if op == "GenerateDataKey" else "-without-plaintext")
        return (command,), {"KeyId": key, "KeySpec": "AES_256"}
    if op in ("GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"):
        command = "generate-data-key-pair" + ("" if op.endswith("Pair") else "-without-plaintext")
        return (command,), {"KeyId": key, "KeyPairSpec": "ECC_NIST_P256"}
    if op in ("ReEncryptFrom", "ReEncryptTo"):
        # The other side of the re-encryption is a key whose policy lets bob re-encrypt.
        other = _key(qkms, "symmetric", statement(BOB, "kms:ReEncrypt*"))
        source, destination = (key, other) if op == "ReEncryptFrom" else (other, key)
        blob = _admin(qkms, ("encrypt",), {"KeyId": source, "Plaintext": MESSAGE})
        return ("re-encrypt",), {
            "CiphertextBlob": blob["CiphertextBlob"],
            "DestinationKeyId": destination,
        }
    if op in ("Sign", "Verify"):
        request = {"KeyId": key, "Message": MESSAGE, "SigningAlgorithm": "ECDSA_SHA_256"}
        if op == "Sign":
            return ("sign",), request
        signature = _admin(qkms, ("sign",), request)["Signature"]
        return ("verify",), {**request, "Signature": signature}
    if op in ("GenerateMac", "VerifyMac"):
        request = {"KeyId": key, "Message": MESSAGE, "MacAlgorithm": "HMAC_SHA_256"}
        if op == "GenerateMac":
            return ("generate-mac",), request
        mac = _admin(qkms, ("generate-mac",), request)["Mac"]
        return ("verify-mac",), {**request, "Mac": mac}
    if op == "GetPublicKey":
        return ("get-public-key",), {"KeyId": key}
    if op == "DescribeKey":
        return ("keys", "describe"), {"KeyId": key}
    if op == "CreateGrant":
        return ("grants", "create"), {
            "KeyId": key,
            "GranteePrincipal": ALICE,
            "Operations": ["CreateGrant"],
        }
    if op == "DeriveSharedSecret":
        return ("derive-shared-secret",), {
            "KeyId": key,
            "KeyAgreementAlgorithm": "ECDH",
            "PublicKey": _peer_public_key(),
        }
    if op in ("Encapsulate", "Decapsulate"):
        request = {"KeyId": key, "EncapsulationAlgorithm": "ML_KEM"}
        if op == "Encapsulate":
            return ("encapsulate",), request
        sealed = _admin(qkms, ("encapsulate",), request)["SharedSecretCiphertextBlob"]
        return ("decapsulate",), {**request, "SharedSecretCiphertextBlob": sealed}
    raise AssertionError(f"no call for {op}")


def _bob(qkms: Qkms, argv: tuple[str, ...], request: dict[str, Any], code: int = 0) -> str:
    result = qkms(*as_(BOB, *argv, "--cli-input-json", json.dumps(request)))
    assert result.exit_code == code, (result.stdout, result.stderr)
    return str(result.stderr)


@pytest.mark.parametrize("op", sorted(KIND))
def test_a_grant_allows_its_operation_and_only_its_operation(qkms: Qkms, op: str) -> None:
    kind = KIND[op]
    key = _key(qkms, kind)
    others = sorted(VALID[kind] - {op})
    other_grant = _grant(qkms, key, others)
    if op == "RetireGrant":
        argv: tuple[str, ...] = ("grants", "retire")
        request: dict[str, Any] = {"GrantToken": other_grant["GrantToken"]}
    else:
        argv, request = _call(qkms, op, key)
    # Every other operation the key supports is granted to bob: not this one.
    stderr = _bob(qkms, argv, request, 254)
    assert stderr.startswith("An error occurred (AccessDeniedException)"), stderr
    assert f"User: {BOB} is not authorized to perform: kms:{op} on resource: " in stderr

    granted = _grant(qkms, key, [op])
    if op == "RetireGrant":
        request = {"GrantToken": granted["GrantToken"]}  # bob retires his own grant
    _bob(qkms, argv, request)


def test_the_other_side_of_a_re_encryption_needs_its_own_permission(qkms: Qkms) -> None:
    """ReEncryptFrom on the source is not ReEncryptTo on the destination."""
    key = _key(qkms, "symmetric")
    _grant(qkms, key, ["ReEncryptFrom", "ReEncryptTo"])
    other = _key(qkms, "symmetric")  # bob has nothing on it
    blob = _admin(qkms, ("encrypt",), {"KeyId": key, "Plaintext": MESSAGE})["CiphertextBlob"]
    stderr = _bob(qkms, ("re-encrypt",), {"CiphertextBlob": blob, "DestinationKeyId": other}, 254)
    assert f"kms:ReEncryptTo on resource: {arn(other)}" in stderr, stderr


@pytest.mark.parametrize("kind", sorted(KEY_ARGS))
def test_create_grant_refuses_operations_the_key_does_not_support(qkms: Qkms, kind: str) -> None:
    key = _key(qkms, kind)
    for op in sorted(set(_model_grant_operations()) - VALID[kind]):
        result = qkms.fails(
            254,
            *as_(ADMIN, "grants", "create", "--key-id", key, "--grantee-principal", BOB),
            "--operations",
            "DescribeKey",
            op,
        )
        assert result.stderr.startswith(
            "An error occurred (ValidationException) when calling the CreateGrant operation: "
            f"Operations {op} are not valid for {arn(key)}"
        ), result.stderr
    assert qkms.ok(*as_(ADMIN, "grants", "list", "--key-id", key))["Grants"] == []
    qkms.ok(
        *as_(ADMIN, "grants", "create", "--key-id", key, "--grantee-principal", BOB),
        "--operations",
        *sorted(VALID[kind]),
    )


@pytest.mark.parametrize("kind", sorted(set(KEY_ARGS) - {"symmetric"}))
def test_only_symmetric_encryption_keys_take_grant_constraints(qkms: Qkms, kind: str) -> None:
    key = _key(qkms, kind)
    result = qkms.fails(
        254,
        *as_(ADMIN, "grants", "create", "--key-id", key, "--grantee-principal", BOB),
        "--operations",
        "DescribeKey",
        "--constraints",
        '{"EncryptionContextSubset": {"Purpose": "Test"}}',
    )
    assert result.stderr.startswith(
        "An error occurred (ValidationException) when calling the CreateGrant operation: "
        "Constraints: "
    ), result.stderr
    symmetric = _key(qkms, "symmetric")
    qkms.ok(
        *as_(ADMIN, "grants", "create", "--key-id", symmetric, "--grantee-principal", BOB),
        "--operations",
        "Decrypt",
        "--constraints",
        '{"EncryptionContextSubset": {"Purpose": "Test"}}',
    )
