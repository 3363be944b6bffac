"""ML-KEM (FIPS 203) and ML-DSA (FIPS 204) keys: generation, DER encodings, KEM and signatures.

ML-KEM-768 and -1024 and every ML-DSA size come from `cryptography`; it has no ML-KEM-512, which
comes from pycryptodome (mlkem-native, the PQCA's constant-time C). Both write the encodings of
RFC 9935 and RFC 9881: SubjectPublicKeyInfo public keys and PKCS#8 private keys holding the seed.
"""

from __future__ import annotations

from typing import Any

ML_KEM_SPECS = ("ML_KEM_512", "ML_KEM_768", "ML_KEM_1024")
ML_DSA_SPECS = ("ML_DSA_44", "ML_DSA_65", "ML_DSA_87")
# FIPS 203 Table 3: ciphertext bytes per parameter set (AWS's Encapsulate documentation agrees).
CIPHERTEXT_BYTES = {"ML_KEM_512": 768, "ML_KEM_768": 1088, "ML_KEM_1024": 1568}
SHARED_SECRET_BYTES = 32
# FIPS 204, 6.2: the message representative mu is 64 bytes.
MU_BYTES = 64


class KemError(ValueError):
    """A ciphertext of the wrong length for the key (FIPS 203's only explicit rejection)."""


def _cryptography_class(spec: str, kind: str) -> Any:
    """ML_KEM_768 -> mlkem.MLKEM768PrivateKey (kind "PrivateKey"), ML_DSA_44 -> mldsa.MLDSA44..."""
    name = spec.replace("_", "")
    if spec.startswith("ML_KEM"):
        from cryptography.hazmat.primitives.asymmetric import mlkem

        return getattr(mlkem, f"{name}{kind}")
    from cryptography.hazmat.primitives.asymmetric import mldsa

    return getattr(mldsa, f"{name}{kind}")


def _mlkem512() -> Any:
    from Crypto.PublicKey import MLKEM

    return MLKEM


def generate_pair(spec: str) -> tuple[bytes, bytes]:
    """(SubjectPublicKeyInfo DER, PKCS#8 DER with the seed) of a fresh ML-KEM or ML-DSA pair."""
    if spec == "ML_KEM_512":
        mlkem = _mlkem512()
        key = mlkem.generate(param_set=mlkem.ML_KEM_512)
        return key.public_key().export_key(format="DER"), key.export_key(format="DER")
    from cryptography.hazmat.primitives import serialization

    key = _cryptography_class(spec, "PrivateKey").generate()
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return public, private


def encapsulate(spec: str, public_der: bytes) -> tuple[bytes, bytes]:
    """(shared secret, ciphertext) for the ML-KEM public key."""
    if spec == "ML_KEM_512":
        key = _mlkem512().import_key(public_der)
        # pycryptodome 4.4 exposes ML-KEM's encapsulation only to its HPKE and hybrid KEMs.
        return key._encaps()  # type: ignore[no-any-return]
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_der_public_key(public_der)
    return key.encapsulate()  # type: ignore[attr-defined,no-any-return]


def decapsulate(spec: str, private_der: bytes, ciphertext: bytes) -> bytes:
    """The shared secret; a ciphertext of a wrong length is KemError, any other never fails."""
    if len(ciphertext) != CIPHERTEXT_BYTES[spec]:
        raise KemError(
            f"The ciphertext is {len(ciphertext)} bytes; {spec} ciphertexts are "
            f"{CIPHERTEXT_BYTES[spec]} bytes."
        )
    if spec == "ML_KEM_512":
        key = _mlkem512().import_key(private_der)
        return key._decaps(ciphertext)  # type: ignore[no-any-return]
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_der_private_key(private_der, password=None)
    return key.decapsulate(ciphertext)  # type: ignore[attr-defined,no-any-return]


def sign(private_der: bytes, message: bytes, message_type: str) -> bytes:
    """ML-DSA with an empty context (RAW), or of a 64-byte mu computed elsewhere (EXTERNAL_MU)."""
    from cryptography.hazmat.primitives import serialization

    key: Any = serialization.load_der_private_key(private_der, password=None)
    if message_type == "EXTERNAL_MU":
        return key.sign_mu(message)  # type: ignore[no-any-return]
    return key.sign(message)  # type: ignore[no-any-return]


def verify(public_der: bytes, message: bytes, signature: bytes, message_type: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import serialization

    key: Any = serialization.load_der_public_key(public_der)
    try:
        if message_type == "EXTERNAL_MU":
            key.verify_mu(signature, message)
        else:
            key.verify(signature, message)
    except InvalidSignature:
        return False
    return True
