"""aws-cli's command names as hidden aliases, so `aws kms X` ports as `qkms X`."""

from __future__ import annotations

import pytest

from tests.conftest import Qkms

AWS_NAMES = {
    "create-key": "CreateKey",
    "describe-key": "DescribeKey",
    "list-keys": "ListKeys",
    "enable-key": "EnableKey",
    "disable-key": "DisableKey",
    "schedule-key-deletion": "ScheduleKeyDeletion",
    "cancel-key-deletion": "CancelKeyDeletion",
    "update-key-description": "UpdateKeyDescription",
    "enable-key-rotation": "EnableKeyRotation",
    "disable-key-rotation": "DisableKeyRotation",
    "get-key-rotation-status": "GetKeyRotationStatus",
    "rotate-key-on-demand": "RotateKeyOnDemand",
    "list-key-rotations": "ListKeyRotations",
    "tag-resource": "TagResource",
    "untag-resource": "UntagResource",
    "list-resource-tags": "ListResourceTags",
    "create-alias": "CreateAlias",
    "update-alias": "UpdateAlias",
    "delete-alias": "DeleteAlias",
    "list-aliases": "ListAliases",
}


@pytest.mark.parametrize("name,op", AWS_NAMES.items())
def test_each_aws_name_is_a_hidden_command(qkms: Qkms, name: str, op: str) -> None:
    result = qkms(name, "--help")
    assert result.exit_code == 0, result.output
    assert f"The aws-cli name of a qkms command ({op})" in result.stdout
    assert f"Usage: qkms {name} " in result.stdout


def test_aws_names_stay_out_of_the_command_list(qkms: Qkms) -> None:
    listing = qkms("--help").stdout
    for name in AWS_NAMES:
        assert f"  {name} " not in listing


def test_a_key_lifecycle_with_aws_names_only(qkms: Qkms) -> None:
    key = qkms.ok("create-key", "--description", "aws")["KeyMetadata"]["KeyId"]
    assert [k["KeyId"] for k in qkms.ok("list-keys")["Keys"]] == [key]
    qkms.ok("update-key-description", "--key-id", key, "--description", "renamed")
    assert qkms.ok("describe-key", "--key-id", key)["KeyMetadata"]["Description"] == "renamed"
    qkms.ok("disable-key", "--key-id", key)
    qkms.ok("enable-key", "--key-id", key)
    qkms.ok("enable-key-rotation", "--key-id", key, "--rotation-period-in-days", "90")
    assert qkms.ok("get-key-rotation-status", "--key-id", key)["KeyRotationEnabled"] is True
    qkms.ok("disable-key-rotation", "--key-id", key)
    qkms.ok("rotate-key-on-demand", "--key-id", key)
    assert len(qkms.ok("list-key-rotations", "--key-id", key)["Rotations"]) == 1
    qkms.ok("tag-resource", "--key-id", key, "--tags", "TagKey=team,TagValue=pay")
    assert qkms.ok("list-resource-tags", "--key-id", key)["Tags"] == [
        {"TagKey": "team", "TagValue": "pay"}
    ]
    qkms.ok("untag-resource", "--key-id", key, "--tag-keys", "team")
    other = qkms.ok("create-key")["KeyMetadata"]["KeyId"]
    qkms.ok("create-alias", "--alias-name", "alias/aws", "--target-key-id", key)
    qkms.ok("update-alias", "--alias-name", "alias/aws", "--target-key-id", other)
    assert qkms.ok("list-aliases")["Aliases"][0]["TargetKeyId"] == other
    qkms.ok("delete-alias", "--alias-name", "alias/aws")
    state = qkms.ok("schedule-key-deletion", "--key-id", key, "--pending-window-in-days", "7")
    assert state["KeyState"] == "PendingDeletion"
    qkms.ok("cancel-key-deletion", "--key-id", key)
    assert qkms.ok("describe-key", "--key-id", key)["KeyMetadata"]["KeyState"] == "Disabled"
