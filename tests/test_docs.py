"""Every command documents itself: help with one runnable example; `qkms --version`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest

from qkms_cli import __version__
from qkms_cli.cli import cli
from qkms_cli.cli.commands import GROUPS, TOP, aws_aliases
from tests.conftest import Qkms


def _gen_samples():  # type: ignore[no-untyped-def]
    import importlib.util
    import sys

    path = Path(__file__).resolve().parent.parent / "tools" / "gen_samples.py"
    spec = importlib.util.spec_from_file_location("gen_samples", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


GEN = _gen_samples()


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


def example_of(help_text: str) -> str:
    """The example's lines (see tools/gen_samples.py), which must run qkms."""
    example = GEN.example_of(help_text)
    assert re.search(r"\bqkms\b", example), example
    return example


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "qkms")
def test_every_command_has_help_with_an_example(qkms: Qkms, path: tuple[str, ...]) -> None:
    result = qkms(*path, "--help")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Usage: qkms {' '.join(path)}".rstrip())
    example = example_of(result.stdout)
    if (path and path[0] in TOP) or (len(path) == 2 and path[0] in GROUPS):
        # The command itself is run, on the example's last line (those above set it up).
        assert example.split("\n")[-1].startswith(f"qkms {' '.join(path)} "), example


def test_every_command_is_listed_in_the_walk() -> None:
    assert ("blob", "inspect") in COMMANDS and ("create-key",) in COMMANDS
    assert ("__complete-keys",) in COMMANDS
    assert len([p for p in COMMANDS if len(p) == 1 and p[0] in aws_aliases()]) == 32


def test_version(qkms: Qkms) -> None:
    result = qkms("--version")
    assert (result.exit_code, result.stdout) == (0, f"qkms {__version__}\n")


# -- the examples run, on a fresh keystore, and print what their help shows -----------------------


WALK = GEN.walk()


def _shape(text: str) -> object:
    """What a sample promises: a JSON document's member names, or whether there is any text."""
    try:
        data = json.loads(text)
    except ValueError:
        return ("text", bool(text.strip()))
    if isinstance(data, dict):
        return ("json", sorted(data))
    return ("json", type(data).__name__)


@pytest.mark.slow
@pytest.mark.parametrize(("path", "command"), WALK, ids=[" ".join(p) or "qkms" for p, _ in WALK])
def test_every_example_runs_on_a_fresh_keystore(
    tmp_path: Path, path: tuple[str, ...], command: click.Command
) -> None:
    from qkms_cli.cli.samples import SAMPLES

    if " ".join(path) in GEN.NOT_RUN:
        pytest.skip(GEN.NOT_RUN[" ".join(path)])
    help_text = GEN.help_of(path)
    example = GEN.example_of(help_text)
    key = GEN.sample_key(path, command)
    assert key in SAMPLES, f"no sample output for {key}: run python tools/gen_samples.py"
    assert "\n  Output:\n" in help_text
    assert "=..." not in example and "=...'" not in example, "a placeholder where a value goes"
    done = GEN.run_example(example, tmp_path)
    assert done.returncode == 0, f"{example}\n{done.stderr}"
    assert "Traceback" not in done.stderr
    assert _shape(done.stdout) == _shape(SAMPLES[key]), (done.stdout, SAMPLES[key])


def test_help_says_which_key_forms_and_that_the_context_must_match(qkms: Qkms) -> None:
    text = " ".join(qkms("encrypt", "--help").stdout.split())
    assert "Takes a key id (1234abcd-12ab-34cd-56ef-1234567890ab), a key ARN, an alias name" in text
    assert "Decrypting needs exactly the same context again" in text
    text = " ".join(qkms("decrypt", "--help").stdout.split())
    assert "It must be the context the ciphertext was sealed with, exactly." in text
    text = " ".join(qkms("aliases", "create", "--help").stdout.split())
    assert "Takes a key id or a key ARN (not an alias)." in text


def test_help_says_which_response_members_qkms_leaves_out(qkms: Qkms) -> None:
    text = " ".join(qkms("generate-data-key-pair", "--help").stdout.split())
    assert "qkms leaves out of the response: PrivateKeyPlaintext (the private key stays" in text
    key = qkms.new_key()
    pair = qkms.ok("generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256")
    assert "PrivateKeyPlaintext" not in pair and "CiphertextForRecipient" not in pair
