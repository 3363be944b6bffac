"""Secret hygiene: no plaintext, passphrase or key material in messages, --debug output or on disk."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from tests.conftest import Qkms, b64, unb64

PASSPHRASE = "hygiene-passphrase-7f3a"
PLAINTEXT = b"top secret plaintext 5be1"


def _forms(secret: bytes) -> list[bytes]:
    """The ways a secret could leak: raw, base64, hex, and its repr's text."""
    return [
        secret,
        base64.b64encode(secret),
        secret.hex().encode(),
        repr(secret)[2:-1].encode(),
    ]


def _assert_absent(secret: bytes, *outputs: bytes) -> None:
    for output in outputs:
        for form in _forms(secret):
            assert form not in output, f"{form!r} leaked"


def test_passphrase_never_printed(run_bin, home: Path) -> None:
    env = {"QKMS_PASSPHRASE": PASSPHRASE, "QKMS_NEW_PASSPHRASE": PASSPHRASE + "-new"}
    runs = [
        run_bin("keystore", "init", "--debug", env=env),
        run_bin("keys", "create", "--debug", env=env),
        run_bin("keystore", "info", "--debug", env=env),
        run_bin("keystore", "verify", "--debug", env=env),
        run_bin("keystore", "rekey", "--debug", env=env),
        run_bin("keys", "create", "--debug", env={"QKMS_PASSPHRASE": PASSPHRASE}),
        run_bin("keystore", "verify", "--debug", env={"QKMS_PASSPHRASE": PASSPHRASE}),
    ]
    assert [r.returncode for r in runs] == [0, 0, 0, 0, 0, 253, 253]
    for run in runs:
        _assert_absent(PASSPHRASE.encode(), run.stdout, run.stderr)
    for path in home.iterdir():
        _assert_absent(PASSPHRASE.encode(), path.read_bytes())


def test_master_key_never_printed(run_bin, home: Path, tmp_path: Path) -> None:
    raw = os.urandom(32)
    env = {"QKMS_MASTER_KEY": b64(raw)}
    wrong = {"QKMS_MASTER_KEY": b64(os.urandom(32))}
    short = {"QKMS_MASTER_KEY": b64(raw[:31])}
    runs = [
        run_bin("keystore", "init", "--debug", env=env),
        run_bin("keys", "create", "--debug", env=env),
        run_bin("keys", "create", "--debug", env=wrong),
        run_bin("keys", "create", "--debug", env=short),
        run_bin("keystore", "backup", str(tmp_path / "b.db"), "--debug", env=env),
    ]
    assert [r.returncode for r in runs] == [0, 0, 253, 253, 0]
    for run in runs:
        _assert_absent(raw, run.stdout, run.stderr)
        _assert_absent(raw[:31], run.stdout, run.stderr)
    for path in [*home.iterdir(), tmp_path / "b.db"]:
        _assert_absent(raw, path.read_bytes())


def test_key_file_never_printed_and_not_in_the_database(run_bin, home: Path) -> None:
    key = run_bin("keys", "create", "--query", "KeyMetadata.KeyId", "--output", "text")
    assert key.returncode == 0
    master = (home / "master.key").read_bytes()
    key_id = key.stdout.decode().strip()
    runs = [
        run_bin("keystore", "info", "--debug"),
        run_bin("keystore", "verify", "--debug"),
        run_bin("keystore", "rekey", "--debug"),
        run_bin("encrypt", "--key-id", key_id, "--plaintext", b64(b"x"), "--debug"),
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr
        _assert_absent(master, run.stdout, run.stderr)
    new_master = (home / "master.key").read_bytes()
    for path in home.glob("keystore.db*"):
        _assert_absent(master, path.read_bytes())
        _assert_absent(new_master, path.read_bytes())


def test_plaintext_not_in_error_messages(run_bin, home: Path) -> None:
    key = run_bin("keys", "create", "--query", "KeyMetadata.KeyId", "--output", "text")
    key_id = key.stdout.decode().strip()
    blob = (
        run_bin(
            "encrypt",
            "--key-id",
            key_id,
            "--plaintext",
            b64(PLAINTEXT),
            "--encryption-context",
            "a=b",
            "--query",
            "CiphertextBlob",
            "--output",
            "text",
        )
        .stdout.decode()
        .strip()
    )
    too_long = PLAINTEXT * 200  # past Encrypt's 4096 bytes
    not_base64 = PLAINTEXT.decode() + "!"
    runs = [
        run_bin("decrypt", "--ciphertext-blob", blob, "--debug"),  # context missing
        run_bin("decrypt", "--ciphertext-blob", blob, "--encryption-context", "a=c", "--debug"),
        run_bin("encrypt", "--key-id", key_id, "--plaintext", b64(too_long), "--debug"),
        run_bin("encrypt", "--key-id", key_id, "--plaintext", not_base64, "--debug"),
        run_bin("encrypt", "--key-id", "alias/none", "--plaintext", b64(PLAINTEXT), "--debug"),
        run_bin("keys", "disable", "--key-id", key_id),
        run_bin("decrypt", "--ciphertext-blob", blob, "--encryption-context", "a=b", "--debug"),
    ]
    assert [r.returncode for r in runs] == [254, 254, 252, 252, 254, 0, 254]
    for run in runs:
        assert b"Traceback" not in run.stderr
        _assert_absent(PLAINTEXT, run.stdout, run.stderr)
    for path in home.iterdir():
        _assert_absent(PLAINTEXT, path.read_bytes())


def test_data_key_pair_private_half_is_never_stored(qkms: Qkms, home: Path) -> None:
    key = qkms.new_key()
    pair = qkms.ok("generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256")
    private = unb64(
        qkms.ok("decrypt", "--ciphertext-blob", pair["PrivateKeyCiphertextBlob"])["Plaintext"]
    )
    assert private[:1] == b"\x30"
    for path in home.iterdir():
        _assert_absent(private, path.read_bytes())


@pytest.mark.parametrize("flag", ["--debug", None])
def test_wrong_passphrase_message_is_the_same_with_debug(
    qkms: Qkms, monkeypatch: pytest.MonkeyPatch, flag: str | None
) -> None:
    monkeypatch.setenv("QKMS_PASSPHRASE", PASSPHRASE)
    key = qkms.new_key()
    monkeypatch.setenv("QKMS_PASSPHRASE", PASSPHRASE[::-1])
    args = ["encrypt", "--key-id", key, "--plaintext", b64(PLAINTEXT)]
    result = qkms.fails(253, *args, *([flag] if flag else []))
    # --debug adds its qkms: debug: lines (no secret in them), and the same error after them.
    lines = result.stderr.splitlines(keepends=True)
    assert all(line.startswith("qkms: debug: ") for line in lines[:-1])
    assert len(lines) == (6 if flag else 1)
    assert lines[-1] == (
        f"qkms: keystore error: The passphrase is wrong: it does not open the keystore "
        f"{os.environ['QKMS_HOME']}.\n"
    )
    assert PASSPHRASE not in result.stderr and PASSPHRASE[::-1] not in result.stderr
