"""Imported key material (BYOK), as AWS's developer guide describes it.

CreateKey --origin EXTERNAL makes a key with no material (PendingImport). GetParametersForImport
gives an RSA wrapping public key and an import token valid 24 hours; the token is the wrapping
private key sealed under the keystore's master key with the key id, algorithms and expiry as AAD,
so nothing waits in the keystore and a token for another key, altered or expired is refused.
ImportKeyMaterial unwraps the material (RSAES-OAEP, or RSA_AES_KEY_WRAP: an RSA-OAEP-wrapped AES
key then RFC 5649 AES key wrap with padding), checks it fits the key spec, and seals it under the
master key as version 1. A key's imported material is remembered by a fingerprint, so a reimport
must bring the same material (IncorrectKeyMaterialException otherwise) and blobs made before it
still decrypt. DeleteImportedKeyMaterial and an expired ValidTo turn the key back to PendingImport.
"""

from __future__ import annotations

import hmac
import os
import struct
from datetime import datetime
from typing import TYPE_CHECKING, Any

from qkms_cli.engine import keypairs, specs, wrap
from qkms_cli.errors import (
    ExpiredImportTokenException,
    IncorrectKeyMaterialException,
    InvalidCiphertextException,
    InvalidImportTokenException,
    KMSInvalidStateException,
    UnsupportedOperationException,
    ValidationException,
)
from qkms_cli.service import handles
from qkms_cli.service.common import DAY, find_key, key_arn, key_material_id, timestamp
from qkms_cli.store import materials

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

# An import token is valid for 24 hours (GetParametersForImport documentation).
TOKEN_LIFETIME = 1 * DAY
_TOKEN_MAGIC = b"QKIT\x01"
_WRAPPING_BITS = {"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}
_OAEP = ("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256")
_KEY_WRAP = ("RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256")
# HMAC key material lengths AWS accepts, bytes (importing-keys-get-public-key-and-token.html).
HMAC_IMPORT_BYTES = {
    "HMAC_224": (28, 64),
    "HMAC_256": (32, 64),
    "HMAC_384": (48, 128),
    "HMAC_512": (64, 128),
}


def fingerprint(key_id: str, material: bytes) -> bytes:
    """What a reimport is compared with: SHA-256 over the key id and the material.

    The material is a full-strength key (32 random bytes, an HMAC key of at least the digest's
    length, or a private key), so its hash reveals nothing; the key id keeps two keys' equal
    material from matching.
    """
    from hashlib import sha256

    return sha256(b"qkms-imported-material\x1f" + key_id.encode() + b"\x1f" + material).digest()


def _external_key(keystore: Keystore, request: dict[str, Any], op: str) -> dict[str, Any]:
    key = find_key(keystore, request["KeyId"], allow_alias=False)
    origin = key.get("origin") or "AWS_KMS"
    if origin != "EXTERNAL":
        raise UnsupportedOperationException(
            f"{key_arn(keystore, key['key_id'])} origin is {origin} which is not valid for this "
            "operation."
        )
    if key["key_state"] == "PendingDeletion":
        raise KMSInvalidStateException(f"{key_arn(keystore, key['key_id'])} is pending deletion.")
    return key


# -- the import token ---------------------------------------------------------------------------


def _token_aad(key_id: str, algorithm: str, spec: str, expires: float, nonce: bytes) -> bytes:
    return wrap.secret_aad("import-token", key_id, algorithm, spec, repr(expires), nonce.hex())


def _make_token(
    keystore: Keystore, key_id: str, algorithm: str, spec: str, expires: float, private: bytes
) -> bytes:
    nonce = os.urandom(16)
    head = f"{key_id}\x1f{algorithm}\x1f{spec}\x1f{expires!r}".encode()
    sealed = wrap.wrap(
        keystore.master_key(), private, _token_aad(key_id, algorithm, spec, expires, nonce)
    )
    return _TOKEN_MAGIC + nonce + struct.pack(">H", len(head)) + head + sealed


def _open_token(keystore: Keystore, token: bytes, key_id: str) -> tuple[str, bytes]:
    """(wrapping algorithm, wrapping private key) of a token made for this key and still valid."""
    invalid = InvalidImportTokenException(
        "The import token is not one GetParametersForImport made for this KMS key in this "
        "keystore, or it was altered."
    )
    if not token.startswith(_TOKEN_MAGIC) or len(token) < len(_TOKEN_MAGIC) + 18:
        raise invalid
    body = token[len(_TOKEN_MAGIC) :]
    nonce, (size,) = body[:16], struct.unpack(">H", body[16:18])
    try:
        token_key, algorithm, spec, expires_text = body[18 : 18 + size].decode().split("\x1f")
        expires = float(expires_text)
    except (UnicodeDecodeError, ValueError):
        raise invalid from None
    if token_key != key_id:
        raise invalid
    try:
        private = wrap.unwrap(
            keystore.master_key(),
            body[18 + size :],
            _token_aad(token_key, algorithm, spec, expires, nonce),
        )
    except wrap.UnwrapError:
        raise invalid from None
    if keystore.now() >= expires:
        raise ExpiredImportTokenException(
            "The import token expired (tokens are valid for 24 hours): call "
            "GetParametersForImport again and wrap the key material with its new public key."
        )
    return algorithm, private


@handles("GetParametersForImport")
def get_parameters_for_import(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    key = _external_key(keystore, request, "GetParametersForImport")
    algorithm, spec = request["WrappingAlgorithm"], request["WrappingKeySpec"]
    if spec not in _WRAPPING_BITS:
        raise UnsupportedOperationException(
            f"WrappingKeySpec {spec} is not supported: SM2 exists only in AWS's China Regions. "
            "Use RSA_2048, RSA_3072 or RSA_4096."
        )
    if algorithm not in _OAEP + _KEY_WRAP:
        raise UnsupportedOperationException(
            f"WrappingAlgorithm {algorithm} is not supported: AWS KMS no longer accepts "
            "RSAES_PKCS1_V1_5, and SM2PKE exists only in China Regions. Use RSAES_OAEP_SHA_256 "
            "or RSA_AES_KEY_WRAP_SHA_256."
        )
    if specs.is_asymmetric(key["key_spec"]) and algorithm in _OAEP:
        raise ValidationException(
            f"WrappingAlgorithm {algorithm} cannot wrap {key['key_spec']} key material, which is "
            "larger than RSA-OAEP can carry: use RSA_AES_KEY_WRAP_SHA_256 (or _SHA_1)."
        )
    private_key = keypairs.generate_private_key(spec)
    expires = keystore.now() + TOKEN_LIFETIME
    token = _make_token(
        keystore, key["key_id"], algorithm, spec, expires, keypairs.private_der(private_key)
    )
    return {
        "KeyId": key_arn(keystore, key["key_id"]),
        "ImportToken": token,
        "PublicKey": keypairs.public_der(private_key),
        "ParametersValidTo": timestamp(expires),
    }


# -- unwrapping and checking the material -------------------------------------------------------


def _unwrap_material(algorithm: str, private_der: bytes, encrypted: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    digest = hashes.SHA1() if algorithm.endswith("SHA_1") else hashes.SHA256()
    oaep = padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None)
    private = keypairs.load_private(private_der)
    size = private.key_size // 8
    failed = InvalidCiphertextException(
        f"The EncryptedKeyMaterial does not unwrap with this import token's key and {algorithm}: "
        "wrap the material with the PublicKey from the same GetParametersForImport response."
    )
    try:
        if algorithm in _OAEP:
            return private.decrypt(encrypted, oaep)  # type: ignore[no-any-return]
        from cryptography.hazmat.primitives.keywrap import aes_key_unwrap_with_padding

        aes_key = private.decrypt(encrypted[:size], oaep)
        return aes_key_unwrap_with_padding(aes_key, encrypted[size:])
    except ValueError:
        raise failed from None
    except Exception as exc:  # cryptography's InvalidUnwrap is not a ValueError
        if type(exc).__name__ == "InvalidUnwrap":
            raise failed from None
        raise


def check_material(key_spec: str, material: bytes) -> tuple[bytes, bytes | None]:
    """(secret as stored, public key or None) for material that fits the key spec.

    IncorrectKeyMaterialException when it does not: a symmetric key takes 32 bytes, an HMAC key
    its length range, an RSA or ECC key a DER PKCS#8 private key of its spec.
    """
    if key_spec == "SYMMETRIC_DEFAULT":
        if len(material) != 32:
            raise IncorrectKeyMaterialException(
                f"SYMMETRIC_DEFAULT key material must be 256 bits (32 bytes), not {len(material)}."
            )
        return material, None
    if specs.is_hmac(key_spec):
        low, high = HMAC_IMPORT_BYTES[key_spec]
        if not low <= len(material) <= high:
            raise IncorrectKeyMaterialException(
                f"{key_spec} key material must be {low} to {high} bytes, not {len(material)}."
            )
        return material, None
    try:
        private = keypairs.load_private(material)
        found = keypairs.spec_of(private)
    except (ValueError, TypeError):
        found = None
    if found != key_spec:
        raise IncorrectKeyMaterialException(
            f"The key material is not a DER PKCS#8 {key_spec} private key"
            + (f" (it is {found})." if found else ".")
        )
    return keypairs.private_der(private), keypairs.public_der(private)


def _valid_to(keystore: Keystore, request: dict[str, Any]) -> tuple[str, float | None]:
    model = request.get("ExpirationModel", "KEY_MATERIAL_EXPIRES")
    valid_to = request.get("ValidTo")
    if model == "KEY_MATERIAL_EXPIRES":
        if valid_to is None:
            raise ValidationException(
                "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES"
            )
        when = valid_to.timestamp() if isinstance(valid_to, datetime) else float(valid_to)
        if when <= keystore.now():
            raise ValidationException("ValidTo must be a date in the future.")
        if when > keystore.now() + 365 * DAY:
            raise ValidationException("ValidTo must be at most 365 days from now.")
        return model, when
    if valid_to is not None:
        raise ValidationException(
            "ValidTo must not be set when the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE."
        )
    return model, None


@handles("ImportKeyMaterial")
def import_key_material(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    key = _external_key(keystore, request, "ImportKeyMaterial")
    if request.get("ImportType") == "NEW_KEY_MATERIAL" and key["key_state"] != "PendingImport":
        raise UnsupportedOperationException(
            "qkms imports one key material per key: ImportType NEW_KEY_MATERIAL (for on-demand "
            "rotation of imported material) is not supported. Reimport the same material with "
            "EXISTING_KEY_MATERIAL, or create a new EXTERNAL key."
        )
    if request.get("KeyMaterialId") is not None:
        wanted = key_material_id(key["key_id"], 1)
        if request["KeyMaterialId"] != wanted:
            raise IncorrectKeyMaterialException(
                f"KeyMaterialId {request['KeyMaterialId']} is not this key's material ({wanted})."
            )
    if request.get("KeyMaterialDescription") is not None:
        raise UnsupportedOperationException(
            "KeyMaterialDescription is not kept by qkms (it keeps one imported material per key): "
            "import without it."
        )
    model, valid_to = _valid_to(keystore, request)
    algorithm, wrapping_key = _open_token(keystore, request["ImportToken"], key["key_id"])
    material = _unwrap_material(algorithm, wrapping_key, request["EncryptedKeyMaterial"])
    secret, public = check_material(key["key_spec"], material)
    new_print = fingerprint(key["key_id"], secret)
    keystore.master_key()
    with keystore.write():
        key = find_key(keystore, key["key_id"])
        known = key.get("import_fingerprint")
        if known is not None and not hmac.compare_digest(known, new_print):
            raise IncorrectKeyMaterialException(
                f"The key material is not the material first imported into "
                f"{key_arn(keystore, key['key_id'])}: a KMS key takes only the material it was "
                "first given."
            )
        if key["key_state"] == "PendingImport":
            keystore.put_material(key["key_id"], 1, key["key_spec"], secret, public_key=public)
        fields: dict[str, Any] = {
            "import_fingerprint": new_print,
            "expiration_model": model,
            "valid_to": valid_to,
        }
        if key["key_state"] == "PendingImport":
            fields["key_state"] = "Enabled"
        keystore.update_key(key["key_id"], **fields)
    return {
        "KeyId": key_arn(keystore, key["key_id"]),
        "KeyMaterialId": key_material_id(key["key_id"], 1),
    }


@handles("DeleteImportedKeyMaterial")
def delete_imported_key_material(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    key = _external_key(keystore, request, "DeleteImportedKeyMaterial")
    wanted = key_material_id(key["key_id"], 1)
    if request.get("KeyMaterialId") not in (None, wanted):
        raise ValidationException(
            f"KeyMaterialId {request['KeyMaterialId']} is not this key's material ({wanted})."
        )
    with keystore.write():
        key = find_key(keystore, key["key_id"])
        if key["key_state"] != "PendingImport":
            materials.delete_imported(keystore, key["key_id"])
    return {"KeyId": key_arn(keystore, key["key_id"]), "KeyMaterialId": wanted}
