"""Data key pairs used inside qkms: SignWithDataKeyPair and DecryptWithDataKeyPair, judged by openssl."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import RSA_SIGNING, Qkms, arn, b64, openssl, unb64

CONTEXT = "Purpose=Test,Build=ci-1234"
MESSAGE = b"release artifact v2.0.0\n" * 30
SIGN_MEMBERS = {"KeyId", "KeyPairSpec", "Signature", "SigningAlgorithm"}
DECRYPT_MEMBERS = {"KeyId", "KeyPairSpec", "Plaintext", "EncryptionAlgorithm"}
# Every signing algorithm AWS allows for each pair spec; the slow RSA sizes take one each.
SIGN_CASES = [
    ("RSA_2048", RSA_SIGNING),
    ("RSA_3072", ["RSASSA_PSS_SHA_512"]),
    ("RSA_4096", ["RSASSA_PKCS1_V1_5_SHA_256"]),
    ("ECC_NIST_P256", ["ECDSA_SHA_256"]),
    ("ECC_NIST_P384", ["ECDSA_SHA_384"]),
    ("ECC_NIST_P521", ["ECDSA_SHA_512"]),
    ("ECC_SECG_P256K1", ["ECDSA_SHA_256"]),
]


def error_line(code: str, op: str) -> str:
    return f"An error occurred ({code}) when calling the {op} operation: "


def run_openssl(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([openssl(), *args], capture_output=True, timeout=60)


def new_pair(qkms: Qkms, key: str, spec: str, *, without_plaintext: bool = False) -> dict:
    command = "generate-data-key-pair" + ("-without-plaintext" if without_plaintext else "")
    return qkms.ok(
        command, "--key-id", key, "--key-pair-spec", spec, "--encryption-context", CONTEXT
    )


def pem_of(pair: dict, tmp: Path) -> Path:
    der, pem = tmp / "public.der", tmp / "public.pem"
    der.write_bytes(unb64(pair["PublicKey"]))
    done = run_openssl("pkey", "-pubin", "-inform", "DER", "-in", str(der), "-out", str(pem))
    assert done.returncode == 0, done.stderr
    return pem


def sign_inside(qkms: Qkms, pair: dict, algorithm: str, message: bytes, *extra: str) -> dict:
    return qkms.ok(
        "sign-with-data-key-pair",
        "--private-key-ciphertext-blob",
        pair["PrivateKeyCiphertextBlob"],
        "--encryption-context",
        CONTEXT,
        "--message",
        b64(message),
        "--signing-algorithm",
        algorithm,
        *extra,
    )


def openssl_verifies(pem: Path, algorithm: str, message: Path, signature: bytes) -> bool:
    sig = message.with_suffix(".sig")
    sig.write_bytes(signature)
    options: list[str] = []
    if algorithm.startswith("RSASSA_PSS_"):
        options = ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1"]
    digest = "-sha" + algorithm.rsplit("_", 1)[1]
    done = run_openssl(
        "dgst", digest, *options, "-verify", str(pem), "-signature", str(sig), str(message)
    )
    return done.returncode == 0 and b"Verified OK" in done.stdout


@pytest.mark.parametrize(("spec", "algorithms"), SIGN_CASES)
def test_sign_with_data_key_pair_verifies_in_openssl(
    qkms: Qkms, tmp_path: Path, spec: str, algorithms: list[str]
) -> None:
    key = qkms.new_key()
    pair = new_pair(qkms, key, spec)
    pem = pem_of(pair, tmp_path)
    message = tmp_path / "message.bin"
    message.write_bytes(MESSAGE)
    for algorithm in algorithms:
        result = qkms(
            "sign-with-data-key-pair",
            "--private-key-ciphertext-blob",
            pair["PrivateKeyCiphertextBlob"],
            "--encryption-context",
            CONTEXT,
            "--message",
            f"fileb://{message}",
            "--signing-algorithm",
            algorithm,
        )
        assert result.exit_code == 0, result.stderr
        signed = json.loads(result.stdout)
        # The signature and what made it, never the private key.
        assert set(signed) == SIGN_MEMBERS
        assert signed["KeyId"] == arn(key)
        assert signed["KeyPairSpec"] == spec
        assert signed["SigningAlgorithm"] == algorithm
        assert openssl_verifies(pem, algorithm, message, unb64(signed["Signature"]))

        digest = hashlib.new("sha" + algorithm.rsplit("_", 1)[1], MESSAGE).digest()
        by_digest = sign_inside(qkms, pair, algorithm, digest, "--message-type", "DIGEST")
        assert openssl_verifies(pem, algorithm, message, unb64(by_digest["Signature"]))

    # openssl is really judging: another message does not verify.
    other = tmp_path / "other.bin"
    other.write_bytes(MESSAGE + b"!")
    assert not openssl_verifies(pem, algorithms[0], other, unb64(signed["Signature"]))


def test_private_key_is_never_in_the_output(qkms: Qkms, home: Path) -> None:
    key = qkms.new_key()
    pair = new_pair(qkms, key, "ECC_NIST_P256")
    private_der = unb64(
        qkms.ok(
            "decrypt",
            "--ciphertext-blob",
            pair["PrivateKeyCiphertextBlob"],
            "--encryption-context",
            CONTEXT,
        )["Plaintext"]
    )
    result = qkms(
        "sign-with-data-key-pair",
        "--private-key-ciphertext-blob",
        pair["PrivateKeyCiphertextBlob"],
        "--encryption-context",
        CONTEXT,
        "--message",
        b64(b"m"),
        "--signing-algorithm",
        "ECDSA_SHA_256",
        "--output",
        "text",
    )
    assert result.exit_code == 0, result.stderr
    from cryptography.hazmat.primitives import serialization

    private = serialization.load_der_private_key(private_der, password=None)
    secret = private.private_numbers().private_value.to_bytes(32, "big")  # type: ignore[union-attr]
    assert secret in private_der
    for encoded in (b64(private_der), private_der.hex(), b64(secret), secret.hex()):
        assert encoded not in result.stdout and encoded not in result.stderr
    for path in home.rglob("*"):
        if path.is_file():
            assert private_der not in path.read_bytes(), path.name


def test_ed25519_pair_signs_inside(qkms: Qkms, tmp_path: Path) -> None:
    from qkms_cli.engine import signing

    key = qkms.new_key()
    pair = new_pair(qkms, key, "ECC_NIST_EDWARDS25519", without_plaintext=True)
    pem = pem_of(pair, tmp_path)
    message = tmp_path / "message.bin"
    message.write_bytes(MESSAGE)
    signed = sign_inside(qkms, pair, "ED25519_SHA_512", MESSAGE)
    assert set(signed) == SIGN_MEMBERS
    sig = tmp_path / "message.sig"
    sig.write_bytes(unb64(signed["Signature"]))
    done = run_openssl(
        "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", str(pem), "-in", str(message),
        "-sigfile", str(sig),
    )  # fmt: skip
    assert done.returncode == 0 and b"Signature Verified Successfully" in done.stdout

    digest = hashlib.sha512(MESSAGE).digest()
    prehashed = sign_inside(qkms, pair, "ED25519_PH_SHA_512", digest, "--message-type", "DIGEST")
    public_raw = unb64(pair["PublicKey"])[12:]
    assert signing.ed25519ph_verify(public_raw, digest, unb64(prehashed["Signature"]))

    result = qkms.fails(
        254,
        "sign-with-data-key-pair",
        "--private-key-ciphertext-blob",
        pair["PrivateKeyCiphertextBlob"],
        "--encryption-context",
        CONTEXT,
        "--message",
        b64(digest),
        "--message-type",
        "DIGEST",
        "--signing-algorithm",
        "ED25519_SHA_512",
    )
    assert error_line("ValidationException", "SignWithDataKeyPair") in result.stderr


@pytest.mark.parametrize(
    ("spec", "algorithm", "digest"),
    [
        ("RSA_2048", "RSAES_OAEP_SHA_256", "sha256"),
        ("RSA_2048", "RSAES_OAEP_SHA_1", "sha1"),
        ("RSA_3072", "RSAES_OAEP_SHA_256", "sha256"),
    ],
)
def test_decrypt_with_data_key_pair_opens_what_openssl_sealed(
    qkms: Qkms, tmp_path: Path, spec: str, algorithm: str, digest: str
) -> None:
    key = qkms.new_key()
    pair = new_pair(qkms, key, spec)
    pem = pem_of(pair, tmp_path)
    plaintext = tmp_path / "secret.txt"
    plaintext.write_bytes(b"sealed by openssl under a data key pair's public key")
    sealed = tmp_path / "secret.enc"
    done = run_openssl(
        "pkeyutl", "-encrypt", "-pubin", "-inkey", str(pem), "-in", str(plaintext),
        "-out", str(sealed), "-pkeyopt", "rsa_padding_mode:oaep",
        "-pkeyopt", f"rsa_oaep_md:{digest}", "-pkeyopt", f"rsa_mgf1_md:{digest}",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    base = (
        "decrypt-with-data-key-pair",
        "--private-key-ciphertext-blob",
        pair["PrivateKeyCiphertextBlob"],
        "--ciphertext-blob",
        f"fileb://{sealed}",
    )
    opened = qkms.ok(*base, "--encryption-context", CONTEXT, "--encryption-algorithm", algorithm)
    assert opened == {
        "KeyId": arn(key),
        "KeyPairSpec": spec,
        "Plaintext": b64(plaintext.read_bytes()),
        "EncryptionAlgorithm": algorithm,
    }
    assert set(opened) == DECRYPT_MEMBERS

    other = "RSAES_OAEP_SHA_1" if algorithm == "RSAES_OAEP_SHA_256" else "RSAES_OAEP_SHA_256"
    result = qkms.fails(
        254, *base, "--encryption-context", CONTEXT, "--encryption-algorithm", other
    )
    assert error_line("InvalidCiphertextException", "DecryptWithDataKeyPair") in result.stderr
    result = qkms.fails(254, *base, "--encryption-algorithm", algorithm)  # context missing
    assert error_line("InvalidCiphertextException", "DecryptWithDataKeyPair") in result.stderr


def test_sign_with_data_key_pair_errors(qkms: Qkms) -> None:
    key = qkms.new_key()
    rsa_pair = new_pair(qkms, key, "RSA_2048", without_plaintext=True)
    ec_pair = new_pair(qkms, key, "ECC_NIST_P256")

    def fails(pair_blob: str, algorithm: str, *extra: str, context: str = CONTEXT) -> str:
        result = qkms.fails(
            254,
            "sign-with-data-key-pair",
            "--private-key-ciphertext-blob",
            pair_blob,
            "--encryption-context",
            context,
            "--message",
            b64(b"m"),
            "--signing-algorithm",
            algorithm,
            *extra,
        )
        return result.stderr

    op = "SignWithDataKeyPair"
    assert error_line("InvalidKeyUsageException", op) in fails(
        rsa_pair["PrivateKeyCiphertextBlob"], "ECDSA_SHA_256"
    )
    assert error_line("InvalidKeyUsageException", op) in fails(
        ec_pair["PrivateKeyCiphertextBlob"], "ECDSA_SHA_384"
    )
    assert error_line("InvalidCiphertextException", op) in fails(
        ec_pair["PrivateKeyCiphertextBlob"], "ECDSA_SHA_256", context="Purpose=Prod"
    )
    assert error_line("ValidationException", op) in fails(
        ec_pair["PrivateKeyCiphertextBlob"], "ECDSA_SHA_256", "--message-type", "DIGEST"
    )
    # Blobs that are not the private key of a data key pair.
    data_blob = qkms.ok(
        "encrypt", "--key-id", key, "--plaintext", b64(b"x"), "--encryption-context", CONTEXT
    )["CiphertextBlob"]
    assert error_line("InvalidCiphertextException", op) in fails(data_blob, "ECDSA_SHA_256")
    data_key = qkms.ok(
        "generate-data-key",
        "--key-id",
        key,
        "--key-spec",
        "AES_256",
        "--encryption-context",
        CONTEXT,
    )["CiphertextBlob"]
    assert error_line("InvalidCiphertextException", op) in fails(data_key, "ECDSA_SHA_256")
    assert error_line("InvalidCiphertextException", op) in fails(
        b64(b"not a blob"), "ECDSA_SHA_256"
    )
    damaged = bytearray(unb64(ec_pair["PrivateKeyCiphertextBlob"]))
    damaged[-5] ^= 0x80
    assert error_line("InvalidCiphertextException", op) in fails(
        b64(bytes(damaged)), "ECDSA_SHA_256"
    )

    result = qkms.fails(
        252,
        "sign-with-data-key-pair",
        "--private-key-ciphertext-blob",
        ec_pair["PrivateKeyCiphertextBlob"],
        "--message",
        b64(b"m"),
    )
    assert "--signing-algorithm" in result.stderr

    # The KMS key that seals the pair must be usable.
    qkms.ok("keys", "disable", "--key-id", key)
    assert error_line("KMSInvalidStateException", op) + f"{arn(key)} is disabled." in fails(
        ec_pair["PrivateKeyCiphertextBlob"], "ECDSA_SHA_256"
    )


def test_decrypt_with_data_key_pair_errors(qkms: Qkms) -> None:
    key = qkms.new_key()
    rsa_pair = new_pair(qkms, key, "RSA_2048")
    ec_pair = new_pair(qkms, key, "ECC_NIST_P256")
    op = "DecryptWithDataKeyPair"

    def fails(pair_blob: str, ciphertext: bytes, algorithm: str = "RSAES_OAEP_SHA_256") -> str:
        result = qkms.fails(
            254,
            "decrypt-with-data-key-pair",
            "--private-key-ciphertext-blob",
            pair_blob,
            "--encryption-context",
            CONTEXT,
            "--ciphertext-blob",
            b64(ciphertext),
            "--encryption-algorithm",
            algorithm,
        )
        return result.stderr

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    public = serialization.load_der_public_key(unb64(rsa_pair["PublicKey"]))
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    sealed = public.encrypt(b"hello", oaep)  # type: ignore[union-attr]

    # ECC pairs do not decrypt; SYMMETRIC_DEFAULT is not an RSA algorithm.
    assert error_line("InvalidKeyUsageException", op) in fails(
        ec_pair["PrivateKeyCiphertextBlob"], sealed
    )
    assert error_line("InvalidKeyUsageException", op) in fails(
        rsa_pair["PrivateKeyCiphertextBlob"], sealed, "SYMMETRIC_DEFAULT"
    )
    damaged = bytearray(sealed)
    damaged[10] ^= 1
    assert error_line("InvalidCiphertextException", op) in fails(
        rsa_pair["PrivateKeyCiphertextBlob"], bytes(damaged)
    )
    other = new_pair(qkms, key, "RSA_2048")
    assert error_line("InvalidCiphertextException", op) in fails(
        other["PrivateKeyCiphertextBlob"], sealed
    )
    opened = qkms.ok(
        "decrypt-with-data-key-pair",
        "--private-key-ciphertext-blob",
        rsa_pair["PrivateKeyCiphertextBlob"],
        "--encryption-context",
        CONTEXT,
        "--ciphertext-blob",
        b64(sealed),
        "--encryption-algorithm",
        "RSAES_OAEP_SHA_256",
    )
    assert unb64(opened["Plaintext"]) == b"hello"
    qkms.ok("keys", "schedule-deletion", "--key-id", key)
    assert error_line("KMSInvalidStateException", op) in fails(
        rsa_pair["PrivateKeyCiphertextBlob"], sealed
    )


def test_pair_sealed_by_a_rotated_key_still_signs(qkms: Qkms, tmp_path: Path) -> None:
    key = qkms.new_key()
    pair = new_pair(qkms, key, "ECC_NIST_P384")
    qkms.ok("keys", "rotate", "--key-id", key)
    pem = pem_of(pair, tmp_path)
    message = tmp_path / "m.bin"
    message.write_bytes(MESSAGE)
    signed = sign_inside(qkms, pair, "ECDSA_SHA_384", MESSAGE)
    assert openssl_verifies(pem, "ECDSA_SHA_384", message, unb64(signed["Signature"]))
