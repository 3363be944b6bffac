"""Key lifecycle: enable, disable, scheduled deletion (with a clock moved past it), descriptions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from qkms_cli import service
from qkms_cli.errors import KMSInvalidStateException, NotFoundException
from qkms_cli.store.keystore import Keystore
from tests.conftest import Clock, Qkms, arn, b64

pytestmark = pytest.mark.backends

SECRET = b64(b"the launch code")


def error_line(code: str, op: str) -> str:
    return f"An error occurred ({code}) when calling the {op} operation: "


def state(qkms: Qkms, key: str) -> dict[str, Any]:
    return qkms.ok("keys", "describe", "--key-id", key)["KeyMetadata"]


def call(home: Path, clock: Clock, op: str, request: dict[str, Any]) -> dict[str, Any]:
    """One operation in a freshly opened keystore, as each qkms process does."""
    keystore = Keystore.open(home, clock=clock)
    try:
        return service.call(keystore, op, request)
    finally:
        keystore.close()


# -- enable / disable --------------------------------------------------------------------------


def test_disable_then_enable(qkms: Qkms) -> None:
    key = qkms.new_key()
    blob = qkms.ok("encrypt", "--key-id", key, "--plaintext", SECRET)["CiphertextBlob"]

    result = qkms("keys", "disable", "--key-id", key)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # an empty response prints nothing, as aws-cli does
    meta = state(qkms, key)
    assert (meta["KeyState"], meta["Enabled"]) == ("Disabled", False)

    refused = qkms.fails(254, "encrypt", "--key-id", key, "--plaintext", SECRET)
    assert error_line("KMSInvalidStateException", "Encrypt") + f"{arn(key)} is disabled." in (
        refused.stderr
    )
    refused = qkms.fails(254, "decrypt", "--ciphertext-blob", blob)
    assert error_line("KMSInvalidStateException", "Decrypt") in refused.stderr

    assert qkms.ok("keys", "enable", "--key-id", key) is None
    meta = state(qkms, key)
    assert (meta["KeyState"], meta["Enabled"]) == ("Enabled", True)
    assert qkms.ok("decrypt", "--ciphertext-blob", blob)["Plaintext"] == SECRET


def test_enable_and_disable_are_idempotent(qkms: Qkms) -> None:
    key = qkms.new_key()
    qkms.ok("keys", "enable", "--key-id", key)
    assert state(qkms, key)["KeyState"] == "Enabled"
    qkms.ok("keys", "disable", "--key-id", key)
    qkms.ok("keys", "disable", "--key-id", key)
    assert state(qkms, key)["KeyState"] == "Disabled"


def test_enable_and_disable_take_a_key_arn(qkms: Qkms) -> None:
    key = qkms.new_key()
    qkms.ok("keys", "disable", "--key-id", arn(key))
    assert state(qkms, key)["KeyState"] == "Disabled"
    qkms.ok("keys", "enable", "--key-id", arn(key))
    assert state(qkms, key)["KeyState"] == "Enabled"


@pytest.mark.parametrize(
    "command",
    [
        ("enable",),
        ("disable",),
        ("schedule-deletion",),
        ("cancel-deletion",),
        ("update-description", "--description", "x"),
    ],
)
def test_lifecycle_of_unknown_key_is_not_found(qkms: Qkms, command: tuple[str, ...]) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    qkms.ok("keystore", "init")
    result = qkms.fails(254, "keys", command[0], "--key-id", missing, *command[1:])
    assert "An error occurred (NotFoundException) when calling the" in result.stderr
    assert f"Key '{arn(missing)}' does not exist" in result.stderr


@pytest.mark.parametrize("command", ["enable", "disable"])
def test_pending_deletion_key_cannot_be_enabled_or_disabled(qkms: Qkms, command: str) -> None:
    key = qkms.new_key()
    qkms.ok("keys", "schedule-deletion", "--key-id", key)
    result = qkms.fails(254, "keys", command, "--key-id", key)
    op = {"enable": "EnableKey", "disable": "DisableKey"}[command]
    assert error_line("KMSInvalidStateException", op) + f"{arn(key)} is pending deletion." in (
        result.stderr
    )
    assert state(qkms, key)["KeyState"] == "PendingDeletion"


# -- scheduled deletion ------------------------------------------------------------------------


def test_schedule_deletion_defaults_to_thirty_days(home: Path, clock: Clock) -> None:
    key = call(home, clock, "CreateKey", {})["KeyMetadata"]["KeyId"]
    response = call(home, clock, "ScheduleKeyDeletion", {"KeyId": key})
    now = datetime.fromtimestamp(clock.now, tz=timezone.utc)
    assert response == {
        "KeyId": arn(key),
        "DeletionDate": now + timedelta(days=30),
        "KeyState": "PendingDeletion",
        "PendingWindowInDays": 30,
    }
    meta = call(home, clock, "DescribeKey", {"KeyId": key})["KeyMetadata"]
    assert meta["KeyState"] == "PendingDeletion"
    assert meta["Enabled"] is False
    assert meta["DeletionDate"] == now + timedelta(days=30)
    assert meta["PendingDeletionWindowInDays"] == 30


@pytest.mark.parametrize("days", [7, 30])
def test_schedule_deletion_window_bounds_accepted(qkms: Qkms, days: int) -> None:
    key = qkms.new_key()
    response = qkms.ok(
        "keys", "schedule-deletion", "--key-id", key, "--pending-window-in-days", str(days)
    )
    assert set(response) == {"KeyId", "DeletionDate", "KeyState", "PendingWindowInDays"}
    assert response["KeyId"] == arn(key)
    assert response["KeyState"] == "PendingDeletion"
    assert response["PendingWindowInDays"] == days
    deletion = datetime.fromisoformat(response["DeletionDate"])
    expected = datetime.now(timezone.utc) + timedelta(days=days)
    assert abs((deletion - expected).total_seconds()) < 600


@pytest.mark.parametrize(("days", "code"), [(0, 252), (6, 254), (31, 254), (365, 254), (366, 252)])
def test_schedule_deletion_window_out_of_range(qkms: Qkms, days: int, code: int) -> None:
    """Outside the model's 1..365 the command line refuses it; 7..30 is AWS's own check."""
    key = qkms.new_key()
    result = qkms.fails(
        code, "keys", "schedule-deletion", "--key-id", key, "--pending-window-in-days", str(days)
    )
    if code == 254:
        assert (
            error_line("ValidationException", "ScheduleKeyDeletion")
            + (
                f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to "
                "satisfy constraint: Member must have minimum value of 7 and maximum value of 30."
            )
            in result.stderr
        )
    else:
        assert "PendingWindowInDays" in result.stderr
    assert state(qkms, key)["KeyState"] == "Enabled"


def test_schedule_deletion_twice_is_invalid_state(qkms: Qkms) -> None:
    key = qkms.new_key()
    qkms.ok("keys", "schedule-deletion", "--key-id", key)
    result = qkms.fails(254, "keys", "schedule-deletion", "--key-id", key)
    assert error_line("KMSInvalidStateException", "ScheduleKeyDeletion") in result.stderr


def test_disabled_key_can_be_scheduled_for_deletion(qkms: Qkms) -> None:
    key = qkms.new_key()
    qkms.ok("keys", "disable", "--key-id", key)
    qkms.ok("keys", "schedule-deletion", "--key-id", key, "--pending-window-in-days", "7")
    assert state(qkms, key)["KeyState"] == "PendingDeletion"


@pytest.mark.parametrize(
    ("command", "op"),
    [
        (("encrypt", "--plaintext", SECRET), "Encrypt"),
        (("generate-data-key", "--key-spec", "AES_256"), "GenerateDataKey"),
        (("generate-data-key-pair", "--key-pair-spec", "ECC_NIST_P256"), "GenerateDataKeyPair"),
    ],
)
def test_pending_deletion_key_is_refused(qkms: Qkms, command: tuple[str, ...], op: str) -> None:
    key = qkms.new_key()
    qkms.ok("keys", "schedule-deletion", "--key-id", key)
    result = qkms.fails(254, command[0], "--key-id", key, *command[1:])
    assert error_line("KMSInvalidStateException", op) + f"{arn(key)} is pending deletion." in (
        result.stderr
    )


def test_pending_deletion_blob_is_refused_then_opens_after_cancel(qkms: Qkms) -> None:
    key = qkms.new_key()
    blob = qkms.ok("encrypt", "--key-id", key, "--plaintext", SECRET)["CiphertextBlob"]
    qkms.ok("keys", "schedule-deletion", "--key-id", key)
    result = qkms.fails(254, "decrypt", "--ciphertext-blob", blob)
    assert error_line("KMSInvalidStateException", "Decrypt") in result.stderr
    assert "pending deletion" in result.stderr

    assert qkms.ok("keys", "cancel-deletion", "--key-id", key) == {"KeyId": arn(key)}
    # AWS leaves a key whose deletion was cancelled Disabled; it must be enabled again.
    meta = state(qkms, key)
    assert meta["KeyState"] == "Disabled"
    assert "DeletionDate" not in meta
    assert "PendingDeletionWindowInDays" not in meta
    result = qkms.fails(254, "decrypt", "--ciphertext-blob", blob)
    assert f"{arn(key)} is disabled." in result.stderr
    qkms.ok("keys", "enable", "--key-id", key)
    assert qkms.ok("decrypt", "--ciphertext-blob", blob)["Plaintext"] == SECRET


@pytest.mark.parametrize("disable_first", [False, True])
def test_cancel_deletion_of_key_not_pending(qkms: Qkms, disable_first: bool) -> None:
    key = qkms.new_key()
    if disable_first:
        qkms.ok("keys", "disable", "--key-id", key)
    result = qkms.fails(254, "keys", "cancel-deletion", "--key-id", key)
    assert (
        error_line("KMSInvalidStateException", "CancelKeyDeletion")
        + (f"{arn(key)} is not pending deletion.")
        in result.stderr
    )


def test_deletion_takes_effect_once_its_date_has_passed(home: Path, clock: Clock) -> None:
    """The clock moves past the deletion date; the next open purges the key and its blobs die."""
    key = call(home, clock, "CreateKey", {"Description": "doomed"})["KeyMetadata"]["KeyId"]
    keep = call(home, clock, "CreateKey", {})["KeyMetadata"]["KeyId"]
    call(home, clock, "CreateAlias", {"AliasName": "alias/doomed", "TargetKeyId": key})
    call(home, clock, "TagResource", {"KeyId": key, "Tags": [{"TagKey": "t", "TagValue": "v"}]})
    blob = call(home, clock, "Encrypt", {"KeyId": key, "Plaintext": b"secret"})["CiphertextBlob"]
    context = {"Purpose": "Test"}
    pair = call(
        home,
        clock,
        "GenerateDataKeyPair",
        {"KeyId": key, "KeyPairSpec": "ECC_NIST_P256", "EncryptionContext": context},
    )
    kept = call(home, clock, "Encrypt", {"KeyId": keep, "Plaintext": b"safe"})["CiphertextBlob"]

    scheduled = call(home, clock, "ScheduleKeyDeletion", {"KeyId": key, "PendingWindowInDays": 7})
    assert scheduled["DeletionDate"] == datetime.fromtimestamp(
        clock.now + 7 * 86400, tz=timezone.utc
    )

    # One second before the date, the key is still there, pending deletion.
    clock.advance(days=7, seconds=-1)
    meta = call(home, clock, "DescribeKey", {"KeyId": key})["KeyMetadata"]
    assert meta["KeyState"] == "PendingDeletion"
    with pytest.raises(KMSInvalidStateException):
        call(home, clock, "Decrypt", {"CiphertextBlob": blob})

    # Past the date: opening the keystore deletes the key for good.
    clock.advance(seconds=2)
    keystore = Keystore.open(home, clock=clock)
    try:
        with pytest.raises(NotFoundException, match=f"Key '{arn(key)}' does not exist"):
            service.call(keystore, "DescribeKey", {"KeyId": key})
        with pytest.raises(NotFoundException):
            service.call(keystore, "Decrypt", {"CiphertextBlob": blob})
        with pytest.raises(NotFoundException):
            service.call(
                keystore,
                "SignWithDataKeyPair",
                {
                    "PrivateKeyCiphertextBlob": pair["PrivateKeyCiphertextBlob"],
                    "EncryptionContext": context,
                    "Message": b"release",
                    "SigningAlgorithm": "ECDSA_SHA_256",
                },
            )
        with pytest.raises(NotFoundException):
            service.call(keystore, "DescribeKey", {"KeyId": "alias/doomed"})
        with pytest.raises(NotFoundException):
            service.call(keystore, "CancelKeyDeletion", {"KeyId": key})
        listed = service.call(keystore, "ListKeys", {})["Keys"]
        assert [k["KeyId"] for k in listed] == [keep]
        aliases = service.call(keystore, "ListAliases", {})["Aliases"]
        assert "alias/doomed" not in [a["AliasName"] for a in aliases]
        # Other keys are untouched.
        assert service.call(keystore, "Decrypt", {"CiphertextBlob": kept})["Plaintext"] == b"safe"
    finally:
        keystore.close()


def test_deleted_key_blob_is_not_found_on_the_command_line(
    qkms: Qkms, home: Path, clock: Clock
) -> None:
    key = call(home, clock, "CreateKey", {})["KeyMetadata"]["KeyId"]
    blob = call(home, clock, "Encrypt", {"KeyId": key, "Plaintext": b"secret"})["CiphertextBlob"]
    call(home, clock, "ScheduleKeyDeletion", {"KeyId": key, "PendingWindowInDays": 7})
    clock.advance(days=8)
    Keystore.open(home, clock=clock).close()  # the purge happens on open
    result = qkms.fails(254, "decrypt", "--ciphertext-blob", b64(blob))
    assert error_line("NotFoundException", "Decrypt") in result.stderr
    result = qkms.fails(254, "keys", "describe", "--key-id", key)
    assert error_line("NotFoundException", "DescribeKey") in result.stderr


def test_deletion_date_is_kept_across_cancel_and_reschedule(home: Path, clock: Clock) -> None:
    key = call(home, clock, "CreateKey", {})["KeyMetadata"]["KeyId"]
    call(home, clock, "ScheduleKeyDeletion", {"KeyId": key, "PendingWindowInDays": 7})
    call(home, clock, "CancelKeyDeletion", {"KeyId": key})
    clock.advance(days=10)
    # Cancelled: the old date no longer applies.
    meta = call(home, clock, "DescribeKey", {"KeyId": key})["KeyMetadata"]
    assert meta["KeyState"] == "Disabled"
    again = call(home, clock, "ScheduleKeyDeletion", {"KeyId": key, "PendingWindowInDays": 30})
    assert again["DeletionDate"] == datetime.fromtimestamp(clock.now + 30 * 86400, tz=timezone.utc)


# -- descriptions ------------------------------------------------------------------------------


def test_update_description(qkms: Qkms) -> None:
    key = qkms.new_key("--description", "old")
    result = qkms("keys", "update-description", "--key-id", key, "--description", "new text")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert state(qkms, key)["Description"] == "new text"
    qkms.ok("keys", "update-description", "--key-id", arn(key), "--description", "")
    assert state(qkms, key)["Description"] == ""


def test_update_description_of_disabled_key(qkms: Qkms) -> None:
    key = qkms.new_key()
    qkms.ok("keys", "disable", "--key-id", key)
    qkms.ok("keys", "update-description", "--key-id", key, "--description", "retired")
    assert state(qkms, key)["Description"] == "retired"


def test_update_description_errors(qkms: Qkms) -> None:
    key = qkms.new_key("--description", "kept")
    result = qkms.fails(
        252, "keys", "update-description", "--key-id", key, "--description", "x" * 8193
    )
    assert "Description" in result.stderr
    result = qkms.fails(252, "keys", "update-description", "--key-id", key)
    assert "--description" in result.stderr
    qkms.ok("keys", "schedule-deletion", "--key-id", key)
    result = qkms.fails(
        254, "keys", "update-description", "--key-id", key, "--description", "too late"
    )
    assert error_line("KMSInvalidStateException", "UpdateKeyDescription") in result.stderr
    assert state(qkms, key)["Description"] == "kept"
