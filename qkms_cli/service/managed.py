"""AWS managed keys: `alias/aws/<service>` names a key KMS makes on first use and users cannot manage.

The key is created the first time its alias is used (store/managed.py), as AWS services do through
DescribeKey: symmetric, KeyManager AWS, rotated every year. Users may encrypt and decrypt with it,
describe it and list it, but AWS's key policy for these keys allows no management, so disabling,
deleting, tagging, re-describing or re-policying one is AccessDeniedException, and rotation, which
KMS does every year by itself, is UnsupportedOperationException, as the documentation says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qkms_cli.errors import AccessDeniedException, UnsupportedOperationException
from qkms_cli.service.common import key_arn

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

_ROTATION = {
    "EnableKeyRotation": "You cannot enable or disable automatic rotation of AWS managed KMS keys",
    "DisableKeyRotation": "You cannot enable or disable automatic rotation of AWS managed KMS keys",
    "RotateKeyOnDemand": "You cannot initiate on-demand rotation of AWS managed KMS keys",
}


def require_customer_managed(keystore: Keystore, key: dict[str, Any], op: str) -> None:
    """Refuse op on an AWS managed key as AWS does; customer managed keys pass."""
    if key.get("key_manager") != "AWS":
        return
    arn = key_arn(keystore, key["key_id"])
    if op in _ROTATION:
        raise UnsupportedOperationException(
            f"{_ROTATION[op]}: {arn} is an AWS managed key, and KMS rotates its key material "
            "every year."
        )
    root = f"arn:{keystore.partition[0]}:iam::{keystore.account_id}:root"
    raise AccessDeniedException(
        f"User: {root} is not authorized to perform: kms:{op} on resource: {arn} because no "
        f"resource-based policy allows the kms:{op} action"
    )
