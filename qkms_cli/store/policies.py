"""Key policies: one row a key when one was set; no row means AWS's default key policy."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore


def get(keystore: Keystore, key_id: str) -> str | None:
    """The key's policy document as it was put, None when the key has the default policy."""
    row = keystore._one("SELECT policy FROM key_policies WHERE key_id = ?", (key_id,))
    return None if row is None else str(row["policy"])


def put(keystore: Keystore, key_id: str, policy: str) -> None:
    """Set the key's policy (inside the caller's write transaction, or in one of its own)."""
    with keystore.write():
        keystore._exec(
            "INSERT INTO key_policies (key_id, policy, updated) VALUES (?, ?, ?) "
            "ON CONFLICT (key_id) DO UPDATE SET policy = excluded.policy, "
            "updated = excluded.updated",
            (key_id, policy, keystore.now()),
        )
