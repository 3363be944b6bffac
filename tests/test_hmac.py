"""HMAC keys: GenerateMac and VerifyMac for HMAC_224/256/384/512."""

from __future__ import annotations

import pytest

from tests.conftest import Qkms, arn, b64, unb64

SPECS = {
    "HMAC_224": ("HMAC_SHA_224", 28),
    "HMAC_256": ("HMAC_SHA_256", 32),
    "HMAC_384": ("HMAC_SHA_384", 48),
    "HMAC_512": ("HMAC_SHA_512", 64),
}
MESSAGE = b64(b'webhook payload {"id": 42}')


def error_line(code: str, op: str) -> str:
    return f"An error occurred ({code}) when calling the {op} operation: "


def mac_key(qkms: Qkms, spec: str = "HMAC_256") -> str:
    return qkms.new_key("--key-spec", spec, "--key-usage", "GENERATE_VERIFY_MAC")


def generate(qkms: Qkms, key: str, algorithm: str, message: str = MESSAGE) -> dict:
    return qkms.ok(
        "generate-mac", "--key-id", key, "--message", message, "--mac-algorithm", algorithm
    )


@pytest.mark.parametrize("spec", list(SPECS))
def test_generate_and_verify_mac(qkms: Qkms, spec: str) -> None:
    algorithm, size = SPECS[spec]
    key = mac_key(qkms, spec)
    meta = qkms.ok("keys", "describe", "--key-id", key)["KeyMetadata"]
    assert meta["KeySpec"] == spec
    assert meta["KeyUsage"] == "GENERATE_VERIFY_MAC"
    assert meta["MacAlgorithms"] == [algorithm]

    response = generate(qkms, key, algorithm)
    assert response == {"Mac": response["Mac"], "MacAlgorithm": algorithm, "KeyId": arn(key)}
    assert len(unb64(response["Mac"])) == size
    # An HMAC is deterministic: the same key and message give the same tag.
    assert generate(qkms, key, algorithm)["Mac"] == response["Mac"]
    assert generate(qkms, key, algorithm, b64(b"other"))["Mac"] != response["Mac"]

    verified = qkms.ok(
        "verify-mac",
        "--key-id",
        key,
        "--message",
        MESSAGE,
        "--mac",
        response["Mac"],
        "--mac-algorithm",
        algorithm,
    )
    assert verified == {"KeyId": arn(key), "MacValid": True, "MacAlgorithm": algorithm}


def test_keys_of_one_spec_have_different_secrets(qkms: Qkms) -> None:
    first, second = mac_key(qkms), mac_key(qkms)
    assert (
        generate(qkms, first, "HMAC_SHA_256")["Mac"]
        != generate(qkms, second, "HMAC_SHA_256")["Mac"]
    )


def test_mac_through_an_alias(qkms: Qkms) -> None:
    key = mac_key(qkms)
    qkms.ok("aliases", "create", "--alias-name", "alias/webhooks", "--target-key-id", key)
    assert generate(qkms, "alias/webhooks", "HMAC_SHA_256") == generate(qkms, key, "HMAC_SHA_256")


def test_a_mismatched_mac_is_kms_invalid_mac(qkms: Qkms) -> None:
    key, other = mac_key(qkms), mac_key(qkms)
    tag = generate(qkms, key, "HMAC_SHA_256")["Mac"]
    flipped = bytearray(unb64(tag))
    flipped[0] ^= 1
    cases = [
        (b64(b"tampered"), tag),
        (MESSAGE, b64(bytes(flipped))),
        (MESSAGE, b64(unb64(tag)[:16])),
        (MESSAGE, generate(qkms, other, "HMAC_SHA_256")["Mac"]),
    ]
    for message, mac in cases:
        result = qkms.fails(
            254,
            "verify-mac",
            "--key-id",
            key,
            "--message",
            message,
            "--mac",
            mac,
            "--mac-algorithm",
            "HMAC_SHA_256",
        )
        assert error_line("KMSInvalidMacException", "VerifyMac") in result.stderr


@pytest.mark.parametrize("command", ["generate-mac", "verify-mac"])
def test_an_algorithm_the_key_does_not_have(qkms: Qkms, command: str) -> None:
    key = mac_key(qkms, "HMAC_256")
    extra = ("--mac", b64(b"x" * 48)) if command == "verify-mac" else ()
    result = qkms.fails(
        254,
        command,
        "--key-id",
        key,
        "--message",
        MESSAGE,
        "--mac-algorithm",
        "HMAC_SHA_384",
        *extra,
    )
    op = "GenerateMac" if command == "generate-mac" else "VerifyMac"
    assert error_line("InvalidKeyUsageException", op) in result.stderr


@pytest.mark.parametrize(
    "flags",
    [(), ("--key-spec", "ECC_NIST_P256", "--key-usage", "SIGN_VERIFY")],
)
def test_mac_with_a_key_that_is_not_hmac(qkms: Qkms, flags: tuple[str, ...]) -> None:
    key = qkms.new_key(*flags)
    result = qkms.fails(
        254,
        "generate-mac",
        "--key-id",
        key,
        "--message",
        MESSAGE,
        "--mac-algorithm",
        "HMAC_SHA_256",
    )
    assert error_line("InvalidKeyUsageException", "GenerateMac") in result.stderr


def test_hmac_key_cannot_encrypt_or_sign(qkms: Qkms) -> None:
    key = mac_key(qkms)
    result = qkms.fails(254, "encrypt", "--key-id", key, "--plaintext", MESSAGE)
    assert error_line("InvalidKeyUsageException", "Encrypt") in result.stderr
    result = qkms.fails(
        254,
        "sign",
        "--key-id",
        key,
        "--message",
        MESSAGE,
        "--signing-algorithm",
        "ECDSA_SHA_256",
    )
    assert error_line("InvalidKeyUsageException", "Sign") in result.stderr


def test_hmac_key_needs_its_usage(qkms: Qkms) -> None:
    result = qkms.fails(254, "keys", "create", "--key-spec", "HMAC_256")
    assert "KeyUsage" in result.stderr
    result = qkms.fails(
        254, "keys", "create", "--key-spec", "HMAC_256", "--key-usage", "ENCRYPT_DECRYPT"
    )
    assert "KeyUsage" in result.stderr


def test_mac_state_and_input_errors(qkms: Qkms) -> None:
    key = mac_key(qkms)
    tag = generate(qkms, key, "HMAC_SHA_256")["Mac"]
    base = ("--key-id", key, "--mac-algorithm", "HMAC_SHA_256")
    result = qkms.fails(252, "generate-mac", *base, "--message", b64(b"x" * 4097))
    assert "Message" in result.stderr
    result = qkms.fails(252, "generate-mac", "--key-id", key, "--message", MESSAGE)
    assert "--mac-algorithm" in result.stderr
    result = qkms.fails(
        252, "generate-mac", "--key-id", key, "--message", MESSAGE, "--mac-algorithm", "HMAC_MD5"
    )
    assert "HMAC_SHA_256" in result.stderr

    qkms.ok("keys", "disable", "--key-id", key)
    result = qkms.fails(254, "generate-mac", *base, "--message", MESSAGE)
    assert error_line("KMSInvalidStateException", "GenerateMac") + f"{arn(key)} is disabled." in (
        result.stderr
    )
    result = qkms.fails(254, "verify-mac", *base, "--message", MESSAGE, "--mac", tag)
    assert error_line("KMSInvalidStateException", "VerifyMac") in result.stderr
    qkms.ok("keys", "enable", "--key-id", key)
    qkms.ok("verify-mac", *base, "--message", MESSAGE, "--mac", tag)

    result = qkms.fails(
        254,
        "generate-mac",
        "--key-id",
        "alias/unknown",
        "--message",
        MESSAGE,
        "--mac-algorithm",
        "HMAC_SHA_256",
    )
    assert error_line("NotFoundException", "GenerateMac") in result.stderr


@pytest.mark.parametrize("spec", list(SPECS))
def test_mac_is_the_standard_hmac_of_the_stored_secret(qkms: Qkms, home, spec: str) -> None:
    """Python's hmac module, given the key's secret, computes the very tag qkms returns."""
    import hashlib
    import hmac

    from qkms_cli.store.keystore import Keystore

    algorithm, size = SPECS[spec]
    key = mac_key(qkms, spec)
    tag = unb64(generate(qkms, key, algorithm)["Mac"])
    keystore = Keystore.open(home)
    try:
        secret = keystore.material(key, 1, spec)
    finally:
        keystore.close()
    assert len(secret) == size  # AWS makes HMAC keys as long as the digest
    digest = getattr(hashlib, "sha" + algorithm.rsplit("_", 1)[1])
    assert hmac.new(secret, unb64(MESSAGE), digest).digest() == tag
