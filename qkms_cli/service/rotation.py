"""Key rotation: automatic (checked when a key is used) and on demand, and its listings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qkms_cli.errors import (
    InvalidMarkerException,
    LimitExceededException,
    UnsupportedOperationException,
    ValidationException,
)
from qkms_cli.service import handles
from qkms_cli.service.common import (
    DAY,
    find_key,
    key_arn,
    key_material_id,
    require_state,
    timestamp,
)
from qkms_cli.service.managed import require_customer_managed

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

# RotationPeriodInDays: 90..2560, default 365 (EnableKeyRotation documentation).
DEFAULT_ROTATION_DAYS = 365
# AWS allows at most 10 on-demand rotations of one key.
MAX_ON_DEMAND_ROTATIONS = 10
LIST_ROTATIONS_DEFAULT_LIMIT = 100


def _rotate(keystore: Keystore, key: dict[str, Any], rotation_type: str) -> dict[str, Any]:
    """Add a new key material version and make it current; call inside a write transaction."""
    from qkms_cli.service.keys import new_material

    version = key["current_version"] + 1
    secret, public = new_material(key["key_spec"])
    keystore.put_material(
        key["key_id"],
        version,
        key["key_spec"],
        secret,
        public_key=public,
        rotation_type=rotation_type,
    )
    keystore.update_key(key["key_id"], current_version=version)
    return {**key, "current_version": version}


def current_key(keystore: Keystore, key: dict[str, Any]) -> dict[str, Any]:
    """The key row, after applying an automatic rotation that has fallen due."""
    due = key["next_rotation"]
    if key["rotation_period_days"] is None or due is None or due > keystore.now():
        return key
    with keystore.write():
        fresh = keystore.get_key(key["key_id"])
        if (
            fresh is None
            or fresh["next_rotation"] is None
            or fresh["next_rotation"] > keystore.now()
        ):
            return fresh or key  # another process rotated it (or rotation was turned off)
        rotated = _rotate(keystore, fresh, "AUTOMATIC")
        following = keystore.now() + fresh["rotation_period_days"] * DAY
        keystore.update_key(key["key_id"], next_rotation=following)
    return {**rotated, "next_rotation": following}


def _rotatable(keystore: Keystore, key: dict[str, Any], op: str) -> None:
    # Reading an imported key's rotation status is allowed (it never rotates: false).
    if key.get("origin") == "EXTERNAL" and op not in ("ListKeyRotations", "GetKeyRotationStatus"):
        # qkms imports one material per key, so imported keys do not rotate.
        raise UnsupportedOperationException(
            f"{key_arn(keystore, key['key_id'])} origin is EXTERNAL which is not valid for this "
            "operation."
        )
    if key["key_spec"] != "SYMMETRIC_DEFAULT":
        raise UnsupportedOperationException(
            f"{key_arn(keystore, key['key_id'])} key KeySpec is {key['key_spec']} which is not "
            f"valid for {op}: only symmetric encryption keys rotate."
        )


@handles("EnableKeyRotation")
def enable_key_rotation(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    days = request.get("RotationPeriodInDays", DEFAULT_ROTATION_DAYS)
    with keystore.write():
        key = find_key(keystore, request["KeyId"])
        require_customer_managed(keystore, key, "EnableKeyRotation")
        require_state(keystore, key)
        _rotatable(keystore, key, "EnableKeyRotation")
        keystore.update_key(
            key["key_id"], rotation_period_days=days, next_rotation=keystore.now() + days * DAY
        )
    return {}


@handles("DisableKeyRotation")
def disable_key_rotation(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    with keystore.write():
        key = find_key(keystore, request["KeyId"])
        require_customer_managed(keystore, key, "DisableKeyRotation")
        require_state(keystore, key)
        _rotatable(keystore, key, "DisableKeyRotation")
        keystore.update_key(key["key_id"], rotation_period_days=None, next_rotation=None)
    return {}


def _settled(keystore: Keystore, key: dict[str, Any]) -> dict[str, Any]:
    """The key after any automatic rotation that fell due, so no report shows a date passed."""
    return current_key(keystore, key) if key["key_state"] == "Enabled" else key


@handles("GetKeyRotationStatus")
def get_key_rotation_status(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    key = find_key(keystore, request["KeyId"])
    _rotatable(keystore, key, "GetKeyRotationStatus")
    key = _settled(keystore, key)
    enabled = key["rotation_period_days"] is not None
    response: dict[str, Any] = {
        "KeyRotationEnabled": enabled,
        "KeyId": key_arn(keystore, key["key_id"]),
    }
    if enabled:
        response["RotationPeriodInDays"] = key["rotation_period_days"]
        response["NextRotationDate"] = timestamp(key["next_rotation"])
    return response


@handles("RotateKeyOnDemand")
def rotate_key_on_demand(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    with keystore.write():
        key = find_key(keystore, request["KeyId"])
        require_customer_managed(keystore, key, "RotateKeyOnDemand")
        require_state(keystore, key)
        _rotatable(keystore, key, "RotateKeyOnDemand")
        done = sum(
            1
            for row in keystore.list_material(key["key_id"], 0, 10_000)
            if row["rotation_type"] == "ON_DEMAND"
        )
        if done >= MAX_ON_DEMAND_ROTATIONS:
            raise LimitExceededException(
                f"{key_arn(keystore, key['key_id'])} has been rotated on demand "
                f"{MAX_ON_DEMAND_ROTATIONS} times, the most AWS KMS allows."
            )
        _rotate(keystore, key, "ON_DEMAND")
    return {"KeyId": key_arn(keystore, key["key_id"])}


@handles("ListKeyRotations")
def list_key_rotations(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    key = find_key(keystore, request["KeyId"])
    _rotatable(keystore, key, "ListKeyRotations")
    key = _settled(keystore, key)
    limit = request.get("Limit", LIST_ROTATIONS_DEFAULT_LIMIT)
    marker = request.get("Marker")
    # The first material is not a rotation; ALL_KEY_MATERIAL lists it too (AWS's ListKeyRotations).
    after = 0 if request.get("IncludeKeyMaterial") == "ALL_KEY_MATERIAL" else 1
    if marker is not None:
        if not marker.isdigit():
            raise InvalidMarkerException(
                f"Invalid marker '{marker}': pass a NextMarker from ListKeyRotations."
            )
        after = max(int(marker), after)
    if limit < 1:
        raise ValidationException("Limit must be at least 1.")
    rows = keystore.list_material(key["key_id"], after, limit + 1)
    page = rows[:limit]
    response: dict[str, Any] = {"Rotations": [_rotation_entry(key, r) for r in page]}
    if len(rows) > limit:
        response["NextMarker"] = str(page[-1]["version"])
    response["Truncated"] = len(rows) > limit
    return response


def _rotation_entry(key: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    entry = {
        "KeyId": key["key_id"],
        "KeyMaterialId": key_material_id(key["key_id"], row["version"]),
        "KeyMaterialState": "CURRENT"
        if row["version"] == key["current_version"]
        else "NON_CURRENT",
    }
    if key.get("origin") == "EXTERNAL":  # imported material (symmetric keys only rotate)
        entry["ImportState"] = "IMPORTED"
        if key.get("expiration_model") is not None:
            entry["ExpirationModel"] = key["expiration_model"]
        if key.get("valid_to") is not None:
            entry["ValidTo"] = timestamp(key["valid_to"])
    if row["rotation_type"] is not None:  # the first material was made, not rotated in
        entry["RotationDate"] = timestamp(row["created"])
        entry["RotationType"] = row["rotation_type"]
    return entry
