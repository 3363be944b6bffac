"""`keystore info|verify|rekey|backup|restore` on the real keystore, including an interrupted rekey."""

from __future__ import annotations

import base64
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import Qkms, b64, unb64

OLD = "old passphrase"
NEW = "new passphrase"


def _keys_and_blobs(qkms: Qkms, n: int = 4) -> list[tuple[str, str]]:
    """n keys (one rotated, so it has two material versions), each with a blob to open later."""
    out = []
    for i in range(n):
        key = qkms.new_key()
        if i == 0:
            qkms.ok("keys", "rotate", "--key-id", key)
        blob = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(f"p{i}".encode()))
        out.append((key, blob["CiphertextBlob"]))
    return out


def _opens(qkms: Qkms, pairs: list[tuple[str, str]]) -> None:
    for i, (_key, blob) in enumerate(pairs):
        plain = qkms.ok("decrypt", "--ciphertext-blob", blob)["Plaintext"]
        assert unb64(plain) == f"p{i}".encode()


def test_info_without_a_keystore_makes_none(qkms: Qkms, home: Path) -> None:
    result = qkms.fails(253, "keystore", "info")
    assert "There is no keystore in" in result.stderr and "qkms keystore init" in result.stderr
    assert not home.exists()


def test_info_counts_keys_by_state_and_spec(qkms: Qkms) -> None:
    qkms.new_key()
    disabled = qkms.new_key("--key-spec", "ECC_NIST_P256", "--key-usage", "SIGN_VERIFY")
    qkms.ok("keys", "disable", "--key-id", disabled)
    info = qkms.ok("keystore", "info")
    assert info["SchemaVersion"] >= 1
    assert info["AccountId"] == "111122223333"
    assert info["MasterKeyMode"] == "keyfile"
    assert info["Keys"] == {
        "Total": 2,
        "ByState": {"Disabled": 1, "Enabled": 1},
        "BySpec": {"ECC_NIST_P256": 1, "SYMMETRIC_DEFAULT": 1},
    }


def test_verify_passes_then_lists_swapped_and_edited_rows(qkms: Qkms, home: Path) -> None:
    # a was rotated: its version 1 is swapped below, its current version 2 is untouched.
    (a, _), (b, blob_b), (c, blob_c) = _keys_and_blobs(qkms, 3)
    assert qkms.ok("keystore", "verify") == {
        "Path": str(home / "keystore.db"),
        "IntegrityCheck": "ok",
        "KeysChecked": 3,
        "SecretsChecked": 4,
        "PooledPairsChecked": 0,
    }
    with sqlite3.connect(home / "keystore.db") as conn:
        rows = dict(conn.execute("SELECT key_id, wrapped FROM key_material WHERE version = 1"))
        # Swap two keys' secrets, and flip one bit in a third: the AAD binds each to its row.
        conn.execute(
            "UPDATE key_material SET wrapped = ? WHERE key_id = ? AND version = 1", (rows[b], a)
        )
        conn.execute(
            "UPDATE key_material SET wrapped = ? WHERE key_id = ? AND version = 1", (rows[a], b)
        )
        edited = bytearray(rows[c])
        edited[-1] ^= 1
        conn.execute(
            "UPDATE key_material SET wrapped = ? WHERE key_id = ? AND version = 1",
            (bytes(edited), c),
        )
    conn.close()
    for key, blob in ((b, blob_b), (c, blob_c)):
        refused = qkms.fails(254, "decrypt", "--ciphertext-blob", blob)
        assert "(KeyUnavailableException)" in refused.stderr
        assert key in refused.stderr
    assert (
        "(KeyUnavailableException)"
        in qkms.fails(254, "encrypt", "--key-id", b, "--plaintext", b64(b"z")).stderr
    )
    result = qkms.fails(253, "keystore", "verify")
    assert "found 3 problem(s)" in result.stderr, result.stderr
    for key in (a, b, c):
        assert f"key {key} material version 1: failed authentication" in result.stderr


def test_changed_key_spec_is_key_unavailable(qkms: Qkms, home: Path) -> None:
    key = qkms.new_key("--key-spec", "HMAC_256", "--key-usage", "GENERATE_VERIFY_MAC")
    with sqlite3.connect(home / "keystore.db") as conn:
        conn.execute("UPDATE keys SET key_spec = 'HMAC_512' WHERE key_id = ?", (key,))
    conn.close()
    refused = qkms.fails(
        254,
        "generate-mac",
        "--key-id",
        key,
        "--message",
        b64(b"m"),
        "--mac-algorithm",
        "HMAC_SHA_512",
    )
    assert "(KeyUnavailableException)" in refused.stderr


@pytest.mark.parametrize("target", ["passphrase", "keyfile", "external"])
@pytest.mark.parametrize("start", ["passphrase", "keyfile"])
def test_rekey_between_modes(
    qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch, start: str, target: str
) -> None:
    if start == "passphrase":
        monkeypatch.setenv("QKMS_PASSPHRASE", OLD)
    qkms.ok("keystore", "init", "--mode", start)
    pairs = _keys_and_blobs(qkms)
    old_key = (home / "master.key").read_bytes() if start == "keyfile" else None
    raw = os.urandom(32)
    monkeypatch.setenv("QKMS_NEW_PASSPHRASE", NEW)
    monkeypatch.setenv("QKMS_NEW_MASTER_KEY", b64(raw))
    done = qkms.ok("keystore", "rekey", "--to", target)
    assert done["MasterKeyMode"] == target
    assert done["PreviousMasterKeyMode"] == start
    assert done["SecretsRewrapped"] == 5
    monkeypatch.delenv("QKMS_PASSPHRASE", raising=False)
    if target == "passphrase":
        monkeypatch.setenv("QKMS_PASSPHRASE", NEW)
    if target == "external":
        monkeypatch.setenv("QKMS_MASTER_KEY", b64(raw))
    _opens(qkms, pairs)
    qkms.ok("keystore", "verify")
    assert (home / "master.key").exists() == (target == "keyfile")
    assert not (home / "master.key.new").exists()
    if target == "keyfile" and old_key is not None:
        assert (home / "master.key").read_bytes() != old_key
    if target != "passphrase" and start == "passphrase":
        # A passphrase given to a keystore that has none is refused, never silently ignored;
        # QKMS_MASTER_KEY (set for the external keystore) opens any keystore and wins.
        monkeypatch.setenv("QKMS_PASSPHRASE", OLD)
        if target == "keyfile":
            refused = qkms.fails(253, "keys", "list")
            assert "QKMS_PASSPHRASE is set, but the keystore" in refused.stderr
        else:
            _opens(qkms, pairs)


def test_rekey_needs_the_current_and_the_new_secret(
    qkms: Qkms, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QKMS_PASSPHRASE", OLD)
    qkms.ok("keystore", "init")
    pairs = _keys_and_blobs(qkms, 1)
    monkeypatch.setenv("QKMS_PASSPHRASE", "guess")
    monkeypatch.setenv("QKMS_NEW_PASSPHRASE", NEW)
    assert "passphrase is wrong" in qkms.fails(253, "keystore", "rekey").stderr
    monkeypatch.setenv("QKMS_PASSPHRASE", OLD)
    monkeypatch.delenv("QKMS_NEW_PASSPHRASE")
    assert "QKMS_NEW_PASSPHRASE" in qkms.fails(253, "keystore", "rekey").stderr
    assert "QKMS_NEW_MASTER_KEY" in qkms.fails(253, "keystore", "rekey", "--to", "external").stderr
    _opens(qkms, pairs)


_REKEY_AND_DIE = textwrap.dedent(
    """
    import os, signal, sys
    from qkms_cli.store import master
    from qkms_cli.store.keystore import Keystore

    home, target, stage, after = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    seen = 0

    def fault(name):
        global seen
        if name == stage:
            seen += 1
            if seen >= after:
                os.kill(os.getpid(), signal.SIGKILL)

    store = Keystore.open(home)
    store.rekey(master.NewMaster(target, passphrase=b"new passphrase"), _fault=fault)
    print("not killed")
    """
)


def _rekey_killed(home: Path, target: str, stage: str, after: int, env: dict) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _REKEY_AND_DIE, str(home), target, stage, str(after)],
        env={**os.environ, **env},
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()


@pytest.mark.parametrize("start", ["passphrase", "keyfile"])
def test_rekey_killed_mid_way_keeps_the_old_master_key(
    qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch, start: str
) -> None:
    if start == "passphrase":
        monkeypatch.setenv("QKMS_PASSPHRASE", OLD)
    qkms.ok("keystore", "init", "--mode", start)
    pairs = _keys_and_blobs(qkms)
    _rekey_killed(home, start, "row", 3, {"QKMS_PASSPHRASE": OLD} if start == "passphrase" else {})
    _opens(qkms, pairs)
    assert qkms.ok("keystore", "verify")["SecretsChecked"] == 5
    if start == "passphrase":
        monkeypatch.setenv("QKMS_PASSPHRASE", NEW)
        assert "passphrase is wrong" in qkms.fails(253, "keystore", "verify").stderr
    else:
        # The killed rekey's new key file was never committed to; a later rekey replaces it.
        assert (home / "master.key.new").exists()
        qkms.ok("keystore", "rekey")
        assert not (home / "master.key.new").exists()
        _opens(qkms, pairs)


def test_rekey_killed_after_commit_before_the_key_file_moves(
    qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Committed but master.key.new not yet moved: the next command finishes the move."""
    monkeypatch.setenv("QKMS_PASSPHRASE", OLD)
    qkms.ok("keystore", "init")
    pairs = _keys_and_blobs(qkms)
    _rekey_killed(home, "keyfile", "committed", 1, {"QKMS_PASSPHRASE": OLD})
    assert not (home / "master.key").exists() and (home / "master.key.new").exists()
    monkeypatch.delenv("QKMS_PASSPHRASE")
    _opens(qkms, pairs)
    assert (home / "master.key").exists() and not (home / "master.key.new").exists()
    assert qkms.ok("keystore", "info")["MasterKeyMode"] == "keyfile"


def test_backup_then_restore_into_a_new_home_opens_old_blobs(
    qkms: Qkms, home: Path, tmp_path: Path
) -> None:
    pairs = _keys_and_blobs(qkms)
    qkms.ok("aliases", "create", "--alias-name", "alias/kept", "--target-key-id", pairs[1][0])
    dest = tmp_path / "backup.db"
    result = qkms("keystore", "backup", str(dest))
    assert result.exit_code == 0, result.stderr
    assert "useless without the keystore's master key" in result.stderr
    assert oct(dest.stat().st_mode & 0o777) == "0o600"
    assert not Path(f"{dest}-wal").exists()

    other = tmp_path / "restored"
    refused = qkms.fails(253, "--home", str(other), "keystore", "restore", str(dest))
    assert "needs its master.key" in refused.stderr
    assert not (other / "keystore.db").exists() or (other / "keystore.db").stat().st_size == 0
    restored = qkms.ok(
        "--home",
        str(other),
        "keystore",
        "restore",
        str(dest),
        "--master-key-file",
        str(home / "master.key"),
    )
    assert restored["Keys"] == 4
    monkeypatch_home(qkms, other, pairs)


def monkeypatch_home(qkms: Qkms, other: Path, pairs: list[tuple[str, str]]) -> None:
    for i, (_key, blob) in enumerate(pairs):
        plain = qkms.ok("--home", str(other), "decrypt", "--ciphertext-blob", blob)["Plaintext"]
        assert unb64(plain) == f"p{i}".encode()
    aliases = qkms.ok("--home", str(other), "aliases", "list")["Aliases"]
    assert [a["AliasName"] for a in aliases if a["AliasName"] == "alias/kept"] == ["alias/kept"]
    qkms.ok("--home", str(other), "keystore", "verify")


def test_backup_with_master_key_restores_without_flags(
    qkms: Qkms, home: Path, tmp_path: Path
) -> None:
    pairs = _keys_and_blobs(qkms)
    qkms.ok("aliases", "create", "--alias-name", "alias/kept", "--target-key-id", pairs[1][0])
    dest = tmp_path / "b.db"
    made = qkms.ok("keystore", "backup", str(dest), "--with-master-key")
    assert made["MasterKeyFile"] == f"{dest}.master.key"
    assert Path(made["MasterKeyFile"]).read_bytes() == (home / "master.key").read_bytes()
    assert "already exists" in qkms.fails(253, "keystore", "backup", str(dest)).stderr
    other = tmp_path / "restored"
    qkms.ok("--home", str(other), "keystore", "restore", str(dest))
    assert (other / "master.key").read_bytes() == (home / "master.key").read_bytes()
    monkeypatch_home(qkms, other, pairs)


def test_passphrase_backup_restores_with_the_passphrase(
    qkms: Qkms, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QKMS_PASSPHRASE", OLD)
    qkms.ok("keystore", "init")
    pairs = _keys_and_blobs(qkms)
    qkms.ok("aliases", "create", "--alias-name", "alias/kept", "--target-key-id", pairs[1][0])
    dest = tmp_path / "b.db"
    assert "--with-master-key" not in qkms("keystore", "backup", str(dest)).stderr
    assert (
        "no master.key"
        in qkms.fails(253, "keystore", "backup", str(dest), "--force", "--with-master-key").stderr
    )
    other = tmp_path / "restored"
    monkeypatch.delenv("QKMS_PASSPHRASE")
    qkms.ok("--home", str(other), "keystore", "restore", str(dest))
    assert not (other / "master.key").exists()
    monkeypatch.setenv("QKMS_PASSPHRASE", OLD)
    monkeypatch_home(qkms, other, pairs)


def test_restore_refuses_to_replace_keys_and_bad_sources(
    qkms: Qkms, home: Path, tmp_path: Path
) -> None:
    pairs = _keys_and_blobs(qkms, 2)
    dest = tmp_path / "b.db"
    qkms.ok("keystore", "backup", str(dest), "--with-master-key")
    newer = qkms.new_key()
    refused = qkms.fails(253, "keystore", "restore", str(dest))
    assert "already holds a keystore (3 keys)" in refused.stderr and "--force" in refused.stderr
    qkms.ok("keystore", "restore", str(dest), "--force")
    _opens(qkms, pairs)
    assert qkms.fails(254, "keys", "describe", "--key-id", newer).stderr

    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(4096))
    assert (
        "not a usable qkms backup"
        in qkms.fails(253, "keystore", "restore", str(junk), "--force").stderr
    )
    assert (
        "does not exist" in qkms.fails(253, "keystore", "restore", str(tmp_path / "nope.db")).stderr
    )
    assert not (tmp_path / "nope.db").exists()
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert (
        "not a qkms keystore backup"
        in qkms.fails(253, "keystore", "restore", str(empty), "--force").stderr
    )
    _opens(qkms, pairs)


def test_restore_force_replaces_a_damaged_keystore(qkms: Qkms, home: Path, tmp_path: Path) -> None:
    pairs = _keys_and_blobs(qkms, 2)
    dest = tmp_path / "b.db"
    qkms.ok("keystore", "backup", str(dest), "--with-master-key")
    db = home / "keystore.db"
    db.write_bytes(b"\x00" * 100 + db.read_bytes()[100:])  # the header is gone
    assert "damaged" in qkms.fails(253, "keys", "list").stderr
    assert "--force" in qkms.fails(253, "keystore", "restore", str(dest)).stderr
    qkms.ok("keystore", "restore", str(dest), "--force")
    assert (home / "keystore.db.damaged").exists()
    _opens(qkms, pairs)


def test_a_process_that_read_the_old_master_key_follows_a_rekey(qkms: Qkms, home: Path) -> None:
    """A long-lived opener must not wrap new secrets under the key a rekey just retired."""
    from qkms_cli import service
    from qkms_cli.store import master
    from qkms_cli.store.keystore import Keystore

    pairs = _keys_and_blobs(qkms, 2)
    early = Keystore.open(home)
    other = Keystore.open(home)
    try:
        early.master_key()
        other.rekey(master.NewMaster(master.KEYFILE))
        made = service.call(early, "CreateKey", {})["KeyMetadata"]["KeyId"]
        blob = base64.b64decode(pairs[0][1])
        assert service.call(early, "Decrypt", {"CiphertextBlob": blob})["Plaintext"] == b"p0"
    finally:
        early.close()
        other.close()
    qkms.ok("keystore", "verify")
    qkms.ok("encrypt", "--key-id", made, "--plaintext", b64(b"after"))
