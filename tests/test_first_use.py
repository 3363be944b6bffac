"""A home without a keystore: read-only commands refuse, writing ones make it and say so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qkms_cli import service
from tests.conftest import Qkms

# One command line per read-only operation with a CLI command, none of them able to make a keystore.
READ_ONLY_COMMANDS = [
    ("keys", "list"),
    ("keys", "describe", "--key-id", "alias/ci"),
    ("keys", "rotation-status", "--key-id", "alias/ci"),
    ("keys", "list-rotations", "--key-id", "alias/ci"),
    ("keys", "list-tags", "--key-id", "alias/ci"),
    ("aliases", "list"),
    ("pool", "status"),
    ("get-public-key", "--key-id", "alias/ci"),
    ("encrypt", "--key-id", "alias/ci", "--plaintext", "aGVsbG8="),
    ("decrypt", "--ciphertext-blob", "UUsBAA=="),
    ("blob", "inspect", "UUsBAA=="),
    ("generate-data-key", "--key-id", "alias/ci", "--key-spec", "AES_256"),
    ("list-keys",),
    ("describe-key", "--key-id", "alias/ci"),
]


@pytest.mark.parametrize("args", READ_ONLY_COMMANDS, ids=" ".join)
def test_read_only_commands_refuse_a_missing_keystore(
    qkms: Qkms, home: Path, args: tuple[str, ...]
) -> None:
    result = qkms.fails(253, *args)
    assert f"There is no keystore in {home}" in result.stderr
    assert "qkms keystore init" in result.stderr
    assert not home.exists(), "a read-only command must not make a keystore"


def test_read_only_set_is_data_in_the_registry() -> None:
    names = set(service.operation_names())
    assert service.READ_ONLY <= names
    # Every operation that changes keys, aliases or the pool may make the keystore.
    for op in ("CreateKey", "CreateAlias", "TagResource", "FillKeyPairPool", "GenerateDataKeyPair"):
        assert op not in service.READ_ONLY
    # Whatever describes, lists or gets reads only (a new operation of those kinds joins the set).
    for op in names:
        if op.startswith(("Describe", "List", "Get")):
            assert op in service.READ_ONLY, op


def test_first_write_makes_the_keystore_and_says_so_once(qkms: Qkms, home: Path) -> None:
    first = qkms("keys", "create")
    assert first.exit_code == 0, first.stderr
    assert first.stderr == f"qkms: made a new keystore in {home} (master key mode keyfile)\n"
    assert (home / "keystore.db").exists()
    second = qkms("keys", "create")
    assert (second.exit_code, second.stderr) == (0, "")
    assert len(qkms.ok("keys", "list")["Keys"]) == 2


def test_read_only_commands_work_once_a_keystore_exists(qkms: Qkms) -> None:
    qkms.ok("keys", "create")
    assert qkms.ok("aliases", "list") == {"Aliases": []}
    assert qkms.ok("pool", "status") == {"Pools": []}


def test_generate_random_needs_no_key(qkms: Qkms, home: Path) -> None:
    result = qkms("generate-random", "--number-of-bytes", "8")
    assert result.exit_code == 0, result.stderr
    assert "made a new keystore" in result.stderr


def test_completion_helper_offers_nothing_and_makes_nothing(qkms: Qkms, home: Path) -> None:
    result = qkms("__complete-keys")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert not home.exists()


# -- --debug ------------------------------------------------------------------------------------

SECRET = b"correct horse battery staple"


def test_debug_shows_keystore_mode_key_and_member_names_never_a_plaintext(
    qkms: Qkms, home: Path, tmp_path: Path
) -> None:
    import base64

    key = qkms.new_key()
    qkms.ok("aliases", "create", "--alias-name", "alias/ci", "--target-key-id", key)
    arn = f"arn:verenc:111122223333:key/{key}"
    plain = base64.b64encode(SECRET).decode()
    result = qkms(
        "encrypt",
        "--key-id",
        "alias/ci",
        "--plaintext",
        plain,
        "--encryption-context",
        "Purpose=Test",
        "--debug",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"qkms: debug: keystore: {home / 'keystore.db'}",
        "qkms: debug: master key mode: keyfile",
        "qkms: debug: operation: Encrypt",
        "qkms: debug: request members: EncryptionContext, KeyId, Plaintext",
        f"qkms: debug: key (KeyId): {arn}",
    ]
    blob = json.loads(result.stdout)["CiphertextBlob"]
    back = qkms(
        "decrypt", "--ciphertext-blob", blob, "--encryption-context", "Purpose=Test", "--debug"
    )
    assert back.exit_code == 0
    assert f"qkms: debug: key (CiphertextBlob (sealed by)): {arn}" in back.stderr
    for text in (result.stderr, back.stderr):
        assert SECRET.decode() not in text and plain not in text and "Test" not in text


def test_debug_on_an_api_error(qkms: Qkms, home: Path) -> None:
    qkms.new_key()
    result = qkms.fails(254, "describe-key", "--key-id", "alias/nope", "--debug")
    lines = result.stderr.splitlines()
    assert lines[:4] == [
        f"qkms: debug: keystore: {home / 'keystore.db'}",
        "qkms: debug: master key mode: keyfile",
        "qkms: debug: operation: DescribeKey",
        "qkms: debug: request members: KeyId",
    ]
    assert lines[4] == "qkms: debug: key (KeyId): not resolved (NotFoundException)"
    assert lines[5].startswith("An error occurred (NotFoundException)")


def test_without_debug_nothing_extra(qkms: Qkms) -> None:
    qkms.new_key()
    result = qkms("keys", "list")
    assert (result.exit_code, result.stderr) == (0, "")
