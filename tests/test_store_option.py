"""`--store URL`: the shared keystore named on the command line, as QKMS_STORE names it."""

from __future__ import annotations

import base64
import os
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Qkms, arn
from tests.serving import Server

PASSWORD = "s3cret-pw"


@pytest.fixture
def master_key(monkeypatch: pytest.MonkeyPatch) -> str:
    key = base64.b64encode(os.urandom(32)).decode()
    monkeypatch.setenv("QKMS_MASTER_KEY", key)
    return key


def with_password(url: str) -> str:
    """The same keystore's URL with a password in it (the test server trusts; libpq sends it)."""
    return f"{url}&password={PASSWORD}"


def keys_in(url: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return int(conn.execute("SELECT count(*) FROM keys").fetchone()[0])


def test_the_flag_names_the_keystore_for_init_keys_and_serve(
    qkms: Qkms,
    run_bin: Any,
    postgres_store: str,
    master_key: str,
    home: Path,
    tmp_path: Path,
) -> None:
    url = with_password(postgres_store)
    made = qkms.ok("--store", url, "keystore", "init")
    assert made["Backend"] == "postgresql" and made["MasterKeyMode"] == "external"
    assert made["Path"].startswith("postgresql://127.0.0.1:5432/qkms_test_")
    # before or after the command, as every global option
    key = qkms.new_key("--store", url)
    assert qkms.ok("--store", url, "keys", "list")["Keys"] == [{"KeyId": key, "KeyArn": arn(key)}]
    assert keys_in(postgres_store) == 1
    assert not home.exists(), "nothing of a shared keystore lives in the home"

    done = run_bin("--store", url, "keystore", "info")  # the installed command, too
    assert done.returncode == 0, done.stderr
    assert PASSWORD.encode() not in done.stdout + done.stderr

    server = Server(tmp_path / "replica", "--store", url, env={"QKMS_MASTER_KEY": master_key})
    try:
        assert server.url, server.log
        assert "keystore postgresql://127.0.0.1:5432/qkms_test_" in server.log
        status, listed = server.call("ListKeys", {})
        assert status == 200 and [k["KeyId"] for k in listed["Keys"]] == [key]
        status, made_there = server.call("CreateKey", {"Description": "through serve --store"})
        assert status == 200, made_there
        assert keys_in(postgres_store) == 2
        # The URL went to the server through its environment: not in its command line, which
        # every user of the machine can read, nor in anything it printed.
        cmdline = Path(f"/proc/{server.proc.pid}/cmdline").read_bytes()
        assert PASSWORD.encode() not in cmdline and b"--store" not in cmdline
        assert PASSWORD not in server.log
    finally:
        server.stop()
    assert PASSWORD not in server.log
    assert not (tmp_path / "replica").exists()


def test_the_flag_beats_qkms_store_and_home_beats_it_too(
    qkms: Qkms,
    postgres_server: Any,
    postgres_store: str,
    master_key: str,
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As --home beats QKMS_HOME: a keystore named on the command line wins over the
    environment's, whichever kind either is; naming two is a usage error."""
    elsewhere = postgres_server.new_schema()
    monkeypatch.setenv("QKMS_STORE", elsewhere)
    qkms.ok("--store", postgres_store, "keystore", "init")
    qkms.new_key("--store", postgres_store)
    assert keys_in(postgres_store) == 1
    failed = qkms.fails(253, "keys", "list")  # QKMS_STORE's keystore was never made
    assert "There is no keystore at postgresql://" in failed.stderr

    local = tmp_path / "local-home"
    made = qkms.ok("--home", str(local), "keystore", "init")
    assert made["Backend"] == "sqlite" and made["Path"] == str(local / "keystore.db")
    assert qkms.ok("keys", "list", "--home", str(local))["Keys"] == []

    both = qkms.fails(252, "--home", str(local), "keys", "list", "--store", postgres_store)
    assert both.stderr == "qkms: --home and --store each name a keystore; give one of them.\n"
    both = qkms.fails(252, "serve", "--home", str(local), "--store", postgres_store)
    assert "give one of them" in both.stderr
    assert keys_in(postgres_store) == 1 and not home.exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bad_urls() -> list[tuple[str, str]]:
    port = free_port()
    return [
        (
            f"postgresql://qkms:{PASSWORD}@127.0.0.1:{port}/keys",
            f"Cannot reach the PostgreSQL keystore postgresql://127.0.0.1:{port}/keys",
        ),
        # libpq's own messages quote what they choke on: here, the password
        (f"postgresql://qkms:{PASSWORD}@[::1/keys", "is not one PostgreSQL can read"),
        (f"postgresql://qkms:{PASSWORD}%zz@127.0.0.1/keys", "is not one PostgreSQL can read"),
        (f"postgresql://qkms:{PASSWORD}@127.0.0.1/keys?bad=1", "is not one PostgreSQL can read"),
        (f"mysql://qkms:{PASSWORD}@db/keys", "--store names a shared keystore as postgresql://"),
        (f"qkms:{PASSWORD}@db/keys", "this is not such a URL"),
        ("", "--store names a shared keystore as postgresql://USER@HOST:PORT/DB; it is empty."),
    ]


@pytest.mark.parametrize("case", range(len(bad_urls())))
def test_a_bad_or_unreachable_store_is_253_and_never_echoes_the_password(
    case: int, qkms: Qkms, run_bin: Any, master_key: str, home: Path
) -> None:
    pytest.importorskip("psycopg")
    url, said = bad_urls()[case]
    for args in (
        ("--store", url, "keys", "list"),
        ("keys", "create", "--store", url),
        ("--debug", "--store", url, "keystore", "init"),
        ("serve", "--store", url, "--port", "0", "--workers", "1"),
    ):
        done = run_bin(*args)
        out = done.stdout.decode() + done.stderr.decode()
        assert done.returncode == 253, (args, out)
        assert said in out, (args, out)
        assert PASSWORD not in out and "Traceback" not in out, (args, out)
        assert done.stdout == b""
    assert not home.exists()


def test_the_help_shows_how(qkms: Qkms) -> None:
    for args in (("--help",), ("keys", "list", "--help"), ("keystore", "info", "--help")):
        text = " ".join(qkms(*args).stdout.split())
        assert "--store URL" in text, args
        assert "qkms --store postgresql://127.0.0.1:5432/qkms keystore info" in text, args
    text = " ".join(qkms("serve", "--help").stdout.split())
    assert "qkms serve --store postgresql://127.0.0.1:5432/qkms --port 4599" in text


def test_completion_offers_the_keys_of_the_store_on_the_command_line(
    qkms: Qkms, qkms_bin: str, postgres_store: str, master_key: str, home: Path
) -> None:
    from tests.test_completions import _complete

    qkms.ok("--store", postgres_store, "keystore", "init")
    key = qkms.new_key("--store", postgres_store)
    line = f"qkms --store {postgres_store} describe-key --key-id "
    assert _complete(line, qkms_bin) == [key]
    assert _complete("qkms describe-key --key-id ", qkms_bin) == []  # the home has none
    assert not home.exists()
