"""Key rotation: on demand and automatic (with a clock moved by hand), and old blobs still opening."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from qkms_cli import service
from qkms_cli.errors import (
    KMSInvalidStateException,
    LimitExceededException,
    NotFoundException,
    UnsupportedOperationException,
)
from qkms_cli.store.keystore import Keystore
from tests.conftest import Clock, Qkms, arn, b64, unb64

pytestmark = pytest.mark.backends

DAY = timedelta(days=1)


def error_line(code: str, op: str) -> str:
    return f"An error occurred ({code}) when calling the {op} operation: "


def call(home: Path, clock: Clock, op: str, request: dict[str, Any]) -> dict[str, Any]:
    keystore = Keystore.open(home, clock=clock)
    try:
        return service.call(keystore, op, request)
    finally:
        keystore.close()


def at(clock: Clock) -> datetime:
    return datetime.fromtimestamp(clock.now, tz=timezone.utc)


def material_version(blob: bytes) -> int:
    return int.from_bytes(blob[22:26], "big")  # DESIGN.md's blob layout


def test_rotate_twice_and_open_blobs_of_all_three_versions(home: Path, clock: Clock) -> None:
    """Rotate on demand, then let the automatic period elapse; every version's blobs still open."""
    start = at(clock)
    key = call(home, clock, "CreateKey", {})["KeyMetadata"]["KeyId"]

    def seal(text: bytes) -> dict[str, Any]:
        sealed = call(
            home,
            clock,
            "Encrypt",
            {"KeyId": key, "Plaintext": text, "EncryptionContext": {"v": "x"}},
        )
        # EncryptResponse has no KeyMaterialId; Decrypt tells which material sealed the blob.
        opened = call(
            home,
            clock,
            "Decrypt",
            {"CiphertextBlob": sealed["CiphertextBlob"], "EncryptionContext": {"v": "x"}},
        )
        return {**sealed, "KeyMaterialId": opened["KeyMaterialId"]}

    def current_material() -> str:
        return call(home, clock, "DescribeKey", {"KeyId": key})["KeyMetadata"][
            "CurrentKeyMaterialId"
        ]

    first = seal(b"version one")
    data_key = call(home, clock, "GenerateDataKey", {"KeyId": key, "KeySpec": "AES_256"})
    assert first["KeyMaterialId"] == current_material()

    # Rotation 1: on demand.
    clock.advance(days=1)
    assert call(home, clock, "RotateKeyOnDemand", {"KeyId": key}) == {"KeyId": arn(key)}
    second = seal(b"version two")
    assert second["KeyMaterialId"] == current_material() != first["KeyMaterialId"]

    # Rotation 2: automatic, applied when the key is next used after its period elapsed.
    call(home, clock, "EnableKeyRotation", {"KeyId": key, "RotationPeriodInDays": 90})
    enabled_at = at(clock)
    status = call(home, clock, "GetKeyRotationStatus", {"KeyId": key})
    assert status == {
        "KeyRotationEnabled": True,
        "KeyId": arn(key),
        "RotationPeriodInDays": 90,
        "NextRotationDate": enabled_at + 90 * DAY,
    }
    clock.advance(days=90, seconds=-1)
    assert seal(b"still two")["KeyMaterialId"] == second["KeyMaterialId"]
    clock.advance(seconds=1)
    third = seal(b"version three")
    assert third["KeyMaterialId"] == current_material()
    assert len({first["KeyMaterialId"], second["KeyMaterialId"], third["KeyMaterialId"]}) == 3
    assert [material_version(b["CiphertextBlob"]) for b in (first, second, third)] == [1, 2, 3]

    for sealed, text in (
        (first, b"version one"),
        (second, b"version two"),
        (third, b"version three"),
    ):
        opened = call(
            home,
            clock,
            "Decrypt",
            {"CiphertextBlob": sealed["CiphertextBlob"], "EncryptionContext": {"v": "x"}},
        )
        assert opened["Plaintext"] == text
        assert opened["KeyMaterialId"] == sealed["KeyMaterialId"]
    opened = call(home, clock, "Decrypt", {"CiphertextBlob": data_key["CiphertextBlob"]})
    assert opened["Plaintext"] == data_key["Plaintext"]

    # Re-encrypting an old blob moves it to the current material.
    moved = call(
        home,
        clock,
        "ReEncrypt",
        {
            "CiphertextBlob": first["CiphertextBlob"],
            "SourceEncryptionContext": {"v": "x"},
            "DestinationKeyId": key,
        },
    )
    assert moved["SourceKeyMaterialId"] == first["KeyMaterialId"]
    assert moved["DestinationKeyMaterialId"] == third["KeyMaterialId"]
    assert material_version(moved["CiphertextBlob"]) == 3

    rotations = call(home, clock, "ListKeyRotations", {"KeyId": key})
    assert rotations == {
        "Rotations": [
            {
                "KeyId": key,
                "KeyMaterialId": second["KeyMaterialId"],
                "KeyMaterialState": "NON_CURRENT",
                "RotationDate": start + DAY,
                "RotationType": "ON_DEMAND",
            },
            {
                "KeyId": key,
                "KeyMaterialId": third["KeyMaterialId"],
                "KeyMaterialState": "CURRENT",
                "RotationDate": enabled_at + 90 * DAY,
                "RotationType": "AUTOMATIC",
            },
        ],
        "Truncated": False,
    }
    # The next automatic rotation is one period after the last.
    status = call(home, clock, "GetKeyRotationStatus", {"KeyId": key})
    assert status["NextRotationDate"] == enabled_at + 180 * DAY


def test_rotation_status_applies_a_rotation_that_fell_due(home: Path, clock: Clock) -> None:
    key = call(home, clock, "CreateKey", {})["KeyMetadata"]["KeyId"]
    call(home, clock, "EnableKeyRotation", {"KeyId": key, "RotationPeriodInDays": 90})
    clock.advance(days=100)
    status = call(home, clock, "GetKeyRotationStatus", {"KeyId": key})
    assert status["NextRotationDate"] == at(clock) + 90 * DAY
    rotations = call(home, clock, "ListKeyRotations", {"KeyId": key})["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["AUTOMATIC"]


def test_disabled_rotation_does_not_rotate(home: Path, clock: Clock) -> None:
    key = call(home, clock, "CreateKey", {})["KeyMetadata"]["KeyId"]
    call(home, clock, "EnableKeyRotation", {"KeyId": key, "RotationPeriodInDays": 90})
    assert call(home, clock, "DisableKeyRotation", {"KeyId": key}) == {}
    clock.advance(days=1000)
    sealed = call(home, clock, "Encrypt", {"KeyId": key, "Plaintext": b"x"})
    assert material_version(sealed["CiphertextBlob"]) == 1
    assert call(home, clock, "ListKeyRotations", {"KeyId": key})["Rotations"] == []
    assert call(home, clock, "GetKeyRotationStatus", {"KeyId": key}) == {
        "KeyRotationEnabled": False,
        "KeyId": arn(key),
    }


def test_on_demand_rotation_is_limited_to_ten(home: Path, clock: Clock) -> None:
    key = call(home, clock, "CreateKey", {})["KeyMetadata"]["KeyId"]
    keystore = Keystore.open(home, clock=clock)
    try:
        for _ in range(10):
            service.call(keystore, "RotateKeyOnDemand", {"KeyId": key})
        with pytest.raises(LimitExceededException):
            service.call(keystore, "RotateKeyOnDemand", {"KeyId": key})
        rotations = service.call(keystore, "ListKeyRotations", {"KeyId": key})["Rotations"]
        assert len(rotations) == 10
        assert [r["KeyMaterialState"] for r in rotations] == ["NON_CURRENT"] * 9 + ["CURRENT"]
    finally:
        keystore.close()


def test_rotation_of_a_disabled_or_pending_deletion_key(home: Path, clock: Clock) -> None:
    key = call(home, clock, "CreateKey", {})["KeyMetadata"]["KeyId"]
    call(home, clock, "DisableKey", {"KeyId": key})
    for op in ("RotateKeyOnDemand", "EnableKeyRotation", "DisableKeyRotation"):
        with pytest.raises(KMSInvalidStateException, match="is disabled"):
            call(home, clock, op, {"KeyId": key})
    # Reading the status works in any state.
    assert call(home, clock, "GetKeyRotationStatus", {"KeyId": key})["KeyRotationEnabled"] is False
    call(home, clock, "ScheduleKeyDeletion", {"KeyId": key})
    with pytest.raises(KMSInvalidStateException, match="pending deletion"):
        call(home, clock, "RotateKeyOnDemand", {"KeyId": key})


@pytest.mark.parametrize(
    ("spec", "usage"),
    [
        ("RSA_2048", "ENCRYPT_DECRYPT"),
        ("ECC_NIST_P256", "SIGN_VERIFY"),
        ("HMAC_256", "GENERATE_VERIFY_MAC"),
    ],
)
def test_only_symmetric_encryption_keys_rotate(
    home: Path, clock: Clock, spec: str, usage: str
) -> None:
    key = call(home, clock, "CreateKey", {"KeySpec": spec, "KeyUsage": usage})["KeyMetadata"][
        "KeyId"
    ]
    for op in (
        "EnableKeyRotation",
        "DisableKeyRotation",
        "GetKeyRotationStatus",
        "RotateKeyOnDemand",
        "ListKeyRotations",
    ):
        with pytest.raises(UnsupportedOperationException):
            call(home, clock, op, {"KeyId": key})


# -- on the command line -----------------------------------------------------------------------


def test_rotation_commands(qkms: Qkms) -> None:
    key = qkms.new_key()
    assert qkms.ok("keys", "rotation-status", "--key-id", key) == {
        "KeyRotationEnabled": False,
        "KeyId": arn(key),
    }
    assert qkms.ok("keys", "enable-rotation", "--key-id", key) is None
    status = qkms.ok("keys", "rotation-status", "--key-id", arn(key))
    assert set(status) == {
        "KeyRotationEnabled",
        "KeyId",
        "RotationPeriodInDays",
        "NextRotationDate",
    }
    assert status["KeyRotationEnabled"] is True
    assert status["RotationPeriodInDays"] == 365
    next_date = datetime.fromisoformat(status["NextRotationDate"])
    expected = datetime.now(timezone.utc) + 365 * DAY
    assert abs((next_date - expected).total_seconds()) < 600

    qkms.ok("keys", "enable-rotation", "--key-id", key, "--rotation-period-in-days", "2560")
    assert qkms.ok("keys", "rotation-status", "--key-id", key)["RotationPeriodInDays"] == 2560
    qkms.ok("keys", "enable-rotation", "--key-id", key, "--rotation-period-in-days", "90")
    assert qkms.ok("keys", "rotation-status", "--key-id", key)["RotationPeriodInDays"] == 90
    assert qkms.ok("keys", "disable-rotation", "--key-id", key) is None
    assert qkms.ok("keys", "rotation-status", "--key-id", key)["KeyRotationEnabled"] is False

    blob = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"before"))["CiphertextBlob"]
    assert qkms.ok("keys", "list-rotations", "--key-id", key) == {"Rotations": []}
    assert qkms.ok("keys", "rotate", "--key-id", key) == {"KeyId": arn(key)}
    listed = qkms.ok("keys", "list-rotations", "--key-id", key)
    assert [r["RotationType"] for r in listed["Rotations"]] == ["ON_DEMAND"]
    rotation = listed["Rotations"][0]
    assert set(rotation) == {
        "KeyId",
        "KeyMaterialId",
        "KeyMaterialState",
        "RotationDate",
        "RotationType",
    }
    assert (
        rotation["KeyMaterialId"]
        == qkms.ok("keys", "describe", "--key-id", key)["KeyMetadata"]["CurrentKeyMaterialId"]
    )
    after = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"after"))["CiphertextBlob"]
    opened = qkms.ok("decrypt", "--ciphertext-blob", after)
    assert opened["KeyMaterialId"] == rotation["KeyMaterialId"]
    assert unb64(qkms.ok("decrypt", "--ciphertext-blob", blob)["Plaintext"]) == b"before"


@pytest.mark.parametrize("days", ["89", "2561", "0"])
def test_rotation_period_out_of_range(qkms: Qkms, days: str) -> None:
    key = qkms.new_key()
    result = qkms.fails(
        252, "keys", "enable-rotation", "--key-id", key, "--rotation-period-in-days", days
    )
    assert "RotationPeriodInDays" in result.stderr
    assert qkms.ok("keys", "rotation-status", "--key-id", key)["KeyRotationEnabled"] is False


def test_list_rotations_pages(qkms: Qkms) -> None:
    key = qkms.new_key()
    for _ in range(3):
        qkms.ok("keys", "rotate", "--key-id", key)
    everything = qkms.ok("keys", "list-rotations", "--key-id", key)["Rotations"]
    assert len(everything) == 3
    # Pages of one are merged, as aws-cli merges them.
    assert qkms.ok("keys", "list-rotations", "--key-id", key, "--page-size", "1") == {
        "Rotations": everything
    }
    first = qkms.ok("keys", "list-rotations", "--key-id", key, "--max-items", "2")
    assert first["Rotations"] == everything[:2]
    rest = qkms.ok(
        "keys", "list-rotations", "--key-id", key, "--starting-token", first["NextToken"]
    )
    assert rest["Rotations"] == everything[2:]
    single = qkms.ok("keys", "list-rotations", "--key-id", key, "--page-size", "2", "--no-paginate")
    assert single["Rotations"] == everything[:2]
    assert single["Truncated"] is True


def test_list_rotations_pages_in_the_api(home: Path, clock: Clock) -> None:
    key = call(home, clock, "CreateKey", {})["KeyMetadata"]["KeyId"]
    for _ in range(3):
        call(home, clock, "RotateKeyOnDemand", {"KeyId": key})
    everything = call(home, clock, "ListKeyRotations", {"KeyId": key})["Rotations"]
    first = call(home, clock, "ListKeyRotations", {"KeyId": key, "Limit": 2})
    assert first["Truncated"] is True
    assert first["Rotations"] == everything[:2]
    rest = call(
        home, clock, "ListKeyRotations", {"KeyId": key, "Limit": 2, "Marker": first["NextMarker"]}
    )
    assert rest == {"Rotations": everything[2:], "Truncated": False}


@pytest.mark.parametrize(
    ("command", "op"),
    [
        ("enable-rotation", "EnableKeyRotation"),
        ("disable-rotation", "DisableKeyRotation"),
        ("rotation-status", "GetKeyRotationStatus"),
        ("rotate", "RotateKeyOnDemand"),
        ("list-rotations", "ListKeyRotations"),
    ],
)
def test_rotation_commands_take_every_key_id_form(qkms: Qkms, command: str, op: str) -> None:
    # Issue 2: KeyId takes a key id, key ARN, alias name or alias ARN everywhere.
    key = qkms.new_key()
    qkms.ok("aliases", "create", "--alias-name", "alias/rotating", "--target-key-id", key)
    for form in ("alias/rotating", "arn:verenc:111122223333:alias/rotating"):
        assert qkms("keys", command, "--key-id", form).exit_code == 0
    result = qkms.fails(254, "keys", command, "--key-id", "alias/missing")
    assert error_line("NotFoundException", op) in result.stderr
    missing = "00000000-0000-4000-8000-000000000000"
    result = qkms.fails(254, "keys", command, "--key-id", missing)
    assert error_line("NotFoundException", op) + f"Key '{arn(missing)}' does not exist" in (
        result.stderr
    )


def test_rotating_an_unknown_key_in_the_api(home: Path, clock: Clock) -> None:
    with pytest.raises(NotFoundException):
        call(home, clock, "RotateKeyOnDemand", {"KeyId": "not-a-key"})
