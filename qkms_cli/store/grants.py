"""Grants: who may use a key for which operations, under which encryption context constraints."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

_COLUMNS = "grant_id, key_id, name, created, grantee, retiring, issuer, operations, constraints"


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    row["operations"] = json.loads(row["operations"])
    row["constraints"] = json.loads(row["constraints"]) if row["constraints"] else None
    return row


def insert(keystore: Keystore, grant: dict[str, Any]) -> None:
    with keystore.write():
        keystore._exec(
            f"INSERT INTO grants ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                grant["grant_id"],
                grant["key_id"],
                grant["name"],
                grant["created"],
                grant["grantee"],
                grant["retiring"],
                grant["issuer"],
                json.dumps(grant["operations"]),
                json.dumps(grant["constraints"], sort_keys=True) if grant["constraints"] else None,
            ),
        )


def get(keystore: Keystore, grant_id: str) -> dict[str, Any] | None:
    row = keystore._one(f"SELECT {_COLUMNS} FROM grants WHERE grant_id = ?", (grant_id,))
    return None if row is None else _decode(row)


def for_grantee(keystore: Keystore, key_id: str, grantee: str) -> list[dict[str, Any]]:
    """The grants on key_id whose grantee is exactly grantee."""
    rows = keystore._all(
        f"SELECT {_COLUMNS} FROM grants WHERE key_id = ? AND grantee = ?", (key_id, grantee)
    )
    return [_decode(r) for r in rows]


def named(keystore: Keystore, key_id: str, name: str) -> list[dict[str, Any]]:
    rows = keystore._all(
        f"SELECT {_COLUMNS} FROM grants WHERE key_id = ? AND name = ?", (key_id, name)
    )
    return [_decode(r) for r in rows]


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
        f"SELECT {_COLUMNS} FROM grants WHERE {' AND '.join(where)} ORDER BY grant_id LIMIT ?",
        (*params, limit),
    )
    return [_decode(r) for r in rows]


def delete(keystore: Keystore, grant_id: str) -> bool:
    with keystore.write():
        cur = keystore._exec("DELETE FROM grants WHERE grant_id = ?", (grant_id,))
    return cur.rowcount > 0
