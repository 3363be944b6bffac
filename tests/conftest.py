"""Hermetic tests: a fresh keystore home per test, no colour, a fixed width, the real keystore."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from qkms_cli.cli import cli

_SCRUBBED = (
    "QKMS_OUTPUT",
    "QKMS_PASSPHRASE",
    "QKMS_MASTER_KEY",
    "QKMS_ACCOUNT_ID",
    "QKMS_BUSY_TIMEOUT",
    "QKMS_NEW_PASSPHRASE",
    "QKMS_NEW_MASTER_KEY",
    "QKMS_ENDPOINT_URL",
)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "qkms-home"
    monkeypatch.setenv("QKMS_HOME", str(home))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    for name in _SCRUBBED:
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def home(isolated: Path) -> Path:
    return isolated


class Qkms:
    """Run qkms in-process through Click's runner; stdout and stderr kept apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: bytes | str | None = None) -> Result:
        return self.runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    def ok(self, *args: str, input: bytes | str | None = None) -> Any:
        """Run, assert exit 0, and return the parsed JSON on stdout (None when it is empty)."""
        result = self(*args, input=input)
        assert result.exit_code == 0, result.output + result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else None

    def fails(self, code: int, *args: str, input: bytes | str | None = None) -> Result:
        result = self(*args, input=input)
        assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
        assert result.stdout == "", "nothing may reach stdout when a command fails"
        return result

    def new_key(self, *args: str) -> str:
        return self.ok("keys", "create", *args)["KeyMetadata"]["KeyId"]


@pytest.fixture
def qkms() -> Qkms:
    return Qkms()


# The data key pair specs in DESIGN.md's order (the blob header numbers them 1-based), written
# out here rather than read from the code under test.
SPECS = (
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "ECC_NIST_P256",
    "ECC_NIST_P384",
    "ECC_NIST_P521",
    "ECC_SECG_P256K1",
    "ECC_NIST_EDWARDS25519",
)

# The six RSA signing algorithms AWS allows for every RSA key spec (CreateKey documentation).
RSA_SIGNING = [
    "RSASSA_PKCS1_V1_5_SHA_256",
    "RSASSA_PKCS1_V1_5_SHA_384",
    "RSASSA_PKCS1_V1_5_SHA_512",
    "RSASSA_PSS_SHA_256",
    "RSASSA_PSS_SHA_384",
    "RSASSA_PSS_SHA_512",
]


def public_half(private_der: bytes) -> bytes:
    """The DER SubjectPublicKeyInfo of a DER PKCS#8 private key, as cryptography computes it."""
    from cryptography.hazmat.primitives import serialization

    private = serialization.load_der_private_key(private_der, password=None)
    return private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


# The default keystore's account id (DESIGN.md: ARNs are arn:verenc:<account>:key/<uuid>).
ACCOUNT = "111122223333"


def arn(key_id: str) -> str:
    return f"arn:verenc:{ACCOUNT}:key/{key_id}"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text)


@pytest.fixture(scope="session")
def qkms_bin() -> str:
    """The installed `qkms` console script, for true end-to-end runs."""
    candidate = Path(sys.executable).parent / "qkms"
    found = str(candidate) if candidate.exists() else shutil.which("qkms")
    if not found:
        pytest.fail("the qkms console script is not installed: pip install -e '.[test]'")
    return found


@pytest.fixture
def run_bin(qkms_bin: str, home: Path) -> Callable[..., subprocess.CompletedProcess[bytes]]:
    def run(*args: str, input: bytes | None = None, env: dict[str, str] | None = None):
        full_env = {**os.environ, **(env or {})}
        return subprocess.run(
            [qkms_bin, *args], input=input, capture_output=True, env=full_env, timeout=120
        )

    return run


def openssl() -> str:
    path = shutil.which("openssl")
    if path is None:
        pytest.fail("openssl is required by the interoperability tests")
    return path


class Clock:
    """A clock a test moves by hand: `Keystore.open(home, clock=clock)`, then `clock.advance(...)`."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, *, days: float = 0, seconds: float = 0) -> None:
        self.now += days * 86400 + seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()
