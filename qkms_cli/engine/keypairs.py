"""Asymmetric key pairs by KeySpec: generation and DER serialisation (SPKI and PKCS#8)."""

from __future__ import annotations

from typing import Any

_RSA_BITS = {"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}
_CURVES = {
    "ECC_NIST_P256": "SECP256R1",
    "ECC_NIST_P384": "SECP384R1",
    "ECC_NIST_P521": "SECP521R1",
    "ECC_SECG_P256K1": "SECP256K1",
}


def generate_private_key(spec: str) -> Any:
    """A fresh private key object for an RSA_*, ECC_* or ECC_NIST_EDWARDS25519 spec."""
    if spec in _RSA_BITS:
        from cryptography.hazmat.primitives.asymmetric import rsa

        return rsa.generate_private_key(public_exponent=65537, key_size=_RSA_BITS[spec])
    if spec in _CURVES:
        from cryptography.hazmat.primitives.asymmetric import ec

        return ec.generate_private_key(getattr(ec, _CURVES[spec])())
    if spec == "ECC_NIST_EDWARDS25519":
        from cryptography.hazmat.primitives.asymmetric import ed25519

        return ed25519.Ed25519PrivateKey.generate()
    raise ValueError(f"not an asymmetric key spec: {spec}")


def private_der(private_key: Any) -> bytes:
    """DER PKCS#8 PrivateKeyInfo (RFC 5958), unencrypted."""
    from cryptography.hazmat.primitives import serialization

    return private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_der(private_key: Any) -> bytes:
    """DER SubjectPublicKeyInfo (RFC 5280) of the key's public half."""
    from cryptography.hazmat.primitives import serialization

    return private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def generate_pair(spec: str) -> tuple[bytes, bytes]:
    """(public SPKI DER, private PKCS#8 DER) of a fresh pair."""
    from qkms_cli.engine import der

    key = generate_private_key(spec)
    # EC and Ed25519 encodings are written directly: cryptography's serializer costs ~7 ms to load.
    return der.encode_pair(key) or (public_der(key), private_der(key))


def load_private(der: bytes) -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization.load_der_private_key(der, password=None)
