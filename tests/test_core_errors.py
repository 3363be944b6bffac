"""The error contract: which API error, exit code and message each bad request and bad blob gets."""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import SPECS, Qkms, b64, unb64

# Distinctive values that must never be echoed in an error message.
SECRET_VALUE = "s3cr3t-ctx-value-9f2c"
OTHER_VALUE = "0ther-ctx-value-77aa"
TEMPLATE = re.compile(r"^An error occurred \((\w+)\) when calling the (\w+) operation: (.*)\n\Z")


def api_error(result: Result, code: str, op: str) -> str:
    """Assert aws-cli's one-line error template on stderr and return the message."""
    assert result.exit_code == 254, (result.exit_code, result.stderr)
    assert result.stdout == ""
    match = TEMPLATE.match(result.stderr)
    assert match, result.stderr
    assert match.group(1) == code, result.stderr
    assert match.group(2) == op, result.stderr
    assert "Traceback" not in result.stderr
    return match.group(3)


@pytest.fixture
def key(qkms: Qkms) -> str:
    return qkms.new_key("--description", "errors")


@pytest.fixture
def sealed(qkms: Qkms, key: str) -> dict[str, str]:
    """A pair sealed with the context {"Purpose": SECRET_VALUE}, and its plaintext private key."""
    pair = qkms.ok(
        "generate-data-key-pair",
        "--key-id",
        key,
        "--key-pair-spec",
        "ECC_NIST_P256",
        "--encryption-context",
        f"Purpose={SECRET_VALUE}",
    )
    opened = qkms.ok(
        "decrypt",
        "--ciphertext-blob",
        pair["PrivateKeyCiphertextBlob"],
        "--encryption-context",
        f"Purpose={SECRET_VALUE}",
    )
    return {**pair, "Plaintext": opened["Plaintext"]}


def assert_discreet(message: str, sealed: dict[str, str]) -> None:
    """Error text never carries a context value or any form of the plaintext."""
    for value in (SECRET_VALUE, OTHER_VALUE, sealed["Plaintext"], sealed["Plaintext"][:24]):
        assert value not in message
    plaintext = unb64(sealed["Plaintext"])
    assert plaintext.hex()[:32] not in message


def decrypt_fails(qkms: Qkms, blob: bytes | str, *context: str) -> Result:
    text = blob if isinstance(blob, str) else b64(blob)
    args = ["decrypt", "--ciphertext-blob", text]
    if context:
        args += ["--encryption-context", *context]
    return qkms.fails(254, *args)


# -- InvalidCiphertextException -------------------------------------------------------------------


def test_wrong_context(qkms: Qkms, sealed: dict[str, str]) -> None:
    result = decrypt_fails(qkms, sealed["PrivateKeyCiphertextBlob"], f"Purpose={OTHER_VALUE}")
    message = api_error(result, "InvalidCiphertextException", "Decrypt")
    assert "does not match" in message
    assert_discreet(message, sealed)


def test_wrong_context_key_name(qkms: Qkms, sealed: dict[str, str]) -> None:
    result = decrypt_fails(qkms, sealed["PrivateKeyCiphertextBlob"], f"purpose={SECRET_VALUE}")
    message = api_error(result, "InvalidCiphertextException", "Decrypt")
    assert "case-sensitive" in message
    assert_discreet(message, sealed)


def test_missing_context(qkms: Qkms, sealed: dict[str, str]) -> None:
    result = decrypt_fails(qkms, sealed["PrivateKeyCiphertextBlob"])
    message = api_error(result, "InvalidCiphertextException", "Decrypt")
    assert "sealed with an encryption context and none was given" in message
    assert_discreet(message, sealed)


def test_extra_context_member(qkms: Qkms, sealed: dict[str, str]) -> None:
    result = decrypt_fails(
        qkms,
        sealed["PrivateKeyCiphertextBlob"],
        f'{{"Purpose": "{SECRET_VALUE}", "Extra": "{OTHER_VALUE}"}}',
    )
    message = api_error(result, "InvalidCiphertextException", "Decrypt")
    assert_discreet(message, sealed)


def test_context_given_for_blob_sealed_without(qkms: Qkms, key: str) -> None:
    pair = qkms.ok("generate-data-key-pair", "--key-id", key, "--key-pair-spec", "RSA_2048")
    result = decrypt_fails(qkms, pair["PrivateKeyCiphertextBlob"], f"Purpose={OTHER_VALUE}")
    message = api_error(result, "InvalidCiphertextException", "Decrypt")
    assert "sealed without an encryption context" in message
    assert OTHER_VALUE not in message


# Every header field but the key id (a changed key id names another key: see below).
HEADER_OFFSETS = {
    "magic": 0,
    "version": 2,
    "flags": 3,
    "kind": 4,
    "spec": 5,
    "material version (high byte)": 22,
    "material version (low byte)": 25,
    "nonce": 30,
}


@pytest.mark.parametrize("mask", [0x01, 0x80])
@pytest.mark.parametrize("field", list(HEADER_OFFSETS))
def test_flipped_header_byte(qkms: Qkms, sealed: dict[str, str], field: str, mask: int) -> None:
    blob = bytearray(unb64(sealed["PrivateKeyCiphertextBlob"]))
    blob[HEADER_OFFSETS[field]] ^= mask
    result = decrypt_fails(qkms, bytes(blob), f"Purpose={SECRET_VALUE}")
    message = api_error(result, "InvalidCiphertextException", "Decrypt")
    assert_discreet(message, sealed)


@pytest.mark.parametrize("where", ["first body byte", "middle", "last tag byte"])
def test_flipped_body_byte(qkms: Qkms, sealed: dict[str, str], where: str) -> None:
    blob = bytearray(unb64(sealed["PrivateKeyCiphertextBlob"]))
    offset = {"first body byte": 38, "middle": len(blob) // 2 + 19, "last tag byte": -1}[where]
    blob[offset] ^= 0x04
    result = decrypt_fails(qkms, bytes(blob), f"Purpose={SECRET_VALUE}")
    message = api_error(result, "InvalidCiphertextException", "Decrypt")
    assert_discreet(message, sealed)


@pytest.mark.parametrize("length", [0, 1, 2, 20, 38, 53, -1, -16])
def test_truncated_blob(qkms: Qkms, sealed: dict[str, str], length: int) -> None:
    blob = unb64(sealed["PrivateKeyCiphertextBlob"])[:length]
    if not blob:
        # Empty input is a command-line error, not a ciphertext.
        qkms.fails(252, "decrypt", "--ciphertext-blob", "")
        return
    result = decrypt_fails(qkms, blob, f"Purpose={SECRET_VALUE}")
    message = api_error(result, "InvalidCiphertextException", "Decrypt")
    if 2 <= len(blob) < 54:
        assert "truncated" in message
    assert_discreet(message, sealed)


def test_appended_bytes(qkms: Qkms, sealed: dict[str, str]) -> None:
    blob = unb64(sealed["PrivateKeyCiphertextBlob"]) + b"\x00"
    result = decrypt_fails(qkms, blob, f"Purpose={SECRET_VALUE}")
    api_error(result, "InvalidCiphertextException", "Decrypt")


@pytest.mark.parametrize("size", [1, 16, 54, 200])
def test_random_bytes(qkms: Qkms, size: int) -> None:
    qkms.new_key()
    data = os.urandom(size)
    if data[:2] == b"QK":
        data = b"XX" + data[2:]
    result = decrypt_fails(qkms, data)
    message = api_error(result, "InvalidCiphertextException", "Decrypt")
    assert "not a valid qkms blob" in message


def test_random_bytes_after_a_valid_header(qkms: Qkms, sealed: dict[str, str]) -> None:
    blob = unb64(sealed["PrivateKeyCiphertextBlob"])
    result = decrypt_fails(qkms, blob[:38] + os.urandom(64), f"Purpose={SECRET_VALUE}")
    api_error(result, "InvalidCiphertextException", "Decrypt")


def test_base64_text_file_passed_as_raw_bytes_opens(
    qkms: Qkms, sealed: dict[str, str], tmp_path: Path
) -> None:
    """aws-cli#8497: fileb:// of a file of base64 text; qkms forgives it and decrypts."""
    path = tmp_path / "private.key.enc.b64"
    path.write_text(sealed["PrivateKeyCiphertextBlob"] + "\n")
    opened = qkms.ok(
        "decrypt",
        "--ciphertext-blob",
        f"fileb://{path}",
        "--encryption-context",
        f"Purpose={SECRET_VALUE}",
    )
    assert opened["Plaintext"] == sealed["Plaintext"]
    # Wrapped at 76 columns, as `base64` writes it.
    path.write_bytes(base64.encodebytes(unb64(sealed["PrivateKeyCiphertextBlob"])))
    opened = qkms.ok(
        "decrypt",
        "--ciphertext-blob",
        f"fileb://{path}",
        "--encryption-context",
        f"Purpose={SECRET_VALUE}",
    )
    assert opened["Plaintext"] == sealed["Plaintext"]


def test_blob_inputs_raw_file_stdin_and_text_file(
    qkms: Qkms, sealed: dict[str, str], tmp_path: Path
) -> None:
    raw = unb64(sealed["PrivateKeyCiphertextBlob"])
    (tmp_path / "raw.enc").write_bytes(raw)
    (tmp_path / "text.enc").write_text(sealed["PrivateKeyCiphertextBlob"])
    context = ("--encryption-context", f"Purpose={SECRET_VALUE}")
    for source, stdin in (
        (f"fileb://{tmp_path / 'raw.enc'}", None),
        ("fileb://-", raw),
        (f"file://{tmp_path / 'text.enc'}", None),
    ):
        opened = qkms.ok("decrypt", "--ciphertext-blob", source, *context, input=stdin)
        assert opened["Plaintext"] == sealed["Plaintext"], source


def test_unreadable_blob_file_is_a_usage_error(qkms: Qkms, tmp_path: Path) -> None:
    result = qkms.fails(252, "decrypt", "--ciphertext-blob", f"fileb://{tmp_path / 'missing'}")
    assert "missing" in result.stderr


def test_ciphertext_not_base64_is_a_usage_error(qkms: Qkms) -> None:
    result = qkms.fails(252, "decrypt", "--ciphertext-blob", "not base64!")
    assert "base64" in result.stderr


# -- the key --------------------------------------------------------------------------------------


def test_blob_from_another_keystore_names_its_key(
    qkms: Qkms, sealed: dict[str, str], tmp_path: Path
) -> None:
    other = tmp_path / "other-home"
    qkms.ok("--home", str(other), "keystore", "init")
    result = qkms.fails(
        254,
        "--home",
        str(other),
        "decrypt",
        "--ciphertext-blob",
        sealed["PrivateKeyCiphertextBlob"],
        "--encryption-context",
        f"Purpose={SECRET_VALUE}",
    )
    message = api_error(result, "NotFoundException", "Decrypt")
    assert sealed["KeyId"] in message
    assert_discreet(message, sealed)


def test_blob_whose_key_id_was_altered_names_that_key(qkms: Qkms, sealed: dict[str, str]) -> None:
    blob = bytearray(unb64(sealed["PrivateKeyCiphertextBlob"]))
    blob[6] ^= 0xFF
    result = decrypt_fails(qkms, bytes(blob), f"Purpose={SECRET_VALUE}")
    message = api_error(result, "NotFoundException", "Decrypt")
    assert "arn:verenc:111122223333:key/" in message
    assert sealed["KeyId"] not in message


def test_decrypt_with_another_key_id(qkms: Qkms, sealed: dict[str, str], key: str) -> None:
    other = qkms.new_key()
    blob = sealed["PrivateKeyCiphertextBlob"]
    context = ("--encryption-context", f"Purpose={SECRET_VALUE}")
    result = qkms.fails(254, "decrypt", "--ciphertext-blob", blob, "--key-id", other, *context)
    api_error(result, "IncorrectKeyException", "Decrypt")
    # The right key, in any of its forms, is accepted.
    qkms.ok("aliases", "create", "--alias-name", "alias/errors", "--target-key-id", key)
    for ref in (key, sealed["KeyId"], "alias/errors"):
        qkms.ok("decrypt", "--ciphertext-blob", blob, "--key-id", ref, *context)


def test_unknown_key(qkms: Qkms) -> None:
    qkms.new_key()
    missing = "1234abcd-12ab-34cd-56ef-1234567890ab"
    for command in ("generate-data-key-pair", "generate-data-key-pair-without-plaintext"):
        result = qkms.fails(254, command, "--key-id", missing, "--key-pair-spec", "ECC_NIST_P256")
        op = "".join(part.title() for part in command.split("-"))
        message = api_error(result, "NotFoundException", op)
        assert f"arn:verenc:111122223333:key/{missing}" in message


@pytest.mark.parametrize(
    "ref", ["alias/nope", "arn:verenc:111122223333:alias/nope", "not-a-key-id"]
)
def test_unknown_alias_or_malformed_id(qkms: Qkms, ref: str) -> None:
    qkms.new_key()
    result = qkms.fails(
        254, "generate-data-key-pair", "--key-id", ref, "--key-pair-spec", "RSA_2048"
    )
    message = api_error(result, "NotFoundException", "GenerateDataKeyPair")
    if "alias" in ref:
        assert "arn:verenc:111122223333:alias/nope" in message


@pytest.mark.parametrize(
    "create",
    [
        ("--key-spec", "ECC_NIST_P256", "--key-usage", "SIGN_VERIFY"),
        ("--key-spec", "RSA_2048", "--key-usage", "ENCRYPT_DECRYPT"),
        ("--key-spec", "HMAC_256", "--key-usage", "GENERATE_VERIFY_MAC"),
    ],
)
def test_key_of_the_wrong_kind(qkms: Qkms, create: tuple[str, ...]) -> None:
    key = qkms.new_key(*create)
    for command in ("generate-data-key-pair", "generate-data-key-pair-without-plaintext"):
        result = qkms.fails(254, command, "--key-id", key, "--key-pair-spec", "ECC_NIST_P256")
        op = "".join(part.title() for part in command.split("-"))
        message = api_error(result, "InvalidKeyUsageException", op)
        assert key in message


def test_disabled_key(qkms: Qkms, key: str, sealed: dict[str, str]) -> None:
    assert qkms.ok("keys", "disable", "--key-id", key) is None
    assert qkms.ok("keys", "describe", "--key-id", key)["KeyMetadata"]["KeyState"] == "Disabled"
    result = qkms.fails(
        254, "generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256"
    )
    message = api_error(result, "KMSInvalidStateException", "GenerateDataKeyPair")
    arn = f"arn:verenc:111122223333:key/{key}"
    assert message == f"{arn} is disabled. `qkms keys enable --key-id {arn}` turns it back on."
    result = decrypt_fails(qkms, sealed["PrivateKeyCiphertextBlob"], f"Purpose={SECRET_VALUE}")
    api_error(result, "KMSInvalidStateException", "Decrypt")
    qkms.ok("keys", "enable", "--key-id", key)
    qkms.ok(
        "decrypt",
        "--ciphertext-blob",
        sealed["PrivateKeyCiphertextBlob"],
        "--encryption-context",
        f"Purpose={SECRET_VALUE}",
    )


def test_key_pending_deletion(qkms: Qkms, key: str) -> None:
    qkms.ok("keys", "schedule-deletion", "--key-id", key, "--pending-window-in-days", "7")
    result = qkms.fails(
        254, "generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256"
    )
    message = api_error(result, "KMSInvalidStateException", "GenerateDataKeyPair")
    assert message.endswith("is pending deletion.")


# -- the command line -----------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["RSA_1024", "rsa_2048", "ECC_NIST_P999", ""])
def test_unknown_key_pair_spec(qkms: Qkms, key: str, spec: str) -> None:
    for command in ("generate-data-key-pair", "generate-data-key-pair-without-plaintext"):
        result = qkms.fails(252, command, "--key-id", key, "--key-pair-spec", spec)
        assert "KeyPairSpec" in result.stderr or "--key-pair-spec" in result.stderr
        for valid in SPECS:
            assert valid in result.stderr
        assert "An error occurred" not in result.stderr


def test_sm2_is_refused_by_name(qkms: Qkms, key: str) -> None:
    """SM2 is in the API's enum but exists only in AWS China Regions."""
    result = qkms.fails(254, "generate-data-key-pair", "--key-id", key, "--key-pair-spec", "SM2")
    message = api_error(result, "UnsupportedOperationException", "GenerateDataKeyPair")
    for valid in SPECS:
        assert valid in message


@pytest.mark.parametrize(
    "args",
    [
        ("--key-pair-spec", "RSA_2048"),
        ("--key-id", "alias/x"),
        (),
    ],
)
def test_missing_required_member(qkms: Qkms, args: tuple[str, ...]) -> None:
    result = qkms.fails(252, "generate-data-key-pair", *args)
    if "--key-id" not in args:
        assert "--key-id" in result.stderr
    if "--key-pair-spec" not in args:
        assert "--key-pair-spec" in result.stderr


def test_missing_ciphertext_blob(qkms: Qkms) -> None:
    result = qkms.fails(252, "decrypt")
    assert "--ciphertext-blob" in result.stderr


def test_unknown_option(qkms: Qkms, key: str) -> None:
    result = qkms.fails(
        252, "generate-data-key-pair", "--key-id", key, "--key-pair-spec", "RSA_2048", "--bogus"
    )
    assert "--bogus" in result.stderr


@pytest.mark.parametrize(
    "context", ['{"Purpose": 1}', '["Purpose"]', "Purpose", '{"Purpose": '], ids=repr
)
def test_bad_encryption_context(qkms: Qkms, key: str, context: str) -> None:
    result = qkms.fails(
        252,
        "generate-data-key-pair",
        "--key-id",
        key,
        "--key-pair-spec",
        "RSA_2048",
        "--encryption-context",
        context,
    )
    assert "--encryption-context" in result.stderr


def test_too_many_grant_tokens(qkms: Qkms, key: str) -> None:
    tokens = [f"token{i}" for i in range(11)]
    result = qkms.fails(
        252,
        "generate-data-key-pair",
        "--key-id",
        key,
        "--key-pair-spec",
        "RSA_2048",
        "--grant-tokens",
        *tokens,
    )
    assert "GrantTokens" in result.stderr


def test_grant_tokens_are_checked(qkms: Qkms, key: str) -> None:
    """A token CreateGrant returned is accepted; a malformed one is InvalidGrantTokenException."""
    token = qkms.ok(
        "grants",
        "create",
        "--key-id",
        key,
        "--operations",
        "GenerateDataKeyPair",
        "--grantee-principal",
        "arn:verenc:iam::111122223333:user/ci",
    )["GrantToken"]
    args = ("generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256")
    pair = qkms.ok(*args, "--grant-tokens", token)
    assert pair["KeyPairSpec"] == "ECC_NIST_P256"
    result = qkms.fails(254, *args, "--grant-tokens", token, "tokenB")
    assert result.stderr == (
        "An error occurred (InvalidGrantTokenException) when calling the GenerateDataKeyPair "
        "operation: The grant token is not valid: it is not a qkms grant token.\n"
    )


def test_errors_do_not_print_tracebacks_or_touch_stdout(qkms: Qkms) -> None:
    qkms.new_key()
    result = qkms.fails(254, "decrypt", "--ciphertext-blob", b64(b"QK\x01" + bytes(60)))
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
