"""Start-up stays lean: each command imports what it needs (timings live in benchmarks/)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

from qkms_cli import service
from qkms_cli.service.extra_model import EXTRA_OPERATIONS
from qkms_cli.service.model import AWS_OPERATIONS

_PROBE = """
import sys
from qkms_cli.cli import cli
try:
    cli.main(sys.argv[1:])
except SystemExit:
    pass
print("modules:" + ",".join(sorted(sys.modules)), file=sys.stderr)
"""


def modules_after(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, timeout=60
    )
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("modules:"), result.stderr
    return set(last[len("modules:") :].split(","))


def test_every_handler_is_in_the_module_table() -> None:
    for module in service._HANDLER_MODULES:
        importlib.import_module(f"qkms_cli.service.{module}")
    listed = {op: m for m, ops in service._HANDLER_MODULES.items() for op in ops}
    registered = {op: f.__module__.rsplit(".", 1)[1] for op, f in service._HANDLERS.items()}
    assert registered == listed
    assert set(listed) <= set(AWS_OPERATIONS) | set(EXTRA_OPERATIONS)


def test_help_builds_no_command_and_opens_nothing() -> None:
    loaded = modules_after("--help")
    for module in (
        "qkms_cli.cli.operation",
        "qkms_cli.service",
        "qkms_cli.cli.pool",
        "qkms_cli.cli.keystore",
        "cryptography",
        "sqlite3",
        "json",
        "rich",
    ):
        assert module not in loaded, module


def test_a_call_imports_only_its_handler_module(home: Path) -> None:
    loaded = modules_after("generate-random", "--number-of-bytes", "8")
    assert "qkms_cli.service.crypto" in loaded
    for module in (
        "qkms_cli.service.asymmetric",
        "qkms_cli.service.aliases",
        "qkms_cli.service.tags",
        "qkms_cli.service.pool",
        "qkms_cli.engine.signing",
        "qkms_cli.engine.parallel",
        "multiprocessing",
        "tempfile",
        "rich",
    ):
        assert module not in loaded, module


def test_local_calls_load_nothing_of_remote_mode(home: Path) -> None:
    """--endpoint-url's client, HTTP, TLS and the AWS config reader cost local calls nothing."""
    for args in (
        ("generate-random", "--number-of-bytes", "8"),
        ("keys", "list", "--region", "eu-west-1", "--cli-binary-format", "raw-in-base64-out"),
    ):
        loaded = modules_after(*args)
        for module in (
            "qkms_cli.client",
            "qkms_cli.client.config",
            "qkms_cli.wire",
            "qkms_cli.sigv4",
            "http.client",
            "ssl",
            "socket",
            "configparser",
            "yaml",
            # the server's audit writer thread and its futures (concurrent.futures loads logging)
            "concurrent.futures",
            "logging",
            "queue",
        ):
            assert module not in loaded, (args, module)
