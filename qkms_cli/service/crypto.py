"""Symmetric cryptography: Encrypt, Decrypt, ReEncrypt, data keys, data key pairs, GenerateRandom."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from qkms_cli.engine import blob, keypairs, specs
from qkms_cli.errors import (
    UnsupportedOperationException,
    ValidationException,
)
from qkms_cli.service import handles
from qkms_cli.service.common import (
    dry_run,
    emulates_aws,
    find_key,
    key_arn,
    key_material_id,
    require_state,
    require_symmetric,
)
from qkms_cli.service.refusals import (
    dry_run_ignoring_ciphertext,
    refuse_custom_key_store,
    refuse_recipient,
)
from qkms_cli.service.rotation import current_key
from qkms_cli.service.sealed import open_sealed

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

SYMMETRIC = "SYMMETRIC_DEFAULT"
_DATA_KEY_BYTES = {"AES_256": 32, "AES_128": 16}


def seal_with(
    keystore: Keystore,
    key: dict[str, Any],
    plaintext: bytes,
    context: dict[str, str] | None,
    *,
    kind: int = blob.KIND_DATA,
    spec: int = 0,
) -> tuple[bytes, int]:
    """Seal plaintext under the key's current material: (blob, material version)."""
    version = key["current_version"]
    material = keystore.material(key["key_id"], version, key["key_spec"])
    sealed = blob.seal(
        material,
        key_id=key["key_id"],
        material_version=version,
        plaintext=plaintext,
        context=context,
        kind=kind,
        spec=spec,
    )
    return sealed, version


def usable_symmetric_key(keystore: Keystore, ref: str, op: str) -> dict[str, Any]:
    key = find_key(keystore, ref)
    require_state(keystore, key)
    require_symmetric(keystore, key, op)
    return current_key(keystore, key)


@handles("Encrypt")
def encrypt(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    algorithm = request.get("EncryptionAlgorithm", SYMMETRIC)
    key = find_key(keystore, request["KeyId"])
    require_state(keystore, key)
    if algorithm != SYMMETRIC or key["key_spec"] != SYMMETRIC:
        from qkms_cli.service.asymmetric import rsa_encrypt

        return rsa_encrypt(keystore, key, request)
    require_symmetric(keystore, key, "Encrypt")
    dry_run(request)
    key = current_key(keystore, key)
    sealed, _version = seal_with(
        keystore, key, request["Plaintext"], request.get("EncryptionContext")
    )
    # AWS's EncryptResponse has no KeyMaterialId (Decrypt's does).
    return {
        "CiphertextBlob": sealed,
        "KeyId": key_arn(keystore, key["key_id"]),
        "EncryptionAlgorithm": SYMMETRIC,
    }


@handles("Decrypt")
def decrypt(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    algorithm = request.get("EncryptionAlgorithm", SYMMETRIC)
    if algorithm != SYMMETRIC:
        from qkms_cli.service.asymmetric import rsa_decrypt

        return rsa_decrypt(keystore, request)
    refuse_recipient(request, "Decrypt")
    dry_run_ignoring_ciphertext(keystore, request, "KeyId", "Decrypt")
    key, header, plaintext = open_sealed(
        keystore,
        request["CiphertextBlob"],
        request.get("EncryptionContext"),
        request.get("KeyId"),
        dry=request,
    )
    return {
        "KeyId": key_arn(keystore, key["key_id"]),
        "Plaintext": plaintext,
        "EncryptionAlgorithm": SYMMETRIC,
        "KeyMaterialId": key_material_id(key["key_id"], header.material_version),
    }


@handles("ReEncrypt")
def re_encrypt(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    for member in ("SourceEncryptionAlgorithm", "DestinationEncryptionAlgorithm"):
        if request.get(member, SYMMETRIC) != SYMMETRIC:
            raise UnsupportedOperationException(
                f"{member} {request[member]}: qkms re-encrypts only SYMMETRIC_DEFAULT ciphertext."
            )
    dry_run_ignoring_ciphertext(keystore, request, "SourceKeyId", "ReEncrypt")
    source, header, plaintext = open_sealed(
        keystore,
        request["CiphertextBlob"],
        request.get("SourceEncryptionContext"),
        request.get("SourceKeyId"),
        context_flag="--source-encryption-context",
    )
    destination = usable_symmetric_key(keystore, request["DestinationKeyId"], "ReEncrypt")
    dry_run(request)
    sealed, version = seal_with(
        keystore,
        destination,
        plaintext,
        request.get("DestinationEncryptionContext"),
        kind=header.kind,
        spec=header.spec,
    )
    return {
        "CiphertextBlob": sealed,
        "SourceKeyId": key_arn(keystore, source["key_id"]),
        "KeyId": key_arn(keystore, destination["key_id"]),
        "SourceEncryptionAlgorithm": SYMMETRIC,
        "DestinationEncryptionAlgorithm": SYMMETRIC,
        "SourceKeyMaterialId": key_material_id(source["key_id"], header.material_version),
        "DestinationKeyMaterialId": key_material_id(destination["key_id"], version),
    }


def _data_key(keystore: Keystore, request: dict[str, Any], op: str) -> dict[str, Any]:
    key_spec = request.get("KeySpec")
    size = request.get("NumberOfBytes")
    if (key_spec is None) == (size is None):
        raise ValidationException("Please specify either number of bytes or key spec.")
    refuse_recipient(request, op)
    key = usable_symmetric_key(keystore, request["KeyId"], op)
    dry_run(request)
    plaintext = os.urandom(size if size is not None else _DATA_KEY_BYTES[key_spec])
    sealed, version = seal_with(
        keystore, key, plaintext, request.get("EncryptionContext"), kind=blob.KIND_DATA_KEY
    )
    return {
        "CiphertextBlob": sealed,
        "Plaintext": plaintext,
        "KeyId": key_arn(keystore, key["key_id"]),
        "KeyMaterialId": key_material_id(key["key_id"], version),
    }


@handles("GenerateDataKey")
def generate_data_key(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    return _data_key(keystore, request, "GenerateDataKey")


@handles("GenerateDataKeyWithoutPlaintext")
def generate_data_key_without_plaintext(
    keystore: Keystore, request: dict[str, Any]
) -> dict[str, Any]:
    response = _data_key(keystore, request, "GenerateDataKeyWithoutPlaintext")
    del response["Plaintext"]
    return response


def new_data_key_pair(keystore: Keystore, pair_spec: str) -> tuple[bytes, bytes]:
    """(public DER, private PKCS#8 DER): a pooled pair when the pool has one, else a fresh pair."""
    from qkms_cli.store import pool

    pooled = pool.take_pairs(keystore, pair_spec, 1)
    return pooled[0] if pooled else keypairs.generate_pair(pair_spec)


def data_key_pair_key(keystore: Keystore, request: dict[str, Any], op: str) -> dict[str, Any]:
    """The KMS key that seals a data key pair's private half, once the request passed every check."""
    pair_spec = request["KeyPairSpec"]
    refuse_recipient(request, op)
    if pair_spec not in specs.DATA_KEY_PAIR_SPECS:
        raise UnsupportedOperationException(
            f"KeyPairSpec {pair_spec} is not supported by qkms (SM2 exists only in AWS China "
            f"Regions). Supported: {', '.join(specs.DATA_KEY_PAIR_SPECS)}."
        )
    key = usable_symmetric_key(keystore, request["KeyId"], op)
    dry_run(request)
    return key


def _data_key_pair(keystore: Keystore, request: dict[str, Any], op: str) -> dict[str, Any]:
    key = data_key_pair_key(keystore, request, op)
    public, private = new_data_key_pair(keystore, request["KeyPairSpec"])
    response = seal_data_key_pair(keystore, key, request, public, private)
    if op == "GenerateDataKeyPair" and emulates_aws(keystore):
        # An aws keystore answers as AWS does, for code written against it; the seed's keystore
        # keeps the private key inside (DESIGN.md), and `decrypt` of the blob gives it back.
        response = {
            "PrivateKeyCiphertextBlob": response.pop("PrivateKeyCiphertextBlob"),
            "PrivateKeyPlaintext": private,
            **response,
        }
    return response


def seal_data_key_pair(
    keystore: Keystore, key: dict[str, Any], request: dict[str, Any], public: bytes, private: bytes
) -> dict[str, Any]:
    """A GenerateDataKeyPair response: the public key, the private key sealed under key."""
    pair_spec = request["KeyPairSpec"]
    sealed, version = seal_with(
        keystore,
        key,
        private,
        request.get("EncryptionContext"),
        kind=blob.KIND_PRIVATE_KEY,
        spec=specs.DATA_KEY_PAIR_SPECS.index(pair_spec) + 1,
    )
    # DESIGN.md: the plaintext private key exists only inside qkms, so neither operation returns
    # PrivateKeyPlaintext; `decrypt` of the blob gives it back.
    return {
        "PrivateKeyCiphertextBlob": sealed,
        "PublicKey": public,
        "KeyId": key_arn(keystore, key["key_id"]),
        "KeyPairSpec": pair_spec,
        "KeyMaterialId": key_material_id(key["key_id"], version),
    }


@handles("GenerateDataKeyPair")
def generate_data_key_pair(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    return _data_key_pair(keystore, request, "GenerateDataKeyPair")


@handles("GenerateDataKeyPairWithoutPlaintext")
def generate_data_key_pair_without_plaintext(
    keystore: Keystore, request: dict[str, Any]
) -> dict[str, Any]:
    return _data_key_pair(keystore, request, "GenerateDataKeyPairWithoutPlaintext")


@handles("GenerateRandom")
def generate_random(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    if "NumberOfBytes" not in request:
        raise ValidationException("NumberOfBytes is required.")
    refuse_recipient(request, "GenerateRandom")
    refuse_custom_key_store(request)
    return {"Plaintext": os.urandom(request["NumberOfBytes"])}
