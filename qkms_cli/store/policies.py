"""Key policies: one row a key when one was set; no row means AWS's default key policy.

Each row carries a MAC (Keystore.row_mac) over the key id and the policy document, so a policy
edited outside qkms is KeyUnavailableException, never a different decision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qkms_cli.errors import KeystoreError, KeyUnavailableException

if TYPE_CHECKING:
    from qkms_cli.store.rows import KeystoreRows as Keystore

_KIND = "key-policy"


def _fields(key_id: str, policy: str) -> list[object]:
    return ["key_id", key_id, "policy", policy]


def get(keystore: Keystore, key_id: str) -> str | None:
    """The key's policy document as it was put, None when the key has the default policy.

    Its MAC is checked whenever the master key is at hand (as key rows are: Keystore.get_key).
    """
    row = keystore._one("SELECT policy, mac FROM key_policies WHERE key_id = ?", (key_id,))
    if row is None:
        return None
    policy = str(row["policy"])
    if keystore.master_at_hand() and not keystore.check_row_mac(
        _KIND, _fields(key_id, policy), _bytes(row["mac"])
    ):
        raise KeyUnavailableException(
            f"The key policy of key {key_id} failed authentication: it was altered outside "
            "qkms. Run `qkms keystore verify`; restore a backup or put the policy again."
        )
    return policy


def put(keystore: Keystore, key_id: str, policy: str) -> None:
    """Set the key's policy (inside the caller's write transaction, or in one of its own)."""
    with keystore.write():
        mac = keystore.row_mac(_KIND, _fields(key_id, policy))
        keystore._exec(
            "INSERT INTO key_policies (key_id, policy, updated, mac) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (key_id) DO UPDATE SET policy = excluded.policy, "
            "updated = excluded.updated, mac = excluded.mac",
            (key_id, policy, keystore.now(), mac),
        )


def verify(keystore: Keystore, mac_key: bytes) -> list[str]:
    """A problem for each policy row whose MAC does not match (for `keystore verify`)."""
    from qkms_cli.engine import wrap

    return [
        f"key {row['key_id']}: its key policy failed authentication (altered outside qkms)"
        for row in keystore._all("SELECT key_id, policy, mac FROM key_policies ORDER BY key_id")
        if not wrap.check_row_mac(
            mac_key, _KIND, _fields(row["key_id"], str(row["policy"])), _bytes(row["mac"])
        )
    ]


def remac(keystore: Keystore, old_mac_key: bytes, new_mac_key: bytes) -> None:
    """Re-MAC every policy row under a new master key (inside `keystore rekey`'s transaction)."""
    from qkms_cli.engine import wrap

    for row in keystore._all("SELECT key_id, policy, mac FROM key_policies"):
        fields = _fields(row["key_id"], str(row["policy"]))
        if not wrap.check_row_mac(old_mac_key, _KIND, fields, _bytes(row["mac"])):
            raise KeystoreError(
                f"The key policy of key {row['key_id']} does not authenticate, so the keystore "
                "was not rekeyed. Run `qkms keystore verify`."
            )
        keystore._exec(
            "UPDATE key_policies SET mac = ? WHERE key_id = ?",
            (wrap.row_mac(new_mac_key, _KIND, fields), row["key_id"]),
        )


def _bytes(value: object) -> object:
    # PostgreSQL hands BYTEA back as memoryview.
    return bytes(value) if isinstance(value, memoryview) else value
