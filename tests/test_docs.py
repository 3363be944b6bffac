"""Every command documents itself: help with one runnable example; `qkms --version`."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import click
import pytest

from qkms_cli import __version__
from qkms_cli.cli import cli
from qkms_cli.cli.commands import GROUPS, TOP, aws_aliases
from tests.conftest import Qkms


def _all_commands() -> list[tuple[str, ...]]:
    """Every command path: groups, their commands, extra commands, hidden aws-cli names."""
    ctx = click.Context(cli, info_name="qkms")
    paths: list[tuple[str, ...]] = [()]
    names = sorted(set(cli.list_commands(ctx)) | set(aws_aliases()))
    for name in names:
        command = cli.get_command(ctx, name)
        assert command is not None, name
        paths.append((name,))
        if isinstance(command, click.Group):
            sub_ctx = click.Context(command, parent=ctx, info_name=name)
            paths.extend((name, sub) for sub in command.list_commands(sub_ctx))
    return paths


COMMANDS = _all_commands()
# One line under "Example:" that runs qkms (perhaps after a VAR=value or inside $(...)).
_EXAMPLE = re.compile(r"^  Example:\n    (.*\bqkms\b.*)$", re.MULTILINE)


def example_of(help_text: str) -> str:
    found = _EXAMPLE.findall(help_text)
    assert len(found) == 1, f"expected one example, found {len(found)}:\n{help_text}"
    return found[0]


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "qkms")
def test_every_command_has_help_with_an_example(qkms: Qkms, path: tuple[str, ...]) -> None:
    result = qkms(*path, "--help")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Usage: qkms {' '.join(path)}".rstrip())
    example = example_of(result.stdout.replace(" \\\n      ", " "))
    if (path and path[0] in TOP) or (len(path) == 2 and path[0] in GROUPS):
        assert example.startswith(f"qkms {' '.join(path)} "), example


def test_every_command_is_listed_in_the_walk() -> None:
    assert ("blob", "inspect") in COMMANDS and ("create-key",) in COMMANDS
    assert ("__complete-keys",) in COMMANDS
    assert len([p for p in COMMANDS if len(p) == 1 and p[0] in aws_aliases()]) == 23


def test_version(qkms: Qkms) -> None:
    result = qkms("--version")
    assert (result.exit_code, result.stdout) == (0, f"qkms {__version__}\n")


# -- the examples run ---------------------------------------------------------------------------

# The world the examples assume: the keys and files their names suggest.
_SETUP = r"""
set -e
mk() { qkms keys create "$@" --query KeyMetadata.KeyId --output text; }
qkms aliases create --alias-name alias/my-app --target-key-id "$(mk)"
qkms aliases create --alias-name alias/other --target-key-id "$(mk)"
qkms aliases create --alias-name alias/retired --target-key-id "$(mk)"
qkms keys schedule-deletion --key-id alias/retired --pending-window-in-days 7 > /dev/null
qkms aliases create --alias-name alias/signer \
    --target-key-id "$(mk --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY)"
qkms aliases create --alias-name alias/mac \
    --target-key-id "$(mk --key-spec HMAC_256 --key-usage GENERATE_VERIFY_MAC)"
qkms aliases create --alias-name alias/kem \
    --target-key-id "$(mk --key-spec ML_KEM_768 --key-usage ENCAPSULATE_DECAPSULATE)"
qkms aliases create --alias-name alias/ecdh \
    --target-key-id "$(mk --key-spec ECC_NIST_P256 --key-usage KEY_AGREEMENT)"
qkms encapsulate --key-id alias/kem --encapsulation-algorithm ML_KEM \
    --shared-secret-ciphertext-out peer.kem > /dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out peer.pem
openssl pkey -in peer.pem -pubout -outform DER -out peer.der
qkms generate-data-key-pair --key-id alias/my-app --key-pair-spec ML_KEM_768 \
    --private-key-ciphertext-out kem-pair.enc --public-key-out kem-pub.der > /dev/null
python -c "from cryptography.hazmat.primitives.serialization import load_der_public_key as load
open('pair.kem', 'wb').write(load(open('kem-pub.der', 'rb').read()).encapsulate()[1])"
qkms keys create --origin EXTERNAL --query KeyMetadata.KeyId --output text > byok.id
qkms keys get-parameters-for-import --key-id "$(cat byok.id)" --wrapping-algorithm \
    RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048 --public-key-out wrapping.der \
    --import-token-out token.bin > /dev/null
openssl rand -out material.bin 32
openssl pkeyutl -encrypt -pubin -keyform DER -inkey wrapping.der -in material.bin \
    -out material.enc -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 \
    -pkeyopt rsa_mgf1_md:sha256
printf 'top secret' > secret.txt
printf 'a release' > release.tar.gz
printf 'a message' > msg
qkms encrypt --key-id alias/my-app --plaintext fileb://secret.txt --ciphertext-out secret.enc > /dev/null
qkms generate-data-key-pair --key-id alias/my-app --key-pair-spec ECC_NIST_P256 \
    --encryption-context Purpose=Test --private-key-ciphertext-out private.key.enc > /dev/null
qkms generate-data-key-pair --key-id alias/my-app --key-pair-spec ECC_NIST_P256 \
    --private-key-ciphertext-out pair.enc > /dev/null
qkms generate-data-key-pair --key-id alias/my-app --key-pair-spec RSA_2048 \
    --private-key-ciphertext-out rsa-pair.enc --public-key-out rsa-pub.der > /dev/null
openssl pkeyutl -encrypt -pubin -keyform DER -inkey rsa-pub.der -in secret.txt -out data.enc \
    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256
qkms sign --key-id alias/signer --message fileb://release.tar.gz \
    --signing-algorithm ECDSA_SHA_256 --query Signature --output text | base64 -d > release.sig
qkms generate-mac --key-id alias/mac --message fileb://msg --mac-algorithm HMAC_SHA_256 \
    --query Mac --output text | base64 -d > msg.mac
"""

# Examples that need a world this test does not build, with the reason.
_NOT_RUN = {
    "keystore": "keystore commands make and move whole keystores; tests/test_keystore_* run them",
    "pool": "pool commands are run by tests/test_pool.py",
    "serve": "serve runs in the foreground; tests/test_serve*.py run it",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, qkms_bin: str) -> Path:
    root = tmp_path_factory.mktemp("examples")
    (root / "work").mkdir()
    env = _env(qkms_bin, root / "home")
    result = subprocess.run(
        ["bash", "-c", _SETUP], cwd=root / "work", env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return root


def _env(qkms_bin: str, home: Path) -> dict[str, str]:
    import os

    return {
        **os.environ,
        "PATH": f"{Path(qkms_bin).parent}:{os.environ['PATH']}",
        "QKMS_HOME": str(home),
    }


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in COMMANDS if p], ids=" ".join)
def test_every_example_runs(
    qkms: Qkms, world: Path, tmp_path: Path, qkms_bin: str, path: tuple[str, ...]
) -> None:
    if path[0] in _NOT_RUN:
        pytest.skip(_NOT_RUN[path[0]])
    example = example_of(qkms(*path, "--help").stdout.replace(" \\\n      ", " "))
    shutil.copytree(world / "home", tmp_path / "home")
    shutil.copytree(world / "work", tmp_path / "work")
    result = subprocess.run(
        ["bash", "-c", example],
        cwd=tmp_path / "work",
        env=_env(qkms_bin, tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"{example}\n{result.stderr}"
