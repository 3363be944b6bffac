"""Asymmetric KMS keys: GetPublicKey, Sign/Verify and RSA-OAEP, with openssl as the judge."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from tests.conftest import RSA_SIGNING, Qkms, arn, b64, openssl, unb64

# Every signing algorithm AWS allows for each key spec (CreateKey docs); RSA_2048 takes all six,
# the larger RSA keys (slow to generate) one each.
SIGN_CASES = [
    *(("RSA_2048", algorithm) for algorithm in RSA_SIGNING),
    ("RSA_3072", "RSASSA_PSS_SHA_384"),
    ("RSA_4096", "RSASSA_PKCS1_V1_5_SHA_512"),
    ("ECC_NIST_P256", "ECDSA_SHA_256"),
    ("ECC_NIST_P384", "ECDSA_SHA_384"),
    ("ECC_NIST_P521", "ECDSA_SHA_512"),
    ("ECC_SECG_P256K1", "ECDSA_SHA_256"),
]
MESSAGE = b"release artifact v1.2.3\n" * 40


def error_line(code: str, op: str) -> str:
    return f"An error occurred ({code}) when calling the {op} operation: "


def run_openssl(*args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([openssl(), *args], input=data, capture_output=True, timeout=60)


def public_pem(qkms: Qkms, key: str, path: Path) -> Path:
    """get-public-key's DER, converted by openssl itself to the PEM its other commands read."""
    der = path / "public.der"
    der.write_bytes(unb64(qkms.ok("get-public-key", "--key-id", key)["PublicKey"]))
    pem = path / "public.pem"
    done = run_openssl("pkey", "-pubin", "-inform", "DER", "-in", str(der), "-out", str(pem))
    assert done.returncode == 0, done.stderr
    return pem


def hash_of(algorithm: str) -> str:
    return "sha" + algorithm.rsplit("_", 1)[1]


def openssl_verifies(pem: Path, algorithm: str, message: Path, signature: bytes) -> bool:
    sig = message.with_suffix(".sig")
    sig.write_bytes(signature)
    options: list[str] = []
    if algorithm.startswith("RSASSA_PSS_"):
        # AWS's PSS: MGF1 with the same hash, salt as long as the digest (saltlen -1).
        options = ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1"]
    done = run_openssl(
        "dgst", f"-{hash_of(algorithm)}", *options, "-verify", str(pem), "-signature", str(sig),
        str(message),
    )  # fmt: skip
    if done.returncode == 0:
        assert b"Verified OK" in done.stdout
    return done.returncode == 0


def sign(qkms: Qkms, key: str, algorithm: str, message: bytes, *extra: str) -> dict:
    return qkms.ok(
        "sign",
        "--key-id",
        key,
        "--message",
        b64(message),
        "--signing-algorithm",
        algorithm,
        *extra,
    )


# -- GetPublicKey ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "usage", "lists"),
    [
        ("RSA_2048", "SIGN_VERIFY", {"SigningAlgorithms": RSA_SIGNING}),
        (
            "RSA_2048",
            "ENCRYPT_DECRYPT",
            {"EncryptionAlgorithms": ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]},
        ),
        ("ECC_NIST_P384", "SIGN_VERIFY", {"SigningAlgorithms": ["ECDSA_SHA_384"]}),
        ("ECC_NIST_P256", "KEY_AGREEMENT", {"KeyAgreementAlgorithms": ["ECDH"]}),
        ("ECC_SECG_P256K1", "SIGN_VERIFY", {"SigningAlgorithms": ["ECDSA_SHA_256"]}),
    ],
)
def test_get_public_key(qkms: Qkms, spec: str, usage: str, lists: dict) -> None:
    key = qkms.new_key("--key-spec", spec, "--key-usage", usage)
    response = qkms.ok("get-public-key", "--key-id", key)
    assert response == {
        "KeyId": arn(key),
        "PublicKey": response["PublicKey"],
        "CustomerMasterKeySpec": spec,
        "KeySpec": spec,
        "KeyUsage": usage,
        **lists,
    }
    # The same lists DescribeKey reports.
    meta = qkms.ok("keys", "describe", "--key-id", key)["KeyMetadata"]
    for name, values in lists.items():
        assert meta[name] == values
    # DER SubjectPublicKeyInfo that openssl reads as it is.
    text = run_openssl("pkey", "-pubin", "-inform", "DER", "-noout", "-text", data=unb64(
        response["PublicKey"]
    ))  # fmt: skip
    assert text.returncode == 0, text.stderr
    expected = {"RSA_2048": b"2048 bit", "ECC_NIST_P384": b"P-384", "ECC_NIST_P256": b"P-256"}
    assert expected.get(spec, b"") in text.stdout


def test_get_public_key_of_ed25519_key_has_no_deprecated_spec(qkms: Qkms) -> None:
    key = qkms.new_key("--key-spec", "ECC_NIST_EDWARDS25519", "--key-usage", "SIGN_VERIFY")
    response = qkms.ok("get-public-key", "--key-id", key)
    assert "CustomerMasterKeySpec" not in response
    assert response["KeySpec"] == "ECC_NIST_EDWARDS25519"
    assert response["SigningAlgorithms"] == ["ED25519_SHA_512", "ED25519_PH_SHA_512"]
    text = run_openssl("pkey", "-pubin", "-inform", "DER", "-noout", "-text", data=unb64(
        response["PublicKey"]
    ))  # fmt: skip
    assert b"ED25519" in text.stdout


def test_get_public_key_through_an_alias_and_of_a_disabled_key(qkms: Qkms) -> None:
    key = qkms.new_key("--key-spec", "ECC_NIST_P256", "--key-usage", "SIGN_VERIFY")
    qkms.ok("aliases", "create", "--alias-name", "alias/signer", "--target-key-id", key)
    first = qkms.ok("get-public-key", "--key-id", "alias/signer")
    qkms.ok("keys", "disable", "--key-id", key)
    # AWS hands out the public key of a disabled key too.
    assert qkms.ok("get-public-key", "--key-id", key) == first


@pytest.mark.parametrize(
    "flags", [(), ("--key-spec", "HMAC_256", "--key-usage", "GENERATE_VERIFY_MAC")]
)
def test_get_public_key_of_a_key_without_one(qkms: Qkms, flags: tuple[str, ...]) -> None:
    key = qkms.new_key(*flags)
    result = qkms.fails(254, "get-public-key", "--key-id", key)
    assert error_line("UnsupportedOperationException", "GetPublicKey") in result.stderr


def test_get_public_key_errors(qkms: Qkms) -> None:
    qkms.new_key()
    result = qkms.fails(254, "get-public-key", "--key-id", "alias/missing")
    assert error_line("NotFoundException", "GetPublicKey") in result.stderr
    key = qkms.new_key("--key-spec", "ECC_NIST_P256", "--key-usage", "SIGN_VERIFY")
    qkms.ok("keys", "schedule-deletion", "--key-id", key)
    result = qkms.fails(254, "get-public-key", "--key-id", key)
    assert error_line("KMSInvalidStateException", "GetPublicKey") in result.stderr


# -- Sign / Verify -----------------------------------------------------------------------------


@pytest.mark.parametrize(("spec", "algorithm"), SIGN_CASES)
def test_sign_raw_and_digest_verify_in_openssl(
    qkms: Qkms, tmp_path: Path, spec: str, algorithm: str
) -> None:
    key = qkms.new_key("--key-spec", spec, "--key-usage", "SIGN_VERIFY")
    pem = public_pem(qkms, key, tmp_path)
    message = tmp_path / "message.bin"
    message.write_bytes(MESSAGE)
    digest = hashlib.new(hash_of(algorithm), MESSAGE).digest()

    signed = qkms.ok(
        "sign",
        "--key-id",
        key,
        "--message",
        f"fileb://{message}",
        "--signing-algorithm",
        algorithm,
    )
    assert set(signed) == {"KeyId", "Signature", "SigningAlgorithm"}
    assert signed["KeyId"] == arn(key)
    assert signed["SigningAlgorithm"] == algorithm
    raw_signature = unb64(signed["Signature"])
    assert openssl_verifies(pem, algorithm, message, raw_signature)

    # A digest signed with MessageType DIGEST is a signature over the message itself.
    digest_signed = sign(qkms, key, algorithm, digest, "--message-type", "DIGEST")
    assert openssl_verifies(pem, algorithm, message, unb64(digest_signed["Signature"]))

    # And the judge is really judging: another message does not verify.
    other = tmp_path / "other.bin"
    other.write_bytes(MESSAGE + b"!")
    assert not openssl_verifies(pem, algorithm, other, raw_signature)

    # qkms verify agrees, whichever message type each side used.
    for flags, text in (
        (("--message-type", "RAW"), MESSAGE),
        (("--message-type", "DIGEST"), digest),
    ):
        verified = qkms.ok(
            "verify",
            "--key-id",
            key,
            "--message",
            b64(text),
            "--signature",
            signed["Signature"],
            "--signing-algorithm",
            algorithm,
            *flags,
        )
        assert verified == {
            "KeyId": arn(key),
            "SignatureValid": True,
            "SigningAlgorithm": algorithm,
        }


@pytest.mark.parametrize(
    ("spec", "algorithm"), [("RSA_2048", "RSASSA_PSS_SHA_256"), ("ECC_NIST_P256", "ECDSA_SHA_256")]
)
def test_a_failing_signature_is_kms_invalid_signature(
    qkms: Qkms, spec: str, algorithm: str
) -> None:
    key = qkms.new_key("--key-spec", spec, "--key-usage", "SIGN_VERIFY")
    other = qkms.new_key("--key-spec", spec, "--key-usage", "SIGN_VERIFY")
    signature = sign(qkms, key, algorithm, b"message")["Signature"]
    stranger = sign(qkms, other, algorithm, b"message")["Signature"]
    flipped = bytearray(unb64(signature))
    flipped[len(flipped) // 2] ^= 0x40
    cases = [
        (b"massage", signature),
        (b"message", stranger),
        (b"message", b64(bytes(flipped))),
        (b"message", b64(b"\x00" * 8)),
    ]
    for message, sig in cases:
        result = qkms.fails(
            254,
            "verify",
            "--key-id",
            key,
            "--message",
            b64(message),
            "--signature",
            sig,
            "--signing-algorithm",
            algorithm,
        )
        assert error_line("KMSInvalidSignatureException", "Verify") in result.stderr


def test_ed25519_signs_raw_messages_that_openssl_verifies(qkms: Qkms, tmp_path: Path) -> None:
    key = qkms.new_key("--key-spec", "ECC_NIST_EDWARDS25519", "--key-usage", "SIGN_VERIFY")
    pem = public_pem(qkms, key, tmp_path)
    message = tmp_path / "message.bin"
    message.write_bytes(MESSAGE)
    signed = sign(qkms, key, "ED25519_SHA_512", MESSAGE, "--message-type", "RAW")
    assert signed["SigningAlgorithm"] == "ED25519_SHA_512"
    sig = tmp_path / "message.sig"
    sig.write_bytes(unb64(signed["Signature"]))
    assert len(sig.read_bytes()) == 64
    # openssl 3.0's dgst has no Ed25519; pkeyutl -rawin is its way to verify pure EdDSA.
    verify = ("pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", str(pem), "-sigfile", str(sig))
    done = run_openssl(*verify, "-in", str(message))
    assert done.returncode == 0 and b"Signature Verified Successfully" in done.stdout, done.stderr
    message.write_bytes(MESSAGE + b"!")
    assert run_openssl(*verify, "-in", str(message)).returncode != 0

    verified = qkms.ok(
        "verify",
        "--key-id",
        key,
        "--message",
        b64(MESSAGE),
        "--signature",
        signed["Signature"],
        "--signing-algorithm",
        "ED25519_SHA_512",
    )
    assert verified["SignatureValid"] is True


def test_ed25519_sha_512_requires_raw(qkms: Qkms) -> None:
    key = qkms.new_key("--key-spec", "ECC_NIST_EDWARDS25519", "--key-usage", "SIGN_VERIFY")
    digest = hashlib.sha512(MESSAGE).digest()
    result = qkms.fails(
        254,
        "sign",
        "--key-id",
        key,
        "--message",
        b64(digest),
        "--message-type",
        "DIGEST",
        "--signing-algorithm",
        "ED25519_SHA_512",
    )
    assert error_line("ValidationException", "Sign") in result.stderr
    assert "RAW" in result.stderr


@pytest.mark.parametrize(
    ("spec", "usage", "algorithm"),
    [
        ("ECC_NIST_P256", "SIGN_VERIFY", "ECDSA_SHA_384"),
        ("ECC_NIST_P384", "SIGN_VERIFY", "RSASSA_PSS_SHA_384"),
        ("RSA_2048", "SIGN_VERIFY", "ECDSA_SHA_256"),
        ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY", "ECDSA_SHA_512"),
        ("RSA_2048", "ENCRYPT_DECRYPT", "RSASSA_PSS_SHA_256"),
        ("ECC_NIST_P256", "KEY_AGREEMENT", "ECDSA_SHA_256"),
        ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "ECDSA_SHA_256"),
        ("HMAC_256", "GENERATE_VERIFY_MAC", "ECDSA_SHA_256"),
    ],
)
def test_sign_with_a_key_or_algorithm_that_does_not_fit(
    qkms: Qkms, spec: str, usage: str, algorithm: str
) -> None:
    key = qkms.new_key("--key-spec", spec, "--key-usage", usage)
    args = ("--key-id", key, "--message", b64(b"m"), "--signing-algorithm", algorithm)
    result = qkms.fails(254, "sign", *args)
    assert error_line("InvalidKeyUsageException", "Sign") in result.stderr
    result = qkms.fails(254, "verify", *args, "--signature", b64(b"\x30\x00"))
    assert error_line("InvalidKeyUsageException", "Verify") in result.stderr


def test_sign_message_errors(qkms: Qkms) -> None:
    key = qkms.new_key("--key-spec", "ECC_NIST_P256", "--key-usage", "SIGN_VERIFY")
    base = ("sign", "--key-id", key, "--signing-algorithm", "ECDSA_SHA_256")
    # A digest must be exactly as long as the algorithm's hash.
    result = qkms.fails(254, *base, "--message", b64(b"x" * 31), "--message-type", "DIGEST")
    assert error_line("ValidationException", "Sign") in result.stderr
    result = qkms.fails(252, *base, "--message", b64(b"x" * 4097))
    assert "Message" in result.stderr and "4096" in result.stderr
    result = qkms.fails(252, *base, "--message", b64(b"x"), "--message-type", "HASHED")
    assert "RAW" in result.stderr
    result = qkms.fails(252, "sign", "--key-id", key, "--message", b64(b"x"))
    assert "--signing-algorithm" in result.stderr
    result = qkms.fails(
        252, "sign", "--key-id", key, "--message", b64(b"x"), "--signing-algorithm", "ECDSA"
    )
    assert "ECDSA_SHA_256" in result.stderr


def test_sign_with_disabled_or_unknown_key(qkms: Qkms) -> None:
    key = qkms.new_key("--key-spec", "ECC_NIST_P256", "--key-usage", "SIGN_VERIFY")
    signature = sign(qkms, key, "ECDSA_SHA_256", b"m")["Signature"]
    qkms.ok("keys", "disable", "--key-id", key)
    result = qkms.fails(
        254, "sign", "--key-id", key, "--message", b64(b"m"), "--signing-algorithm", "ECDSA_SHA_256"
    )
    assert error_line("KMSInvalidStateException", "Sign") + f"{arn(key)} is disabled." in (
        result.stderr
    )
    result = qkms.fails(
        254,
        "verify",
        "--key-id",
        key,
        "--message",
        b64(b"m"),
        "--signature",
        signature,
        "--signing-algorithm",
        "ECDSA_SHA_256",
    )
    assert error_line("KMSInvalidStateException", "Verify") in result.stderr
    result = qkms.fails(
        254,
        "sign",
        "--key-id",
        "alias/none",
        "--message",
        b64(b"m"),
        "--signing-algorithm",
        "ECDSA_SHA_256",
    )
    assert error_line("NotFoundException", "Sign") in result.stderr


# -- RSA encryption ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("algorithm", "digest"), [("RSAES_OAEP_SHA_256", "sha256"), ("RSAES_OAEP_SHA_1", "sha1")]
)
def test_openssl_encrypts_under_the_public_key_and_qkms_decrypts(
    qkms: Qkms, tmp_path: Path, algorithm: str, digest: str
) -> None:
    key = qkms.new_key("--key-spec", "RSA_2048", "--key-usage", "ENCRYPT_DECRYPT")
    pem = public_pem(qkms, key, tmp_path)
    plaintext = tmp_path / "secret.txt"
    plaintext.write_bytes(b"wrapped by openssl, opened by qkms")
    sealed = tmp_path / "secret.enc"
    done = run_openssl(
        "pkeyutl", "-encrypt", "-pubin", "-inkey", str(pem), "-in", str(plaintext),
        "-out", str(sealed), "-pkeyopt", "rsa_padding_mode:oaep",
        "-pkeyopt", f"rsa_oaep_md:{digest}", "-pkeyopt", f"rsa_mgf1_md:{digest}",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    opened = qkms.ok(
        "decrypt",
        "--key-id",
        key,
        "--ciphertext-blob",
        f"fileb://{sealed}",
        "--encryption-algorithm",
        algorithm,
    )
    assert opened == {
        "KeyId": arn(key),
        "Plaintext": b64(plaintext.read_bytes()),
        "EncryptionAlgorithm": algorithm,
    }
    # The other OAEP hash does not open it.
    other = "RSAES_OAEP_SHA_1" if algorithm == "RSAES_OAEP_SHA_256" else "RSAES_OAEP_SHA_256"
    result = qkms.fails(
        254,
        "decrypt",
        "--key-id",
        key,
        "--ciphertext-blob",
        f"fileb://{sealed}",
        "--encryption-algorithm",
        other,
    )
    assert error_line("InvalidCiphertextException", "Decrypt") in result.stderr


@pytest.mark.parametrize(
    ("spec", "algorithm", "limit"),
    [
        ("RSA_2048", "RSAES_OAEP_SHA_256", 190),
        ("RSA_2048", "RSAES_OAEP_SHA_1", 214),
        ("RSA_3072", "RSAES_OAEP_SHA_256", 318),
    ],
)
def test_rsa_encrypt_round_trip_and_size_limit(
    qkms: Qkms, spec: str, algorithm: str, limit: int
) -> None:
    key = qkms.new_key("--key-spec", spec, "--key-usage", "ENCRYPT_DECRYPT")
    base = ("encrypt", "--key-id", key, "--encryption-algorithm", algorithm)
    sealed = qkms.ok(*base, "--plaintext", b64(b"y" * limit))
    assert set(sealed) == {"CiphertextBlob", "KeyId", "EncryptionAlgorithm"}
    assert sealed["EncryptionAlgorithm"] == algorithm
    assert len(unb64(sealed["CiphertextBlob"])) == int(spec[4:]) // 8
    opened = qkms.ok(
        "decrypt",
        "--key-id",
        key,
        "--ciphertext-blob",
        sealed["CiphertextBlob"],
        "--encryption-algorithm",
        algorithm,
    )
    assert unb64(opened["Plaintext"]) == b"y" * limit
    result = qkms.fails(254, *base, "--plaintext", b64(b"y" * (limit + 1)))
    assert (
        error_line("ValidationException", "Encrypt")
        + (
            f"Algorithm {algorithm} and key spec {spec} cannot encrypt data larger than {limit} bytes."
        )
        in result.stderr
    )


def test_rsa_encryption_errors(qkms: Qkms) -> None:
    key = qkms.new_key("--key-spec", "RSA_2048", "--key-usage", "ENCRYPT_DECRYPT")
    secret = b64(b"s")
    result = qkms.fails(254, "encrypt", "--key-id", key, "--plaintext", secret)
    assert error_line("InvalidKeyUsageException", "Encrypt") in result.stderr  # SYMMETRIC_DEFAULT
    oaep = ("--encryption-algorithm", "RSAES_OAEP_SHA_256")
    result = qkms.fails(
        254, "encrypt", "--key-id", key, "--plaintext", secret, *oaep, "--encryption-context", "a=b"
    )
    assert error_line("ValidationException", "Encrypt") in result.stderr
    blob = qkms.ok("encrypt", "--key-id", key, "--plaintext", secret, *oaep)["CiphertextBlob"]
    result = qkms.fails(254, "decrypt", "--ciphertext-blob", blob, *oaep)
    assert error_line("ValidationException", "Decrypt") in result.stderr  # no KeyId
    other = qkms.new_key("--key-spec", "RSA_2048", "--key-usage", "ENCRYPT_DECRYPT")
    result = qkms.fails(254, "decrypt", "--key-id", other, "--ciphertext-blob", blob, *oaep)
    assert error_line("InvalidCiphertextException", "Decrypt") in result.stderr

    symmetric = qkms.new_key()
    result = qkms.fails(254, "encrypt", "--key-id", symmetric, "--plaintext", secret, *oaep)
    assert error_line("InvalidKeyUsageException", "Encrypt") in result.stderr
    signer = qkms.new_key("--key-spec", "RSA_2048", "--key-usage", "SIGN_VERIFY")
    result = qkms.fails(254, "encrypt", "--key-id", signer, "--plaintext", secret, *oaep)
    assert error_line("InvalidKeyUsageException", "Encrypt") in result.stderr

    qkms.ok("keys", "disable", "--key-id", key)
    result = qkms.fails(254, "decrypt", "--key-id", key, "--ciphertext-blob", blob, *oaep)
    assert error_line("KMSInvalidStateException", "Decrypt") in result.stderr


# -- Ed25519ph ---------------------------------------------------------------------------------

# RFC 8032, section 7.3: the Ed25519ph test vector (empty context).
RFC8032_PH = {
    "seed": "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
    "public": "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
    "message": "616263",
    "signature": "98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae41"
    "31f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406",
}


def test_ed25519ph_known_answer() -> None:
    from qkms_cli.engine import signing

    seed, public = bytes.fromhex(RFC8032_PH["seed"]), bytes.fromhex(RFC8032_PH["public"])
    message, expected = bytes.fromhex(RFC8032_PH["message"]), bytes.fromhex(RFC8032_PH["signature"])
    assert signing.ed25519ph_sign(seed, message) == expected
    assert signing.ed25519ph_verify(public, message, expected)
    # Negative vectors: another message, a flipped bit in R or S, S out of range, short input.
    assert not signing.ed25519ph_verify(public, b"abd", expected)
    assert not signing.ed25519ph_verify(public, message, bytes([expected[0] ^ 1]) + expected[1:])
    assert not signing.ed25519ph_verify(public, message, expected[:40] + b"\x00" + expected[41:])
    assert not signing.ed25519ph_verify(public, message, expected[:32] + b"\xff" * 32)
    assert not signing.ed25519ph_verify(public, message, expected[:63])
    # Pure Ed25519 of the same message is a different signature: the prehash mode is bound in.
    from cryptography.hazmat.primitives.asymmetric import ed25519

    pure = ed25519.Ed25519PrivateKey.from_private_bytes(seed).sign(message)
    assert pure != expected
    assert not signing.ed25519ph_verify(public, message, pure)


def test_ed25519_ph_signs_a_sha512_digest(qkms: Qkms) -> None:
    from qkms_cli.engine import signing

    key = qkms.new_key("--key-spec", "ECC_NIST_EDWARDS25519", "--key-usage", "SIGN_VERIFY")
    digest = hashlib.sha512(MESSAGE).digest()
    signed = sign(qkms, key, "ED25519_PH_SHA_512", digest, "--message-type", "DIGEST")
    assert signed["SigningAlgorithm"] == "ED25519_PH_SHA_512"
    signature = unb64(signed["Signature"])
    public = unb64(qkms.ok("get-public-key", "--key-id", key)["PublicKey"])
    assert public[:12] == bytes.fromhex("302a300506032b6570032100")  # Ed25519 SPKI prefix
    # AWS hashes the digest once more, so the signature is Ed25519ph over the digest.
    assert signing.ed25519ph_verify(public[12:], digest, signature)
    assert not signing.ed25519ph_verify(public[12:], MESSAGE, signature)

    args = ("verify", "--key-id", key, "--signing-algorithm", "ED25519_PH_SHA_512")
    verified = qkms.ok(
        *args, "--message", b64(digest), "--message-type", "DIGEST", "--signature", b64(signature)
    )
    assert verified["SignatureValid"] is True
    other = hashlib.sha512(MESSAGE + b"!").digest()
    result = qkms.fails(
        254,
        *args,
        "--message",
        b64(other),
        "--message-type",
        "DIGEST",
        "--signature",
        b64(signature),
    )
    assert error_line("KMSInvalidSignatureException", "Verify") in result.stderr
    # A raw message, or a digest of the wrong length, is refused.
    for message, flags in ((MESSAGE, ()), (digest[:32], ("--message-type", "DIGEST"))):
        result = qkms.fails(
            254,
            "sign",
            "--key-id",
            key,
            "--message",
            b64(message),
            "--signing-algorithm",
            "ED25519_PH_SHA_512",
            *flags,
        )
        assert error_line("ValidationException", "Sign") in result.stderr


def test_end_to_end_with_the_installed_command(run_bin, tmp_path: Path) -> None:
    """The console script in fresh processes: create, sign a file, openssl verifies the DER."""
    created = run_bin(
        "keys", "create", "--key-spec", "ECC_NIST_P256", "--key-usage", "SIGN_VERIFY",
        "--query", "KeyMetadata.KeyId", "--output", "text",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    key = created.stdout.decode().strip()
    message = tmp_path / "release.tar.gz"
    message.write_bytes(MESSAGE)
    signed = run_bin(
        "sign", "--key-id", key, "--message", f"fileb://{message}",
        "--signing-algorithm", "ECDSA_SHA_256", "--query", "Signature", "--output", "text",
    )  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    public = run_bin("get-public-key", "--key-id", key, "--query", "PublicKey", "--output", "text")
    assert public.returncode == 0, public.stderr
    (tmp_path / "public.der").write_bytes(unb64(public.stdout.decode().strip()))
    done = run_openssl(
        "pkey", "-pubin", "-inform", "DER", "-in", str(tmp_path / "public.der"),
        "-out", str(tmp_path / "public.pem"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert openssl_verifies(
        tmp_path / "public.pem", "ECDSA_SHA_256", message, unb64(signed.stdout.decode().strip())
    )
    bad = run_bin(
        "verify", "--key-id", key, "--message", b64(b"other"), "--signature",
        signed.stdout.decode().strip(), "--signing-algorithm", "ECDSA_SHA_256",
    )  # fmt: skip
    assert bad.returncode == 254
    assert bad.stdout == b""
    assert bad.stderr.decode().startswith(error_line("KMSInvalidSignatureException", "Verify"))


def test_sign_dry_run(qkms: Qkms) -> None:
    key = qkms.new_key("--key-spec", "ECC_NIST_P256", "--key-usage", "SIGN_VERIFY")
    base = ("sign", "--key-id", key, "--signing-algorithm", "ECDSA_SHA_256", "--dry-run")
    result = qkms.fails(254, *base, "--message", b64(b"m"))
    assert error_line("DryRunOperationException", "Sign") in result.stderr
    # A request that would fail fails the dry run the same way.
    result = qkms.fails(254, *base, "--message", b64(b"short"), "--message-type", "DIGEST")
    assert error_line("ValidationException", "Sign") in result.stderr
