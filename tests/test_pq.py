"""Post-quantum: ML-KEM data key pairs and KMS keys, ML-DSA signing keys, judged by other libraries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import mldsa

from qkms_cli import errors, service
from qkms_cli.store.keystore import Keystore
from tests.conftest import Qkms

# FIPS 203 Table 3 / AWS's Encapsulate documentation: ciphertext bytes per key spec.
CIPHERTEXT = {"ML_KEM_512": 768, "ML_KEM_768": 1088, "ML_KEM_1024": 1568}


@pytest.fixture
def keystore(home: Path) -> Any:
    store = Keystore.open(home)
    yield store
    store.close()


def call(keystore: Keystore, op: str, **request: Any) -> dict[str, Any]:
    return service.call(keystore, op, request)


def refused(keystore: Keystore, op: str, **request: Any) -> errors.ApiError:
    with pytest.raises(errors.ApiError) as caught:
        service.call(keystore, op, request)
    return caught.value


def encapsulate_outside(spec: str, public_der: bytes) -> tuple[bytes, bytes]:
    """(secret, ciphertext) from another library: cryptography, or pycryptodome for ML-KEM-512."""
    if spec == "ML_KEM_512":  # cryptography has no ML-KEM-512
        from Crypto.PublicKey import MLKEM

        return MLKEM.import_key(public_der)._encaps()  # type: ignore[no-any-return]
    public: Any = serialization.load_der_public_key(public_der)
    return public.encapsulate()  # type: ignore[no-any-return]


@pytest.mark.parametrize("spec", sorted(CIPHERTEXT))
def test_ml_kem_data_key_pair_decapsulates_inside_qkms(keystore: Keystore, spec: str) -> None:
    key_id = call(keystore, "CreateKey")["KeyMetadata"]["KeyId"]
    pair = call(
        keystore,
        "GenerateDataKeyPair",
        KeyId=key_id,
        KeyPairSpec=spec,
        EncryptionContext={"purpose": "kem"},
    )
    assert pair["KeyPairSpec"] == spec and "PrivateKeyPlaintext" not in pair
    secret, ciphertext = encapsulate_outside(spec, pair["PublicKey"])
    assert len(ciphertext) == CIPHERTEXT[spec]
    opened = call(
        keystore,
        "DecapsulateWithDataKeyPair",
        PrivateKeyCiphertextBlob=pair["PrivateKeyCiphertextBlob"],
        EncryptionContext={"purpose": "kem"},
        SharedSecretCiphertextBlob=ciphertext,
    )
    assert opened["SharedSecret"] == secret and len(secret) == 32
    assert opened["KeyPairSpec"] == spec
    # The private key is PKCS#8 of RFC 9935 that both libraries read, matching the public key.
    private = call(
        keystore,
        "Decrypt",
        CiphertextBlob=pair["PrivateKeyCiphertextBlob"],
        EncryptionContext={"purpose": "kem"},
    )["Plaintext"]
    from Crypto.PublicKey import MLKEM

    assert MLKEM.import_key(private).public_key().export_key() == pair["PublicKey"]
    info = call(keystore, "InspectBlob", CiphertextBlob=pair["PrivateKeyCiphertextBlob"])
    assert info["KeyPairSpec"] == spec and spec in info["Payload"]


def test_without_plaintext_and_the_cli_name_ml_kem(qkms: Qkms, tmp_path: Path) -> None:
    key_id = qkms.new_key()
    pair = qkms.ok(
        "generate-data-key-pair-without-plaintext",
        "--key-id",
        key_id,
        "--key-pair-spec",
        "ML_KEM_1024",
        "--public-key-out",
        str(tmp_path / "pub.der"),
        "--private-key-ciphertext-out",
        str(tmp_path / "pair.enc"),
    )
    assert pair["KeyPairSpec"] == "ML_KEM_1024"
    public: Any = serialization.load_der_public_key((tmp_path / "pub.der").read_bytes())
    secret, ciphertext = public.encapsulate()
    (tmp_path / "c.kem").write_bytes(ciphertext)
    out = qkms.ok(
        "decapsulate-with-data-key-pair",
        "--private-key-ciphertext-blob",
        f"fileb://{tmp_path / 'pair.enc'}",
        "--shared-secret-ciphertext-blob",
        f"fileb://{tmp_path / 'c.kem'}",
    )
    import base64

    assert base64.b64decode(out["SharedSecret"]) == secret
    shown = qkms.ok("blob", "inspect", f"fileb://{tmp_path / 'pair.enc'}")
    assert shown["KeyPairSpec"] == "ML_KEM_1024"


def test_an_ml_kem_pair_neither_signs_nor_decrypts(keystore: Keystore) -> None:
    key_id = call(keystore, "CreateKey")["KeyMetadata"]["KeyId"]
    pair = call(keystore, "GenerateDataKeyPair", KeyId=key_id, KeyPairSpec="ML_KEM_768")
    for op, extra in (
        ("SignWithDataKeyPair", {"Message": b"m", "SigningAlgorithm": "ECDSA_SHA_256"}),
        (
            "DecryptWithDataKeyPair",
            {"CiphertextBlob": b"c", "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"},
        ),
    ):
        error = refused(
            keystore, op, PrivateKeyCiphertextBlob=pair["PrivateKeyCiphertextBlob"], **extra
        )
        assert error.code == "InvalidKeyUsageException"
        assert "decapsulate-with-data-key-pair" in error.message


def test_decapsulate_with_a_pair_that_is_not_ml_kem_is_refused(keystore: Keystore) -> None:
    key_id = call(keystore, "CreateKey")["KeyMetadata"]["KeyId"]
    pair = call(keystore, "GenerateDataKeyPair", KeyId=key_id, KeyPairSpec="ECC_NIST_P256")
    error = refused(
        keystore,
        "DecapsulateWithDataKeyPair",
        PrivateKeyCiphertextBlob=pair["PrivateKeyCiphertextBlob"],
        SharedSecretCiphertextBlob=b"x" * 1088,
    )
    assert error.code == "InvalidKeyUsageException"


@pytest.mark.parametrize("spec", sorted(CIPHERTEXT))
def test_ml_kem_kms_keys_encapsulate_and_decapsulate(keystore: Keystore, spec: str) -> None:
    meta = call(keystore, "CreateKey", KeySpec=spec, KeyUsage="ENCAPSULATE_DECAPSULATE")[
        "KeyMetadata"
    ]
    assert meta["EncapsulationAlgorithms"] == ["ML_KEM"]
    assert "CustomerMasterKeySpec" not in meta
    key_id = meta["KeyId"]
    made = call(keystore, "Encapsulate", KeyId=key_id, EncapsulationAlgorithm="ML_KEM")
    assert len(made["SharedSecretCiphertextBlob"]) == CIPHERTEXT[spec]
    back = call(
        keystore,
        "Decapsulate",
        KeyId=key_id,
        EncapsulationAlgorithm="ML_KEM",
        SharedSecretCiphertextBlob=made["SharedSecretCiphertextBlob"],
    )
    assert back["SharedSecret"] == made["SharedSecret"]
    # The public key GetPublicKey hands out encapsulates elsewhere, and qkms opens the result.
    public = call(keystore, "GetPublicKey", KeyId=key_id)
    assert public["EncapsulationAlgorithms"] == ["ML_KEM"]
    secret, ciphertext = encapsulate_outside(spec, public["PublicKey"])
    opened = call(
        keystore,
        "Decapsulate",
        KeyId=key_id,
        EncapsulationAlgorithm="ML_KEM",
        SharedSecretCiphertextBlob=ciphertext,
    )
    assert opened["SharedSecret"] == secret
    # Implicit rejection: an altered ciphertext gives another secret, not an error.
    altered = bytes([ciphertext[0] ^ 1]) + ciphertext[1:]
    other = call(
        keystore,
        "Decapsulate",
        KeyId=key_id,
        EncapsulationAlgorithm="ML_KEM",
        SharedSecretCiphertextBlob=altered,
    )
    assert other["SharedSecret"] != secret and len(other["SharedSecret"]) == 32
    error = refused(
        keystore,
        "Decapsulate",
        KeyId=key_id,
        EncapsulationAlgorithm="ML_KEM",
        SharedSecretCiphertextBlob=ciphertext[:-1],
    )
    assert error.code == "InvalidCiphertextException"


def test_kem_operations_refuse_other_keys(keystore: Keystore) -> None:
    key = call(keystore, "CreateKey")["KeyMetadata"]
    error = refused(keystore, "Encapsulate", KeyId=key["KeyId"], EncapsulationAlgorithm="ML_KEM")
    assert error.code == "InvalidKeyUsageException"
    assert error.message == (
        f"{key['Arn']} key usage is ENCRYPT_DECRYPT which is not valid for Encapsulate."
    )
    error = refused(keystore, "CreateKey", KeySpec="ML_KEM_768", KeyUsage="ENCRYPT_DECRYPT")
    assert error.message == "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec ML_KEM_768"


@pytest.mark.parametrize("spec", ["ML_DSA_44", "ML_DSA_65", "ML_DSA_87"])
def test_ml_dsa_signatures_verify_in_cryptography(keystore: Keystore, spec: str) -> None:
    meta = call(keystore, "CreateKey", KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    assert meta["SigningAlgorithms"] == ["ML_DSA_SHAKE_256"]
    key_id = meta["KeyId"]
    public: Any = serialization.load_der_public_key(
        call(keystore, "GetPublicKey", KeyId=key_id)["PublicKey"]
    )
    assert type(public).__name__ == spec.replace("_", "") + "PublicKey"
    message = b"release 1.0"
    raw = call(
        keystore, "Sign", KeyId=key_id, Message=message, SigningAlgorithm="ML_DSA_SHAKE_256"
    )["Signature"]
    public.verify(raw, message)  # pure ML-DSA, empty context
    # EXTERNAL_MU: the caller computes FIPS 204's mu; the signature is the message's signature.
    hasher = mldsa.MLDSAMuHasher(public)
    hasher.update(message)
    mu = hasher.finalize()
    external = call(
        keystore,
        "Sign",
        KeyId=key_id,
        Message=mu,
        MessageType="EXTERNAL_MU",
        SigningAlgorithm="ML_DSA_SHAKE_256",
    )["Signature"]
    public.verify(external, message)
    for signature, kind, data in ((raw, "RAW", message), (external, "EXTERNAL_MU", mu)):
        verified = call(
            keystore,
            "Verify",
            KeyId=key_id,
            Message=data,
            MessageType=kind,
            Signature=signature,
            SigningAlgorithm="ML_DSA_SHAKE_256",
        )
        assert verified["SignatureValid"] is True
    error = refused(
        keystore,
        "Verify",
        KeyId=key_id,
        Message=b"another",
        Signature=raw,
        SigningAlgorithm="ML_DSA_SHAKE_256",
    )
    assert error.code == "KMSInvalidSignatureException"


def test_ml_dsa_message_types(keystore: Keystore) -> None:
    key_id = call(keystore, "CreateKey", KeySpec="ML_DSA_44", KeyUsage="SIGN_VERIFY")[
        "KeyMetadata"
    ]["KeyId"]
    for kind, message in (("DIGEST", b"d" * 32), ("EXTERNAL_MU", b"m" * 63)):
        error = refused(
            keystore,
            "Sign",
            KeyId=key_id,
            Message=message,
            MessageType=kind,
            SigningAlgorithm="ML_DSA_SHAKE_256",
        )
        assert error.code == "ValidationException", kind
    error = refused(keystore, "Sign", KeyId=key_id, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")
    assert error.message == "Algorithm ECDSA_SHA_256 is incompatible with key spec ML_DSA_44."


def test_ml_dsa_through_the_cli_and_openssl_free_verification(qkms: Qkms, tmp_path: Path) -> None:
    key_id = qkms.new_key("--key-spec", "ML_DSA_65", "--key-usage", "SIGN_VERIFY")
    (tmp_path / "m").write_bytes(b"hello")
    signed = qkms.ok(
        "sign",
        "--key-id",
        key_id,
        "--message",
        f"fileb://{tmp_path / 'm'}",
        "--signing-algorithm",
        "ML_DSA_SHAKE_256",
    )
    assert signed["SigningAlgorithm"] == "ML_DSA_SHAKE_256"
    described = qkms.ok("keys", "describe", "--key-id", key_id)["KeyMetadata"]
    assert described["KeySpec"] == "ML_DSA_65"
