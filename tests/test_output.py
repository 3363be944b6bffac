"""Output formats through the command line: json, aws-cli text, rich tables, colour, lazy imports."""

from __future__ import annotations

import ast
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Qkms

CLI_DIR = Path(__file__).resolve().parent.parent / "qkms_cli" / "cli"
# An SGR sequence that sets a foreground colour (30-37, 90-97, 38;5;n or 38;2;r;g;b).
COLOUR = re.compile(r"\x1b\[[0-9;]*(?<![0-9])(3[0-8]|9[0-7])[;m]")


def test_json_is_the_default(qkms: Qkms) -> None:
    key = qkms.new_key()
    result = qkms("keys", "describe", "--key-id", key)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("{\n    ")


def test_qkms_output_sets_the_default_and_the_flag_wins(
    qkms: Qkms, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = qkms.new_key()
    monkeypatch.setenv("QKMS_OUTPUT", "text")
    result = qkms("keys", "describe", "--key-id", key, "--query", "KeyMetadata.KeyState")
    assert result.stdout == "Enabled\n"
    result = qkms("keys", "describe", "--key-id", key, "--output", "json")
    assert result.stdout.startswith("{")
    result = qkms("--output", "json", "keys", "describe", "--key-id", key)
    assert result.stdout.startswith("{")


def test_bad_output_format_is_a_usage_error(qkms: Qkms, monkeypatch: pytest.MonkeyPatch) -> None:
    result = qkms.fails(252, "keys", "list", "--output", "xml")
    assert "json, text, table" in result.stderr
    monkeypatch.setenv("QKMS_OUTPUT", "xml")
    assert "'xml'" in qkms.fails(252, "keys", "list").stderr


def test_text_query_of_ids_is_one_line(qkms: Qkms) -> None:
    keys = sorted(qkms.new_key() for _ in range(3))
    result = qkms("keys", "list", "--query", "Keys[].KeyId", "--output", "text")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1
    assert sorted(result.stdout.split()) == keys
    assert result.stdout.strip().split("\t") == result.stdout.split()


def test_text_matches_aws_cli(qkms: Qkms) -> None:
    key = qkms.new_key()
    lines = qkms("describe-key", "--key-id", key, "--output", "text").stdout.splitlines()
    # Scalars of a dict in alphabetical key order, prefixed by the upper-cased parent key.
    assert lines[0].startswith("KEYMETADATA\t111122223333\tarn:verenc:")
    assert "ENCRYPTIONALGORITHMS\tSYMMETRIC_DEFAULT" in lines
    rows = qkms("list-keys", "--output", "text").stdout.splitlines()
    assert rows == [f"KEYS\tarn:verenc:111122223333:key/{key}\t{key}"]


def test_table_shows_metadata_in_two_columns_and_lists_as_rows(qkms: Qkms) -> None:
    key = qkms.new_key("--description", "table test")
    qkms.ok("aliases", "create", "--alias-name", "alias/t1", "--target-key-id", key)
    result = qkms("keys", "describe", "--key-id", key, "--output", "table")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    row = next(line for line in result.stdout.splitlines() if "KeyState" in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")] == ["KeyState", "Enabled"]
    listing = qkms("aliases", "list", "--output", "table").stdout
    # At 80 columns an alias does not fit a row without breaking its dates: one block a record.
    row = next(line for line in listing.splitlines() if "TargetKeyId" in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")] == ["TargetKeyId", key]
    assert "alias/t1" in listing


def _run_on_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the installed qkms with a pseudo-terminal as stdout; return what it drew."""
    main, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "qkms_cli", *args],
        stdout=secondary,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""
    return b"".join(chunks).decode()


def test_colour_only_on_a_terminal_and_never_with_no_color(qkms: Qkms, home: Path) -> None:
    key = qkms.new_key()
    args = ["keys", "describe", "--key-id", key, "--output", "table"]
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["TERM"] = "xterm-256color"
    assert COLOUR.search(_run_on_terminal(args, env))
    assert not COLOUR.search(_run_on_terminal(args, {**env, "NO_COLOR": "1"}))
    piped = subprocess.run(
        [sys.executable, "-m", "qkms_cli", *args],
        capture_output=True,
        env={**env, "FORCE_COLOR": "1"},
        check=True,
    )
    assert b"\x1b" not in piped.stdout and b"KeyState" in piped.stdout


_PROBE = """
import sys
from qkms_cli.cli import cli
try:
    cli.main(sys.argv[1:])
except SystemExit:
    pass
heavy = ("rich", "jmespath", "cryptography", "sqlite3")
print("loaded:" + ",".join(sorted(m for m in heavy if m in sys.modules)), file=sys.stderr)
"""


def _loaded(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=True
    )
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("loaded:"), result.stderr
    return set(filter(None, last[len("loaded:") :].split(",")))


def test_importing_the_cli_loads_nothing_heavy() -> None:
    code = (
        "import sys, qkms_cli.cli; "
        "print(sorted(m for m in ('rich', 'jmespath', 'cryptography', 'sqlite3') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_rich_only_when_a_table_is_drawn_and_jmespath_only_for_query(home: Path) -> None:
    assert "rich" not in _loaded("--help")
    assert _loaded("generate-random", "--number-of-bytes", "8") & {"rich", "jmespath"} == set()
    assert "rich" in _loaded("generate-random", "--number-of-bytes", "8", "--output", "table")
    assert "jmespath" in _loaded(
        "generate-random", "--number-of-bytes", "8", "--query", "Plaintext"
    )


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(CLI_DIR.glob("*.py")), ids=lambda p: p.name)
def test_cli_layer_holds_no_crypto_and_no_sql(path: Path) -> None:
    forbidden = {
        name
        for name in _imports(path)
        if name.split(".")[0] in ("cryptography", "sqlite3")
        or name in ("qkms_cli.engine", "qkms_cli.store")
        or name.startswith(("qkms_cli.engine.", "qkms_cli.store."))
    }
    assert not forbidden, f"{path.name} imports {sorted(forbidden)}: go through qkms_cli.service"


def test_closed_pipe_ends_quietly(run_bin, home: Path) -> None:  # type: ignore[no-untyped-def]
    result = subprocess.run(
        f"{sys.executable} -m qkms_cli generate-random --number-of-bytes 1024 --output text | head -c1",
        shell=True,
        capture_output=True,
        env=os.environ,
    )
    assert result.returncode == 0
    assert b"Traceback" not in result.stderr


def test_a_query_that_matches_nothing_prints_null_like_aws_cli(qkms: Qkms) -> None:
    key = qkms.new_key()
    result = qkms("keys", "describe", "--key-id", key, "--query", "KeyMetadata.Nothing")
    assert (result.exit_code, result.stdout) == (0, "null\n")
    result = qkms(
        "keys", "describe", "--key-id", key, "--query", "KeyMetadata.Nothing", "--output", "text"
    )
    assert (result.exit_code, result.stdout) == (0, "None\n")
