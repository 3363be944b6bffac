"""Key policies: one row a key when one was set; no row means AWS's default key policy.

Each row carries a MAC (Keystore.row_mac) over the key id and the policy document, so a policy
edited outside qkms is KeyUnavailableException, never a different decision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qkms_cli.errors import KeyUnavailableException
from qkms_cli.store import macs

if TYPE_CHECKING:
    from qkms_cli.store.rows import KeystoreRows as Keystore

_KIND = "key-policy"


def _fields(key_id: str, policy: str) -> list[object]:
    return ["key_id", key_id, "policy", policy]


def get(keystore: Keystore, key_id: str) -> str | None:
    """The key's policy document as it was put, None when the key has the default policy.

    Its MAC is checked whenever the master key is at hand (as key rows are: Keystore.get_key),
    and then the checked answer is kept while the keystore does not change (Keystore.cached).
    """
    if not keystore.master_at_hand():
        row = keystore._one("SELECT policy FROM key_policies WHERE key_id = ?", (key_id,))
        return None if row is None else str(row["policy"])
    # Kept as (policy,): "no policy row" is an answer worth keeping too.
    found: tuple[str | None] = keystore.cached(
        "policy", key_id, lambda: (_checked(keystore, key_id),)
    )
    return found[0]


def _checked(keystore: Keystore, key_id: str) -> str | None:
    row = keystore._one("SELECT policy, mac FROM key_policies WHERE key_id = ?", (key_id,))
    if row is None:
        return None
    policy = str(row["policy"])
    if not keystore.check_row_mac(_KIND, _fields(key_id, policy), _bytes(row["mac"])):
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


def _row_fields(row: dict[str, object]) -> list[object]:
    return _fields(str(row["key_id"]), str(row["policy"]))


def verify(keystore: Keystore, mac_key: bytes) -> list[str]:
    """A problem for each policy row whose MAC does not match (for `keystore verify`)."""
    return macs.problems(
        keystore._all("SELECT key_id, policy, mac FROM key_policies ORDER BY key_id"),
        mac_key,
        _KIND,
        _row_fields,
        altered=lambda row: (
            f"key {row['key_id']}: its key policy failed authentication (altered outside qkms)"
        ),
    )


def remac(keystore: Keystore, old_mac_key: bytes, new_mac_key: bytes) -> None:
    """Re-MAC every policy row under a new master key (inside `keystore rekey`'s transaction)."""
    remade = macs.remade(
        keystore._all("SELECT key_id, policy, mac FROM key_policies"),
        old_mac_key,
        new_mac_key,
        _KIND,
        _row_fields,
        what=lambda row: f"The key policy of key {row['key_id']}",
    )
    keystore._many(
        "UPDATE key_policies SET mac = ? WHERE key_id = ?",
        [(mac, row["key_id"]) for mac, row in remade],
    )


_bytes = macs.stored
