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
compadd() { [[ $1 == -S ]] && shift 2; [[ $1 == -- ]] && shift; print -l -- "$@" }
_describe() { local -a _given; _given=("${(@P)4}"); print -l -- "${_given[@]%%:*}" }
compset() { return 1 }
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


# -- fileb:// and file:// paths, SOURCE, SM2, descriptions; real terminals ---------------------


@pytest.fixture
def files_here(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    for name in ("pair.enc", "pub.der", "sub/x.enc"):
        (work / name).write_bytes(b"")
    return work


def test_bash_completes_fileb_and_file_paths(
    qkms_bin: str, files_here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(files_here)
    assert _complete("qkms decrypt --ciphertext-blob ", qkms_bin) == ["fileb://", "file://"]
    assert _complete("qkms decrypt --ciphertext-blob fileb://p", qkms_bin) == [
        "fileb://pub.der",
        "fileb://pair.enc",
    ] or sorted(_complete("qkms decrypt --ciphertext-blob fileb://p", qkms_bin)) == [
        "fileb://pair.enc",
        "fileb://pub.der",
    ]
    assert _complete("qkms decrypt --ciphertext-blob file://s", qkms_bin) == ["file://sub/"]
    assert _complete("qkms encrypt --cli-input-json ", qkms_bin) == ["file://"]
    # blob inspect's SOURCE: what the command accepts, never a bare name it would refuse
    assert _complete("qkms blob inspect ", qkms_bin) == ["fileb://", "file://", "-"]
    assert _complete("qkms blob inspect fileb://sub/", qkms_bin) == ["fileb://sub/x.enc"]


def test_sm2_is_never_offered(qkms_bin: str) -> None:
    tables = _generator().collect()
    assert not [v for values in tables.vals.values() for v in values if "SM2" in v]
    assert "SYMMETRIC_DEFAULT" in tables.vals["qkms encrypt --encryption-algorithm"]
    offered = _complete("qkms encrypt --encryption-algorithm ", qkms_bin)
    assert offered == ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]


def _terminal(shell: str, work: Path, qkms_bin: str):  # type: ignore[no-untyped-def]
    """An interactive bash or zsh on a pseudo-terminal with the completion loaded."""
    pexpect = pytest.importorskip("pexpect")
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    env = {
        **os.environ,
        "PATH": f"{Path(qkms_bin).parent}:{os.environ['PATH']}",
        "TERM": "dumb",
        "ZDOTDIR": str(work),  # no user zshrc
    }
    if shell == "bash":
        child = pexpect.spawn("bash", ["--norc", "--noprofile"], env=env, cwd=str(work),
                              encoding="utf-8", timeout=30, dimensions=(40, 200))  # fmt: skip
        child.sendline(f"source {COMPLETIONS / 'qkms.bash'}; PS1='READY> '")
    else:
        child = pexpect.spawn("zsh", ["-f"], env=env, cwd=str(work), encoding="utf-8",
                              timeout=30, dimensions=(40, 200))  # fmt: skip
        child.sendline(
            f"autoload -U compinit; compinit -u; source {COMPLETIONS / 'qkms.zsh'}; PS1='READY> '"
        )
    child.expect_exact("READY> ")
    return child


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_tab_on_a_real_terminal_completes_fileb_paths(
    shell: str, files_here: Path, qkms_bin: str
) -> None:
    child = _terminal(shell, files_here, qkms_bin)
    child.send("qkms decrypt --ciphertext-blob fileb://pa\t")
    child.expect_exact("fileb://pair.enc")
    child.close(force=True)
    child = _terminal(shell, files_here, qkms_bin)
    child.send("qkms blob inspect file://sub/\t")
    child.expect_exact("file://sub/x.enc")
    child.close(force=True)


def test_zsh_shows_descriptions(files_here: Path, qkms_bin: str) -> None:
    child = _terminal("zsh", files_here, qkms_bin)
    child.send("qkms keys \t")
    child.expect_exact("-- Create a KMS key (symmetric by default")
    child.expect_exact("-- List the keys in the keystore")
    child.close(force=True)
    child = _terminal("zsh", files_here, qkms_bin)
    child.send("qkms generate-data-key-pair --key-p\t")
    child.expect_exact("--key-pair-spec")
    child.close(force=True)


def test_fish_completes_fileb_paths_and_source(files_here: Path, qkms_bin: str) -> None:
    if shutil.which("fish") is None:
        pytest.skip("fish is not installed")

    def fish(line: str) -> list[str]:
        command = [
            "fish",
            "--no-config",
            "-c",
            f"source {COMPLETIONS / 'qkms.fish'}; complete -C {line!r}",
        ]
        env = {**os.environ, "PATH": f"{Path(qkms_bin).parent}:{os.environ['PATH']}"}
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=files_here,
                              timeout=60)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return [w.split("\t")[0] for w in done.stdout.splitlines() if w]

    assert sorted(fish("qkms decrypt --ciphertext-blob fileb://p")) == [
        "fileb://pair.enc",
        "fileb://pub.der",
    ]
    assert sorted(fish("qkms blob inspect ")) == ["-", "file://", "fileb://"]
    assert fish("qkms blob inspect file://sub/") == ["file://sub/x.enc"]
    assert "SM2PKE" not in fish("qkms encrypt --encryption-algorithm ")


def _readme_block(marker: str) -> list[str]:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("### Shell completion")
    block = readme[start:].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = block.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip() == f"# {marker}")
    return [line for line in lines[index + 1 :] if line and not line.startswith("#")][:1]


@pytest.mark.parametrize("xdg", [True, False], ids=["XDG_CONFIG_HOME", "default"])
def test_readme_fish_line_works_on_a_fresh_machine(
    tmp_path: Path, qkms_bin: str, xdg: bool
) -> None:
    if shutil.which("fish") is None:
        pytest.skip("fish is not installed")
    (line,) = _readme_block("fish")
    fresh = tmp_path / "home"
    fresh.mkdir()
    env = {**{k: v for k, v in os.environ.items() if k != "XDG_CONFIG_HOME"}, "HOME": str(fresh)}
    if xdg:
        env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    env["PATH"] = f"{Path(qkms_bin).parent}:{env['PATH']}"
    done = subprocess.run(["bash", "-e", "-c", line], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    config = tmp_path / "xdg" if xdg else fresh / ".config"
    assert (config / "fish" / "completions" / "qkms.fish").is_file()
    # fish itself finds it there, with no `source`
    found = subprocess.run(["fish", "-c", "complete -C 'qkms keys cr'"], env=env,
                           capture_output=True, text=True, timeout=60)  # fmt: skip
    assert found.stdout.split("\t")[0] == "create", found.stderr
