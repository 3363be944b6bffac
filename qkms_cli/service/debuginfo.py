"""What `--debug` shows about a call: the keystore, its master key mode, the key a request names."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qkms_cli.errors import QkmsError

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

# Request members that name a key, in the order they are reported.
_KEY_MEMBERS = ("KeyId", "TargetKeyId", "SourceKeyId", "DestinationKeyId")
# Request members whose blob header names the key that sealed it.
_BLOB_MEMBERS = ("CiphertextBlob", "PrivateKeyCiphertextBlob")


def master_mode(keystore: Keystore) -> str:
    """keyfile, passphrase or external; read from the keystore's metadata, no secret needed."""
    try:
        return str(keystore.meta("master_mode"))
    except Exception as exc:  # a damaged keystore: the debug line says so instead
        return f"unreadable ({type(exc).__name__})"


def describe(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    """Facts for a person debugging a call; never a secret value, and never an error of its own.

    Keys: Keystore (the database's path), MasterKeyMode, and per key-naming member
    "Member -> ARN" (or why it does not resolve).
    """
    from qkms_cli.service.common import find_key, key_arn

    facts: dict[str, Any] = {"Keystore": str(keystore.path), "MasterKeyMode": master_mode(keystore)}
    keys: dict[str, str] = {}
    for member in _KEY_MEMBERS:
        ref = request.get(member)
        if isinstance(ref, str):
            try:
                keys[member] = key_arn(keystore, find_key(keystore, ref)["key_id"])
            except QkmsError as exc:
                keys[member] = f"not resolved ({exc.code})"
    for member in _BLOB_MEMBERS:
        data = request.get(member)
        if isinstance(data, (bytes, bytearray)) and "KeyId" not in keys:
            from qkms_cli.engine import blob

            try:
                keys[f"{member} (sealed by)"] = key_arn(
                    keystore, blob.unpack_header(bytes(data)).key_id
                )
            except blob.BlobFormatError:
                keys[f"{member} (sealed by)"] = "not a qkms blob"
    facts["Keys"] = keys
    return facts
