"""Key policies: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies (the one policy name is `default`).

The authorization step (service/authz.py) parses a new policy and applies AWS's lockout safety
check before PutKeyPolicy or CreateKey runs; these handlers store and read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qkms_cli.errors import InvalidMarkerException, NotFoundException
from qkms_cli.service import handles
from qkms_cli.service.common import find_key, key_arn, require_state

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

POLICY_NAME = "default"


def _policy_name(keystore: Keystore, request: dict[str, Any], key: dict[str, Any]) -> None:
    name = request.get("PolicyName", POLICY_NAME)
    if name != POLICY_NAME:
        raise NotFoundException(
            f"Key policy {name!r} does not exist on {key_arn(keystore, key['key_id'])}: a key "
            f"has one policy, named {POLICY_NAME!r}."
        )


def policy_text(keystore: Keystore, key_id: str) -> str:
    """The key's policy, or the default key policy AWS gives a key created without one."""
    from qkms_cli.service.authz import partition
    from qkms_cli.service.policy import default_policy
    from qkms_cli.store import policies

    text = policies.get(keystore, key_id)
    return text if text is not None else default_policy(partition(keystore), keystore.account_id)


@handles("GetKeyPolicy")
def get_key_policy(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    key = find_key(keystore, request["KeyId"], allow_alias=False)
    _policy_name(keystore, request, key)
    return {"Policy": policy_text(keystore, key["key_id"]), "PolicyName": POLICY_NAME}


@handles("PutKeyPolicy")
def put_key_policy(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    from qkms_cli.store import policies

    with keystore.write():
        key = find_key(keystore, request["KeyId"], allow_alias=False)
        _policy_name(keystore, request, key)
        require_state(keystore, key, "Enabled", "Disabled", "PendingImport")
        policies.put(keystore, key["key_id"], request["Policy"])
    return {}


@handles("ListKeyPolicies")
def list_key_policies(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    find_key(keystore, request["KeyId"], allow_alias=False)
    marker = request.get("Marker")
    if marker is not None:
        raise InvalidMarkerException(f"Invalid marker '{marker}': a key has one policy.")
    return {"PolicyNames": [POLICY_NAME], "Truncated": False}
