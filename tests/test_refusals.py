"""Members for features qkms lacks are refused with a reason, never ignored; DryRun IGNORE_CIPHERTEXT."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qkms_cli import errors, service
from qkms_cli.store.keystore import Keystore


@pytest.fixture
def keystore(home: Path) -> Any:
    store = Keystore.open(home)
    yield store
    store.close()


def refused(keystore: Keystore, op: str, request: dict[str, Any]) -> errors.ApiError:
    with pytest.raises(errors.ApiError) as caught:
        service.call(keystore, op, request)
    return caught.value


@pytest.mark.parametrize(
    ("request_", "code", "words"),
    [
        ({"CustomKeyStoreId": "cks-1234567890abcdef0"}, "CustomKeyStoreNotFoundException", "cks-"),
        ({"MultiRegion": True}, "UnsupportedOperationException", "one Region"),
        ({"Origin": "AWS_CLOUDHSM"}, "ValidationException", "CustomKeyStoreId"),
        ({"XksKeyId": "x"}, "ValidationException", "EXTERNAL_KEY_STORE"),
    ],
)
def test_create_key_refuses_what_qkms_lacks(
    keystore: Keystore, request_: dict[str, Any], code: str, words: str
) -> None:
    error = refused(keystore, "CreateKey", request_)
    assert error.code == code and words in error.message
    assert service.call(keystore, "ListKeys", {})["Keys"] == []  # nothing half made


def test_create_key_multi_region_false_is_a_plain_key(keystore: Keystore) -> None:
    meta = service.call(keystore, "CreateKey", {"MultiRegion": False})["KeyMetadata"]
    assert meta["MultiRegion"] is False


def test_describe_custom_key_stores_lists_none(keystore: Keystore) -> None:
    assert service.call(keystore, "DescribeCustomKeyStores", {}) == {
        "CustomKeyStores": [],
        "Truncated": False,
    }
    error = refused(keystore, "DescribeCustomKeyStores", {"CustomKeyStoreName": "hsm"})
    assert error.code == "CustomKeyStoreNotFoundException"


def test_generate_random_in_a_custom_key_store_is_not_found(keystore: Keystore) -> None:
    error = refused(keystore, "GenerateRandom", {"NumberOfBytes": 8, "CustomKeyStoreId": "cks-1"})
    assert error.code == "CustomKeyStoreNotFoundException"


@pytest.mark.parametrize(
    ("op", "extra"),
    [
        ("GenerateRandom", {"NumberOfBytes": 8}),
        ("GenerateDataKey", {"KeySpec": "AES_256"}),
        ("GenerateDataKeyPair", {"KeyPairSpec": "ECC_NIST_P256"}),
        ("Decrypt", {}),
    ],
)
def test_a_recipient_is_refused_not_ignored(
    keystore: Keystore, op: str, extra: dict[str, Any]
) -> None:
    key_id = service.call(keystore, "CreateKey", {})["KeyMetadata"]["KeyId"]
    blob = service.call(keystore, "Encrypt", {"KeyId": key_id, "Plaintext": b"x"})
    request = {**extra, "Recipient": {"AttestationDocument": b"doc"}}
    if op != "GenerateRandom":
        request["KeyId"] = key_id
    if op == "Decrypt":
        request["CiphertextBlob"] = blob["CiphertextBlob"]
    error = refused(keystore, op, request)
    assert error.code == "UnsupportedOperationException"
    assert "attestation" in error.message


def test_dry_run_ignoring_ciphertext_checks_only_the_key(keystore: Keystore) -> None:
    key_id = service.call(keystore, "CreateKey", {})["KeyMetadata"]["KeyId"]
    request = {
        "CiphertextBlob": b"not a blob at all",
        "KeyId": key_id,
        "DryRun": True,
        "DryRunModifiers": ["IGNORE_CIPHERTEXT"],
    }
    assert refused(keystore, "Decrypt", request).code == "DryRunOperationException"
    # Without the modifier the ciphertext is checked, and fails.
    plain = {k: v for k, v in request.items() if k != "DryRunModifiers"}
    assert refused(keystore, "Decrypt", plain).code == "InvalidCiphertextException"
    service.call(keystore, "DisableKey", {"KeyId": key_id})
    assert refused(keystore, "Decrypt", request).code == "KMSInvalidStateException"
    no_key = {k: v for k, v in request.items() if k != "KeyId"}
    assert refused(keystore, "Decrypt", no_key).code == "ValidationException"
    not_dry = {k: v for k, v in request.items() if k != "DryRun"}
    assert refused(keystore, "Decrypt", not_dry).code == "ValidationException"


def test_list_key_rotations_all_key_material_adds_the_first(keystore: Keystore) -> None:
    key_id = service.call(keystore, "CreateKey", {})["KeyMetadata"]["KeyId"]
    service.call(keystore, "RotateKeyOnDemand", {"KeyId": key_id})
    only = service.call(keystore, "ListKeyRotations", {"KeyId": key_id})["Rotations"]
    every = service.call(
        keystore, "ListKeyRotations", {"KeyId": key_id, "IncludeKeyMaterial": "ALL_KEY_MATERIAL"}
    )["Rotations"]
    assert [r["RotationType"] for r in only] == ["ON_DEMAND"]
    assert len(every) == 2 and every[1] == only[0]
    assert every[0]["KeyMaterialState"] == "NON_CURRENT" and "RotationType" not in every[0]
