"""The installed `qkms` console script, run as a user runs it: processes, pipes, exit codes, files."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import openssl

Run = Callable[..., "subprocess.CompletedProcess[bytes]"]


def shell(qkms_bin: str, script: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a README-style shell snippet with the installed qkms first on PATH."""
    path = f"{Path(qkms_bin).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    done = subprocess.run(
        ["sh", "-euc", script],
        cwd=cwd,
        capture_output=True,
        env={**os.environ, "PATH": path, **(env or {})},
        timeout=120,
    )
    assert done.returncode == 0, (done.returncode, done.stdout, done.stderr)
    return done.stdout.decode()


def test_readme_first_command_on_the_default_keystore(qkms_bin: str, tmp_path: Path) -> None:
    """README: the main job on the default keystore (no --home, no QKMS_HOME)."""
    user_home = tmp_path / "user"
    user_home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("QKMS_HOME", "XDG_CONFIG_HOME")}
    env["HOME"] = str(user_home)
    path = f"{Path(qkms_bin).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        [
            "sh",
            "-euc",
            "qkms generate-data-key-pair --key-pair-spec ECC_NIST_P256 "
            '--key-id "$(qkms keys create --query KeyMetadata.KeyId --output text)"',
        ],
        capture_output=True,
        env={**env, "PATH": path},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    pair = json.loads(done.stdout)
    assert pair["KeyPairSpec"] == "ECC_NIST_P256"
    keystore = user_home / ".config" / "qkms"
    assert (keystore / "keystore.db").is_file()
    assert stat.S_IMODE(keystore.stat().st_mode) == 0o700


def readme_block(heading: str) -> str:
    """The first ```sh block under a README heading, as a user would copy it."""
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = text[text.index(heading) :]
    start = section.index("```sh\n") + len("```sh\n")
    return section[start : section.index("```", start)]


def test_readme_tour(qkms_bin: str, tmp_path: Path, home: Path) -> None:
    """README's tour, run verbatim: key, alias, pair to files, private key back, openssl agrees."""
    shell(qkms_bin, readme_block("## A tour") + 'echo "$KEY" > key.txt\n', cwd=tmp_path)
    key = (tmp_path / "key.txt").read_text().strip()
    pair = json.loads((tmp_path / "pair.json").read_text())
    # The written members leave stdout's JSON.
    assert set(pair) == {"KeyId", "KeyPairSpec", "KeyMaterialId"}
    assert pair["KeyId"] == f"arn:verenc:111122223333:key/{key}"
    assert stat.S_IMODE((tmp_path / "private.der").stat().st_mode) == 0o600
    private = (tmp_path / "private.der").read_bytes()
    public = subprocess.run(
        [openssl(), "pkey", "-inform", "DER", "-pubout", "-outform", "DER"],
        input=private,
        capture_output=True,
        check=True,
    ).stdout
    assert public == (tmp_path / "public.der").read_bytes()


def test_readme_ci_example(qkms_bin: str, tmp_path: Path) -> None:
    """README's CI example (less its install line) leaves a public key openssl reads."""
    script = readme_block("## In CI").replace("pip install .", ": pip install .")
    shell(qkms_bin, script, cwd=tmp_path, env={"RUNNER_TEMP": str(tmp_path)})
    subprocess.run(
        [openssl(), "pkey", "-pubin", "-inform", "DER", "-in", "signing.pub.der", "-noout"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )


def test_blob_through_a_pipe_and_a_raw_file(run_bin: Run, tmp_path: Path) -> None:
    key = run_bin("keys", "create", "--query", "KeyMetadata.KeyId", "--output", "text")
    assert key.returncode == 0, key.stderr
    key_id = key.stdout.decode().strip()
    pair = run_bin(
        "generate-data-key-pair-without-plaintext",
        "--key-id",
        key_id,
        "--key-pair-spec",
        "ECC_NIST_EDWARDS25519",
        "--encryption-context",
        '{"app": "e2e"}',
    )
    assert pair.returncode == 0, pair.stderr
    blob = base64.b64decode(json.loads(pair.stdout)["PrivateKeyCiphertextBlob"])
    context = ("--encryption-context", "app=e2e")
    by_stdin = run_bin("decrypt", "--ciphertext-blob", "fileb://-", *context, input=blob)
    assert by_stdin.returncode == 0, by_stdin.stderr
    (tmp_path / "private.enc").write_bytes(blob)
    by_file = run_bin(
        "decrypt", "--ciphertext-blob", f"fileb://{tmp_path / 'private.enc'}", *context
    )
    assert by_file.returncode == 0, by_file.stderr
    assert json.loads(by_stdin.stdout) == json.loads(by_file.stdout)


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (("decrypt", "--ciphertext-blob", base64.b64encode(b"garbage" * 10).decode()), 254,
         "An error occurred (InvalidCiphertextException) when calling the Decrypt operation: "),
        (("keys", "describe", "--key-id", "1234abcd-12ab-34cd-56ef-1234567890ab"), 254,
         "An error occurred (NotFoundException) when calling the DescribeKey operation: "),
        (("generate-data-key-pair", "--key-id", "alias/x", "--key-pair-spec", "RSA_1"), 252,
         "ECC_NIST_EDWARDS25519"),
        (("generate-data-key-pair", "--key-pair-spec", "RSA_2048"), 252, "--key-id"),
        (("keys", "create", "--no-such-flag"), 252, "--no-such-flag"),
        (("no-such-command",), 252, "no-such-command"),
    ],
)  # fmt: skip
def test_exit_codes_and_clean_stdout(
    run_bin: Run, args: tuple[str, ...], code: int, needle: str
) -> None:
    assert run_bin("keystore", "init").returncode == 0
    done = run_bin(*args)
    assert done.returncode == code, (done.returncode, done.stderr)
    assert done.stdout == b""
    stderr = done.stderr.decode()
    assert needle in stderr
    assert "Traceback" not in stderr


def test_success_exit_code_and_version(run_bin: Run) -> None:
    done = run_bin("--version")
    assert done.returncode == 0
    assert done.stdout.decode().startswith("qkms ")
    assert run_bin("keystore", "init").returncode == 0
    done = run_bin("keys", "list")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"Keys": []}  # aws-cli merges pages, drops markers


def test_keystore_file_modes(run_bin: Run, home: Path) -> None:
    assert not home.exists()
    done = run_bin("keys", "create")
    assert done.returncode == 0, done.stderr
    done = run_bin("generate-data-key-pair", "--key-id",
                   json.loads(done.stdout)["KeyMetadata"]["KeyId"], "--key-pair-spec", "RSA_2048")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    files = sorted(p.name for p in home.iterdir())
    assert "keystore.db" in files and "master.key" in files
    for path in home.iterdir():
        assert path.is_file(), path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, (path.name, oct(path.stat().st_mode))
    assert (home / "master.key").stat().st_size == 32


def test_keystore_open_to_others_is_refused(run_bin: Run, home: Path) -> None:
    assert run_bin("keys", "create").returncode == 0
    home.chmod(0o755)
    try:
        done = run_bin("keys", "list")
        assert done.returncode == 253, done.stderr
        assert done.stdout == b""
        assert "chmod 700" in done.stderr.decode()
    finally:
        home.chmod(0o700)
    assert run_bin("keys", "list").returncode == 0


def test_home_flag_beats_environment(run_bin: Run, tmp_path: Path, home: Path) -> None:
    other = tmp_path / "elsewhere"
    done = run_bin("--home", str(other), "keys", "create", "--query", "KeyMetadata.KeyId")
    assert done.returncode == 0, done.stderr
    assert (other / "keystore.db").is_file()
    listed = run_bin("keys", "list", "--home", str(other), "--query", "Keys[].KeyId")
    assert json.loads(listed.stdout) == [json.loads(done.stdout)]
    assert run_bin("keys", "list").returncode == 253, "the default home has no keystore"
