"""Data key pairs of every KeyPairSpec: the public key, the sealed private key, and openssl agreeing."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from tests.conftest import SPECS, Qkms, openssl, public_half, unb64

# What a key of each spec is: (cryptography class, RSA bits or curve name).
EXPECTED = {
    "RSA_2048": (rsa.RSAPrivateKey, 2048),
    "RSA_3072": (rsa.RSAPrivateKey, 3072),
    "RSA_4096": (rsa.RSAPrivateKey, 4096),
    "ECC_NIST_P256": (ec.EllipticCurvePrivateKey, "secp256r1"),
    "ECC_NIST_P384": (ec.EllipticCurvePrivateKey, "secp384r1"),
    "ECC_NIST_P521": (ec.EllipticCurvePrivateKey, "secp521r1"),
    "ECC_SECG_P256K1": (ec.EllipticCurvePrivateKey, "secp256k1"),
    "ECC_NIST_EDWARDS25519": (ed25519.Ed25519PrivateKey, None),
}
DIGEST = {"ECC_NIST_P384": "sha384", "ECC_NIST_P521": "sha512"}
PAIR_MEMBERS = {"PrivateKeyCiphertextBlob", "PublicKey", "KeyId", "KeyPairSpec", "KeyMaterialId"}
OPS = ("generate-data-key-pair", "generate-data-key-pair-without-plaintext")
# RSA_4096 generation costs about a second, so it gets one pair, through the first command.
CASES = [(spec, op) for op in OPS for spec in SPECS if (spec, op) != ("RSA_4096", OPS[1])]
CONTEXT = {"Purpose": "Test", "Build": "ci-1234"}


def _run(*args: str, data: bytes | None = None) -> bytes:
    done = subprocess.run([openssl(), *args], input=data, capture_output=True, timeout=60)
    assert done.returncode == 0, (args, done.stderr.decode(errors="replace"))
    return done.stdout


def keystore_files(home: Path) -> list[Path]:
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.name == "keystore.db" for p in files), files
    return files


def secret_needles(private: Any, der: bytes) -> list[bytes]:
    """The PKCS#8 DER and the raw secret inside it, as they would sit in a file if leaked."""
    if isinstance(private, rsa.RSAPrivateKey):
        numbers = private.private_numbers()
        size = (numbers.p.bit_length() + 7) // 8
        return [der, numbers.p.to_bytes(size, "big"), numbers.q.to_bytes(size, "big")]
    if isinstance(private, ec.EllipticCurvePrivateKey):
        value = private.private_numbers().private_value
        return [der, value.to_bytes((private.curve.key_size + 7) // 8, "big")]
    assert isinstance(private, ed25519.Ed25519PrivateKey)
    return [der, private.private_bytes_raw()]


def assert_not_stored(home: Path, needles: list[bytes]) -> None:
    for path in keystore_files(home):  # keystore.db, master.key, and any -wal / -shm / journal
        data = path.read_bytes()
        for needle in needles:
            assert needle not in data, f"plaintext private key material found in {path.name}"


def openssl_sign_and_verify(tmp: Path, spec: str, private_der: bytes, public_der: bytes) -> None:
    """openssl reads both halves, signs with the private one, verifies with the public one."""
    (tmp / "private.der").write_bytes(private_der)
    (tmp / "public.der").write_bytes(public_der)
    message = tmp / "message.txt"
    message.write_bytes(b"release v1.2.3\n" * 10)
    sig = tmp / "message.sig"
    _run("pkey", "-inform", "DER", "-in", str(tmp / "private.der"), "-out", str(tmp / "priv.pem"))
    _run(
        "pkey",
        "-pubin",
        "-inform",
        "DER",
        "-in",
        str(tmp / "public.der"),
        "-out",
        str(tmp / "pub.pem"),
    )
    if spec == "ECC_NIST_EDWARDS25519":
        _run(
            "pkeyutl", "-sign", "-rawin", "-inkey", str(tmp / "priv.pem"), "-in", str(message),
            "-out", str(sig),
        )  # fmt: skip
        out = _run(
            "pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", str(tmp / "pub.pem"),
            "-in", str(message), "-sigfile", str(sig),
        )  # fmt: skip
        assert b"Signature Verified Successfully" in out
        public = serialization.load_der_public_key(public_der)
        assert isinstance(public, ed25519.Ed25519PublicKey)
        public.verify(sig.read_bytes(), message.read_bytes())
        return
    digest = DIGEST.get(spec, "sha256")
    _run("dgst", f"-{digest}", "-sign", str(tmp / "priv.pem"), "-out", str(sig), str(message))
    out = _run(
        "dgst", f"-{digest}", "-verify", str(tmp / "pub.pem"), "-signature", str(sig), str(message)
    )
    assert b"Verified OK" in out
    # And a signature made by cryptography with the decrypted key verifies in openssl too.
    private = serialization.load_der_private_key(private_der, password=None)
    algorithm = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}
    if isinstance(private, rsa.RSAPrivateKey):
        signature = private.sign(message.read_bytes(), padding.PKCS1v15(), algorithm[digest])
    else:
        signature = private.sign(message.read_bytes(), ec.ECDSA(algorithm[digest]))
    sig.write_bytes(signature)
    out = _run(
        "dgst", f"-{digest}", "-verify", str(tmp / "pub.pem"), "-signature", str(sig), str(message)
    )
    assert b"Verified OK" in out
    # A different message must not verify: openssl is really checking.
    message.write_bytes(b"release v1.2.4\n")
    bad = subprocess.run(
        [openssl(), "dgst", f"-{digest}", "-verify", str(tmp / "pub.pem"), "-signature", str(sig)],
        input=message.read_bytes(),
        capture_output=True,
    )
    assert bad.returncode != 0


@pytest.mark.parametrize(("spec", "command"), CASES)
def test_pair_round_trip_with_openssl(
    qkms: Qkms, home: Path, tmp_path: Path, spec: str, command: str
) -> None:
    key = qkms.new_key()
    pair = qkms.ok(
        command,
        "--key-id",
        key,
        "--key-pair-spec",
        spec,
        "--encryption-context",
        "Purpose=Test,Build=ci-1234",
    )
    assert set(pair) == PAIR_MEMBERS
    assert pair["KeyId"] == f"arn:verenc:111122223333:key/{key}"
    assert pair["KeyPairSpec"] == spec
    assert len(pair["KeyMaterialId"]) == 64
    assert (
        pair["KeyMaterialId"]
        == qkms.ok("keys", "describe", "--key-id", key)["KeyMetadata"]["CurrentKeyMaterialId"]
    )
    assert "PrivateKeyPlaintext" not in pair

    public_der = unb64(pair["PublicKey"])
    public = serialization.load_der_public_key(public_der)
    # openssl reads the DER SubjectPublicKeyInfo as it is.
    text = _run("pkey", "-pubin", "-inform", "DER", "-noout", "-text", data=public_der)
    assert text

    blob = unb64(pair["PrivateKeyCiphertextBlob"])
    assert blob[:6] == b"QK\x01\x01\x02" + bytes([SPECS.index(spec) + 1])
    opened = qkms.ok(
        "decrypt",
        "--ciphertext-blob",
        pair["PrivateKeyCiphertextBlob"],
        "--encryption-context",
        '{"Build": "ci-1234", "Purpose": "Test"}',
    )
    assert set(opened) == {"KeyId", "Plaintext", "EncryptionAlgorithm", "KeyMaterialId"}
    assert opened["KeyId"] == pair["KeyId"]
    assert opened["KeyMaterialId"] == pair["KeyMaterialId"]
    assert opened["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    private_der = unb64(opened["Plaintext"])

    # PKCS#8 DER, read by openssl, whose public half is the returned public key.
    from_openssl = _run("pkey", "-inform", "DER", "-pubout", "-outform", "DER", data=private_der)
    assert from_openssl == public_der
    if spec != "ECC_NIST_EDWARDS25519":  # openssl 3.0 has no -check for Ed25519
        _run("pkey", "-inform", "DER", "-noout", "-check", data=private_der)
    private = serialization.load_der_private_key(private_der, password=None)
    assert (
        private.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        == private_der
    )
    kind, size = EXPECTED[spec]
    assert isinstance(private, kind)
    if isinstance(private, rsa.RSAPrivateKey):
        assert private.key_size == size
        assert private.private_numbers().public_numbers.e == 65537
    elif isinstance(private, ec.EllipticCurvePrivateKey):
        assert private.curve.name == size
    assert (
        private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        == public_der
    )
    assert type(public).__name__.replace("Public", "Private") == type(private).__name__

    work = tmp_path / "work"
    work.mkdir()
    openssl_sign_and_verify(work, spec, private_der, public_der)

    assert_not_stored(home, secret_needles(private, private_der))


def test_pairs_are_fresh_each_call(qkms: Qkms) -> None:
    key = qkms.new_key()
    args = ("generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256")
    first, second = qkms.ok(*args), qkms.ok(*args)
    assert first["PublicKey"] != second["PublicKey"]
    assert first["PrivateKeyCiphertextBlob"] != second["PrivateKeyCiphertextBlob"]


def test_pair_without_context_opens_without_context(qkms: Qkms) -> None:
    key = qkms.new_key()
    pair = qkms.ok(
        "generate-data-key-pair-without-plaintext",
        "--key-id",
        key,
        "--key-pair-spec",
        "ECC_SECG_P256K1",
    )
    blob = unb64(pair["PrivateKeyCiphertextBlob"])
    assert blob[3] == 0  # no context bound
    opened = qkms.ok("decrypt", "--ciphertext-blob", pair["PrivateKeyCiphertextBlob"])
    assert public_half(unb64(opened["Plaintext"])) == unb64(pair["PublicKey"])


def test_empty_context_is_no_context(qkms: Qkms) -> None:
    """AWS treats an empty EncryptionContext like none: the blob opens either way."""
    key = qkms.new_key()
    pair = qkms.ok(
        "generate-data-key-pair",
        "--key-id",
        key,
        "--key-pair-spec",
        "ECC_NIST_P256",
        "--encryption-context",
        "{}",
    )
    qkms.ok("decrypt", "--ciphertext-blob", pair["PrivateKeyCiphertextBlob"])
    qkms.ok(
        "decrypt",
        "--ciphertext-blob",
        pair["PrivateKeyCiphertextBlob"],
        "--encryption-context",
        "{}",
    )


def test_context_with_unicode_and_separators(qkms: Qkms) -> None:
    """JSON contexts may hold any strings; the canonical AAD keeps {"ab":"c"} apart from {"a":"bc"}."""
    key = qkms.new_key()
    context = '{"a": "bc", "ключ": "значение = , x"}'
    pair = qkms.ok(
        "generate-data-key-pair",
        "--key-id",
        key,
        "--key-pair-spec",
        "ECC_NIST_P256",
        "--encryption-context",
        context,
    )
    blob = pair["PrivateKeyCiphertextBlob"]
    qkms.ok("decrypt", "--ciphertext-blob", blob, "--encryption-context", context)
    qkms.fails(
        254,
        "decrypt",
        "--ciphertext-blob",
        blob,
        "--encryption-context",
        '{"ab": "c", "ключ": "значение = , x"}',
    )
