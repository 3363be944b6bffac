"""On a real pseudo-terminal: the passphrase prompt, and Ctrl-C in `pool fill`."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

PASSPHRASE = "a long passphrase for tests"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QKMS_")}
    return {**env, "QKMS_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "80"}


def _spawn(qkms_bin: str, home: Path, *args: str):  # type: ignore[no-untyped-def]
    return pexpect.spawn(
        qkms_bin, list(args), env=_env(home), encoding="utf-8", timeout=60, dimensions=(24, 80)
    )


def _run(qkms_bin: str, home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [qkms_bin, *args], env={**_env(home), **env}, capture_output=True, text=True, timeout=120
    )


def _finish(child) -> int:  # type: ignore[no-untyped-def]
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus if child.exitstatus is not None else 128 + child.signalstatus)


@pytest.fixture
def passphrase_keystore(qkms_bin: str, home: Path) -> str:
    made = _run(qkms_bin, home, "keystore", "init", QKMS_PASSPHRASE=PASSPHRASE)
    assert made.returncode == 0, made.stderr
    key = _run(qkms_bin, home, "keys", "create", "--query", "KeyMetadata.KeyId", "--output", "text",
               QKMS_PASSPHRASE=PASSPHRASE)  # fmt: skip
    assert key.returncode == 0, key.stderr
    return key.stdout.strip()


def test_an_empty_answer_asks_again(qkms_bin: str, home: Path, passphrase_keystore: str) -> None:
    child = _spawn(qkms_bin, home, "encrypt", "--key-id", passphrase_keystore, "--plaintext",
                   "aGVsbG8=", "--query", "KeyId", "--output", "text")  # fmt: skip
    child.expect_exact(f"Passphrase for the keystore {home}: ")
    child.sendline("")
    child.expect_exact("qkms: the passphrase is empty; type it, or Ctrl-C to stop.")
    child.expect_exact(f"Passphrase for the keystore {home}: ")
    child.sendline(PASSPHRASE)
    child.expect_exact(f"key/{passphrase_keystore}")
    assert _finish(child) == 0
    assert PASSPHRASE not in (child.before or "")


def test_three_empty_answers_stop_with_253(
    qkms_bin: str, home: Path, passphrase_keystore: str
) -> None:
    child = _spawn(qkms_bin, home, "encrypt", "--key-id", passphrase_keystore, "--plaintext",
                   "aGVsbG8=")  # fmt: skip
    for _ in range(3):
        child.expect_exact(f"Passphrase for the keystore {home}: ")
        child.sendline("")
    child.expect_exact("qkms: keystore error: No passphrase after 3 tries; nothing was changed.")
    assert _finish(child) == 253


def test_init_warns_on_a_weak_passphrase_and_asks_again(qkms_bin: str, home: Path) -> None:
    child = _spawn(qkms_bin, home, "keystore", "init", "--mode", "passphrase")
    child.expect_exact("Passphrase for the new keystore: ")
    child.sendline("hunter2")
    child.expect_exact(
        "qkms: warning: a passphrase of 7 characters is weak; use 12 or more (a few unrelated "
        "words)."
    )
    child.expect_exact("Passphrase for the new keystore: ")
    child.sendline(PASSPHRASE)
    child.expect_exact("Repeat for confirmation: ")
    child.sendline(PASSPHRASE + "x")
    child.expect_exact("qkms: the two entries differ; try again.")
    child.expect_exact("Passphrase for the new keystore: ")
    child.sendline(PASSPHRASE)
    child.expect_exact("Repeat for confirmation: ")
    child.sendline(PASSPHRASE)
    child.expect_exact('"MasterKeyMode": "passphrase"')
    assert _finish(child) == 0
    opened = _run(qkms_bin, home, "keys", "create", QKMS_PASSPHRASE=PASSPHRASE)
    assert opened.returncode == 0, opened.stderr


def test_ctrl_c_in_pool_fill_keeps_the_pairs_made(qkms_bin: str, home: Path) -> None:
    assert _run(qkms_bin, home, "keystore", "init").returncode == 0
    child = _spawn(qkms_bin, home, "pool", "fill", "--key-pair-spec", "RSA_2048", "--count", "5000")
    available = 0
    deadline = time.monotonic() + 60
    while available < 2 and time.monotonic() < deadline:  # a readiness poll, not a sleep
        status = _run(qkms_bin, home, "pool", "status")
        pools = json.loads(status.stdout)["Pools"]
        available = pools[0]["Available"] if pools else 0
    assert available >= 2, "pool fill committed nothing while it ran"
    child.sendintr()  # Ctrl-C on the terminal: SIGINT to the foreground process group
    assert _finish(child) == 130
    pools = json.loads(_run(qkms_bin, home, "pool", "status").stdout)["Pools"]
    kept = pools[0]["Available"]
    assert available <= kept < 5000
    # The kept pairs are whole: generate-data-key-pair hands one out.
    key = _run(qkms_bin, home, "keys", "create", "--query", "KeyMetadata.KeyId", "--output", "text")
    pair = _run(qkms_bin, home, "generate-data-key-pair", "--key-id", key.stdout.strip(),
                "--key-pair-spec", "RSA_2048")  # fmt: skip
    assert pair.returncode == 0, pair.stderr
    after = json.loads(_run(qkms_bin, home, "pool", "status").stdout)["Pools"]
    assert (after[0]["Available"] if after else 0) == kept - 1
