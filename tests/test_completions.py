"""Shell completions: current with the commands, and completing in a real bash."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Qkms

ROOT = Path(__file__).resolve().parent.parent
COMPLETIONS = ROOT / "completions"


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "gen_completions", ROOT / "tools" / "gen_completions.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return _generator().render_all()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completions_are_current(rendered: dict[str, str], shell: str) -> None:
    path = COMPLETIONS / f"qkms.{shell}"
    current = path.exists() and path.read_text() == rendered[shell]
    assert current, (
        f"{path.relative_to(ROOT)} is stale: the commands or flags changed. "
        f"Regenerate with `python tools/gen_completions.py` and commit completions/."
    )


def _complete(line: str, qkms_bin: str, env_home: Path | None = None) -> list[str]:
    """Source completions/qkms.bash in a real bash and complete `line` as if TAB were pressed."""
    script = f"""
source {COMPLETIONS / "qkms.bash"}
line=$1
read -ra COMP_WORDS <<< "$line"
[[ $line == *" " ]] && COMP_WORDS+=("")
COMP_LINE=$line; COMP_POINT=${{#line}}; COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
_qkms
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    env = {**os.environ, "PATH": f"{Path(qkms_bin).parent}:{os.environ['PATH']}"}
    if env_home is not None:
        env["QKMS_HOME"] = str(env_home)
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", script, "bash", line],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return [word for word in result.stdout.splitlines() if word]


def test_bash_completes_commands(qkms_bin: str) -> None:
    assert _complete("qkms generate-data-key-p", qkms_bin) == [
        "generate-data-key-pair",
        "generate-data-key-pair-without-plaintext",
    ]
    assert _complete("qkms keys cr", qkms_bin) == ["create"]
    top = _complete("qkms ", qkms_bin)
    assert {"keys", "aliases", "blob", "decrypt"} <= set(top)
    assert "create-key" not in top  # aws-cli names are hidden until a word is begun
    assert _complete("qkms create-k", qkms_bin) == ["create-key"]
    assert _complete("qkms blob ", qkms_bin) == ["inspect"]


def test_bash_completes_flags_and_enum_values(qkms_bin: str) -> None:
    assert _complete("qkms generate-data-key-pair --key-pair-spec R", qkms_bin) == [
        "RSA_2048",
        "RSA_3072",
        "RSA_4096",
    ]
    assert _complete("qkms keys create --desc", qkms_bin) == ["--description"]
    assert "--public-key-out" in _complete("qkms get-public-key --", qkms_bin)
    assert _complete("qkms keys list --output t", qkms_bin) == ["text", "table"]
    assert _complete("qkms --output json keys list --no-p", qkms_bin) == ["--no-paginate"]
    assert _complete("qkms encrypt --generate-cli-skeleton ", qkms_bin) == ["input", "output"]
    assert _complete("qkms decrypt --plaintext-out ./no-such-prefix", qkms_bin) == []


def test_bash_completes_key_ids_and_aliases_from_the_keystore(
    qkms: Qkms, qkms_bin: str, home: Path, tmp_path: Path
) -> None:
    key = qkms.new_key()
    qkms.ok("aliases", "create", "--alias-name", "alias/ci-signing", "--target-key-id", key)
    assert _complete("qkms describe-key --key-id ", qkms_bin) == ["alias/ci-signing", key]
    assert _complete("qkms encrypt --key-id alias/c", qkms_bin) == ["alias/ci-signing"]
    assert _complete("qkms aliases delete --alias-name ", qkms_bin) == ["alias/ci-signing"]
    assert _complete(f"qkms keys describe --key-id {key[:6]}", qkms_bin) == [key]
    other = tmp_path / "elsewhere"
    line = f"qkms --home {other} describe-key --key-id "
    assert _complete(line, qkms_bin) == []
    assert not other.exists(), "completion must never create a keystore"


def test_complete_keys_command(qkms: Qkms, home: Path, tmp_path: Path) -> None:
    key = qkms.new_key()
    qkms.ok("aliases", "create", "--alias-name", "alias/a", "--target-key-id", key)
    assert qkms("__complete-keys").stdout.split() == ["alias/a", key]
    assert qkms("__complete-keys", "--aliases-only").stdout.split() == ["alias/a"]
    missing = tmp_path / "none"
    result = qkms("__complete-keys", "--home", str(missing))
    assert (result.exit_code, result.stdout) == (0, "") and not missing.exists()
    assert "__complete-keys" not in qkms("--help").stdout


@pytest.mark.parametrize(
    "shell,check", [("bash", ["-n"]), ("zsh", ["-n"]), ("fish", ["--no-execute"])]
)
def test_scripts_parse(shell: str, check: list[str]) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    result = subprocess.run(
        [shell, *check, str(COMPLETIONS / f"qkms.{shell}")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


_ZSH_HARNESS = """
compdef() { : }
compadd() { [[ $1 == -- ]] && shift; print -l -- "$@" }
_files() { : }
source $QKMS_COMPLETION
words=(${(z)1}); [[ $1 == *' ' ]] && words+=('')
CURRENT=${#words}
_qkms | grep -- "^${words[CURRENT]}" || true
"""


def _other_shell(shell: str, line: str, qkms_bin: str) -> list[str]:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    env = {
        **os.environ,
        "PATH": f"{Path(qkms_bin).parent}:{os.environ['PATH']}",
        "QKMS_COMPLETION": str(COMPLETIONS / f"qkms.{shell}"),
    }
    if shell == "fish":
        command = ["fish", "--no-config", "-c", f"source $QKMS_COMPLETION; complete -C {line!r}"]
    else:  # zsh's completion system needs a terminal; its builtins are stubbed to print instead
        command = ["zsh", "-f", "-c", _ZSH_HARNESS, "zsh", line]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    return [w.split("\t")[0] for w in result.stdout.splitlines() if w]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_complete_too(qkms: Qkms, qkms_bin: str, home: Path, shell: str) -> None:
    key = qkms.new_key()
    qkms.ok("aliases", "create", "--alias-name", "alias/ci", "--target-key-id", key)
    assert _other_shell(shell, "qkms generate-data-key-pair --key-pair-spec R", qkms_bin) == [
        "RSA_2048",
        "RSA_3072",
        "RSA_4096",
    ]
    assert _other_shell(shell, "qkms keys cr", qkms_bin) == ["create"]
    assert _other_shell(shell, "qkms create-k", qkms_bin) == ["create-key"]
    assert _other_shell(shell, "qkms describe-key --key-id al", qkms_bin) == ["alias/ci"]
