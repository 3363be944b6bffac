"""Faults on the real keystore: permissions, damage, read-only and full disks, locks, kills."""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Qkms, b64, unb64


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _clean_failure(result, code: int = 253) -> str:
    """The failure is the exit code, one message on stderr, no traceback, nothing on stdout."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    return result.stderr


@contextlib.contextmanager
def _mounted(*args: str) -> Iterator[None]:
    """Run `mount args`; skip the test where mounting is not allowed (not root, no CAP_SYS_ADMIN)."""
    target = args[-1]
    proc = subprocess.run(["mount", *args], capture_output=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount here ({proc.stderr.decode().strip()}); needs root")
    try:
        yield
    finally:
        subprocess.run(["umount", target], check=True)


# -- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "mode", "want"),
    [(None, 0o750, "700"), (None, 0o705, "700"), ("keystore.db", 0o640, "600")],
)
def test_group_or_other_accessible_keystore_is_refused(
    qkms: Qkms, home: Path, name: str | None, mode: int, want: str
) -> None:
    key = qkms.new_key()
    target = home / name if name else home
    target.chmod(mode)
    stderr = _clean_failure(qkms("keys", "describe", "--key-id", key))
    assert f"mode {mode:o}" in stderr and "refuses to use it" in stderr
    fix = re.search(r"Fix it with: chmod (\d+) '([^']+)'", stderr)
    assert fix is not None and fix.groups() == (want, str(target))
    os.chmod(fix[2], int(fix[1], 8))  # the command the message gives fixes it
    qkms.ok("keys", "describe", "--key-id", key)


def test_readable_master_key_is_refused_when_a_secret_is_needed(qkms: Qkms, home: Path) -> None:
    key = qkms.new_key()
    (home / "master.key").chmod(0o644)
    # Describe checks the key row's MAC whenever the master key is at hand: a key file is.
    for args in (("keys", "describe"), ("encrypt", "--plaintext", b64(b"x"))):
        stderr = _clean_failure(qkms(*args, "--key-id", key))
        assert f"chmod 600 '{home / 'master.key'}'" in stderr


def test_group_readable_keystore_refused_by_the_binary(run_bin, home: Path) -> None:
    assert run_bin("keys", "create").returncode == 0
    (home / "keystore.db").chmod(0o644)
    result = run_bin("keys", "list")
    assert result.returncode == 253
    assert b"chmod 600" in result.stderr and b"Traceback" not in result.stderr


# -- damage -----------------------------------------------------------------------------------


def _flip(path: Path, offset: int, count: int = 8) -> None:
    data = bytearray(path.read_bytes())
    for i in range(offset, min(offset + count, len(data))):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("offset", [0, 28, 100, 4096, 8192])
def test_flipped_bytes_are_exit_253_and_change_nothing(qkms: Qkms, home: Path, offset: int) -> None:
    """Header, page 1 and b-tree pages of a closed keystore (no -wal: everything is in the file)."""
    for _ in range(3):
        qkms.new_key()
    db = home / "keystore.db"
    assert not Path(f"{db}-wal").exists()
    _flip(db, offset)
    before = _digest(db)
    for args in (("keys", "list"), ("keys", "create"), ("keystore", "verify")):
        stderr = _clean_failure(qkms(*args))
        assert "damaged" in stderr and "keystore restore" in stderr
    assert _digest(db) == before


def test_verify_finds_damage_a_query_does_not_reach(qkms: Qkms, home: Path) -> None:
    for _ in range(3):
        qkms.new_key()
    db = home / "keystore.db"
    pages = db.stat().st_size // 4096
    hits = 0
    for page in range(1, pages):
        original = db.read_bytes()
        _flip(db, page * 4096)
        result = qkms("keystore", "verify")
        assert result.exit_code in (0, 253), result.stderr
        assert "Traceback" not in result.stderr
        hits += result.exit_code == 253
        db.write_bytes(original)
    assert hits >= 3
    qkms.ok("keystore", "verify")


def test_flipped_bytes_through_the_binary(run_bin, home: Path) -> None:
    assert run_bin("keys", "create").returncode == 0
    _flip(home / "keystore.db", 4096)
    result = run_bin("keys", "list", "--debug")
    assert result.returncode == 253, result.stderr
    assert b"is damaged (database disk image is malformed)" in result.stderr
    assert b"Traceback" not in result.stderr and result.stdout == b""


def test_newer_schema_is_refused_untouched(qkms: Qkms, home: Path) -> None:
    qkms.new_key()
    db = home / "keystore.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = _digest(db)
    for args in (("keys", "list"), ("keystore", "info"), ("keystore", "init")):
        stderr = _clean_failure(qkms(*args))
        assert "schema version 99, newer than this qkms understands" in stderr
    assert _digest(db) == before


def test_lost_master_key(qkms: Qkms, home: Path) -> None:
    key = qkms.new_key()
    (home / "master.key").unlink()
    stderr = _clean_failure(qkms("encrypt", "--key-id", key, "--plaintext", b64(b"x")))
    assert "master.key is missing" in stderr
    (home / "master.key").write_bytes(os.urandom(32))
    (home / "master.key").chmod(0o600)
    stderr = _clean_failure(qkms("encrypt", "--key-id", key, "--plaintext", b64(b"x")))
    assert "does not belong to this keystore" in stderr


# -- where the keystore lives -----------------------------------------------------------------


def test_missing_home_parent_is_not_created(qkms: Qkms, tmp_path: Path) -> None:
    home = tmp_path / "no" / "such" / "qkms"
    stderr = _clean_failure(qkms("--home", str(home), "keys", "create"))
    assert f"its parent directory {home.parent} does not exist" in stderr
    assert f"There is no keystore in {home}" in _clean_failure(
        qkms("--home", str(home), "keys", "list")
    )
    assert not (tmp_path / "no").exists()


def test_home_that_is_a_file(qkms: Qkms, tmp_path: Path) -> None:
    home = tmp_path / "file"
    home.write_text("x")
    assert "not a directory" in _clean_failure(qkms("--home", str(home), "keys", "list"))


def test_read_only_home(qkms: Qkms, home: Path) -> None:
    key = qkms.new_key()
    with _mounted("--bind", "-o", "ro", str(home), str(home)):
        if os.access(home / "keystore.db", os.W_OK) and not _is_read_only(home):
            pytest.skip("the bind mount did not become read-only")
        stderr = _clean_failure(qkms("keys", "describe", "--key-id", key))
        assert "Read-only file system" in stderr or "read-only" in stderr
        _clean_failure(qkms("keys", "create"))
    qkms.ok("keys", "describe", "--key-id", key)
    qkms.ok("keystore", "verify")


def _is_read_only(path: Path) -> bool:
    return bool(os.statvfs(path).f_flag & os.ST_RDONLY)


def test_full_disk(qkms: Qkms, tmp_path: Path) -> None:
    """A 256 KiB tmpfs fills up: exit 253 saying so, and every key made before it survives."""
    mount = tmp_path / "small"
    mount.mkdir()
    with _mounted("-t", "tmpfs", "-o", "size=256k,mode=700", "tmpfs", str(mount)):
        home = str(mount / "qkms")
        made: list[str] = []
        stderr = ""
        for _ in range(2000):
            result = qkms("--home", home, "keys", "create", "--description", "x" * 300)
            if result.exit_code != 0:
                stderr = _clean_failure(result)
                break
            made.append(result.stdout)
        assert "is full" in stderr, "the disk never filled up"
        assert qkms.ok("--home", home, "keystore", "verify")["SecretsChecked"] == len(made)
        # Every call writes its audit event: on a full disk it is refused, saying why.
        assert "is full" in _clean_failure(qkms("--home", home, "keys", "list"))
        qkms.ok(
            "--home", home, "keystore", "backup", str(tmp_path / "copy.db"), "--with-master-key"
        )
    moved = str(tmp_path / "moved")
    qkms.ok("--home", moved, "keystore", "restore", str(tmp_path / "copy.db"))
    listed = qkms.ok("--home", moved, "keys", "list", "--limit", "1000")["Keys"]
    assert len(listed) == len(made)
    blob = qkms.ok(
        "--home", moved, "encrypt", "--key-id", listed[0]["KeyId"], "--plaintext", b64(b"ok")
    )["CiphertextBlob"]
    plain = qkms.ok("--home", moved, "decrypt", "--ciphertext-blob", blob)["Plaintext"]
    assert unb64(plain) == b"ok"
    qkms.ok("--home", moved, "audit", "verify")


# -- locks and kills --------------------------------------------------------------------------


def test_lock_held_past_the_busy_deadline(
    qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = qkms.new_key()
    monkeypatch.setenv("QKMS_BUSY_TIMEOUT", "0.2")
    holder = sqlite3.connect(home / "keystore.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        stderr = _clean_failure(qkms("keys", "create"), 254)
        assert stderr.startswith(
            "An error occurred (DependencyTimeoutException) when calling the CreateKey operation:"
        )
        assert "gave up after 0.2 seconds" in stderr
        # A reader writes its audit event, so it waits for the lock too, and says so.
        stderr = _clean_failure(qkms("keys", "describe", "--key-id", key), 254)
        assert "(DependencyTimeoutException) when calling the DescribeKey operation" in stderr
    finally:
        holder.rollback()
        holder.close()
    qkms.new_key()
    monkeypatch.setenv("QKMS_BUSY_TIMEOUT", "soon")
    assert "QKMS_BUSY_TIMEOUT" in _clean_failure(qkms("keys", "list"))


_CREATE_FOREVER = textwrap.dedent(
    """
    import sys
    from qkms_cli import service
    from qkms_cli.store.keystore import Keystore

    while True:
        store = Keystore.open(sys.argv[1])
        made = service.call(store, "CreateKey", {"Description": "killed"})
        store.close()
        print(made["KeyMetadata"]["KeyId"], flush=True)  # only after the commit
    """
)


def test_sigkill_while_three_processes_create_keys(qkms: Qkms, home: Path, tmp_path: Path) -> None:
    qkms.ok("keystore", "init")
    logs = [tmp_path / f"worker{i}.out" for i in range(3)]
    workers = []
    for log in logs:
        with open(log, "wb") as out:
            workers.append(
                subprocess.Popen([sys.executable, "-c", _CREATE_FOREVER, str(home)], stdout=out)
            )
    rng = random.Random(5)
    deadline = time.monotonic() + 30
    # Let each worker get going, then kill it at a random moment, most likely mid-transaction.
    while any(log.stat().st_size < 37 * 20 for log in logs) and time.monotonic() < deadline:
        time.sleep(0.05)
    for worker in workers:
        time.sleep(rng.uniform(0.0, 0.3))
        worker.send_signal(signal.SIGKILL)
    for worker in workers:
        assert worker.wait(timeout=30) == -signal.SIGKILL
    reported = {line for log in logs for line in log.read_text().split()}
    assert len(reported) >= 60

    assert qkms.ok("keystore", "verify")["SecretsChecked"] >= len(reported)

    from qkms_cli import service
    from qkms_cli.store.keystore import Keystore

    store = Keystore.open(home)
    try:
        listed = set(_all_keys(store))
        assert reported <= listed, "a key whose commit was reported is missing"
        assert len(listed) - len(reported) <= 3  # at most one committed-not-printed per worker
        for key in sorted(listed):
            blob = service.call(store, "Encrypt", {"KeyId": key, "Plaintext": key.encode()})
            opened = service.call(store, "Decrypt", {"CiphertextBlob": blob["CiphertextBlob"]})
            assert opened["Plaintext"] == key.encode()
    finally:
        store.close()


def _all_keys(store) -> list[str]:
    from qkms_cli import service

    keys: list[str] = []
    request: dict = {"Limit": 1000}
    while True:
        page = service.call(store, "ListKeys", request)
        keys += [k["KeyId"] for k in page["Keys"]]
        if not page["Truncated"]:
            return keys
        request["Marker"] = page["NextMarker"]


def test_online_backup_while_another_process_writes(qkms: Qkms, home: Path, tmp_path: Path) -> None:
    """Backups taken while keys are being created are each a whole keystore that verifies."""
    qkms.ok("keystore", "init")
    log = tmp_path / "writer.out"
    with open(log, "wb") as out:
        writer = subprocess.Popen([sys.executable, "-c", _CREATE_FOREVER, str(home)], stdout=out)
    try:
        counts = []
        for i in range(3):
            while log.stat().st_size < 37 * 10 * (i + 1):
                assert writer.poll() is None, "the writer stopped"
                time.sleep(0.02)
            dest = tmp_path / f"b{i}.db"
            made = qkms.ok("keystore", "backup", str(dest), "--with-master-key")
            counts.append(made["Keys"])
            restored = tmp_path / f"r{i}"
            assert (
                qkms.ok("--home", str(restored), "keystore", "restore", str(dest))["Keys"]
                == (made["Keys"])
            )
            checked = qkms.ok("--home", str(restored), "keystore", "verify")
            assert checked["SecretsChecked"] == made["Keys"]
    finally:
        writer.kill()
        writer.wait()
    assert counts == sorted(counts) and counts[0] >= 10
