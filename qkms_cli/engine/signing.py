"""Signatures, RSA-OAEP and HMAC with the algorithm names of the KMS API, all from cryptography."""

from __future__ import annotations

from typing import Any

from qkms_cli.engine import keypairs

# RSA-OAEP plaintext limits, bytes: modulus bytes - 2 * hash bytes - 2 (RFC 8017, 7.1.1).
_HASH_BYTES = {"SHA_1": 20, "SHA_224": 28, "SHA_256": 32, "SHA_384": 48, "SHA_512": 64}


class SignatureMismatchError(ValueError):
    """A signature or MAC did not verify."""


class MessageError(ValueError):
    """The message does not fit the algorithm (a digest of the wrong length, say)."""


def _hash(name: str) -> Any:
    from cryptography.hazmat.primitives import hashes

    return {
        "SHA_1": hashes.SHA1,
        "SHA_224": hashes.SHA224,
        "SHA_256": hashes.SHA256,
        "SHA_384": hashes.SHA384,
        "SHA_512": hashes.SHA512,
    }[name]()


def hash_name(algorithm: str) -> str:
    """The hash an algorithm name ends with: RSASSA_PSS_SHA_256 -> SHA_256."""
    return "SHA_" + algorithm.rsplit("_", 1)[1]


def _rsa_padding(algorithm: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric import padding

    if algorithm.startswith("RSASSA_PSS_"):
        # AWS KMS uses a salt as long as the digest.
        digest = _hash(hash_name(algorithm))
        return padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)
    return padding.PKCS1v15()


def _prepare(algorithm: str, message: bytes, message_type: str) -> tuple[bytes, Any]:
    """(data to sign, hash argument) for ECDSA and RSA: raw data, or a Prehashed digest."""
    from cryptography.hazmat.primitives.asymmetric import utils

    digest = _hash(hash_name(algorithm))
    if message_type == "DIGEST":
        if len(message) != digest.digest_size:
            raise MessageError(
                f"Digest is invalid length for algorithm {algorithm}: {len(message)} bytes, "
                f"expected {digest.digest_size}."
            )
        return message, utils.Prehashed(digest)
    return message, digest


def _check_ed25519(algorithm: str, message: bytes, message_type: str) -> None:
    """AWS: ED25519_SHA_512 takes MessageType RAW, ED25519_PH_SHA_512 MessageType DIGEST."""
    if algorithm == "ED25519_SHA_512" and message_type != "RAW":
        raise MessageError("ED25519_SHA_512 requires MessageType RAW.")
    if algorithm == "ED25519_PH_SHA_512":
        if message_type != "DIGEST":
            raise MessageError(
                "ED25519_PH_SHA_512 requires MessageType DIGEST: pass the SHA-512 digest of the "
                "message."
            )
        if len(message) != _HASH_BYTES["SHA_512"]:
            raise MessageError(
                f"Digest is invalid length for algorithm ED25519_PH_SHA_512: {len(message)} "
                "bytes, expected 64."
            )


def _check_ml_dsa(message: bytes, message_type: str) -> None:
    """AWS: ML_DSA_SHAKE_256 signs a RAW message (pure ML-DSA, empty context) or a 64-byte mu."""
    from qkms_cli.engine import pq

    if message_type == "DIGEST":
        raise MessageError(
            "ML_DSA_SHAKE_256 does not take MessageType DIGEST: pass the message (RAW), or the "
            "64-byte representative mu of FIPS 204 (EXTERNAL_MU)."
        )
    if message_type == "EXTERNAL_MU" and len(message) != pq.MU_BYTES:
        raise MessageError(
            f"Digest is invalid length for algorithm ML_DSA_SHAKE_256: an EXTERNAL_MU message is "
            f"{pq.MU_BYTES} bytes, not {len(message)}."
        )


def sign(private_der: bytes, algorithm: str, message: bytes, message_type: str = "RAW") -> bytes:
    """A signature in the form AWS KMS returns: DER ECDSA, PKCS#1 v1.5 or PSS, raw Ed25519(ph)."""
    if algorithm == "ML_DSA_SHAKE_256":
        from qkms_cli.engine import pq

        _check_ml_dsa(message, message_type)
        return pq.sign(private_der, message, message_type)
    if message_type == "EXTERNAL_MU":
        raise MessageError("MessageType EXTERNAL_MU is only for ML-DSA keys.")
    key = keypairs.load_private(private_der)
    if algorithm.startswith("ED25519"):
        _check_ed25519(algorithm, message, message_type)
        if algorithm == "ED25519_PH_SHA_512":
            # KMS prehashes the digest it is given once more (FIPS 186-5, 7.8.1 step 1), so the
            # signature is Ed25519ph over the digest as the message.
            return ed25519ph_sign(key.private_bytes_raw(), message)
        return key.sign(message)  # type: ignore[no-any-return]
    data, digest = _prepare(algorithm, message, message_type)
    if algorithm.startswith("ECDSA_"):
        from cryptography.hazmat.primitives.asymmetric import ec

        return key.sign(data, ec.ECDSA(digest))  # type: ignore[no-any-return]
    return key.sign(data, _rsa_padding(algorithm), digest)  # type: ignore[no-any-return]


def verify(
    public_der: bytes, algorithm: str, message: bytes, signature: bytes, message_type: str = "RAW"
) -> None:
    """Return quietly when the signature verifies; SignatureMismatchError otherwise."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import serialization

    if algorithm == "ML_DSA_SHAKE_256":
        from qkms_cli.engine import pq

        _check_ml_dsa(message, message_type)
        if not pq.verify(public_der, message, signature, message_type):
            raise SignatureMismatchError("signature does not verify")
        return
    if message_type == "EXTERNAL_MU":
        raise MessageError("MessageType EXTERNAL_MU is only for ML-DSA keys.")
    key: Any = serialization.load_der_public_key(public_der)
    try:
        if algorithm.startswith("ED25519"):
            _check_ed25519(algorithm, message, message_type)
            if algorithm == "ED25519_PH_SHA_512":
                if not ed25519ph_verify(key.public_bytes_raw(), message, signature):
                    raise InvalidSignature
                return
            key.verify(signature, message)
            return
        data, digest = _prepare(algorithm, message, message_type)
        if algorithm.startswith("ECDSA_"):
            from cryptography.hazmat.primitives.asymmetric import ec

            key.verify(signature, data, ec.ECDSA(digest))
        else:
            key.verify(signature, data, _rsa_padding(algorithm), digest)
    except InvalidSignature:
        raise SignatureMismatchError("signature does not verify") from None


def _oaep(algorithm: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric import padding

    digest = _hash(hash_name(algorithm))
    return padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None)


def oaep_limit(key_bits: int, algorithm: str) -> int:
    return key_bits // 8 - 2 * _HASH_BYTES[hash_name(algorithm)] - 2


def rsa_encrypt(public_der: bytes, algorithm: str, plaintext: bytes) -> bytes:
    from cryptography.hazmat.primitives import serialization

    key: Any = serialization.load_der_public_key(public_der)
    return key.encrypt(plaintext, _oaep(algorithm))  # type: ignore[no-any-return]


def rsa_decrypt(private_der: bytes, algorithm: str, ciphertext: bytes) -> bytes:
    """RSA-OAEP decryption; ValueError on any failure (wrong key, algorithm or damaged data)."""
    key = keypairs.load_private(private_der)
    return key.decrypt(ciphertext, _oaep(algorithm))  # type: ignore[no-any-return]


def mac(key: bytes, algorithm: str, message: bytes) -> bytes:
    from cryptography.hazmat.primitives import hmac

    h = hmac.HMAC(key, _hash(hash_name(algorithm)))
    h.update(message)
    return h.finalize()


def verify_mac(key: bytes, algorithm: str, message: bytes, tag: bytes) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hmac

    h = hmac.HMAC(key, _hash(hash_name(algorithm)))
    h.update(message)
    try:
        h.verify(tag)  # constant time
    except InvalidSignature:
        raise SignatureMismatchError("MAC does not verify") from None


# -- Ed25519ph (RFC 8032, 5.1, empty context), which `cryptography` does not offer ---------------
# libsodium's constant-time implementation, through PyNaCl.


def ed25519ph_sign(seed: bytes, message: bytes) -> bytes:
    """Ed25519ph (empty context) of message by the key with this 32-byte seed (RFC 8032 5.1.6)."""
    from nacl import bindings

    _public, secret = bindings.crypto_sign_seed_keypair(seed)
    state = bindings.crypto_sign_ed25519ph_state()
    bindings.crypto_sign_ed25519ph_update(state, message)
    return bindings.crypto_sign_ed25519ph_final_create(state, secret)  # type: ignore[no-any-return]


def ed25519ph_verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """Whether signature is a valid Ed25519ph signature of message (RFC 8032 5.1.7)."""
    from nacl import bindings
    from nacl.exceptions import BadSignatureError

    if len(public) != 32 or len(signature) != 64:
        return False
    state = bindings.crypto_sign_ed25519ph_state()
    bindings.crypto_sign_ed25519ph_update(state, message)
    try:
        return bool(bindings.crypto_sign_ed25519ph_final_verify(state, signature, public))
    except BadSignatureError:
        return False
