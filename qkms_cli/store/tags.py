"""Tags: a key's tag keys and values, each row carrying a MAC (Keystore.row_mac).

The MAC covers the key id, the tag key and the tag value, so a tag edited, moved to another key
or planted outside qkms cannot satisfy an aws:ResourceTag condition: reading the key's tags for
a policy's condition, or listing them, is KeyUnavailableException. UntagResource removes such a
tag unread and TagResource replaces it. A row with no MAC is refused, as aliases without one are
(store/aliases.py). What a row MAC cannot show is a row deleted outside qkms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qkms_cli.errors import ApiError, KeyUnavailableException
from qkms_cli.store import macs

if TYPE_CHECKING:
    from qkms_cli.store.rows import KeystoreRows as Keystore

_KIND = "tag"
_SELECT = "SELECT key_id, tag_key, tag_value, mac FROM tags"


def _fields(key_id: str, tag_key: str, tag_value: str) -> list[object]:
    return ["key_id", key_id, "tag_key", tag_key, "tag_value", tag_value]


def _row_fields(row: dict[str, Any]) -> list[object]:
    return _fields(row["key_id"], row["tag_key"], row["tag_value"])


def _altered(row: dict[str, Any]) -> ApiError:
    why = (
        "has no MAC (planted outside qkms, or left without one by the upgrade that "
        "authenticated tags)"
        if row["mac"] is None
        else "failed authentication: it was altered outside qkms"
    )
    return KeyUnavailableException(
        f"The tag {row['tag_key']} of key {row['key_id']} {why}, so the key's tags decide "
        "nothing. Run `qkms keystore verify`; remove it with `qkms keys untag --key-id "
        f"{row['key_id']} --tag-keys {row['tag_key']}` and tag the key again, or restore a backup."
    )


def page(
    keystore: Keystore,
    key_id: str,
    after: str | None,
    limit: int,
    *,
    checked: bool,
    skip_altered: bool = False,
) -> list[dict[str, Any]]:
    """The key's tags after `after` by tag key, each checked (once per distinct row in a
    process) if asked: one that fails is KeyUnavailableException, or left out with
    skip_altered."""
    rows = keystore._all(
        f"{_SELECT} WHERE key_id = ? AND tag_key > ? ORDER BY tag_key LIMIT ?",
        (key_id, after or "", limit),
    )
    found = []
    for row in rows:
        if checked:
            mac = _bytes(row["mac"])
            if mac is None or not keystore.check_row_mac_once(_KIND, _row_fields(row), mac):
                if skip_altered:
                    continue
                raise _altered(row)
        found.append({"tag_key": row["tag_key"], "tag_value": row["tag_value"]})
    return found


def tag_keys(keystore: Keystore, key_id: str) -> set[str]:
    """The key's tag keys, unchecked: they only count towards the limit of tags a key holds."""
    return {
        r["tag_key"] for r in keystore._all("SELECT tag_key FROM tags WHERE key_id = ?", (key_id,))
    }


def put(keystore: Keystore, key_id: str, tags: dict[str, str]) -> None:
    """Add or replace tags, each with its MAC (a replaced row that failed is made anew)."""
    with keystore.write():
        keystore._many(
            "INSERT INTO tags (key_id, tag_key, tag_value, mac) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (key_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value, "
            "mac = excluded.mac",
            [
                (key_id, k, v, keystore.row_mac(_KIND, _fields(key_id, k, v)))
                for k, v in tags.items()
            ],
        )


def delete(keystore: Keystore, key_id: str, tag_keys: list[str]) -> None:
    with keystore.write():
        keystore._many(
            "DELETE FROM tags WHERE key_id = ? AND tag_key = ?", [(key_id, k) for k in tag_keys]
        )


def seal_legacy(keystore: Keystore) -> int:
    """MAC the tags written before tags carried MACs; run by the migration that added the
    column, in its transaction. Returns how many."""
    rows = keystore._all(f"{_SELECT} WHERE mac IS NULL")
    keystore._many(
        "UPDATE tags SET mac = ? WHERE key_id = ? AND tag_key = ?",
        [(keystore.row_mac(_KIND, _row_fields(r)), r["key_id"], r["tag_key"]) for r in rows],
    )
    return len(rows)


def verify(keystore: Keystore, mac_key: bytes) -> list[str]:
    """A problem for each tag row whose MAC does not match (for `keystore verify`)."""
    return macs.problems(
        keystore._all(f"{_SELECT} ORDER BY key_id, tag_key"),
        mac_key,
        _KIND,
        _row_fields,
        missing=lambda row: (
            f"key {row['key_id']}: its tag {row['tag_key']} has no MAC (planted outside "
            "qkms); untag it and tag the key again"
        ),
        altered=lambda row: (
            f"key {row['key_id']}: its tag {row['tag_key']} failed authentication "
            "(altered outside qkms)"
        ),
    )


def remac(keystore: Keystore, old_mac_key: bytes, new_mac_key: bytes) -> None:
    """Re-MAC every tag row under a new master key (inside `keystore rekey`'s transaction)."""
    remade = macs.remade(
        keystore._all(_SELECT),
        old_mac_key,
        new_mac_key,
        _KIND,
        _row_fields,
        what=lambda row: f"The tag {row['tag_key']} of key {row['key_id']}",
    )
    keystore._many(
        "UPDATE tags SET mac = ? WHERE key_id = ? AND tag_key = ?",
        [(mac, row["key_id"], row["tag_key"]) for mac, row in remade],
    )


_bytes = macs.stored
