"""AWS managed keys, made on the first use of their `alias/aws/<service>` name."""

from __future__ import annotations

import os
import re
import uuid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

# The names AWS services use: alias/aws/s3, alias/aws/secretsmanager, alias/aws/elasticfilesystem...
AWS_MANAGED_ALIAS = re.compile(r"^alias/aws/[a-z0-9][a-z0-9-]{0,63}$")
# AWS managed keys rotate every year (EnableKeyRotation documentation, since May 2022).
ROTATION_DAYS = 365


def ensure(keystore: Keystore, alias_name: str) -> dict[str, Any] | None:
    """The alias row of an AWS managed key, making the key on first use; None for another name."""
    if not AWS_MANAGED_ALIAS.match(alias_name):
        return None
    service = alias_name[len("alias/aws/") :]
    keystore.master_key()  # a passphrase is asked for before the write lock is taken
    with keystore.write():
        found = keystore.get_alias(alias_name)  # another process may have made it meanwhile
        if found is not None:
            return found
        key_id = str(uuid.uuid4())
        now = keystore.now()
        keystore.insert_key(
            {
                "key_id": key_id,
                "created": now,
                "description": f"Default key that protects my {service} data when no other key "
                "is defined",
                "key_spec": "SYMMETRIC_DEFAULT",
                "key_usage": "ENCRYPT_DECRYPT",
                "key_state": "Enabled",
                "key_manager": "AWS",
                "rotation_period_days": ROTATION_DAYS,
                "next_rotation": now + ROTATION_DAYS * 86400.0,
            }
        )
        keystore.put_material(key_id, 1, "SYMMETRIC_DEFAULT", os.urandom(32))
        keystore.insert_alias(alias_name, key_id)
    return keystore.get_alias(alias_name)
