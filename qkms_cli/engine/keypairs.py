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

    if spec.startswith("ML_"):
        from qkms_cli.engine import pq

        return pq.generate_pair(spec)
    key = generate_private_key(spec)
    # EC and Ed25519 encodings are written directly: cryptography's serializer costs ~7 ms to load.
    return der.encode_pair(key) or (public_der(key), private_der(key))


def load_private(der: bytes) -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization.load_der_private_key(der, password=None)


def load_private_pem(pem: bytes) -> Any:
    """A PEM private key (PKCS#8, or OpenSSL's traditional RSA and EC forms), unencrypted."""
    from cryptography.hazmat.primitives import serialization

    return serialization.load_pem_private_key(pem, password=None)


def spec_of(private_key: Any) -> str | None:
    """The KMS KeySpec of a private key object, or None when KMS has no spec for it."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    if isinstance(private_key, rsa.RSAPrivateKey):
        return next((s for s, bits in _RSA_BITS.items() if bits == private_key.key_size), None)
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        name = type(private_key.curve).__name__
        return next((s for s, curve in _CURVES.items() if curve == name), None)
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        return "ECC_NIST_EDWARDS25519"
    name = type(private_key).__name__  # MLDSA65PrivateKey -> ML_DSA_65
    for family in ("MLDSA", "MLKEM"):
        if name.startswith(family) and name.endswith("PrivateKey"):
            return f"ML_{family[2:]}_{name[len(family) : -len('PrivateKey')]}"
    return None


def load_peer_public_key(der: bytes, key_spec: str) -> Any:
    """A peer's DER SubjectPublicKeyInfo on the curve of key_spec; ValueError naming the fault."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        key = serialization.load_der_public_key(der)
    except (ValueError, TypeError):
        raise ValueError(
            "PublicKey is not a DER-encoded X.509 SubjectPublicKeyInfo (pass the peer's public "
            "key as GetPublicKey returns it, or `openssl pkey -pubout -outform DER`)."
        ) from None
    wanted = _CURVES.get(key_spec)
    if not isinstance(key, ec.EllipticCurvePublicKey) or type(key.curve).__name__ != wanted:
        raise ValueError(
            f"PublicKey is not an elliptic curve key on the KMS key's curve ({key_spec}): both "
            "key pairs must use the same curve."
        )
    return key


def ecdh(private_der: bytes, peer_public_key: Any) -> bytes:
    """The raw ECDH shared secret (the x-coordinate, as openssl pkeyutl -derive gives it)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    return load_private(private_der).exchange(ec.ECDH(), peer_public_key)  # type: ignore[no-any-return]
