"""Where a user goes wrong, qkms says what they meant: commands, aliases, disabled keys, flags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Qkms, arn, b64


@pytest.mark.parametrize(
    ("args", "usage", "said", "meant"),
    [
        (("genrate-data-key-pair",), "qkms", "genrate-data-key-pair", "generate-data-key-pair"),
        (("keys", "lsit"), "qkms keys", "lsit", "list"),
        (("aliases", "craete"), "qkms aliases", "craete", "create"),
        (("creat-key",), "qkms", "creat-key", "create-key"),
        (("keystore", "inof"), "qkms keystore", "inof", "info"),
        (("pool", "stauts"), "qkms pool", "stauts", "status"),
        (("blob", "inpsect"), "qkms blob", "inpsect", "inspect"),
    ],
)
def test_a_misspelt_command_gets_the_closest(
    qkms: Qkms, args: tuple[str, ...], usage: str, said: str, meant: str
) -> None:
    result = qkms.fails(252, *args)
    assert result.stderr == (
        f"Usage: {usage} [OPTIONS] COMMAND [ARGS]...\n"
        f"Try '{usage} --help' for help.\n\n"
        f"Error: No such command '{said}'. Did you mean '{meant}'?\n"
    )


def test_a_word_like_no_command_gets_no_guess(qkms: Qkms) -> None:
    result = qkms.fails(252, "zzzz")
    assert result.stderr.endswith("Error: No such command 'zzzz'.\n")


@pytest.fixture
def ci(qkms: Qkms) -> str:
    key = qkms.new_key()
    qkms.ok("aliases", "create", "--alias-name", "alias/ci", "--target-key-id", key)
    return key


def test_a_bare_alias_name_gets_did_you_mean(qkms: Qkms, ci: str) -> None:
    result = qkms.fails(254, "encrypt", "--key-id", "ci", "--plaintext", b64(b"x"))
    assert result.stderr == (
        "An error occurred (NotFoundException) when calling the Encrypt operation: "
        "Invalid keyId 'ci'. Did you mean alias/ci?\n"
    )


def test_a_near_miss_gets_did_you_mean_after_aws_text(qkms: Qkms, ci: str) -> None:
    result = qkms.fails(254, "keys", "describe", "--key-id", "alias/cii")
    assert result.stderr == (
        "An error occurred (NotFoundException) when calling the DescribeKey operation: "
        "Alias arn:verenc:111122223333:alias/cii is not found. Did you mean alias/ci?\n"
    )
    far = qkms.fails(254, "keys", "describe", "--key-id", "alias/production")
    assert far.stderr.endswith("alias/production is not found.\n")
    bare = qkms.fails(254, "keys", "describe", "--key-id", "nothing-like-it")
    assert bare.stderr.endswith("Invalid keyId 'nothing-like-it'\n")


def test_a_disabled_key_says_how_to_enable_it(qkms: Qkms, ci: str) -> None:
    qkms.ok("keys", "disable", "--key-id", "alias/ci")
    result = qkms.fails(254, "encrypt", "--key-id", "alias/ci", "--plaintext", b64(b"x"))
    assert result.stderr == (
        "An error occurred (KMSInvalidStateException) when calling the Encrypt operation: "
        f"{arn(ci)} is disabled. `qkms keys enable --key-id {arn(ci)}` turns it back on.\n"
    )
    qkms.ok("keys", "enable", "--key-id", arn(ci))
    qkms.ok("encrypt", "--key-id", "alias/ci", "--plaintext", b64(b"x"))


def test_re_encrypt_advice_names_its_own_flag(qkms: Qkms, ci: str) -> None:
    blob = qkms.ok(
        "encrypt", "--key-id", ci, "--plaintext", b64(b"x"), "--encryption-context", "A=1"
    )["CiphertextBlob"]
    result = qkms.fails(254, "re-encrypt", "--ciphertext-blob", blob, "--destination-key-id", ci)
    assert "pass the same --source-encryption-context it was sealed with" in result.stderr
    assert "--encryption-context" not in result.stderr.replace("--source-encryption-context", "")
    plain = qkms.ok("encrypt", "--key-id", ci, "--plaintext", b64(b"x"))["CiphertextBlob"]
    result = qkms.fails(254, "re-encrypt", "--ciphertext-blob", plain, "--destination-key-id", ci,
                        "--source-encryption-context", "A=1")  # fmt: skip
    assert "omit --source-encryption-context" in result.stderr
    # decrypt keeps naming its own flag
    result = qkms.fails(254, "decrypt", "--ciphertext-blob", blob)
    assert "pass the same --encryption-context it was sealed with" in result.stderr


def test_sign_writes_the_signature_to_a_file(qkms: Qkms, tmp_path: Path) -> None:
    key = qkms.new_key("--key-spec", "ECC_NIST_P256", "--key-usage", "SIGN_VERIFY")
    message = tmp_path / "release.tar.gz"
    message.write_bytes(b"a release")
    sig = tmp_path / "release.sig"
    out = qkms.ok("sign", "--key-id", key, "--message", f"fileb://{message}",
                  "--signing-algorithm", "ECDSA_SHA_256", "--signature-out", str(sig))  # fmt: skip
    assert out == {"KeyId": arn(key), "SigningAlgorithm": "ECDSA_SHA_256"}
    assert sig.read_bytes()[:1] == b"\x30"  # a DER ECDSA signature
    verified = qkms.ok("verify", "--key-id", key, "--message", f"fileb://{message}",
                       "--signing-algorithm", "ECDSA_SHA_256", "--signature", f"fileb://{sig}")  # fmt: skip
    assert verified["SignatureValid"] is True
    mac_key = qkms.new_key("--key-spec", "HMAC_256", "--key-usage", "GENERATE_VERIFY_MAC")
    mac = tmp_path / "msg.mac"
    qkms.ok("generate-mac", "--key-id", mac_key, "--message", f"fileb://{message}",
            "--mac-algorithm", "HMAC_SHA_256", "--mac-out", str(mac))  # fmt: skip
    assert len(mac.read_bytes()) == 32
    checked = qkms.ok("verify-mac", "--key-id", mac_key, "--message", f"fileb://{message}",
                      "--mac-algorithm", "HMAC_SHA_256", "--mac", f"fileb://{mac}")  # fmt: skip
    assert checked["MacValid"] is True
    assert json.dumps(checked)
