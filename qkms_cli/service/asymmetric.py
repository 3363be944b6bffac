"""Asymmetric and HMAC keys, and data key pairs used inside qkms: public keys, signing, MACs, RSA-OAEP."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qkms_cli.engine import blob, signing, specs
from qkms_cli.errors import (
    InvalidCiphertextException,
    InvalidKeyUsageException,
    KMSInvalidMacException,
    KMSInvalidSignatureException,
    UnsupportedOperationException,
    ValidationException,
)
from qkms_cli.service import handles
from qkms_cli.service.common import dry_run, find_key, key_arn, require_state, require_usage
from qkms_cli.service.sealed import open_sealed

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

_RSA_BITS = {"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}


def _allowed(key_spec: str, usage: str, member: str) -> list[str]:
    return specs.KEY_SPECS.get(key_spec, {}).get(usage, {}).get(member, [])


def _check_algorithm(keystore: Keystore, key: dict[str, Any], member: str, algorithm: str) -> None:
    if algorithm not in _allowed(key["key_spec"], key["key_usage"], member):
        raise InvalidKeyUsageException(
            f"Algorithm {algorithm} is incompatible with key spec {key['key_spec']}."
        )


def _asymmetric_key(keystore: Keystore, ref: str, usage: str, op: str) -> dict[str, Any]:
    key = find_key(keystore, ref)
    require_state(keystore, key)
    require_usage(keystore, key, usage, op)
    if not specs.is_asymmetric(key["key_spec"]):
        raise InvalidKeyUsageException(
            f"{key_arn(keystore, key['key_id'])} key KeySpec is {key['key_spec']} "
            f"which is not valid for {op}."
        )
    return key


@handles("GetPublicKey")
def get_public_key(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    key = find_key(keystore, request["KeyId"])
    # Real AWS hands out the public key of a Disabled key too.
    require_state(keystore, key, "Enabled", "Disabled")
    if not specs.is_asymmetric(key["key_spec"]):
        raise UnsupportedOperationException(
            f"{key_arn(keystore, key['key_id'])} key KeySpec is {key['key_spec']} which is not "
            "valid for GetPublicKey: only asymmetric keys have a public key."
        )
    response: dict[str, Any] = {
        "KeyId": key_arn(keystore, key["key_id"]),
        "PublicKey": keystore.public_key(key["key_id"], key["current_version"]),
    }
    if key["key_spec"] in specs.CMK_SPECS:
        response["CustomerMasterKeySpec"] = key["key_spec"]
    response["KeySpec"] = key["key_spec"]
    response["KeyUsage"] = key["key_usage"]
    response.update(specs.algorithms(key["key_spec"], key["key_usage"]))
    return response


def _signing_call(func: Any, *args: Any) -> Any:
    try:
        return func(*args)
    except signing.MessageError as exc:
        raise ValidationException(str(exc)) from None


@handles("Sign")
def sign(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    key = _asymmetric_key(keystore, request["KeyId"], "SIGN_VERIFY", "Sign")
    algorithm = request["SigningAlgorithm"]
    _check_algorithm(keystore, key, "SigningAlgorithms", algorithm)
    private = keystore.material(key["key_id"], key["current_version"], key["key_spec"])
    signature = _signing_call(
        signing.sign, private, algorithm, request["Message"], request.get("MessageType", "RAW")
    )
    # After signing, so a digest of the wrong length fails a dry run as it fails a real one.
    dry_run(request)
    return {
        "KeyId": key_arn(keystore, key["key_id"]),
        "Signature": signature,
        "SigningAlgorithm": algorithm,
    }


@handles("Verify")
def verify(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    key = _asymmetric_key(keystore, request["KeyId"], "SIGN_VERIFY", "Verify")
    algorithm = request["SigningAlgorithm"]
    _check_algorithm(keystore, key, "SigningAlgorithms", algorithm)
    dry_run(request)
    public = keystore.public_key(key["key_id"], key["current_version"])
    assert public is not None
    try:
        _signing_call(
            signing.verify,
            public,
            algorithm,
            request["Message"],
            request["Signature"],
            request.get("MessageType", "RAW"),
        )
    except signing.SignatureMismatchError:
        raise KMSInvalidSignatureException(
            "The signature does not verify with this key, algorithm and message."
        ) from None
    return {
        "KeyId": key_arn(keystore, key["key_id"]),
        "SignatureValid": True,
        "SigningAlgorithm": algorithm,
    }


def _hmac_key(keystore: Keystore, request: dict[str, Any], op: str) -> tuple[dict[str, Any], bytes]:
    key = find_key(keystore, request["KeyId"])
    require_state(keystore, key)
    require_usage(keystore, key, "GENERATE_VERIFY_MAC", op)
    _check_algorithm(keystore, key, "MacAlgorithms", request["MacAlgorithm"])
    dry_run(request)
    return key, keystore.material(key["key_id"], key["current_version"], key["key_spec"])


@handles("GenerateMac")
def generate_mac(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    key, secret = _hmac_key(keystore, request, "GenerateMac")
    return {
        "Mac": signing.mac(secret, request["MacAlgorithm"], request["Message"]),
        "MacAlgorithm": request["MacAlgorithm"],
        "KeyId": key_arn(keystore, key["key_id"]),
    }


@handles("VerifyMac")
def verify_mac(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    key, secret = _hmac_key(keystore, request, "VerifyMac")
    try:
        signing.verify_mac(secret, request["MacAlgorithm"], request["Message"], request["Mac"])
    except signing.SignatureMismatchError:
        raise KMSInvalidMacException(
            "The MAC does not verify with this key, algorithm and message."
        ) from None
    return {
        "KeyId": key_arn(keystore, key["key_id"]),
        "MacValid": True,
        "MacAlgorithm": request["MacAlgorithm"],
    }


def _no_context(request: dict[str, Any]) -> None:
    if request.get("EncryptionContext"):
        raise ValidationException("EncryptionContext is valid only with symmetric encryption keys.")


def rsa_encrypt(keystore: Keystore, key: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """Encrypt with an RSA ENCRYPT_DECRYPT key: raw RSAES-OAEP ciphertext, as AWS returns."""
    algorithm = request.get("EncryptionAlgorithm", "SYMMETRIC_DEFAULT")
    require_usage(keystore, key, "ENCRYPT_DECRYPT", "Encrypt")
    _check_algorithm(keystore, key, "EncryptionAlgorithms", algorithm)
    _no_context(request)
    limit = signing.oaep_limit(_RSA_BITS[key["key_spec"]], algorithm)
    if len(request["Plaintext"]) > limit:
        raise ValidationException(
            f"Algorithm {algorithm} and key spec {key['key_spec']} cannot encrypt data larger "
            f"than {limit} bytes."
        )
    dry_run(request)
    public = keystore.public_key(key["key_id"], key["current_version"])
    assert public is not None
    return {
        "CiphertextBlob": signing.rsa_encrypt(public, algorithm, request["Plaintext"]),
        "KeyId": key_arn(keystore, key["key_id"]),
        "EncryptionAlgorithm": algorithm,
    }


def rsa_decrypt(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    """Decrypt RSAES-OAEP ciphertext (what openssl made under GetPublicKey's key) with an RSA key."""
    algorithm = request["EncryptionAlgorithm"]
    if "KeyId" not in request:
        raise ValidationException(
            f"KeyId is required to decrypt with {algorithm}: asymmetric ciphertext does not "
            "name its key."
        )
    key = find_key(keystore, request["KeyId"])
    require_state(keystore, key)
    require_usage(keystore, key, "ENCRYPT_DECRYPT", "Decrypt")
    _check_algorithm(keystore, key, "EncryptionAlgorithms", algorithm)
    _no_context(request)
    dry_run(request)
    private = keystore.material(key["key_id"], key["current_version"], key["key_spec"])
    try:
        plaintext = signing.rsa_decrypt(private, algorithm, request["CiphertextBlob"])
    except ValueError:
        raise InvalidCiphertextException(
            f"The ciphertext does not decrypt with this key and {algorithm}."
        ) from None
    return {
        "KeyId": key_arn(keystore, key["key_id"]),
        "Plaintext": plaintext,
        "EncryptionAlgorithm": algorithm,
    }


def _open_pair(
    keystore: Keystore, request: dict[str, Any], usage: str, member: str, algorithm: str
) -> tuple[dict[str, Any], str, bytes]:
    """Unseal a data key pair's private key for this call only: (KMS key, pair spec, PKCS#8)."""
    key, header, private = open_sealed(
        keystore, request["PrivateKeyCiphertextBlob"], request.get("EncryptionContext")
    )
    pair_spec = header.key_pair_spec
    if header.kind != blob.KIND_PRIVATE_KEY or pair_spec is None:
        raise InvalidCiphertextException(
            "PrivateKeyCiphertextBlob does not hold the private key of a data key pair; pass the "
            "PrivateKeyCiphertextBlob that generate-data-key-pair returned."
        )
    if algorithm not in _allowed(pair_spec, usage, member):
        valid = ", ".join(_allowed(pair_spec, usage, member)) or "none"
        hint = (
            " An ML-KEM pair neither signs nor decrypts: decapsulate-with-data-key-pair opens "
            "what was encapsulated to its public key."
            if pair_spec.startswith("ML_KEM")
            else ""
        )
        raise InvalidKeyUsageException(
            f"Algorithm {algorithm} is incompatible with data key pair spec {pair_spec} "
            f"(valid: {valid}).{hint}"
        )
    return key, pair_spec, private


@handles("SignWithDataKeyPair")
def sign_with_data_key_pair(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    algorithm = request["SigningAlgorithm"]
    key, pair_spec, private = _open_pair(
        keystore, request, "SIGN_VERIFY", "SigningAlgorithms", algorithm
    )
    signature = _signing_call(
        signing.sign, private, algorithm, request["Message"], request.get("MessageType", "RAW")
    )
    return {
        "KeyId": key_arn(keystore, key["key_id"]),
        "KeyPairSpec": pair_spec,
        "Signature": signature,
        "SigningAlgorithm": algorithm,
    }


@handles("DecryptWithDataKeyPair")
def decrypt_with_data_key_pair(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    algorithm = request["EncryptionAlgorithm"]
    key, pair_spec, private = _open_pair(
        keystore, request, "ENCRYPT_DECRYPT", "EncryptionAlgorithms", algorithm
    )
    try:
        plaintext = signing.rsa_decrypt(private, algorithm, request["CiphertextBlob"])
    except ValueError:
        raise InvalidCiphertextException(
            f"The ciphertext does not decrypt with this data key pair and {algorithm}."
        ) from None
    return {
        "KeyId": key_arn(keystore, key["key_id"]),
        "KeyPairSpec": pair_spec,
        "Plaintext": plaintext,
        "EncryptionAlgorithm": algorithm,
    }
