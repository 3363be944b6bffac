"""Wrapping stored secrets under the keystore's master key with AES-256-GCM."""

from __future__ import annotations

import os

NONCE_SIZE = 12
MASTER_KEY_SIZE = 32


class UnwrapError(ValueError):
    """A stored secret did not authenticate: wrong master key, or the row was altered or moved."""


def secret_aad(purpose: str, *parts: object) -> bytes:
    """Bind a wrapped secret to its row: purpose, then each identifying part, unambiguously."""
    return "\x1f".join([f"qkms/{purpose}/v1", *(str(p) for p in parts)]).encode()


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
