"""AWS managed keys: alias/aws/<service> makes a KeyManager AWS key on first use; users cannot manage it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qkms_cli import errors, service
from qkms_cli.store.keystore import Keystore
from tests.conftest import Qkms


@pytest.fixture
def keystore(home: Path) -> Any:
    store = Keystore.open(home)
    yield store
    store.close()


def call(keystore: Keystore, op: str, **request: Any) -> dict[str, Any]:
    return service.call(keystore, op, request)


def refused(keystore: Keystore, op: str, **request: Any) -> errors.ApiError:
    with pytest.raises(errors.ApiError) as caught:
        service.call(keystore, op, request)
    return caught.value


def test_first_use_makes_the_key_once(keystore: Keystore) -> None:
    meta = call(keystore, "DescribeKey", KeyId="alias/aws/s3")["KeyMetadata"]
    assert (meta["KeyManager"], meta["KeySpec"], meta["KeyState"]) == (
        "AWS",
        "SYMMETRIC_DEFAULT",
        "Enabled",
    )
    assert (
        meta["Description"] == "Default key that protects my s3 data when no other key is defined"
    )
    assert (
        call(keystore, "DescribeKey", KeyId="alias/aws/s3")["KeyMetadata"]["KeyId"] == meta["KeyId"]
    )
    aliases = call(keystore, "ListAliases")["Aliases"]
    assert [(a["AliasName"], a["TargetKeyId"]) for a in aliases] == [
        ("alias/aws/s3", meta["KeyId"])
    ]
    status = call(keystore, "GetKeyRotationStatus", KeyId=meta["KeyId"])
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 365
    sealed = call(keystore, "Encrypt", KeyId="alias/aws/secretsmanager", Plaintext=b"db password")
    assert (
        call(keystore, "Decrypt", CiphertextBlob=sealed["CiphertextBlob"])["Plaintext"]
        == b"db password"
    )
    assert len(call(keystore, "ListKeys")["Keys"]) == 2
    assert (
        refused(keystore, "DescribeKey", KeyId="alias/aws/Not_A_Service").code
        == "NotFoundException"
    )


@pytest.mark.parametrize(
    ("op", "extra", "code"),
    [
        ("DisableKey", {}, "AccessDeniedException"),
        ("EnableKey", {}, "AccessDeniedException"),
        ("ScheduleKeyDeletion", {"PendingWindowInDays": 7}, "AccessDeniedException"),
        ("CancelKeyDeletion", {}, "AccessDeniedException"),
        ("UpdateKeyDescription", {"Description": "mine"}, "AccessDeniedException"),
        ("TagResource", {"Tags": [{"TagKey": "a", "TagValue": "b"}]}, "AccessDeniedException"),
        ("UntagResource", {"TagKeys": ["a"]}, "AccessDeniedException"),
        ("EnableKeyRotation", {}, "UnsupportedOperationException"),
        ("DisableKeyRotation", {}, "UnsupportedOperationException"),
        ("RotateKeyOnDemand", {}, "UnsupportedOperationException"),
    ],
)
def test_users_cannot_manage_aws_managed_keys(
    keystore: Keystore, op: str, extra: dict[str, Any], code: str
) -> None:
    meta = call(keystore, "DescribeKey", KeyId="alias/aws/ebs")["KeyMetadata"]
    error = refused(keystore, op, KeyId=meta["KeyId"], **extra)
    assert error.code == code
    if code == "AccessDeniedException":
        assert error.message == (
            f"User: arn:verenc:iam::111122223333:root is not authorized to perform: kms:{op} on "
            f"resource: {meta['Arn']} because no resource-based policy allows the kms:{op} action"
        )
    assert (
        call(keystore, "DescribeKey", KeyId=meta["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    )


def test_aws_managed_aliases_through_the_cli(qkms: Qkms, tmp_path: Path) -> None:
    (tmp_path / "m").write_bytes(b"x")
    qkms.new_key()  # the keystore exists: read-only commands refuse to make one
    out = qkms.ok(
        "encrypt", "--key-id", "alias/aws/lambda", "--plaintext", f"fileb://{tmp_path / 'm'}"
    )
    key = qkms.ok("keys", "describe", "--key-id", "alias/aws/lambda")["KeyMetadata"]
    assert out["KeyId"] == key["Arn"] and key["KeyManager"] == "AWS"
    result = qkms.fails(254, "keys", "disable", "--key-id", key["KeyId"])
    assert "(AccessDeniedException) when calling the DisableKey operation" in result.stderr
    qkms.fails(
        254, "aliases", "create", "--alias-name", "alias/aws/mine", "--target-key-id", key["KeyId"]
    )
