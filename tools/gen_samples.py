"""Run every --help example on a fresh keystore and record its output as the help's sample.

Run after adding or changing a command's example (tests/test_docs.py fails until you do):

    python tools/gen_samples.py

Each example runs in an empty directory with an empty QKMS_HOME, as a new user would paste it;
long base64 and hex values are shortened to `first20...` in the samples.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "qkms_cli" / "cli" / "samples.py"
# Examples that cannot run to completion here, with the reason (the test skips them too).
NOT_RUN = {"serve": "serve runs in the foreground until stopped"}
_EXAMPLE = re.compile(r"^  Example:\n((?:    .*\n?)+)", re.MULTILINE)
_LONG = re.compile(r"[A-Za-z0-9+/]{40,}={0,2}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00")
# Samples stay the same from run to run: AWS's documentation key id, one date, short blobs.
SAMPLE_KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
SAMPLE_DATE = "2026-01-01T12:00:00.000000+00:00"


def walk() -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command path and its command: groups, their commands, extras, aws-cli names."""
    from qkms_cli.cli import cli
    from qkms_cli.cli.commands import aws_aliases

    ctx = click.Context(cli, info_name="qkms")
    found: list[tuple[tuple[str, ...], click.Command]] = [((), cli)]
    for name in sorted(set(cli.list_commands(ctx)) | set(aws_aliases())):
        command = cli.get_command(ctx, name)
        assert command is not None, name
        found.append(((name,), command))
        if isinstance(command, click.Group):
            sub_ctx = click.Context(command, parent=ctx, info_name=name)
            for sub in command.list_commands(sub_ctx):
                sub_command = command.get_command(sub_ctx, sub)
                assert sub_command is not None
                found.append(((name, sub), sub_command))
    return found


def sample_key(path: tuple[str, ...], command: click.Command) -> str:
    """The operation for API commands (group and aws-cli names share it), else the path."""
    spec = getattr(command, "spec", None)
    return spec.op if spec is not None else (" ".join(path) or "qkms")


def help_of(path: tuple[str, ...]) -> str:
    from click.testing import CliRunner

    from qkms_cli.cli import cli

    result = CliRunner().invoke(cli, [*path, "--help"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def example_of(help_text: str) -> str:
    """The example's shell lines, as written (the help indents them by four)."""
    found = _EXAMPLE.findall(help_text)
    assert len(found) == 1, f"expected one example, found {len(found)}:\n{help_text}"
    return "\n".join(line[4:] for line in found[0].rstrip("\n").split("\n"))


def fresh_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QKMS_")}
    bin_dir = Path(sys.executable).parent
    env.update(PATH=f"{bin_dir}:{env['PATH']}", QKMS_HOME=str(home), NO_COLOR="1", COLUMNS="80")
    return env


def run_example(example: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    """The example in a new directory on a new home, as bash runs a pasted script (-e)."""
    work = workdir / "work"
    work.mkdir()
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", example],
        cwd=work,
        env=fresh_env(workdir / "home"),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _short(token: str) -> str:
    if re.fullmatch(r"[0-9a-f]+", token):
        return "0123456789abcdef..."  # a digest (KeyMaterialId): its value says nothing
    if token.startswith(("UUsB", "MI", "MF", "MC")):
        return token[:8] + "..."  # a qkms blob or a DER key: its start tells which kind
    return "Gp8bXZ6E..."  # random bytes or a secret: no two runs alike


def shorten(text: str) -> str:
    text = _UUID.sub(SAMPLE_KEY_ID, text)
    text = _DATE.sub(SAMPLE_DATE, text)
    text = re.sub(r"\bAKIA[A-Z0-9]{16}\b", "AKIAIOSFODNN7EXAMPLE", text)  # AWS's documented one
    return _LONG.sub(lambda m: _short(m.group(0)), text).rstrip("\n")


def main() -> int:
    samples: dict[str, str] = {}
    for path, command in walk():
        key = sample_key(path, command)
        if key in samples or " ".join(path) in NOT_RUN:
            continue
        example = example_of(help_of(path))
        with tempfile.TemporaryDirectory() as tmp:
            done = run_example(example, Path(tmp))
        if done.returncode != 0:
            print(f"FAILED: {' '.join(path)}\n{example}\n{done.stderr}", file=sys.stderr)
            return 1
        # Where a new user's keystore and files would be, not this run's temporary ones.
        out = done.stdout.replace(f"{tmp}/home", "/home/me/.config/qkms")
        samples[key] = shorten(out.replace(f"{tmp}/work", "/home/me"))
    lines = [
        '"""Sample output under each --help example; generated by tools/gen_samples.py, do not '
        'edit."""',
        "",
        "SAMPLES: dict[str, str] = {",
        *(f"    {key!r}: {value!r}," for key, value in sorted(samples.items())),
        "}",
        "",
    ]
    OUT.write_text("\n".join(lines))
    print(f"wrote {OUT.relative_to(ROOT)} ({len(samples)} samples)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
