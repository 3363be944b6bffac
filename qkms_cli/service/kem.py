"""ML-KEM: Encapsulate and Decapsulate with ML_KEM KMS keys, and with ML-KEM data key pairs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qkms_cli.engine import blob, pq
from qkms_cli.errors import InvalidCiphertextException, InvalidKeyUsageException
from qkms_cli.service import handles
from qkms_cli.service.common import dry_run, find_key, key_arn, require_state, require_usage

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore


def _kem_key(keystore: Keystore, ref: str, op: str) -> dict[str, Any]:
    key = find_key(keystore, ref)
    require_state(keystore, key)
    require_usage(keystore, key, "ENCAPSULATE_DECAPSULATE", op)
    return key


def _check_length(spec: str, ciphertext: bytes) -> None:
    """AWS: the one Decapsulate refusal is a ciphertext whose length does not fit the key spec."""
    if len(ciphertext) != pq.CIPHERTEXT_BYTES[spec]:
        raise InvalidCiphertextException(
            f"SharedSecretCiphertextBlob is {len(ciphertext)} bytes; {spec} ciphertexts are "
            f"{pq.CIPHERTEXT_BYTES[spec]} bytes."
        )


def _decapsulate(spec: str, private: bytes, ciphertext: bytes) -> bytes:
    _check_length(spec, ciphertext)
    # Any other ciphertext gives a pseudo-random secret (FIPS 203's implicit rejection).
    return pq.decapsulate(spec, private, ciphertext)


@handles("Encapsulate")
def encapsulate(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    key = _kem_key(keystore, request["KeyId"], "Encapsulate")
    dry_run(request)
    public = keystore.public_key(key["key_id"], key["current_version"])
    assert public is not None
    secret, ciphertext = pq.encapsulate(key["key_spec"], public)
    return {
        "KeyId": key_arn(keystore, key["key_id"]),
        "SharedSecret": secret,
        "SharedSecretCiphertextBlob": ciphertext,
        "EncapsulationAlgorithm": request["EncapsulationAlgorithm"],
    }


@handles("Decapsulate")
def decapsulate(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    key = _kem_key(keystore, request["KeyId"], "Decapsulate")
    ciphertext = request["SharedSecretCiphertextBlob"]
    _check_length(key["key_spec"], ciphertext)
    dry_run(request)
    private = keystore.material(key["key_id"], key["current_version"], key["key_spec"])
    return {
        "KeyId": key_arn(keystore, key["key_id"]),
        "SharedSecret": _decapsulate(key["key_spec"], private, ciphertext),
        "EncapsulationAlgorithm": request["EncapsulationAlgorithm"],
    }


@handles("DecapsulateWithDataKeyPair")
def decapsulate_with_data_key_pair(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    from qkms_cli.service.sealed import open_sealed

    key, header, private = open_sealed(
        keystore, request["PrivateKeyCiphertextBlob"], request.get("EncryptionContext")
    )
    pair_spec = header.key_pair_spec
    if header.kind != blob.KIND_PRIVATE_KEY or pair_spec is None:
        raise InvalidCiphertextException(
            "PrivateKeyCiphertextBlob does not hold the private key of a data key pair; pass the "
            "PrivateKeyCiphertextBlob that generate-data-key-pair returned."
        )
    if pair_spec not in pq.ML_KEM_SPECS:
        raise InvalidKeyUsageException(
            f"Data key pair spec {pair_spec} is not an ML-KEM pair: only ML_KEM_512, ML_KEM_768 "
            "and ML_KEM_1024 pairs decapsulate."
        )
    return {
        "KeyId": key_arn(keystore, key["key_id"]),
        "KeyPairSpec": pair_spec,
        "SharedSecret": _decapsulate(pair_spec, private, request["SharedSecretCiphertextBlob"]),
        "EncapsulationAlgorithm": "ML_KEM",
    }
