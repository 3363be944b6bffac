"""Key management: CreateKey, DescribeKey, ListKeys and the key lifecycle operations."""

from __future__ import annotations

import os
import re
import uuid
from typing import TYPE_CHECKING, Any

from qkms_cli.engine import keypairs, specs
from qkms_cli.errors import (
    InvalidMarkerException,
    KMSInvalidStateException,
    UnsupportedOperationException,
    ValidationException,
)
from qkms_cli.service import handles
from qkms_cli.service.common import (
    DAY,
    find_key,
    key_arn,
    key_metadata,
    require_state,
    timestamp,
)
from qkms_cli.service.managed import require_customer_managed
from qkms_cli.service.tags import check_new_tags

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

# PendingWindowInDays: the model allows 1..365, AWS enforces 7..30 server-side (default 30).
MIN_PENDING_DAYS = 7
MAX_PENDING_DAYS = 30
# ListKeys Limit default, from the ListKeys documentation.
LIST_KEYS_DEFAULT_LIMIT = 100
_UUID_MARKER = re.compile(r"^[0-9a-f-]{36}$")


def new_material(key_spec: str) -> tuple[bytes, bytes | None]:
    """(secret material, public key or None) for a new key or a new rotation of one."""
    if key_spec == "SYMMETRIC_DEFAULT":
        return os.urandom(32), None
    if specs.is_hmac(key_spec):
        return os.urandom(specs.HMAC_KEY_BYTES[key_spec]), None
    public, private = keypairs.generate_pair(key_spec)
    return private, public


@handles("CreateKey")
def create_key(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    from qkms_cli.service.refusals import check_create_key

    check_create_key(request)
    key_spec = request.get("KeySpec")
    cmk_spec = request.get("CustomerMasterKeySpec")
    if key_spec and cmk_spec and key_spec != cmk_spec:
        raise ValidationException(
            "KeySpec and CustomerMasterKeySpec differ; use KeySpec alone "
            "(CustomerMasterKeySpec is deprecated)."
        )
    key_spec = key_spec or cmk_spec or "SYMMETRIC_DEFAULT"
    if key_spec in specs.UNSUPPORTED_KEY_SPECS:
        raise UnsupportedOperationException(
            f"KeySpec {key_spec} is not supported by qkms. Supported: {', '.join(specs.KEY_SPECS)}."
        )
    key_usage = request.get("KeyUsage") or specs.default_usage(key_spec)
    if key_usage is None:
        raise ValidationException(
            "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys."
        )
    if key_usage not in specs.KEY_SPECS[key_spec]:
        raise ValidationException(f"KeyUsage {key_usage} is not compatible with KeySpec {key_spec}")
    tags = check_new_tags(request.get("Tags", []), existing=set())
    external = request.get("Origin") == "EXTERNAL"
    if external and specs.is_post_quantum(key_spec):
        raise UnsupportedOperationException(
            f"Origin EXTERNAL is not supported for {key_spec} keys: qkms imports symmetric, HMAC, "
            "RSA and ECC key material."
        )
    secret, public = (None, None) if external else new_material(key_spec)
    key_id = str(uuid.uuid4())
    row = {
        "key_id": key_id,
        "created": keystore.now(),
        "description": request.get("Description", ""),
        "key_spec": key_spec,
        "key_usage": key_usage,
        # A key for imported material has none until ImportKeyMaterial (AWS's developer guide).
        "key_state": "PendingImport" if external else "Enabled",
    }
    if external:
        row["origin"] = "EXTERNAL"
    keystore.master_key()  # a passphrase is derived (or asked for) before the write lock is taken
    with keystore.write():
        keystore.insert_key(row)
        if secret is not None:
            keystore.put_material(key_id, 1, key_spec, secret, public_key=public)
        if tags:
            keystore.put_tags(key_id, tags)
        if request.get("Policy") is not None:
            from qkms_cli.store import policies

            # Parsed and checked (lockout safety) by the authorization step before this runs.
            policies.put(keystore, key_id, request["Policy"])
    stored = keystore.get_key(key_id)
    assert stored is not None
    return {"KeyMetadata": key_metadata(keystore, stored)}


@handles("DescribeKey")
def describe_key(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    return {"KeyMetadata": key_metadata(keystore, find_key(keystore, request["KeyId"]))}


@handles("ListKeys")
def list_keys(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    limit = request.get("Limit", LIST_KEYS_DEFAULT_LIMIT)
    marker = request.get("Marker")
    owners = request.get("ResourceOwners")
    if owners is not None and "SELF" not in owners:
        # OTHER_ACCOUNTS_VIA_RAM: keys other accounts share through AWS RAM; there are none here.
        return {"Keys": [], "Truncated": False}
    if marker is not None and not _UUID_MARKER.match(marker):
        raise InvalidMarkerException(f"Invalid marker '{marker}': pass a NextMarker from ListKeys.")
    rows = keystore.list_keys(marker, limit + 1)
    page = rows[:limit]
    response: dict[str, Any] = {
        "Keys": [{"KeyId": r["key_id"], "KeyArn": key_arn(keystore, r["key_id"])} for r in page]
    }
    if len(rows) > limit:
        response["NextMarker"] = page[-1]["key_id"]
    response["Truncated"] = len(rows) > limit
    return response


@handles("EnableKey")
def enable_key(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    with keystore.write():
        key = find_key(keystore, request["KeyId"])
        require_customer_managed(keystore, key, "EnableKey")
        require_state(keystore, key, "Enabled", "Disabled")
        keystore.update_key(key["key_id"], key_state="Enabled")
    return {}


@handles("DisableKey")
def disable_key(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    with keystore.write():
        key = find_key(keystore, request["KeyId"])
        require_customer_managed(keystore, key, "DisableKey")
        require_state(keystore, key, "Enabled", "Disabled")
        keystore.update_key(key["key_id"], key_state="Disabled")
    return {}


@handles("ScheduleKeyDeletion")
def schedule_key_deletion(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    days = request.get("PendingWindowInDays", MAX_PENDING_DAYS)
    if not MIN_PENDING_DAYS <= days <= MAX_PENDING_DAYS:
        raise ValidationException(
            f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to "
            f"satisfy constraint: Member must have minimum value of {MIN_PENDING_DAYS} and "
            f"maximum value of {MAX_PENDING_DAYS}."
        )
    with keystore.write():
        key = find_key(keystore, request["KeyId"])
        require_customer_managed(keystore, key, "ScheduleKeyDeletion")
        require_state(keystore, key, "Enabled", "Disabled", "PendingImport")
        deletion = keystore.now() + days * DAY
        keystore.update_key(
            key["key_id"],
            key_state="PendingDeletion",
            deletion_date=deletion,
            pending_window_days=days,
        )
    return {
        "KeyId": key_arn(keystore, key["key_id"]),
        "DeletionDate": timestamp(deletion),
        "KeyState": "PendingDeletion",
        "PendingWindowInDays": days,
    }


@handles("CancelKeyDeletion")
def cancel_key_deletion(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    with keystore.write():
        key = find_key(keystore, request["KeyId"])
        require_customer_managed(keystore, key, "CancelKeyDeletion")
        if key["key_state"] != "PendingDeletion":
            raise KMSInvalidStateException(
                f"{key_arn(keystore, key['key_id'])} is not pending deletion."
            )
        # AWS leaves a key whose deletion was cancelled Disabled.
        keystore.update_key(
            key["key_id"], key_state="Disabled", deletion_date=None, pending_window_days=None
        )
    return {"KeyId": key_arn(keystore, key["key_id"])}


@handles("UpdateKeyDescription")
def update_key_description(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    with keystore.write():
        key = find_key(keystore, request["KeyId"])
        require_customer_managed(keystore, key, "UpdateKeyDescription")
        require_state(keystore, key, "Enabled", "Disabled", "PendingImport")
        keystore.update_key(key["key_id"], description=request["Description"])
    return {}
