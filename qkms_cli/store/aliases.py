"""Aliases: a name and the key it stands for, each row carrying a MAC (Keystore.row_mac).

The MAC covers the alias name, its target key id and its creation and update dates. An alias
repointed or planted outside qkms names no key: resolving it (every call given alias/NAME),
ListAliases and the kms:ResourceAliases condition are KeyUnavailableException, never a call on
another key; only DeleteAlias removes it unread. A row with no MAC is refused too, as a grant
without one is: the aliases of an older keystore got theirs from the migration that added the
column (seal_legacy), and a row planted with sqlite3 afterwards looks just the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qkms_cli.errors import ApiError, KeyUnavailableException
from qkms_cli.store import macs

if TYPE_CHECKING:
    from qkms_cli.store.rows import KeystoreRows as Keystore

_KIND = "alias"
_NAMES = ("name", "key_id", "created", "updated")
_SELECT = "SELECT name, key_id, created, updated, mac FROM aliases"


def _fields(row: dict[str, Any]) -> list[object]:
    """What an alias row's MAC covers: each column's name and its value as stored."""
    fields: list[object] = []
    for name in _NAMES:
        fields += [name, row[name]]
    return fields


def _altered(row: dict[str, Any]) -> ApiError:
    why = (
        "has no MAC (planted outside qkms, or left without one by the upgrade that "
        "authenticated aliases)"
        if row["mac"] is None
        else "failed authentication: its target key or dates were altered outside qkms"
    )
    return KeyUnavailableException(
        f"The alias {row['name']} {why}, so it names no key. Run `qkms keystore verify`; "
        f"remove it with `qkms aliases delete --alias-name {row['name']}` and create it again, "
        "or restore a backup."
    )


def _checked(keystore: Keystore, row: dict[str, Any]) -> dict[str, Any]:
    """The alias of a row whose MAC holds (checked once per distinct row in a process)."""
    mac = _bytes(row["mac"])
    if mac is None or not keystore.check_row_mac_once(_KIND, _fields(row), mac):
        raise _altered(row)
    return {name: row[name] for name in _NAMES}


def get(keystore: Keystore, name: str, *, checked: bool = True) -> dict[str, Any] | None:
    """The alias named name, its MAC checked (the master key obtained, asked for if need be):
    it decides which key a call uses. Unchecked only to test that the name is taken or to
    remove the alias (DeleteAlias)."""
    row = keystore._one(f"{_SELECT} WHERE name = ?", (name,))
    if row is None:
        return None
    if not checked:
        return {n: row[n] for n in _NAMES}
    return _checked(keystore, row)


def page(
    keystore: Keystore,
    key_id: str | None,
    after: str | None,
    limit: int,
    *,
    checked: bool,
    skip_altered: bool = False,
) -> list[dict[str, Any]]:
    """The aliases after `after` by name (of key_id only, when given), each checked if asked:
    one that fails is KeyUnavailableException, or left out with skip_altered."""
    if key_id is None:
        rows = keystore._all(
            f"{_SELECT} WHERE name > ? ORDER BY name LIMIT ?", (after or "", limit)
        )
    else:
        rows = keystore._all(
            f"{_SELECT} WHERE key_id = ? AND name > ? ORDER BY name LIMIT ?",
            (key_id, after or "", limit),
        )
    if not checked:
        return [{n: r[n] for n in _NAMES} for r in rows]
    found = []
    for row in rows:
        try:
            found.append(_checked(keystore, row))
        except KeyUnavailableException:
            if not skip_altered:
                raise
    return found


def insert(keystore: Keystore, name: str, key_id: str) -> None:
    now = keystore.now()
    row = {"name": name, "key_id": key_id, "created": now, "updated": now}
    with keystore.write():
        mac = keystore.row_mac(_KIND, _fields(row))
        keystore._exec(
            "INSERT INTO aliases (name, key_id, created, updated, mac) VALUES (?, ?, ?, ?, ?)",
            (*(row[n] for n in _NAMES), mac),
        )


def retarget(keystore: Keystore, name: str, key_id: str) -> None:
    """Point the alias at key_id; only an alias that authenticates is re-MACed."""
    with keystore.write():
        current = get(keystore, name)
        if current is None:
            return
        row = {**current, "key_id": key_id, "updated": keystore.now()}
        mac = keystore.row_mac(_KIND, _fields(row))
        keystore._exec(
            "UPDATE aliases SET key_id = ?, updated = ?, mac = ? WHERE name = ?",
            (key_id, row["updated"], mac, name),
        )


def delete(keystore: Keystore, name: str) -> None:
    with keystore.write():
        keystore._exec("DELETE FROM aliases WHERE name = ?", (name,))


def seal_legacy(keystore: Keystore) -> int:
    """MAC the aliases written before aliases carried MACs; run by the migration that added
    the column, in its transaction. Returns how many."""
    rows = keystore._all(f"{_SELECT} WHERE mac IS NULL")
    for row in rows:
        keystore._exec(
            "UPDATE aliases SET mac = ? WHERE name = ?",
            (keystore.row_mac(_KIND, _fields(row)), row["name"]),
        )
    return len(rows)


def verify(keystore: Keystore, mac_key: bytes) -> list[str]:
    """A problem for each alias row whose MAC does not match (for `keystore verify`)."""
    return macs.problems(
        keystore._all(f"{_SELECT} ORDER BY name"),
        mac_key,
        _KIND,
        _fields,
        missing=lambda row: (
            f"alias {row['name']}: has no MAC (planted outside qkms); delete it and create it again"
        ),
        altered=lambda row: (
            f"alias {row['name']}: failed authentication (its target key or dates altered "
            "outside qkms)"
        ),
    )


def remac(keystore: Keystore, old_mac_key: bytes, new_mac_key: bytes) -> None:
    """Re-MAC every alias row under a new master key (inside `keystore rekey`'s transaction)."""
    remade = macs.remade(
        keystore._all(_SELECT),
        old_mac_key,
        new_mac_key,
        _KIND,
        _fields,
        what=lambda row: f"The alias {row['name']}",
    )
    keystore._many(
        "UPDATE aliases SET mac = ? WHERE name = ?", [(mac, row["name"]) for mac, row in remade]
    )


_bytes = macs.stored
