"""DER SubjectPublicKeyInfo and PKCS#8 of EC and Ed25519 keys, written from the key's numbers.

cryptography's `private_bytes` imports its whole `serialization` package (the SSH format, bcrypt
and every asymmetric module): about 7 ms, the largest share of a generate-data-key-pair call's
start-up. For these keys both encodings are fixed templates around the key's bytes (RFC 5480 and
RFC 5915 for EC, RFC 8410 for Ed25519), written here byte for byte as OpenSSL writes them;
tests/test_der.py holds them to cryptography's own output for every curve. RSA keys are not
handled here (their generation dwarfs the import).
"""

from __future__ import annotations

from typing import Any

_SEQUENCE, _INTEGER, _BIT_STRING, _OCTET_STRING, _OID = 0x30, 0x02, 0x03, 0x04, 0x06
_PUBLIC_KEY_TAG = 0xA1  # ECPrivateKey's [1] publicKey (RFC 5915)

_ID_EC_PUBLIC_KEY = bytes.fromhex("2a8648ce3d0201")  # 1.2.840.10045.2.1 (RFC 5480)
# cryptography's curve name -> (named-curve OID contents, field size in bytes) (SEC 2, RFC 5480)
_CURVES = {
    "secp256r1": (bytes.fromhex("2a8648ce3d030107"), 32),  # 1.2.840.10045.3.1.7
    "secp384r1": (bytes.fromhex("2b81040022"), 48),  # 1.3.132.0.34
    "secp521r1": (bytes.fromhex("2b81040023"), 66),  # 1.3.132.0.35
    "secp256k1": (bytes.fromhex("2b8104000a"), 32),  # 1.3.132.0.10
}
_ID_ED25519 = bytes.fromhex("2b6570")  # 1.3.101.112 (RFC 8410)


def _tlv(tag: int, content: bytes) -> bytes:
    """One DER element: tag, definite length (short or long form), content."""
    size = len(content)
    if size < 0x80:
        return bytes((tag, size)) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


def encode_pair(private_key: Any) -> tuple[bytes, bytes] | None:
    """(SPKI DER, PKCS#8 DER) of an EC key on a known curve or an Ed25519 key; else None."""
    curve = getattr(private_key, "curve", None)
    if curve is not None:
        return _ec(private_key, curve.name)
    if type(private_key).__name__ == "Ed25519PrivateKey":
        return _ed25519(private_key)
    return None


def _ec(private_key: Any, curve_name: str) -> tuple[bytes, bytes] | None:
    if curve_name not in _CURVES:
        return None
    oid, size = _CURVES[curve_name]
    numbers = private_key.private_numbers()
    public = numbers.public_numbers
    # The uncompressed point (SEC 1, 2.3.3), as OpenSSL writes both encodings.
    point = b"\x04" + public.x.to_bytes(size, "big") + public.y.to_bytes(size, "big")
    algorithm = _tlv(_SEQUENCE, _tlv(_OID, _ID_EC_PUBLIC_KEY) + _tlv(_OID, oid))
    spki = _tlv(_SEQUENCE, algorithm + _tlv(_BIT_STRING, b"\x00" + point))
    # ECPrivateKey without [0] parameters: PKCS#8's algorithm identifier already names the curve.
    ec_private_key = _tlv(
        _SEQUENCE,
        _tlv(_INTEGER, b"\x01")
        + _tlv(_OCTET_STRING, numbers.private_value.to_bytes(size, "big"))
        + _tlv(_PUBLIC_KEY_TAG, _tlv(_BIT_STRING, b"\x00" + point)),
    )
    pkcs8 = _tlv(
        _SEQUENCE, _tlv(_INTEGER, b"\x00") + algorithm + _tlv(_OCTET_STRING, ec_private_key)
    )
    return spki, pkcs8


def _ed25519(private_key: Any) -> tuple[bytes, bytes]:
    algorithm = _tlv(_SEQUENCE, _tlv(_OID, _ID_ED25519))
    public = private_key.public_key().public_bytes_raw()
    spki = _tlv(_SEQUENCE, algorithm + _tlv(_BIT_STRING, b"\x00" + public))
    seed = _tlv(_OCTET_STRING, private_key.private_bytes_raw())  # CurvePrivateKey (RFC 8410)
    pkcs8 = _tlv(_SEQUENCE, _tlv(_INTEGER, b"\x00") + algorithm + _tlv(_OCTET_STRING, seed))
    return spki, pkcs8
