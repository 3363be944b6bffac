"""A running `qkms serve` keeps the key rows, policies and key material it has checked, and sees
every change another process makes at its next call (the keystore's change token, migration 0008).

Each test warms the server's cache with a few calls first, changes the keystore from another
process (the CLI, or the attacker's sqlite3), and then asks the server again.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Qkms
from tests.serving import Server

# A disabled key in the seed's keystore (an `aws` partition keystore says DisabledException).
DISABLED = "KMSInvalidStateException"


@pytest.fixture
def served(home: Path) -> Iterator[Server]:
    # Two threads: the operations that run on the event loop (GenerateDataKey, Encrypt) and
    # those that run in the pool each have their own keystore connection, and their own cache.
    server = Server(home, "--threads", "2")
    try:
        yield server
    finally:
        server.stop()


def _warm(server: Server, key: str) -> dict[str, object]:
    body: dict[str, object] = {}
    for _ in range(3):
        status, body = server.call("GenerateDataKey", {"KeyId": key, "KeySpec": "AES_256"})
        assert status == 200, body
    return body


def _refused(server: Server, key: str) -> tuple[int, str]:
    status, body = server.call("GenerateDataKey", {"KeyId": key, "KeySpec": "AES_256"})
    return status, body.get("__type", "")


def test_a_key_disabled_and_enabled_by_the_cli_is_seen_at_the_next_call(
    qkms: Qkms, served: Server
) -> None:
    key = qkms.new_key()
    _warm(served, key)
    qkms.ok("keys", "disable", "--key-id", key)
    assert _refused(served, key) == (400, DISABLED)
    qkms.ok("keys", "enable", "--key-id", key)
    _warm(served, key)
    qkms.ok("keys", "schedule-deletion", "--key-id", key, "--pending-window-in-days", "7")
    assert _refused(served, key) == (400, "KMSInvalidStateException")


def test_a_rotation_by_the_cli_is_used_at_the_next_call(qkms: Qkms, served: Server) -> None:
    key = qkms.new_key()
    before = _warm(served, key)["KeyMaterialId"]
    qkms.ok("keys", "rotate", "--key-id", key)
    after = _warm(served, key)
    assert after["KeyMaterialId"] != before
    # The blob sealed under the new version opens, in the server and in a new CLI process.
    status, opened = served.call("Decrypt", {"CiphertextBlob": after["CiphertextBlob"]})
    assert (status, opened["Plaintext"]) == (200, after["Plaintext"])
    assert opened["KeyMaterialId"] == after["KeyMaterialId"]


def test_a_policy_put_by_the_cli_is_obeyed_at_the_next_call(
    qkms: Qkms, served: Server, tmp_path: Path
) -> None:
    key = qkms.new_key()
    account = qkms.ok("keys", "describe", "--key-id", key)["KeyMetadata"]["AWSAccountId"]
    _warm(served, key)
    root = f"arn:verenc:iam::{account}:root"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*", "Resource": "*"},
            {
                "Effect": "Deny",
                "Principal": {"AWS": root},
                "Action": "kms:GenerateDataKey",
                "Resource": "*",
            },
        ],
    }
    document = tmp_path / "policy.json"
    document.write_text(json.dumps(policy))
    qkms.ok("keys", "put-policy", "--key-id", key, "--policy", f"file://{document}")
    assert _refused(served, key) == (400, "AccessDeniedException")
    status, body = served.call("Encrypt", {"KeyId": key, "Plaintext": "aGVsbG8="})
    assert status == 200, body


def _sql(home: Path, *statements: str) -> None:
    """The attacker's edits: plain sqlite3 on the file, no qkms and no master key."""
    with contextlib.closing(sqlite3.connect(home / "keystore.db")) as conn, conn:
        for statement in statements:
            conn.execute(statement)


def test_a_row_edited_behind_the_change_tokens_back_is_not_obeyed(
    qkms: Qkms, served: Server, home: Path
) -> None:
    """The attacker drops the triggers, then re-enables a disabled key: the server goes on with
    the row it checked (the key stays disabled), and any process that reads the row afresh
    refuses it as altered."""
    key = qkms.new_key()
    _warm(served, key)
    qkms.ok("keys", "disable", "--key-id", key)
    assert _refused(served, key) == (400, DISABLED)
    with contextlib.closing(sqlite3.connect(home / "keystore.db")) as conn:
        triggers = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        ]
    assert triggers, "the keystore keeps its change token with triggers"
    _sql(
        home,
        *(f"DROP TRIGGER {name}" for name in triggers),
        f"UPDATE keys SET key_state = 'Enabled' WHERE key_id = '{key}'",
    )
    assert _refused(served, key) == (400, DISABLED)
    stderr = qkms.fails(254, "generate-data-key", "--key-id", key, "--key-spec", "AES_256").stderr
    assert "(KeyUnavailableException)" in stderr, stderr


def test_a_row_edited_with_sqlite3_is_refused_at_the_next_call(
    qkms: Qkms, served: Server, home: Path
) -> None:
    """An edit through SQL changes the token like any other: the server reads the row again and
    refuses it (the rotation undone here would seal under a version that is not current)."""
    key = qkms.new_key()
    qkms.ok("keys", "rotate", "--key-id", key)
    _warm(served, key)
    _sql(home, f"UPDATE keys SET current_version = 1 WHERE key_id = '{key}'")
    assert _refused(served, key) == (400, "KeyUnavailableException")


def test_under_load_every_request_sent_after_a_change_sees_it(qkms: Qkms, home: Path) -> None:
    """Calls that arrive together share one look at the change token (Keystore.new_call); none
    may answer from before a change that was committed before it was sent. Four clients keep
    two workers busy while the CLI disables the key: every request sent after the CLI returned
    is refused."""
    import http.client
    import threading
    import time

    key = qkms.new_key()
    server = Server(home, "--threads", "2", workers=2)
    body = json.dumps({"KeyId": key, "KeySpec": "AES_256"})
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "TrentService.GenerateDataKey",
    }
    seen: list[tuple[float, int]] = []
    stop = threading.Event()

    def client() -> None:
        conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
        try:
            while not stop.is_set():
                sent = time.monotonic()
                conn.request("POST", "/", body=body, headers=headers)
                answer = conn.getresponse()
                answer.read()
                seen.append((sent, answer.status))
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(4)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        qkms.ok("keys", "disable", "--key-id", key)
        disabled = time.monotonic()
        time.sleep(1.0)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        stop.set()
        server.stop()
    before = [status for sent, status in seen if sent < disabled]
    after = [status for sent, status in seen if sent > disabled]
    assert before.count(200) > 20 and after, (len(before), len(after))
    assert set(after) == {400}, sorted(set(after))
