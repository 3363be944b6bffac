"""Attacks on the keystore on disk, each performed: every one ends in a refusal, never a wrong result.

Issue 12's security review: public keys and key metadata edited with sqlite3, a keystore planted
by another user or through a symbolic link, a passphrase given to a key-file keystore.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.conftest import Qkms, b64, make_pre_row_mac, unb64

PASSPHRASE = "attack passphrase 1"
MESSAGE = b"pay the attacker"


def _sql(home: Path, statement: str, params: tuple = ()) -> None:
    """The attacker's edit: plain sqlite3 on the file, no qkms and no master key."""
    with contextlib.closing(sqlite3.connect(home / "keystore.db")) as conn, conn:
        assert conn.execute(statement, params).rowcount >= 1


def _attacker_rsa() -> tuple[rsa.RSAPrivateKey, bytes]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def _refused(qkms: Qkms, *args: str) -> str:
    """The command fails with KeyUnavailableException pointing at `keystore verify`."""
    stderr = qkms.fails(254, *args).stderr
    assert "(KeyUnavailableException)" in stderr, stderr
    assert "qkms keystore verify" in stderr, stderr
    return stderr


def _verify_reports(qkms: Qkms, *expected: str) -> str:
    stderr = qkms.fails(253, "keystore", "verify").stderr
    for text in expected:
        assert text in stderr, stderr
    return stderr


# -- public keys ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["keyfile", "passphrase"])
def test_a_swapped_signing_public_key_is_refused(
    qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    if mode == "passphrase":
        monkeypatch.setenv("QKMS_PASSPHRASE", PASSPHRASE)
    qkms.ok("keystore", "init", "--mode", mode)
    key = qkms.new_key("--key-spec", "RSA_2048", "--key-usage", "SIGN_VERIFY")
    attacker, attacker_public = _attacker_rsa()
    forged = attacker.sign(MESSAGE, padding.PKCS1v15(), hashes.SHA256())
    _sql(home, "UPDATE key_material SET public_key = ? WHERE key_id = ?", (attacker_public, key))

    verify = ("--key-id", key, "--message", b64(MESSAGE))
    verify += ("--signing-algorithm", "RSASSA_PKCS1_V1_5_SHA_256")
    _refused(qkms, "verify", *verify, "--signature", b64(forged))
    _refused(qkms, "get-public-key", "--key-id", key)
    _verify_reports(qkms, f"key {key} material version 1: failed authentication")


def test_a_swapped_encryption_public_key_seals_nothing(qkms: Qkms, home: Path) -> None:
    key = qkms.new_key("--key-spec", "RSA_2048", "--key-usage", "ENCRYPT_DECRYPT")
    _attacker, attacker_public = _attacker_rsa()
    _sql(home, "UPDATE key_material SET public_key = ? WHERE key_id = ?", (attacker_public, key))
    _refused(
        qkms,
        "encrypt",
        "--key-id",
        key,
        "--plaintext",
        b64(b"for the owner only"),
        "--encryption-algorithm",
        "RSAES_OAEP_SHA_256",
    )


# -- key metadata -----------------------------------------------------------------------------


def test_re_enabling_a_disabled_key_by_sql_is_refused(qkms: Qkms, home: Path) -> None:
    key = qkms.new_key()
    qkms.ok("keys", "disable", "--key-id", key)
    _sql(home, "UPDATE keys SET key_state = 'Enabled' WHERE key_id = ?", (key,))
    _refused(qkms, "encrypt", "--key-id", key, "--plaintext", b64(b"x"))
    _refused(qkms, "keys", "describe", "--key-id", key)
    # Changing the key through qkms does not launder the edit either.
    _refused(qkms, "keys", "disable", "--key-id", key)
    _verify_reports(qkms, f"key {key}: its row (state, spec, usage, material version or dates)")


def test_undoing_a_rotation_by_sql_is_refused(qkms: Qkms, home: Path) -> None:
    key = qkms.new_key()
    qkms.ok("keys", "rotate", "--key-id", key)
    _sql(home, "UPDATE keys SET current_version = 1 WHERE key_id = ?", (key,))
    _refused(qkms, "encrypt", "--key-id", key, "--plaintext", b64(b"x"))
    _verify_reports(qkms, f"key {key}: its row")


def test_an_edited_deletion_date_destroys_nothing(qkms: Qkms, home: Path) -> None:
    key = qkms.new_key()
    blob = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"kept"))["CiphertextBlob"]
    # Due long ago: opening the keystore purges due keys, but only rows that authenticate.
    _sql(
        home,
        "UPDATE keys SET key_state = 'PendingDeletion', deletion_date = 1 WHERE key_id = ?",
        (key,),
    )
    qkms.ok("keys", "list")
    _refused(qkms, "keys", "describe", "--key-id", key)
    _verify_reports(qkms, f"key {key}: its row")
    # Putting the row back as it was brings the key back: it was never deleted.
    _sql(
        home,
        "UPDATE keys SET key_state = 'Enabled', deletion_date = NULL WHERE key_id = ?",
        (key,),
    )
    assert unb64(qkms.ok("decrypt", "--ciphertext-blob", blob)["Plaintext"]) == b"kept"


def test_a_removed_row_mac_is_refused(qkms: Qkms, home: Path) -> None:
    """A row of today's qkms cannot pass for one from before row MACs."""
    key = qkms.new_key()
    qkms.ok("keys", "disable", "--key-id", key)
    _sql(
        home,
        "UPDATE keys SET key_state = 'Enabled', row_mac = NULL WHERE key_id = ?",
        (key,),
    )
    stderr = _refused(qkms, "encrypt", "--key-id", key, "--plaintext", b64(b"x"))
    assert "lost its MAC" in stderr
    _verify_reports(qkms, f"key {key}: its row lost its MAC")


def test_a_passphrase_keystore_checks_rows_when_a_key_is_used(
    qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without its passphrase, describe shows rows unchecked; any use of the key checks them."""
    monkeypatch.setenv("QKMS_PASSPHRASE", PASSPHRASE)
    qkms.ok("keystore", "init")
    key = qkms.new_key()
    qkms.ok("keys", "disable", "--key-id", key)
    _sql(home, "UPDATE keys SET key_state = 'Enabled' WHERE key_id = ?", (key,))
    monkeypatch.delenv("QKMS_PASSPHRASE")
    # Reading metadata asks for nothing (README: describe needs no passphrase) ...
    assert qkms.ok("keys", "describe", "--key-id", key)["KeyMetadata"]["KeyId"] == key
    monkeypatch.setenv("QKMS_PASSPHRASE", PASSPHRASE)
    # ... but encrypting, or changing the key, authenticates its row first.
    _refused(qkms, "encrypt", "--key-id", key, "--plaintext", b64(b"x"))
    _refused(qkms, "keys", "describe", "--key-id", key)
    _verify_reports(qkms, f"key {key}: its row")


# -- keystores from before row MACs -----------------------------------------------------------


def test_a_keystore_from_before_row_macs_opens_and_is_sealed_on_use(qkms: Qkms, home: Path) -> None:
    symmetric = qkms.new_key()
    qkms.ok("keys", "rotate", "--key-id", symmetric)
    blob = qkms.ok("encrypt", "--key-id", symmetric, "--plaintext", b64(b"old"))["CiphertextBlob"]
    signer = qkms.new_key("--key-spec", "ECC_NIST_P256", "--key-usage", "SIGN_VERIFY")
    make_pre_row_mac(home)

    verified = qkms("keystore", "verify")
    assert verified.exit_code == 0, verified.stderr
    assert "2 key row(s) date from before" in verified.stderr
    assert unb64(qkms.ok("decrypt", "--ciphertext-blob", blob)["Plaintext"]) == b"old"
    sign = ("--key-id", signer, "--message", b64(MESSAGE), "--signing-algorithm", "ECDSA_SHA_256")
    signature = qkms.ok("sign", *sign)["Signature"]
    assert qkms.ok("verify", *sign, "--signature", signature)["SignatureValid"] is True
    with contextlib.closing(sqlite3.connect(home / "keystore.db")) as conn:
        macs = conn.execute("SELECT row_mac FROM keys").fetchall()
    assert len(macs) == 2 and all(isinstance(m[0], bytes) for m in macs)
    assert "date from before" not in qkms("keystore", "verify").stderr


def test_a_swapped_public_key_in_an_older_keystore_is_refused(qkms: Qkms, home: Path) -> None:
    """Before row MACs the public key was in no AAD: it is checked against the private key."""
    key = qkms.new_key("--key-spec", "RSA_2048", "--key-usage", "SIGN_VERIFY")
    make_pre_row_mac(home)
    attacker, attacker_public = _attacker_rsa()
    _sql(home, "UPDATE key_material SET public_key = ? WHERE key_id = ?", (attacker_public, key))
    _verify_reports(qkms, f"key {key} material version 1: its public key is not its private key's")
    forged = attacker.sign(MESSAGE, padding.PKCS1v15(), hashes.SHA256())
    stderr = _refused(
        qkms,
        "verify",
        "--key-id",
        key,
        "--message",
        b64(MESSAGE),
        "--signing-algorithm",
        "RSASSA_PKCS1_V1_5_SHA_256",
        "--signature",
        b64(forged),
    )
    assert "is not the one its private key gives" in stderr


# -- who owns the keystore --------------------------------------------------------------------

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="chown to another user needs root")
OTHER_UID = 65534  # nobody


@needs_root
def test_a_keystore_planted_by_another_user_is_refused(
    qkms: Qkms, home: Path, tmp_path: Path
) -> None:
    """Root (or anyone) pointed at a home another user made: that user could read the keys."""
    key = qkms.new_key()
    for path in (home, home / "keystore.db", home / "master.key"):
        os.chown(path, OTHER_UID, OTHER_UID)
    for args in (("keys", "list"), ("encrypt", "--key-id", key, "--plaintext", b64(b"x"))):
        stderr = qkms.fails(253, *args).stderr
        assert f"{home} belongs to uid {OTHER_UID}" in stderr, stderr
        assert "chown" in stderr and "Traceback" not in stderr
    # A home of one's own with one planted file in it is refused just the same.
    os.chown(home, os.geteuid(), os.getegid())
    stderr = qkms.fails(253, "keys", "list").stderr
    assert f"{home / 'keystore.db'} belongs to uid {OTHER_UID}" in stderr
    os.chown(home / "keystore.db", os.geteuid(), os.getegid())
    stderr = qkms.fails(253, "encrypt", "--key-id", key, "--plaintext", b64(b"x")).stderr
    assert f"{home / 'master.key'} belongs to uid {OTHER_UID}" in stderr


def test_a_symlinked_home_is_refused(qkms: Qkms, home: Path, tmp_path: Path) -> None:
    qkms.new_key()
    link = tmp_path / "link-home"
    link.symlink_to(home)
    stderr = qkms.fails(253, "--home", str(link), "keys", "list").stderr
    assert f"{link} is a symbolic link" in stderr and "--home" in stderr


def test_a_symlinked_master_key_is_refused(qkms: Qkms, home: Path, tmp_path: Path) -> None:
    key = qkms.new_key()
    elsewhere = tmp_path / "elsewhere.key"
    os.replace(home / "master.key", elsewhere)
    (home / "master.key").symlink_to(elsewhere)
    stderr = qkms.fails(253, "encrypt", "--key-id", key, "--plaintext", b64(b"x")).stderr
    assert f"{home / 'master.key'} is a symbolic link" in stderr


def test_a_symlinked_database_is_refused(qkms: Qkms, home: Path, tmp_path: Path) -> None:
    qkms.new_key()
    elsewhere = tmp_path / "elsewhere.db"
    os.replace(home / "keystore.db", elsewhere)
    (home / "keystore.db").symlink_to(elsewhere)
    stderr = qkms.fails(253, "keys", "list").stderr
    assert f"{home / 'keystore.db'} is a symbolic link" in stderr


def test_a_planted_write_ahead_log_is_refused(qkms: Qkms, home: Path, tmp_path: Path) -> None:
    """SQLite opens keystore.db-wal itself (following links): qkms checks it first."""
    qkms.new_key()
    planted = home / "keystore.db-wal"
    assert not planted.exists()  # the last process to close the keystore removed its log
    planted.symlink_to(tmp_path / "attacker-log")
    stderr = qkms.fails(253, "keys", "list").stderr
    assert f"{planted} is a symbolic link" in stderr


def test_a_home_in_a_world_writable_directory_needs_the_sticky_bit(
    qkms: Qkms, tmp_path: Path
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    home = shared / "qkms"
    stderr = qkms.fails(253, "--home", str(home), "keys", "create").stderr
    assert f"lies in {shared}, which every user may write to" in stderr
    assert "chmod +t" in stderr
    assert not home.exists()
    shared.chmod(0o1777)  # like /tmp: others cannot rename or delete what is not theirs
    qkms.ok("--home", str(home), "keys", "create")


# -- credentials that do not fit the keystore -------------------------------------------------


def test_a_passphrase_given_to_a_key_file_keystore_is_refused(
    qkms: Qkms, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = qkms.new_key()
    monkeypatch.setenv("QKMS_PASSPHRASE", PASSPHRASE)
    for args in (("keys", "list"), ("encrypt", "--key-id", key, "--plaintext", b64(b"x"))):
        stderr = qkms.fails(253, *args).stderr
        assert "QKMS_PASSPHRASE is set, but the keystore" in stderr
        assert "has no passphrase" in stderr and "master.key" in stderr
    # QKMS_MASTER_KEY still opens any keystore, as documented.
    monkeypatch.delenv("QKMS_PASSPHRASE")


# -- what stays on disk and in core dumps -----------------------------------------------------


def _stored(home: Path) -> bytes:
    return b"".join(
        p.read_bytes() for p in sorted(home.iterdir()) if p.name.startswith("keystore.db")
    )


def test_a_purged_key_leaves_no_sealed_material_in_the_file(qkms: Qkms, home: Path) -> None:
    from qkms_cli.store.keystore import Keystore

    gone = qkms.new_key("--key-spec", "ECC_NIST_P256", "--key-usage", "SIGN_VERIFY")
    kept = qkms.new_key()
    with contextlib.closing(sqlite3.connect(home / "keystore.db")) as conn:
        (wrapped,) = conn.execute(
            "SELECT wrapped FROM key_material WHERE key_id = ?", (gone,)
        ).fetchone()
    assert wrapped in _stored(home)
    qkms.ok("keys", "schedule-deletion", "--key-id", gone, "--pending-window-in-days", "7")
    later = Keystore.open(home, clock=lambda: time.time() + 8 * 86400)
    later.close()  # opening purged the key; closing checkpoints the log into the file
    assert qkms.fails(254, "keys", "describe", "--key-id", gone)
    qkms.ok("keys", "describe", "--key-id", kept)
    assert wrapped not in _stored(home)


_CORE_PROBE = """
import ctypes, runpy, sys
PR_GET_DUMPABLE = 3
def state():
    with open("/proc/self/limits") as limits:
        core = next(line for line in limits if line.startswith("Max core file size")).split()
    return f"{core[4]}/{core[5]}/{ctypes.CDLL(None).prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)}"
before = state()
sys.argv = ["qkms", *sys.argv[1:]]
try:
    runpy.run_module("qkms_cli", run_name="__main__")
except SystemExit:
    pass
print("core:", before, state(), file=sys.stderr)
"""


@pytest.mark.skipif(not Path("/proc/self/limits").exists(), reason="Linux's /proc only")
def test_a_qkms_process_cannot_dump_core(home: Path) -> None:
    """A real qkms run: core dumps are off and the process is not dumpable once it has a key."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _CORE_PROBE, "keys", "create"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    line = done.stderr.strip().splitlines()[-1]
    before, after = line.split()[1:]
    assert before.endswith("/1")  # dumpable as any process starts, so the probe can tell
    assert after == "0/0/0"  # RLIMIT_CORE soft/hard 0, PR_GET_DUMPABLE 0


# -- the passphrase KDF -----------------------------------------------------------------------


def test_a_short_passphrase_is_refused_unless_allowed(
    qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QKMS_PASSPHRASE", "hunter2")
    for args in (("keystore", "init"), ("keys", "create")):
        stderr = qkms.fails(252, *args).stderr
        assert "The passphrase is 7 character(s) long; qkms needs at least 12" in stderr
        assert "--allow-weak-passphrase" in stderr and "QKMS_MASTER_KEY" in stderr
    assert "There is no keystore" in qkms.fails(253, "keystore", "info").stderr
    made = qkms.ok("keystore", "init", "--allow-weak-passphrase")
    assert made["MasterKeyMode"] == "passphrase"
    monkeypatch.setenv("QKMS_NEW_PASSPHRASE", "short")
    qkms.fails(252, "keystore", "rekey")
    qkms.ok("keystore", "rekey", "--allow-weak-passphrase")
    monkeypatch.setenv("QKMS_PASSPHRASE", "short")
    qkms.new_key()


def test_a_scrypt_keystore_still_opens_and_rekey_moves_it_to_argon2id(
    qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A keystore made before Argon2id: its master key is scrypt of the passphrase."""
    from qkms_cli.store import master
    from qkms_cli.store.keystore import Keystore

    key = qkms.new_key()
    blob = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"s"))["CiphertextBlob"]
    params = master.ScryptParams.new()
    store = Keystore.open(home)
    try:  # what qkms wrote for a passphrase keystore before: scrypt N=2**14, r=8, p=1
        scrypt_key = master.derive(PASSPHRASE.encode(), params)
        store.rekey(master.NewMaster(master.EXTERNAL, raw_key=scrypt_key))
        with store.write():
            store._set_meta("master_mode", master.PASSPHRASE)
            store._set_meta("kdf", params.dump())
    finally:
        store.close()
    monkeypatch.setenv("QKMS_PASSPHRASE", PASSPHRASE)
    assert qkms.ok("keystore", "info")["Kdf"] == {"Name": "scrypt", "N": 16384, "R": 8, "P": 1}
    assert unb64(qkms.ok("decrypt", "--ciphertext-blob", blob)["Plaintext"]) == b"s"
    monkeypatch.setenv("QKMS_NEW_PASSPHRASE", PASSPHRASE)
    assert qkms.ok("keystore", "rekey")["Kdf"]["Name"] == "argon2id"
    assert unb64(qkms.ok("decrypt", "--ciphertext-blob", blob)["Plaintext"]) == b"s"
    qkms.ok("keystore", "verify")


# -- the key-pair pool: each pair handed out once, copies or no copies ------------------------


def _pooled(home: Path) -> set[bytes]:
    with contextlib.closing(sqlite3.connect(home / "keystore.db")) as conn:
        return {r[0] for r in conn.execute("SELECT public_key FROM key_pair_pool")}


def _pair_from(qkms: Qkms, home: Path, key: str) -> bytes:
    made = qkms.ok(
        "--home", str(home), "generate-data-key-pair", "--key-id", key,
        "--key-pair-spec", "ECC_NIST_P256",
    )  # fmt: skip
    return unb64(made["PublicKey"])


def test_a_copied_home_hands_out_no_pooled_pair_twice(
    qkms: Qkms, home: Path, tmp_path: Path
) -> None:
    """The CI-cache case: the same home restored in two places must not share its pool."""
    import shutil

    key = qkms.new_key()
    qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", "3")
    pooled = _pooled(home)
    copy = tmp_path / "cached-copy"
    shutil.copytree(home, copy)
    assert _pair_from(qkms, copy, key) not in pooled  # generated: the copy's pool was dropped
    assert qkms.ok("--home", str(copy), "keystore", "info")["KeyPairPool"] == {}
    assert _pair_from(qkms, home, key) in pooled  # the original keeps its own
    assert qkms.ok("keystore", "info")["KeyPairPool"] == {"ECC_NIST_P256": 2}


def test_an_edited_location_does_not_keep_a_copied_pool(
    qkms: Qkms, home: Path, tmp_path: Path
) -> None:
    """The copier rewrites the recorded location to the copy's: its MAC gives it away."""
    import shutil

    from qkms_cli.store.keystore import DB_NAME

    key = qkms.new_key()
    qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", "2")
    pooled = _pooled(home)
    copy = tmp_path / "copy"
    shutil.copytree(home, copy)
    st, home_st = os.stat(copy / DB_NAME), os.stat(copy)
    forged = f"{st.st_dev}:{st.st_ino}:{home_st.st_ino}:{os.path.realpath(copy)}"
    _sql(copy, "UPDATE meta SET value = ? WHERE name = 'home_binding'", (forged,))
    assert _pair_from(qkms, copy, key) not in pooled
    assert _pooled(copy) == set()


def test_backup_and_restore_carry_no_pool(qkms: Qkms, home: Path, tmp_path: Path) -> None:
    key = qkms.new_key()
    qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", "2")
    pooled = _pooled(home)
    with contextlib.closing(sqlite3.connect(home / "keystore.db")) as conn:
        sealed = [r[0] for r in conn.execute("SELECT wrapped FROM key_pair_pool")]
    backup = tmp_path / "b.db"
    qkms.ok("keystore", "backup", str(backup), "--with-master-key")
    data = backup.read_bytes()
    assert not any(s in data for s in sealed)  # left out, and overwritten (secure_delete)
    other = tmp_path / "restored"
    qkms.ok("--home", str(other), "keystore", "restore", str(backup))
    assert _pair_from(qkms, other, key) not in pooled
    # Restoring over the live home itself drops its pool too.
    qkms.ok("keystore", "restore", str(backup), "--force")
    assert qkms.ok("keystore", "info")["KeyPairPool"] == {}


def test_an_extended_import_expiry_is_refused(qkms: Qkms, home: Path) -> None:
    """Imported material that expires: pushing ValidTo out with sqlite3 keeps nothing alive."""
    from qkms_cli import service
    from qkms_cli.store.keystore import Keystore

    store = Keystore.open(home)
    try:
        key = service.call(store, "CreateKey", {"Origin": "EXTERNAL"})["KeyMetadata"]["KeyId"]
        got = service.call(
            store,
            "GetParametersForImport",
            {
                "KeyId": key,
                "WrappingAlgorithm": "RSAES_OAEP_SHA_256",
                "WrappingKeySpec": "RSA_2048",
            },
        )
        wrapping = serialization.load_der_public_key(got["PublicKey"])
        assert isinstance(wrapping, rsa.RSAPublicKey)
        sha = hashes.SHA256()
        oaep = padding.OAEP(mgf=padding.MGF1(sha), algorithm=sha, label=None)
        service.call(
            store,
            "ImportKeyMaterial",
            {
                "KeyId": key,
                "ImportToken": got["ImportToken"],
                "EncryptedKeyMaterial": wrapping.encrypt(os.urandom(32), oaep),
                "ExpirationModel": "KEY_MATERIAL_EXPIRES",
                "ValidTo": time.time() + 86400,
            },
        )
    finally:
        store.close()
    qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"x"))
    _sql(
        home, "UPDATE keys SET valid_to = ? WHERE key_id = ?", (time.time() + 10 * 365 * 86400, key)
    )
    _refused(qkms, "encrypt", "--key-id", key, "--plaintext", b64(b"x"))
    _verify_reports(qkms, f"key {key}: its row")


def test_turning_core_dumps_off_stays_cheap(home: Path) -> None:
    """Start-up is a budget: prctl is called without importing ctypes' type machinery."""
    from tests.test_startup import modules_after

    loaded = modules_after("generate-random", "--number-of-bytes", "8")
    assert "resource" in loaded and "_ctypes" in loaded
    assert "ctypes" not in loaded


# -- a long-running process ---------------------------------------------------------------------


def test_a_row_edited_under_a_running_server_is_refused(qkms: Qkms, home: Path) -> None:
    """`qkms serve` remembers the key rows it has checked; an edit is a new row, checked again."""
    from tests.serving import Server

    key = qkms.new_key()
    server = Server(home, "--threads", "1")
    try:
        plaintext = b64(MESSAGE)
        for _ in range(3):  # the row is read, checked and remembered
            status, _body = server.call("Encrypt", {"KeyId": key, "Plaintext": plaintext})
            assert status == 200
        status, _body = server.call("DisableKey", {"KeyId": key})
        assert status == 200
        _sql(home, "UPDATE keys SET key_state = 'Enabled' WHERE key_id = ?", (key,))
        status, body = server.call("Encrypt", {"KeyId": key, "Plaintext": plaintext})
        assert (status, body["__type"]) == (400, "KeyUnavailableException"), body
    finally:
        server.stop()
