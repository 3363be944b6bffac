"""Access keys for `qkms serve --auth sigv4`: ids in the clear, secrets sealed under the master key."""

from __future__ import annotations

import base64
import os
from typing import TYPE_CHECKING, Any

from qkms_cli.engine import wrap
from qkms_cli.errors import KeyUnavailableException

if TYPE_CHECKING:
    from qkms_cli.store.rows import KeystoreRows as Keystore

# AWS's forms: a 20-character id, AKIA + 16 of [A-Z2-7]; a 40-character secret of base64 text.
ID_PREFIX = "AKIA"
ACTIVE = "Active"


def _aad(access_key_id: str, user_name: str) -> bytes:
    # The id and the user are bound, so a secret cannot be moved to another key or user's row.
    return wrap.secret_aad("access-key", access_key_id, user_name)


def new_id() -> str:
    return ID_PREFIX + base64.b32encode(os.urandom(10)).decode("ascii")


def new_secret() -> str:
    return base64.b64encode(os.urandom(30)).decode("ascii")


def create(keystore: Keystore, user_name: str) -> dict[str, Any]:
    """A new active access key for user_name: its row, with the secret, in one transaction."""
    keystore.master_key()
    access_key_id, secret = new_id(), new_secret()
    with keystore.write():
        master_key = keystore._current_master()
        now = keystore.now()
        keystore._exec(
            "INSERT INTO access_keys (access_key_id, user_name, status, created, wrapped) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                access_key_id,
                user_name,
                ACTIVE,
                now,
                wrap.wrap(master_key, secret.encode(), _aad(access_key_id, user_name)),
            ),
        )
    return {
        "access_key_id": access_key_id,
        "user_name": user_name,
        "status": ACTIVE,
        "created": now,
        "secret": secret,
    }


def get(keystore: Keystore, access_key_id: str) -> dict[str, Any] | None:
    """The key's row (no secret), or None."""
    return keystore._one(
        "SELECT access_key_id, user_name, status, created FROM access_keys WHERE access_key_id = ?",
        (access_key_id,),
    )


def secret(keystore: Keystore, access_key_id: str) -> tuple[str, str] | None:
    """(user name, secret) of an active key, or None when there is no such active key."""
    row = keystore._one(
        "SELECT user_name, status, wrapped FROM access_keys WHERE access_key_id = ?",
        (access_key_id,),
    )
    if row is None or row["status"] != ACTIVE:
        return None
    try:
        plain = wrap.unwrap(
            keystore.master_key(), row["wrapped"], _aad(access_key_id, row["user_name"])
        )
    except wrap.UnwrapError:
        raise KeyUnavailableException(
            f"The access key {access_key_id} failed authentication: its keystore row was altered."
        ) from None
    return row["user_name"], plain.decode()


def list_keys(keystore: Keystore, user_name: str | None = None) -> list[dict[str, Any]]:
    if user_name is None:
        return keystore._all(
            "SELECT access_key_id, user_name, status, created FROM access_keys "
            "ORDER BY user_name, created"
        )
    return keystore._all(
        "SELECT access_key_id, user_name, status, created FROM access_keys "
        "WHERE user_name = ? ORDER BY created",
        (user_name,),
    )


def delete(keystore: Keystore, access_key_id: str) -> bool:
    with keystore.write():
        cursor = keystore._exec("DELETE FROM access_keys WHERE access_key_id = ?", (access_key_id,))
    return cursor.rowcount > 0


def rewrap(keystore: Keystore, old_key: bytes, new_key: bytes) -> int:
    """Re-seal every access key's secret under a new master key, inside the rekey's transaction."""
    rows = keystore._all("SELECT access_key_id, user_name, wrapped FROM access_keys")
    for row in rows:
        aad = _aad(row["access_key_id"], row["user_name"])
        try:
            plain = wrap.unwrap(old_key, row["wrapped"], aad)
        except wrap.UnwrapError:
            from qkms_cli.errors import KeystoreError

            raise KeystoreError(
                f"Access key {row['access_key_id']} does not authenticate, so the keystore was "
                "not rekeyed. Run `qkms keystore verify`."
            ) from None
        keystore._exec(
            "UPDATE access_keys SET wrapped = ? WHERE access_key_id = ?",
            (wrap.wrap(new_key, plain, aad), row["access_key_id"]),
        )
    return len(rows)


def verify(keystore: Keystore, master_key: bytes) -> tuple[int, list[str]]:
    """Authenticate every access key's secret: (checked, problems), for `keystore verify`."""
    rows = keystore._all("SELECT access_key_id, user_name, wrapped FROM access_keys")
    problems = []
    for row in rows:
        try:
            wrap.unwrap(master_key, row["wrapped"], _aad(row["access_key_id"], row["user_name"]))
        except wrap.UnwrapError:
            problems.append(
                f"access key {row['access_key_id']}: failed authentication (altered, moved or "
                "damaged); `qkms access-keys delete` removes it"
            )
    return len(rows), problems


def empty_keystore(keystore: Keystore) -> None:
    """Remove every key (with its material, aliases and tags) and the pool, in one transaction.

    For `qkms serve --allow-reset`: what test suites written for moto or LocalStack call between
    tests. Access keys and the keystore's own settings stay.
    """
    with keystore.write():
        keystore._exec("DELETE FROM keys")
        keystore._exec("DELETE FROM key_pair_pool")
