"""Access keys for `qkms serve --auth sigv4`, shaped like IAM's CreateAccessKey and friends.

These are the keystore owner's commands (`qkms access-keys ...`), not API operations: no HTTP
request can create or list access keys.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from qkms_cli.errors import NotFoundException, ParamValidationError
from qkms_cli.service.common import timestamp, user_arn
from qkms_cli.store import access_keys as store

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

# IAM's UserName: 1..64 of [\w+=,.@-] (the model's pattern).
_USER_NAME = re.compile(r"^[\w+=,.@-]{1,64}$", re.ASCII)
_KEY_ID = re.compile(r"^[A-Z0-9]{16,128}$")


def _metadata(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "UserName": row["user_name"],
        "AccessKeyId": row["access_key_id"],
        "Status": row["status"],
        "CreateDate": timestamp(row["created"]),
    }


def create(keystore: Keystore, user_name: str) -> dict[str, Any]:
    """`aws iam create-access-key`'s answer: the only time the secret is shown."""
    if not _USER_NAME.match(user_name):
        raise ParamValidationError(
            f"Invalid value for --user-name: {user_name[:80]!r}. A user name is 1 to 64 letters, "
            "digits and +=,.@_- (as IAM's).",
            member="user-name",
        )
    row = store.create(keystore, user_name)
    meta = _metadata(row)
    return {
        "AccessKey": {
            "UserName": meta["UserName"],
            "AccessKeyId": meta["AccessKeyId"],
            "Status": meta["Status"],
            "SecretAccessKey": row["secret"],
            "CreateDate": meta["CreateDate"],
        }
    }


def list_keys(keystore: Keystore, user_name: str | None = None) -> dict[str, Any]:
    """`aws iam list-access-keys`'s answer (every user's keys when no user is named)."""
    rows = store.list_keys(keystore, user_name)
    return {"AccessKeyMetadata": [_metadata(r) for r in rows], "IsTruncated": False}


def delete(keystore: Keystore, access_key_id: str) -> dict[str, Any]:
    if not _KEY_ID.match(access_key_id) or not store.delete(keystore, access_key_id):
        raise NotFoundException(f"The Access Key with id {access_key_id[:128]} cannot be found.")
    return {}


def credentials(keystore: Keystore, access_key_id: str) -> tuple[str, str] | None:
    """(principal ARN, secret) of an active access key, for SigV4; None for an unknown key."""
    if not _KEY_ID.match(access_key_id):
        return None
    found = store.secret(keystore, access_key_id)
    if found is None:
        return None
    user_name, secret = found
    return user_arn(keystore, user_name), secret


def reset_keystore(keystore: Keystore) -> None:
    """Empty the keystore of keys, aliases, tags and pooled pairs (`qkms serve --allow-reset`)."""
    store.empty_keystore(keystore)
