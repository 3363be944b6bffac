"""Imported key material (BYOK) by AWS's documented recipe, with openssl as the judge."""

from __future__ import annotations

import base64
import hmac
import json
import os
import struct
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from qkms_cli import errors, service
from qkms_cli.store.keystore import Keystore
from tests.conftest import Clock, Qkms, openssl

DAY = 86400.0


def ssl(*args: Any, data: bytes | None = None) -> bytes:
    return subprocess.run(
        [openssl(), *map(str, args)], input=data, check=True, capture_output=True
    ).stdout


def wrap_like_aws(tmp_path: Path, material: Path, wrapping_der: Path, algorithm: str) -> Path:
    """The "Encrypt key material" commands of AWS's developer guide, run as written."""
    md = "sha1" if algorithm.endswith("SHA_1") else "sha256"
    oaep = ["-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", f"rsa_oaep_md:{md}"]
    oaep += ["-pkeyopt", f"rsa_mgf1_md:{md}"]
    out = tmp_path / "EncryptedKeyMaterial.bin"
    pubin = ["-inkey", wrapping_der, "-keyform", "DER", "-pubin"]
    if algorithm.startswith("RSAES_OAEP"):
        ssl("pkeyutl", "-encrypt", "-in", material, "-out", out, *pubin, *oaep)
        return out
    aes_key = tmp_path / "aes-key.bin"
    ssl("rand", "-out", aes_key, 32)
    wrapped = tmp_path / "key-material-wrapped.bin"
    key_hex = aes_key.read_bytes().hex()
    ssl(
        "enc",
        "-id-aes256-wrap-pad",
        "-K",
        key_hex,
        "-iv",
        "A65959A6",
        "-in",
        material,
        "-out",
        wrapped,
    )
    wrapped_key = tmp_path / "aes-key-wrapped.bin"
    ssl("pkeyutl", "-encrypt", "-in", aes_key, "-out", wrapped_key, *pubin, *oaep)
    out.write_bytes(wrapped_key.read_bytes() + wrapped.read_bytes())
    return out


def import_with_cli(
    qkms: Qkms, tmp_path: Path, key_id: str, material: Path, algorithm: str, *extra: str
) -> dict[str, Any]:
    params = qkms.ok(
        "keys",
        "get-parameters-for-import",
        "--key-id",
        key_id,
        "--wrapping-algorithm",
        algorithm,
        "--wrapping-key-spec",
        "RSA_3072",
        "--public-key-out",
        str(tmp_path / "WrappingPublicKey.bin"),
        "--import-token-out",
        str(tmp_path / "ImportToken.bin"),
    )
    assert params["KeyId"].endswith(key_id)
    encrypted = wrap_like_aws(tmp_path, material, tmp_path / "WrappingPublicKey.bin", algorithm)
    return qkms.ok(
        "keys",
        "import-key-material",
        "--key-id",
        key_id,
        "--import-token",
        f"fileb://{tmp_path / 'ImportToken.bin'}",
        "--encrypted-key-material",
        f"fileb://{encrypted}",
        *(extra or ("--expiration-model", "KEY_MATERIAL_DOES_NOT_EXPIRE")),
    )


def outside_blob(material: bytes, key_id: str, plaintext: bytes, context: dict[str, str]) -> bytes:
    """A ciphertext made without qkms, from DESIGN.md's blob layout and the material alone."""
    header = struct.pack(
        ">2sBBBB16sI12s",
        b"QK",
        1,
        1 if context else 0,
        0,
        0,
        uuid.UUID(key_id).bytes,
        1,
        os.urandom(12),
    )
    aad = header + (
        json.dumps(context, sort_keys=True, separators=(",", ":")).encode() if context else b""
    )
    return header + AESGCM(material).encrypt(header[26:38], plaintext, aad)


def test_symmetric_import_with_oaep_sha256(qkms: Qkms, tmp_path: Path) -> None:
    key_id = qkms.new_key("--origin", "EXTERNAL", "--description", "byok")
    meta = qkms.ok("keys", "describe", "--key-id", key_id)["KeyMetadata"]
    assert (meta["KeyState"], meta["Origin"], meta["Enabled"]) == (
        "PendingImport",
        "EXTERNAL",
        False,
    )
    assert "CurrentKeyMaterialId" not in meta
    (tmp_path / "m").write_bytes(b"x")
    pending = qkms.fails(
        254, "encrypt", "--key-id", key_id, "--plaintext", f"fileb://{tmp_path / 'm'}"
    )
    assert (
        f"(KMSInvalidStateException) when calling the Encrypt operation: {meta['Arn']} is pending import."
        in pending.stderr
    )
    material = tmp_path / "PlaintextKeyMaterial.bin"
    ssl("rand", "-out", material, 32)
    done = import_with_cli(qkms, tmp_path, key_id, material, "RSAES_OAEP_SHA_256")
    assert done["KeyId"] == meta["Arn"] and len(done["KeyMaterialId"]) == 64
    meta = qkms.ok("keys", "describe", "--key-id", key_id)["KeyMetadata"]
    assert (meta["KeyState"], meta["ExpirationModel"]) == (
        "Enabled",
        "KEY_MATERIAL_DOES_NOT_EXPIRE",
    )
    assert "ValidTo" not in meta
    # What the same material sealed outside qkms, qkms opens.
    blob = outside_blob(material.read_bytes(), key_id, b"made elsewhere", {"app": "x"})
    (tmp_path / "outside.enc").write_bytes(blob)
    opened = qkms.ok(
        "decrypt",
        "--ciphertext-blob",
        f"fileb://{tmp_path / 'outside.enc'}",
        "--encryption-context",
        "app=x",
    )
    assert base64.b64decode(opened["Plaintext"]) == b"made elsewhere"


def test_hmac_import_with_aes_key_wrap_matches_python_hmac(qkms: Qkms, tmp_path: Path) -> None:
    key_id = qkms.new_key(
        "--origin", "EXTERNAL", "--key-spec", "HMAC_256", "--key-usage", "GENERATE_VERIFY_MAC"
    )
    material = tmp_path / "hmac.bin"
    ssl("rand", "-out", material, 48)
    import_with_cli(qkms, tmp_path, key_id, material, "RSA_AES_KEY_WRAP_SHA_256")
    (tmp_path / "msg").write_bytes(b"the message")
    mac = qkms.ok(
        "generate-mac",
        "--key-id",
        key_id,
        "--message",
        f"fileb://{tmp_path / 'msg'}",
        "--mac-algorithm",
        "HMAC_SHA_256",
    )["Mac"]
    assert base64.b64decode(mac) == hmac.digest(material.read_bytes(), b"the message", "sha256")


def test_rsa_import_with_aes_key_wrap(qkms: Qkms, tmp_path: Path) -> None:
    key_id = qkms.new_key(
        "--origin", "EXTERNAL", "--key-spec", "RSA_2048", "--key-usage", "ENCRYPT_DECRYPT"
    )
    pem = tmp_path / "rsa.pem"
    ssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", pem)
    der = tmp_path / "PrivateKey.der"
    ssl("pkcs8", "-topk8", "-in", pem, "-outform", "DER", "-nocrypt", "-out", der)
    import_with_cli(qkms, tmp_path, key_id, der, "RSA_AES_KEY_WRAP_SHA_256")
    ours = tmp_path / "ours.der"
    qkms.ok("get-public-key", "--key-id", key_id, "--public-key-out", str(ours))
    assert ours.read_bytes() == ssl("pkey", "-in", pem, "-pubout", "-outform", "DER")
    secret = tmp_path / "secret"
    secret.write_bytes(b"for the imported key")
    enc = tmp_path / "secret.enc"
    ssl(
        "pkeyutl",
        "-encrypt",
        "-inkey",
        pem,
        "-in",
        secret,
        "-out",
        enc,
        "-pkeyopt",
        "rsa_padding_mode:oaep",
        "-pkeyopt",
        "rsa_oaep_md:sha256",
        "-pkeyopt",
        "rsa_mgf1_md:sha256",
    )
    out = qkms.ok(
        "decrypt",
        "--key-id",
        key_id,
        "--ciphertext-blob",
        f"fileb://{enc}",
        "--encryption-algorithm",
        "RSAES_OAEP_SHA_256",
    )
    assert base64.b64decode(out["Plaintext"]) == b"for the imported key"


def test_ecc_import_signs_what_openssl_verifies(qkms: Qkms, tmp_path: Path) -> None:
    key_id = qkms.new_key(
        "--origin", "EXTERNAL", "--key-spec", "ECC_NIST_P256", "--key-usage", "SIGN_VERIFY"
    )
    pem = tmp_path / "ec.pem"
    ssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", pem)
    der = tmp_path / "PrivateKey.der"
    ssl("pkcs8", "-topk8", "-in", pem, "-outform", "DER", "-nocrypt", "-out", der)
    import_with_cli(qkms, tmp_path, key_id, der, "RSA_AES_KEY_WRAP_SHA_1")
    msg = tmp_path / "msg"
    msg.write_bytes(b"signed by imported material")
    sig = qkms.ok(
        "sign",
        "--key-id",
        key_id,
        "--message",
        f"fileb://{msg}",
        "--signing-algorithm",
        "ECDSA_SHA_256",
    )["Signature"]
    (tmp_path / "sig").write_bytes(base64.b64decode(sig))
    pub = tmp_path / "pub.pem"
    ssl("pkey", "-in", pem, "-pubout", "-out", pub)
    assert b"Verified OK" in ssl(
        "dgst", "-sha256", "-verify", pub, "-signature", tmp_path / "sig", msg
    )
    # And what openssl signs with the same material, qkms verifies.
    theirs = tmp_path / "theirs.sig"
    ssl("dgst", "-sha256", "-sign", pem, "-out", theirs, msg)
    ok = qkms.ok(
        "verify",
        "--key-id",
        key_id,
        "--message",
        f"fileb://{msg}",
        "--signature",
        f"fileb://{theirs}",
        "--signing-algorithm",
        "ECDSA_SHA_256",
    )
    assert ok["SignatureValid"] is True


# -- reimport, expiry and tokens, through the service with a clock --------------------------------


def _wrap(public_der: bytes, material: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    key: Any = serialization.load_der_public_key(public_der)
    sha = hashes.SHA256()
    return key.encrypt(material, padding.OAEP(mgf=padding.MGF1(sha), algorithm=sha, label=None))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def keystore(home: Path, clock: Clock) -> Any:
    store = Keystore.open(home, clock=clock)
    yield store
    store.close()


def call(keystore: Keystore, op: str, **request: Any) -> dict[str, Any]:
    return service.call(keystore, op, request)


def refused(keystore: Keystore, op: str, **request: Any) -> errors.ApiError:
    with pytest.raises(errors.ApiError) as caught:
        service.call(keystore, op, request)
    return caught.value


def params(keystore: Keystore, key_id: str) -> dict[str, Any]:
    return call(
        keystore,
        "GetParametersForImport",
        KeyId=key_id,
        WrappingAlgorithm="RSAES_OAEP_SHA_256",
        WrappingKeySpec="RSA_2048",
    )


def do_import(keystore: Keystore, key_id: str, material: bytes, **extra: Any) -> dict[str, Any]:
    got = params(keystore, key_id)
    extra.setdefault("ExpirationModel", "KEY_MATERIAL_DOES_NOT_EXPIRE")
    return call(
        keystore,
        "ImportKeyMaterial",
        KeyId=key_id,
        ImportToken=got["ImportToken"],
        EncryptedKeyMaterial=_wrap(got["PublicKey"], material),
        **extra,
    )


def test_reimport_same_material_opens_old_blobs_other_material_is_refused(
    keystore: Keystore,
) -> None:
    key_id = call(keystore, "CreateKey", Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    material = os.urandom(32)
    first = do_import(keystore, key_id, material)
    blob = call(keystore, "Encrypt", KeyId=key_id, Plaintext=b"before")["CiphertextBlob"]
    deleted = call(keystore, "DeleteImportedKeyMaterial", KeyId=key_id)
    assert deleted["KeyMaterialId"] == first["KeyMaterialId"]
    meta = call(keystore, "DescribeKey", KeyId=key_id)["KeyMetadata"]
    assert meta["KeyState"] == "PendingImport"
    assert refused(keystore, "Decrypt", CiphertextBlob=blob).code == "KMSInvalidStateException"
    error = refused(
        keystore,
        "ImportKeyMaterial",
        KeyId=key_id,
        ImportToken=params(keystore, key_id)["ImportToken"],
        EncryptedKeyMaterial=b"\0" * 256,
        ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
    )
    assert error.code == "InvalidCiphertextException"
    with pytest.raises(errors.ApiError) as caught:
        do_import(keystore, key_id, os.urandom(32))
    assert caught.value.code == "IncorrectKeyMaterialException"
    again = do_import(keystore, key_id, material)
    assert again["KeyMaterialId"] == first["KeyMaterialId"]
    rotations = call(
        keystore, "ListKeyRotations", KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL"
    )
    assert [
        (r["KeyMaterialId"], r["ImportState"], r["KeyMaterialState"])
        for r in rotations["Rotations"]
    ] == [(first["KeyMaterialId"], "IMPORTED", "CURRENT")]
    with pytest.raises(errors.ApiError) as caught:
        do_import(keystore, key_id, material, KeyMaterialDescription="mine")
    assert caught.value.code == "UnsupportedOperationException"
    assert call(keystore, "Decrypt", CiphertextBlob=blob)["Plaintext"] == b"before"
    status = call(keystore, "GetKeyRotationStatus", KeyId=key_id)
    assert status["KeyRotationEnabled"] is False
    error = refused(keystore, "RotateKeyOnDemand", KeyId=key_id)
    assert error.code == "UnsupportedOperationException" and "origin is EXTERNAL" in error.message
    # Reimporting while Enabled changes only the expiration.
    do_import(keystore, key_id, material)
    verify = keystore.verify()
    assert verify["problems"] == []


def test_expired_material_turns_the_key_back_to_pending_import(
    keystore: Keystore, clock: Clock
) -> None:
    key_id = call(keystore, "CreateKey", Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    material = os.urandom(32)
    valid_to = clock.now + DAY
    do_import(keystore, key_id, material, ExpirationModel="KEY_MATERIAL_EXPIRES", ValidTo=valid_to)
    meta = call(keystore, "DescribeKey", KeyId=key_id)["KeyMetadata"]
    assert meta["ExpirationModel"] == "KEY_MATERIAL_EXPIRES"
    assert meta["ValidTo"].timestamp() == valid_to
    blob = call(keystore, "Encrypt", KeyId=key_id, Plaintext=b"soon gone")["CiphertextBlob"]
    clock.advance(days=2)
    error = refused(keystore, "Decrypt", CiphertextBlob=blob)
    assert error.code == "KMSInvalidStateException" and "pending import" in error.message
    assert call(keystore, "DescribeKey", KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingImport"
    do_import(keystore, key_id, material)
    assert call(keystore, "Decrypt", CiphertextBlob=blob)["Plaintext"] == b"soon gone"
    # Material that expires while its key waits for deletion goes; the key stays pending deletion.
    do_import(
        keystore, key_id, material, ExpirationModel="KEY_MATERIAL_EXPIRES", ValidTo=clock.now + DAY
    )
    call(keystore, "ScheduleKeyDeletion", KeyId=key_id, PendingWindowInDays=30)
    clock.advance(days=2)
    assert (
        call(keystore, "DescribeKey", KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    )
    assert keystore.verify()["problems"] == []


def test_import_tokens(keystore: Keystore, clock: Clock) -> None:
    one = call(keystore, "CreateKey", Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    two = call(keystore, "CreateKey", Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    got = params(keystore, one)
    assert got["ParametersValidTo"].timestamp() == clock.now + DAY
    wrapped = _wrap(got["PublicKey"], os.urandom(32))
    request = {
        "ImportToken": got["ImportToken"],
        "EncryptedKeyMaterial": wrapped,
        "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE",
    }
    assert (
        refused(keystore, "ImportKeyMaterial", KeyId=two, **request).code
        == "InvalidImportTokenException"
    )
    altered = got["ImportToken"][:-1] + bytes([got["ImportToken"][-1] ^ 1])
    assert (
        refused(
            keystore, "ImportKeyMaterial", KeyId=one, **{**request, "ImportToken": altered}
        ).code
        == "InvalidImportTokenException"
    )
    error = refused(
        keystore,
        "ImportKeyMaterial",
        KeyId=one,
        ImportToken=got["ImportToken"],
        EncryptedKeyMaterial=wrapped,
    )
    assert (error.code, error.message) == (
        "ValidationException",
        "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES",
    )
    clock.advance(days=1, seconds=1)
    assert (
        refused(keystore, "ImportKeyMaterial", KeyId=one, **request).code
        == "ExpiredImportTokenException"
    )


def test_import_refusals(keystore: Keystore) -> None:
    plain = call(keystore, "CreateKey")["KeyMetadata"]
    error = refused(
        keystore,
        "GetParametersForImport",
        KeyId=plain["KeyId"],
        WrappingAlgorithm="RSAES_OAEP_SHA_256",
        WrappingKeySpec="RSA_2048",
    )
    assert (error.code, error.message) == (
        "UnsupportedOperationException",
        f"{plain['Arn']} origin is AWS_KMS which is not valid for this operation.",
    )
    rsa = call(
        keystore, "CreateKey", Origin="EXTERNAL", KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY"
    )["KeyMetadata"]
    error = refused(
        keystore,
        "GetParametersForImport",
        KeyId=rsa["KeyId"],
        WrappingAlgorithm="RSAES_OAEP_SHA_256",
        WrappingKeySpec="RSA_2048",
    )
    assert error.code == "ValidationException" and "RSA_AES_KEY_WRAP" in error.message
    sym = call(keystore, "CreateKey", Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    with pytest.raises(errors.ApiError) as caught:
        do_import(keystore, sym, os.urandom(16))
    assert caught.value.code == "IncorrectKeyMaterialException"
    assert refused(keystore, "EnableKeyRotation", KeyId=sym).code == "KMSInvalidStateException"


def test_the_readme_byok_recipe_runs_verbatim(qkms_bin: str, tmp_path: Path, home: Path) -> None:
    from tests.test_e2e_bin import readme_block, shell

    shell(qkms_bin, readme_block("### Bring your own key material"), tmp_path)
    key_id = subprocess.run(
        [qkms_bin, "keys", "list", "--query", "Keys[0].KeyId", "--output", "text"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    described = subprocess.run(
        [qkms_bin, "keys", "describe", "--key-id", key_id],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(described)["KeyMetadata"]["KeyState"] == "Enabled"
