"""Key material beyond what every key has: imported material that is deleted or expires."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore


def delete_imported(keystore: Keystore, key_id: str, *, state: str = "PendingImport") -> None:
    """Remove a key's imported material (every version): the key waits for a reimport.

    Call inside keystore.write(). The fingerprint stays, so only the same material comes back.
    """
    keystore._exec("DELETE FROM key_material WHERE key_id = ?", (key_id,))
    keystore.update_key(key_id, key_state=state, valid_to=None)


def settle_expiry(keystore: Keystore, key: dict[str, Any]) -> dict[str, Any]:
    """An imported key whose ValidTo has passed loses its material, as AWS deletes it then.

    Returns the key's row as it is now; costs nothing for a key whose material never expires.
    """
    valid_to = key.get("valid_to")
    if valid_to is None or valid_to > keystore.now():
        return key
    with keystore.write():
        fresh = keystore.get_key(key["key_id"])
        if fresh is None:
            return key
        if fresh.get("valid_to") is not None and fresh["valid_to"] <= keystore.now():
            # A key pending deletion stays so; any other waits for its material again.
            state = (
                "PendingDeletion" if fresh["key_state"] == "PendingDeletion" else "PendingImport"
            )
            delete_imported(keystore, fresh["key_id"], state=state)
    return keystore.get_key(key["key_id"]) or key
