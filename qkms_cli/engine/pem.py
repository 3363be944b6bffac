"""DER keys to PEM: SubjectPublicKeyInfo as "PUBLIC KEY", PKCS#8 as "PRIVATE KEY"."""

from __future__ import annotations

PUBLIC = "public"
PRIVATE = "private"


def to_pem(der: bytes, kind: str) -> bytes:
    """Re-encode a DER public (SPKI) or private (PKCS#8) key as PEM; ValueError if it is not one.

    The DER is parsed, not just wrapped, so a file that says PRIVATE KEY always holds one that
    openssl and every other reader accept.
    """
    from cryptography.hazmat.primitives import serialization

    if kind == PUBLIC:
        public = serialization.load_der_public_key(der)
        return public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    if kind == PRIVATE:
        private = serialization.load_der_private_key(der, password=None)
        return private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    raise ValueError(f"unknown key kind {kind!r}: expected {PUBLIC!r} or {PRIVATE!r}")
