"""Grants: who may use a key for which operations, under which encryption context constraints.

Each row carries a MAC (Keystore.row_mac) over every column that decides what the grant allows:
its id (which its tokens name), key, name, creation date, grantee, retiring principal, issuer,
operations and constraints. A grant edited, moved or planted outside qkms is
KeyUnavailableException wherever it is read to decide anything, never a different decision; only
RevokeGrant removes it unread. A row with no MAC is refused too: no qkms release wrote grants
without one, and a row planted with sqlite3 looks just the same.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from qkms_cli.errors import KeyUnavailableException
from qkms_cli.store import macs

if TYPE_CHECKING:
    from qkms_cli.store.rows import KeystoreRows as Keystore

_KIND = "grant"
_COLUMNS = "grant_id, key_id, name, created, grantee, retiring, issuer, operations, constraints"
_NAMES = tuple(_COLUMNS.split(", "))
_SELECT = f"SELECT {_COLUMNS}, mac FROM grants"


def _fields(row: dict[str, Any]) -> list[object]:
    """What a grant row's MAC covers: each column's name and its value as stored."""
    fields: list[object] = []
    for name in _NAMES:
        fields += [name, row[name]]
    return fields


def _encode(grant: dict[str, Any]) -> dict[str, Any]:
    return {
        "grant_id": grant["grant_id"],
        "key_id": grant["key_id"],
        "name": grant["name"],
        "created": grant["created"],
        "grantee": grant["grantee"],
        "retiring": grant["retiring"],
        "issuer": grant["issuer"],
        "operations": json.dumps(grant["operations"]),
        "constraints": (
            json.dumps(grant["constraints"], sort_keys=True) if grant["constraints"] else None
        ),
    }


def _altered(row: dict[str, Any]) -> KeyUnavailableException:
    why = (
        "has no MAC (planted outside qkms, or written by a development build before grants "
        "were authenticated)"
        if row.get("mac") is None
        else "failed authentication: it was altered outside qkms"
    )
    return KeyUnavailableException(
        f"The grant {row['grant_id']} on key {row['key_id']} {why}, so it allows nothing. Run "
        "`qkms keystore verify`; remove it with `qkms grants revoke --key-id "
        f"{row['key_id']} --grant-id {row['grant_id']}` and create it again, or restore a backup."
    )


def _authentic(keystore: Keystore, row: dict[str, Any]) -> bool:
    return keystore.check_row_mac(_KIND, _fields(row), _bytes(row["mac"]))


def _decode(keystore: Keystore, row: dict[str, Any]) -> dict[str, Any]:
    """The grant of a row whose MAC is checked (whenever the master key is at hand, as key rows
    and key policies are)."""
    if keystore.master_at_hand() and not _authentic(keystore, row):
        raise _altered(row)
    grant = {name: row[name] for name in _NAMES}
    grant["operations"] = json.loads(row["operations"])
    grant["constraints"] = json.loads(row["constraints"]) if row["constraints"] else None
    return grant


def insert(keystore: Keystore, grant: dict[str, Any]) -> None:
    row = _encode(grant)
    with keystore.write():
        mac = keystore.row_mac(_KIND, _fields(row))
        keystore._exec(
            f"INSERT INTO grants ({_COLUMNS}, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*(row[name] for name in _NAMES), mac),
        )


def get(keystore: Keystore, grant_id: str, *, checked: bool = True) -> dict[str, Any] | None:
    """The grant, its MAC checked; unchecked only to remove it (RevokeGrant)."""
    row = keystore._one(f"{_SELECT} WHERE grant_id = ?", (grant_id,))
    if row is None:
        return None
    if not checked:
        return {"grant_id": row["grant_id"], "key_id": row["key_id"]}
    return _decode(keystore, row)


def for_grantee(keystore: Keystore, key_id: str, grantee: str) -> list[dict[str, Any]]:
    """The grants on key_id whose grantee is exactly grantee."""
    rows = keystore._all(f"{_SELECT} WHERE key_id = ? AND grantee = ?", (key_id, grantee))
    return [_decode(keystore, r) for r in rows]


def named(keystore: Keystore, key_id: str, name: str) -> list[dict[str, Any]]:
    rows = keystore._all(f"{_SELECT} WHERE key_id = ? AND name = ?", (key_id, name))
    return [_decode(keystore, r) for r in rows]


def page(
    keystore: Keystore,
    *,
    key_id: str | None = None,
    retiring: str | None = None,
    grant_id: str | None = None,
    grantee: str | None = None,
    after: str | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Grants ordered by grant id, after the marker, filtered as ListGrants and
    ListRetirableGrants ask."""
    where, params = ["grant_id > ?"], [after or ""]
    for column, value in (
        ("key_id", key_id),
        ("retiring", retiring),
        ("grant_id", grant_id),
        ("grantee", grantee),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    rows = keystore._all(
        f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY grant_id LIMIT ?", (*params, limit)
    )
    return [_decode(keystore, r) for r in rows]


def delete(keystore: Keystore, grant_id: str) -> bool:
    with keystore.write():
        cur = keystore._exec("DELETE FROM grants WHERE grant_id = ?", (grant_id,))
    return cur.rowcount > 0


def verify(keystore: Keystore, mac_key: bytes) -> list[str]:
    """A problem for each grant row whose MAC does not match (for `keystore verify`)."""
    return macs.problems(
        keystore._all(f"{_SELECT} ORDER BY key_id, grant_id"),
        mac_key,
        _KIND,
        _fields,
        missing=lambda row: (
            f"key {row['key_id']}: its grant {row['grant_id']} has no MAC (planted outside "
            "qkms, or written by a development build); revoke it and create it again"
        ),
        altered=lambda row: (
            f"key {row['key_id']}: its grant {row['grant_id']} failed authentication "
            "(altered outside qkms)"
        ),
    )


def remac(keystore: Keystore, old_mac_key: bytes, new_mac_key: bytes) -> None:
    """Re-MAC every grant row under a new master key (inside `keystore rekey`'s transaction)."""
    remade = macs.remade(
        keystore._all(_SELECT),
        old_mac_key,
        new_mac_key,
        _KIND,
        _fields,
        what=lambda row: f"The grant {row['grant_id']} on key {row['key_id']}",
    )
    keystore._many(
        "UPDATE grants SET mac = ? WHERE grant_id = ?",
        [(mac, row["grant_id"]) for mac, row in remade],
    )


_bytes = macs.stored
