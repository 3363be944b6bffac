"""`qkms serve --max-connections N`: beyond N, a JSON 1.1 503 ThrottlingException that boto3 retries."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.serving import Server

LIMIT = 3
MESSAGE = (
    f"qkms serve is at its limit of {LIMIT} connections (--max-connections); try again shortly."
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    srv = Server(tmp_path_factory.mktemp("limits") / "home", "--max-connections", str(LIMIT))
    assert srv.url, srv.log
    yield srv
    assert srv.stop() == 0, srv.log
    assert "Traceback" not in srv.log, srv.log


@contextmanager
def held(server: Server, count: int) -> Iterator[list[socket.socket]]:
    """count connections open and idle: the server holds them until they close."""
    socks = [socket.create_connection((server.host, server.port)) for _ in range(count)]
    try:
        time.sleep(0.2)  # accepted by the worker before the next connection comes
        yield socks
    finally:
        for sock in socks:
            sock.close()


def wait_until_served(server: Server) -> None:
    deadline = time.monotonic() + 10
    while server.call("ListKeys", {})[0] != 200:
        assert time.monotonic() < deadline, "the held connections were never let go"
        time.sleep(0.05)


def test_within_the_limit_requests_are_served(server: Server) -> None:
    with held(server, LIMIT - 1):
        assert server.call("ListKeys", {}) == (200, {"Keys": [], "Truncated": False})


def test_beyond_the_limit_a_json_503_throttling_exception(server: Server) -> None:
    with held(server, LIMIT):
        for _ in range(3):  # every request beyond the limit, each on its own connection
            status, headers, body = server.post("TrentService.ListKeys", b"{}")
            assert status == 503
            assert headers["content-type"] == "application/x-amz-json-1.1"
            assert headers["x-amzn-requestid"]
            assert headers["connection"] == "close"
            assert json.loads(body) == {"__type": "ThrottlingException", "message": MESSAGE}
        # A large body is read and dropped, so the answer arrives rather than a reset.
        big = json.dumps({"KeyId": "k", "Plaintext": "QUFB" * 200_000}).encode()
        status, _headers, body = server.post("TrentService.Encrypt", big)
        assert (status, json.loads(body)["__type"]) == (503, "ThrottlingException")
    wait_until_served(server)


def test_boto3_reads_it_as_throttling_and_retries_it(server: Server) -> None:
    once = server.client(config=Config(retries={"mode": "standard", "max_attempts": 1}))
    with held(server, LIMIT):
        with pytest.raises(ClientError) as caught:
            once.list_keys()
    error = caught.value.response
    assert error["Error"] == {"Code": "ThrottlingException", "Message": MESSAGE}
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 503
    wait_until_served(server)

    # With retries, a call made while the server is full succeeds once connections free up.
    patient = server.client(config=Config(retries={"mode": "standard", "max_attempts": 8}))
    with held(server, LIMIT) as socks:
        release = threading.Timer(0.5, lambda: [s.close() for s in socks])
        release.start()
        try:
            answer = patient.list_keys()
        finally:
            release.join()
    assert answer["Keys"] == []
    assert answer["ResponseMetadata"]["RetryAttempts"] >= 1


def test_the_qkms_cli_in_remote_mode_says_what_aws_cli_says(server: Server, tmp_path: Path) -> None:
    args = [sys.executable, "-m", "qkms_cli", "--endpoint-url", server.url, "--no-sign-request"]
    with held(server, LIMIT):
        result = subprocess.run(
            [*args, "keys", "list"], capture_output=True, text=True, timeout=120
        )
    assert result.returncode == 254, result.stderr
    assert result.stdout == ""
    # It retried (3 attempts, as botocore's standard mode) and says so as botocore does.
    assert result.stderr == (
        "An error occurred (ThrottlingException) when calling the ListKeys operation (reached "
        f"max retries: 2): {MESSAGE}\n"
    )
    result = subprocess.run([*args, "keys", "list"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_max_connections_is_checked(tmp_path: Path) -> None:
    for bad in ("0", "65537"):
        srv = Server(tmp_path / "home", "--max-connections", bad)
        assert srv.url == "" and srv.proc.returncode == 252, srv.log
        assert "--max-connections" in srv.log and "Traceback" not in srv.log
