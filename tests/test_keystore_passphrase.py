"""Passphrase, key-file and QKMS_MASTER_KEY keystores: made by `keystore init`, opened by every command."""

from __future__ import annotations

import base64
import os
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import Qkms, b64, unb64

PASSPHRASE = "correct horse battery staple"


def _passphrase_keystore(qkms: Qkms, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setenv("QKMS_PASSPHRASE", PASSPHRASE)
    return qkms.ok("keystore", "init")


def test_init_with_passphrase_writes_no_key_file(
    qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _passphrase_keystore(qkms, monkeypatch)
    assert made["MasterKeyMode"] == "passphrase"
    # RFC 9106's second recommended option.
    assert made["Kdf"] == {
        "Name": "argon2id",
        "MemoryKiB": 65536,
        "Iterations": 3,
        "Parallelism": 4,
    }
    assert sorted(p.name for p in home.iterdir()) == ["keystore.db"]
    assert oct(home.stat().st_mode & 0o777) == "0o700"
    assert oct((home / "keystore.db").stat().st_mode & 0o777) == "0o600"
    # The stored parameters are what the derivation uses.
    with sqlite3.connect(home / "keystore.db") as conn:
        kdf = conn.execute("SELECT value FROM meta WHERE name = 'kdf'").fetchone()[0]
    assert '"kdf": "argon2id", "m": 65536, "t": 3, "p": 4' in kdf and '"salt"' in kdf


def test_later_commands_need_the_passphrase(
    qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _passphrase_keystore(qkms, monkeypatch)
    key = qkms.new_key()
    blob = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"secret"))["CiphertextBlob"]

    monkeypatch.setenv("QKMS_PASSPHRASE", "not the passphrase")
    wrong = qkms.fails(253, "decrypt", "--ciphertext-blob", blob)
    assert "passphrase is wrong" in wrong.stderr
    assert "not the passphrase" not in wrong.stderr

    monkeypatch.delenv("QKMS_PASSPHRASE")
    missing = qkms.fails(253, "decrypt", "--ciphertext-blob", blob)
    assert "protected by a passphrase: set QKMS_PASSPHRASE" in missing.stderr
    assert qkms("keys", "create").exit_code == 253

    monkeypatch.setenv("QKMS_PASSPHRASE", PASSPHRASE)
    assert unb64(qkms.ok("decrypt", "--ciphertext-blob", blob)["Plaintext"]) == b"secret"


def test_metadata_commands_need_no_passphrase(qkms: Qkms, monkeypatch: pytest.MonkeyPatch) -> None:
    _passphrase_keystore(qkms, monkeypatch)
    key = qkms.new_key("--description", "ci")
    qkms.ok("aliases", "create", "--alias-name", "alias/ci", "--target-key-id", key)
    monkeypatch.delenv("QKMS_PASSPHRASE")
    assert qkms.ok("keys", "describe", "--key-id", key)["KeyMetadata"]["Description"] == "ci"
    assert [k["KeyId"] for k in qkms.ok("keys", "list")["Keys"]] == [key]
    assert [a["AliasName"] for a in qkms.ok("aliases", "list")["Aliases"]] == ["alias/ci"]
    # An alias decides which key a call uses: writing its MAC, or resolving it, needs the key.
    for args in (
        ("aliases", "create", "--alias-name", "alias/cd", "--target-key-id", key),
        ("keys", "describe", "--key-id", "alias/ci"),
    ):
        assert "protected by a passphrase: set QKMS_PASSPHRASE" in qkms.fails(253, *args).stderr
    info = qkms.ok("keystore", "info")
    assert info["MasterKeyMode"] == "passphrase"
    assert info["Keys"] == {
        "Total": 1,
        "ByState": {"Enabled": 1},
        "BySpec": {"SYMMETRIC_DEFAULT": 1},
    }


def test_passphrase_file_and_account_id(
    qkms: Qkms, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n")
    made = qkms.ok(
        "keystore", "init", "--passphrase-file", str(secret), "--account-id", "123456789012"
    )
    assert made["MasterKeyMode"] == "passphrase"
    assert made["AccountId"] == "123456789012"
    arn = qkms("keys", "create")  # no passphrase in the environment
    assert arn.exit_code == 253
    monkeypatch.setenv("QKMS_PASSPHRASE", PASSPHRASE)  # the file's newline is not part of it
    key = qkms.new_key()
    assert qkms.ok("keys", "describe", "--key-id", key)["KeyMetadata"]["Arn"].startswith(
        "arn:verenc:123456789012:key/"
    )


def test_init_refuses_a_second_time_and_bad_input(
    qkms: Qkms, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert qkms.fails(252, "keystore", "init", "--account-id", "12").stderr
    missing = qkms.fails(253, "keystore", "init", "--mode", "passphrase")
    assert "QKMS_PASSPHRASE" in missing.stderr and "--passphrase-file" in missing.stderr
    nofile = qkms.fails(253, "keystore", "init", "--passphrase-file", str(tmp_path / "nope"))
    assert "Cannot read the passphrase file" in nofile.stderr
    qkms.ok("keystore", "init")
    again = qkms.fails(253, "keystore", "init")
    assert "already holds a keystore (master key mode keyfile)" in again.stderr
    assert "keystore rekey" in again.stderr


def test_key_file_keystore_is_the_default(qkms: Qkms, home: Path) -> None:
    made = qkms.ok("keystore", "init")
    assert made["MasterKeyMode"] == "keyfile"
    assert (home / "master.key").stat().st_size == 32
    assert oct((home / "master.key").stat().st_mode & 0o777) == "0o600"


def test_first_use_with_qkms_passphrase_makes_a_passphrase_keystore(
    qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No silent fallback: a passphrase in the environment is never ignored for a key file."""
    monkeypatch.setenv("QKMS_PASSPHRASE", PASSPHRASE)
    qkms.new_key()
    assert not (home / "master.key").exists()
    assert qkms.ok("keystore", "info")["MasterKeyMode"] == "passphrase"


def test_external_master_key(qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = os.urandom(32)
    monkeypatch.setenv("QKMS_MASTER_KEY", base64.b64encode(raw).decode())
    assert qkms.ok("keystore", "init")["MasterKeyMode"] == "external"
    assert not (home / "master.key").exists()
    key = qkms.new_key()
    blob = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"x"))["CiphertextBlob"]

    monkeypatch.setenv("QKMS_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    assert (
        "QKMS_MASTER_KEY is not the master key"
        in qkms.fails(253, "decrypt", "--ciphertext-blob", blob).stderr
    )
    monkeypatch.setenv("QKMS_MASTER_KEY", "bm90IDMyIGJ5dGVz")
    short = qkms.fails(253, "decrypt", "--ciphertext-blob", blob)
    assert "holds 12 bytes" in short.stderr and "bm90IDMyIGJ5dGVz" not in short.stderr
    monkeypatch.delenv("QKMS_MASTER_KEY")
    assert "set QKMS_MASTER_KEY" in qkms.fails(253, "decrypt", "--ciphertext-blob", blob).stderr
    monkeypatch.setenv("QKMS_MASTER_KEY", base64.b64encode(raw).decode())
    assert unb64(qkms.ok("decrypt", "--ciphertext-blob", blob)["Plaintext"]) == b"x"


def test_derived_key_works_as_qkms_master_key(
    qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CI secrets store may hand out the raw key of a passphrase keystore instead."""
    from qkms_cli.store import master

    _passphrase_keystore(qkms, monkeypatch)
    key = qkms.new_key()
    with sqlite3.connect(home / "keystore.db") as conn:
        kdf = conn.execute("SELECT value FROM meta WHERE name = 'kdf'").fetchone()[0]
    raw = master.derive(PASSPHRASE.encode(), master.load_kdf(kdf))
    monkeypatch.delenv("QKMS_PASSPHRASE")
    monkeypatch.setenv("QKMS_MASTER_KEY", base64.b64encode(raw).decode())
    qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"y"))


def test_passphrase_through_the_real_binary(run_bin, home: Path) -> None:
    made = run_bin("keystore", "init", env={"QKMS_PASSPHRASE": PASSPHRASE})
    assert made.returncode == 0, made.stderr
    wrong = run_bin("keys", "create", env={"QKMS_PASSPHRASE": "nope"})
    assert wrong.returncode == 253
    assert wrong.stdout == b""
    assert b"The passphrase is wrong" in wrong.stderr
    assert b"Traceback" not in wrong.stderr
    # stdin is not a terminal here, so nothing is asked: a clear error instead.
    missing = run_bin("keys", "create", input=b"typed\n")
    assert missing.returncode == 253
    assert b"set QKMS_PASSPHRASE" in missing.stderr


def _on_a_terminal(
    qkms_bin: str, args: list[str], answers: list[str], home: Path
) -> tuple[int, str]:
    """Run qkms with a pseudo-terminal as its controlling terminal, typing answers at prompts."""
    import pty
    import select
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: its stdin, stdout, stderr and /dev/tty are the terminal
        env = {k: v for k, v in os.environ.items() if not k.startswith("QKMS_PASS")}
        env["QKMS_HOME"] = str(home)
        os.execve(qkms_bin, [qkms_bin, *args], env)
    seen = b""
    pending = list(answers)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal: it has exited
                break
            if not chunk:
                break
            seen += chunk
            if pending and seen.rstrip().endswith(b":"):
                os.write(fd, pending.pop(0).encode() + b"\n")
                seen += b"<answered>"
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")


def test_passphrase_asked_on_a_terminal(qkms_bin: str, home: Path) -> None:
    code, screen = _on_a_terminal(
        qkms_bin, ["keystore", "init", "--mode", "passphrase"], [PASSPHRASE, PASSPHRASE], home
    )
    assert code == 0, screen
    assert "Passphrase for the new keystore" in screen and "Repeat for confirmation" in screen
    assert PASSPHRASE not in screen  # hidden input is not echoed
    code, screen = _on_a_terminal(qkms_bin, ["keys", "create"], [PASSPHRASE], home)
    assert code == 0, screen
    assert f"Passphrase for the keystore {home}" in screen
    code, screen = _on_a_terminal(qkms_bin, ["keys", "list"], [], home)
    assert code == 0 and "Passphrase" not in screen  # no secret touched, nothing asked
    code, screen = _on_a_terminal(qkms_bin, ["keys", "create"], ["wrong"], home)
    assert code == 253 and "The passphrase is wrong" in screen
