"""Sealing stored secrets under the master key (AES-256-GCM) and MACing rows (HMAC-SHA256)."""

from __future__ import annotations

import os

NONCE_SIZE = 12
MASTER_KEY_SIZE = 32


class UnwrapError(ValueError):
    """A stored secret did not authenticate: wrong master key, or the row was altered or moved."""


def secret_aad(purpose: str, *parts: object, version: int = 1) -> bytes:
    """Bind a wrapped secret to its row: purpose, then each identifying part, unambiguously.

    Parts are text without the separator (ids, numbers, spec names, hex), so joining them is
    unambiguous; a new layout of a purpose's parts takes the next version.
    """
    return "\x1f".join([f"qkms/{purpose}/v{version}", *(str(p) for p in parts)]).encode()


def wrap(master_key: bytes, secret: bytes, aad: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(NONCE_SIZE)
    return nonce + AESGCM(master_key).encrypt(nonce, secret, aad)


def unwrap(master_key: bytes, wrapped: bytes, aad: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(wrapped) < NONCE_SIZE + 16:
        raise UnwrapError("wrapped secret is truncated")
    try:
        return AESGCM(master_key).decrypt(wrapped[:NONCE_SIZE], wrapped[NONCE_SIZE:], aad)
    except InvalidTag:
        raise UnwrapError("wrapped secret failed authentication") from None


def mac_key(master_key: bytes) -> bytes:
    """The key of the keystore's row MACs: HKDF-SHA256 of the master key, for that use only."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(hashes.SHA256(), MASTER_KEY_SIZE, salt=None, info=b"qkms/row-mac/v1").derive(
        master_key
    )


def _mac_part(value: object) -> bytes:
    # A type tag, then the value: None, 5 and "5" never collide. An integral float is an int:
    # SQLite may hand back 5.0 in a REAL column as written, or 5 after an INTEGER affinity.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if value is None:
        return b"n"
    if isinstance(value, bool):
        raise TypeError("a row MAC takes no booleans (SQLite stores 0 and 1)")
    if isinstance(value, int):
        return b"i" + str(value).encode()
    if isinstance(value, float):
        return b"f" + value.hex().encode()
    if isinstance(value, str):
        return b"s" + value.encode("utf-8", "surrogatepass")
    if isinstance(value, bytes):
        return b"b" + value
    raise TypeError(f"a row MAC takes None, int, float, str or bytes, not {type(value).__name__}")


def mac_message(kind: str, values: list[object] | tuple[object, ...]) -> bytes:
    """The bytes a row MAC covers: kind, then each value, each length-prefixed (unambiguous)."""
    parts = [b"qkms/row/v1", kind.encode(), *(_mac_part(v) for v in values)]
    return b"".join(len(part).to_bytes(4, "big") + part for part in parts)


def row_mac(key: bytes, kind: str, values: list[object] | tuple[object, ...]) -> bytes:
    """HMAC-SHA256 (RFC 2104) of a row's protected values under a key from mac_key()."""
    from cryptography.hazmat.primitives import hashes, hmac

    h = hmac.HMAC(key, hashes.SHA256())
    h.update(mac_message(kind, values))
    return h.finalize()


def check_row_mac(
    key: bytes, kind: str, values: list[object] | tuple[object, ...], tag: object
) -> bool:
    """Whether tag is the row MAC of values, compared in constant time."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, hmac

    if not isinstance(tag, bytes):
        return False
    h = hmac.HMAC(key, hashes.SHA256())
    h.update(mac_message(kind, values))
    try:
        h.verify(tag)
    except InvalidSignature:
        return False
    return True
