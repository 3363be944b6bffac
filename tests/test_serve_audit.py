"""The audit trail of `qkms serve`: an answer only once its event is committed, one event per
request (refused ones too), and the event's requestID is the answer's x-amzn-RequestId."""

from __future__ import annotations

import base64
import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.serving import Server
from tests.test_serve_concurrency import _children_of

TARGET = "TrentService."


def _cli(home: Path, *args: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "qkms_cli", "--home", str(home), *args],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def _trail(home: Path) -> dict[str, dict[str, Any]]:
    """Every event of the trail by its requestID (each requestID once)."""
    events = [json.loads(line) for line in _cli(home, "audit", "export").splitlines()]
    by_id: dict[str, dict[str, Any]] = {}
    for event in events:
        assert event["requestID"] not in by_id, event
        by_id[event["requestID"]] = event
    return by_id


def _signed(url: str, op: str, body: bytes, akid: str, secret: str) -> dict[str, str]:
    request = AWSRequest(
        method="POST",
        url=url + "/",
        data=body,
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + op},
    )
    SigV4Auth(Credentials(akid, secret), "kms", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def test_every_answer_is_in_the_trail_when_it_arrives(tmp_path: Path) -> None:
    """Calls the server runs on its event loop (GenerateDataKey, Encrypt, Decrypt) and in its
    pool (a key pair, CreateKey), from many clients at once; the server is SIGKILLed as soon as
    the last answer is in: every answered request already has its event."""
    home = tmp_path / "home"
    key = json.loads(_cli(home, "keys", "create"))["KeyMetadata"]["KeyId"]
    server = Server(home, workers=2)
    blob = server.call("Encrypt", {"KeyId": key, "Plaintext": "aGVsbG8="})[1]["CiphertextBlob"]
    requests = [
        ("GenerateDataKey", {"KeyId": key, "KeySpec": "AES_256"}),
        ("Encrypt", {"KeyId": key, "Plaintext": "aGVsbG8="}),
        ("Decrypt", {"CiphertextBlob": blob}),
        ("GenerateDataKeyPair", {"KeyId": key, "KeyPairSpec": "ECC_NIST_P256"}),
        ("CreateKey", {"Description": "made under load"}),
        ("DescribeKey", {"KeyId": "alias/missing"}),  # a failure is an event too
    ]
    answered: list[tuple[str, int, str]] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        for i in range(12):
            op, request = requests[(n + i) % len(requests)]
            status, headers, _body = server.post(TARGET + op, request)
            with lock:
                answered.append((op, status, headers["x-amzn-requestid"]))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    for pid in [*_children_of(server.proc.pid), server.proc.pid]:
        os.kill(pid, signal.SIGKILL)
    server.proc.wait(timeout=30)

    assert len(answered) == 72
    assert {status for op, status, _ in answered if op != "DescribeKey"} == {200}
    trail = _trail(home)
    for op, status, request_id in answered:
        event = trail.get(request_id)
        assert event is not None, (op, request_id)
        assert event["eventName"] == op
        assert ("errorCode" in event) == (status != 200), event
    verify = json.loads(_cli(home, "audit", "verify"))  # exit 0: the chain holds
    # The trail: keys create, the first Encrypt, the 72 answered, and the export itself.
    assert len(trail) == 74 and verify["Events"] == 75, verify
    assert verify["Sealed"] == 74, verify  # every event the server wrote (not the export's)


def test_a_server_killed_under_load_keeps_every_answered_event(tmp_path: Path) -> None:
    """Calls on the event loop from kept-alive connections, their events committed in batches
    by each worker's writer, which does not wait for the disk (only key changes do); the server
    is SIGKILLed while calls are in flight: every call answered before has its event."""
    home = tmp_path / "home"
    key = json.loads(_cli(home, "keys", "create"))["KeyMetadata"]["KeyId"]
    server = Server(home, workers=2)
    requests = [
        ("GenerateDataKey", {"KeyId": key, "KeySpec": "AES_256"}),
        ("Encrypt", {"KeyId": key, "Plaintext": "aGVsbG8="}),
    ]
    answered: list[tuple[str, int, str]] = []
    lock = threading.Lock()
    enough = threading.Event()

    def client(n: int) -> None:
        op, request = requests[n % len(requests)]
        body = json.dumps(request).encode()
        headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + op}
        conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
        try:
            while True:
                conn.request("POST", "/", body=body, headers=headers)
                answer = conn.getresponse()
                answer.read()
                with lock:
                    answered.append((op, answer.status, answer.headers["x-amzn-RequestId"]))
                    if len(answered) >= 600:
                        enough.set()
        except (OSError, http.client.HTTPException):
            return  # the server is gone: what it answered before is in `answered`
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    assert enough.wait(timeout=300), server.log
    for pid in [*_children_of(server.proc.pid), server.proc.pid]:
        os.kill(pid, signal.SIGKILL)
    server.proc.wait(timeout=30)
    for thread in threads:
        thread.join(timeout=120)

    assert {status for _op, status, _id in answered} == {200}
    trail = _trail(home)
    for op, _status, request_id in answered:
        event = trail.get(request_id)
        assert event is not None, (op, request_id)
        assert event["eventName"] == op and "errorCode" not in event, event
    _cli(home, "audit", "verify")  # exit 0: the chain holds


def test_no_answer_without_its_event(tmp_path: Path) -> None:
    """When the trail cannot be written, a call that ran is not answered as done: 500, and no
    data key leaves the server; once it can be written again, calls succeed."""
    home = tmp_path / "home"
    key = json.loads(_cli(home, "keys", "create"))["KeyMetadata"]["KeyId"]
    server = Server(home)
    db = sqlite3.connect(home / "keystore.db")
    db.execute(
        "CREATE TRIGGER no_events BEFORE INSERT ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
    )
    db.commit()
    try:
        for op, request in [
            ("GenerateDataKey", {"KeyId": key, "KeySpec": "AES_256"}),  # on the event loop
            ("GenerateDataKeyPair", {"KeyId": key, "KeyPairSpec": "ECC_NIST_P256"}),  # pool
        ]:
            status, _headers, body = server.post(TARGET + op, request)
            answer = json.loads(body)
            assert status == 500, answer
            assert answer["__type"] == "KMSInternalException"
            assert "Plaintext" not in answer and "PrivateKeyCiphertextBlob" not in answer
        # A call that fails answers its own error: its unwritten event does not hide it.
        for op, request in [
            ("DescribeKey", {"KeyId": "alias/missing"}),  # on the event loop
            ("GenerateDataKeyPair", {"KeyId": "alias/missing", "KeyPairSpec": "RSA_2048"}),
        ]:
            status, answer = server.call(op, request)
            assert (status, answer["__type"]) == (400, "NotFoundException"), answer
        db.execute("DROP TRIGGER no_events")
        db.commit()
        status, answer = server.call("GenerateDataKey", {"KeyId": key, "KeySpec": "AES_256"})
        assert status == 200 and len(base64.b64decode(answer["Plaintext"])) == 32
    finally:
        db.close()
        assert server.stop() == 0, server.log
    assert "Traceback" not in server.log


def test_refused_requests_are_in_the_trail(tmp_path: Path) -> None:
    """With --auth sigv4: an unsigned request, an unknown access key, a wrong secret, a body
    that is not JSON and an unknown operation are each one event with the refusal's error; a
    request whose signature did not hold names nobody, only the access key id it claimed."""
    home = tmp_path / "home"
    _cli(home, "keystore", "init")
    made = json.loads(_cli(home, "access-keys", "create", "--user-name", "alice"))["AccessKey"]
    akid, secret = made["AccessKeyId"], made["SecretAccessKey"]
    server = Server(home, "--auth", "sigv4")
    body = b'{"NumberOfBytes": 16}'
    wrong = "w" * 40
    attempts = {
        "unsigned": ("GenerateRandom", body, {}),
        "unknown key": (
            "GenerateRandom",
            body,
            _signed(server.url, "GenerateRandom", body, "AKIAIOSFODNN7EXAMPLE", secret),
        ),
        "wrong secret": (
            "GenerateRandom",
            body,
            _signed(server.url, "GenerateRandom", body, akid, wrong),
        ),
        "not json": (
            "GenerateRandom",
            b"{",
            _signed(server.url, "GenerateRandom", b"{", akid, secret),
        ),
        "unknown op": (
            "FlyToTheMoon",
            body,
            _signed(server.url, "FlyToTheMoon", body, akid, secret),
        ),
        "good": ("GenerateRandom", body, _signed(server.url, "GenerateRandom", body, akid, secret)),
    }
    seen: dict[str, tuple[int, str, str]] = {}
    for name, (op, data, headers) in attempts.items():
        headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        status, answer_headers, answer = server.post(TARGET + op, data, headers=headers)
        code = json.loads(answer).get("__type", "") if status != 200 else ""
        seen[name] = (status, code, answer_headers["x-amzn-requestid"])
    assert server.stop() == 0, server.log

    assert [seen[n][:2] for n in attempts] == [
        (400, "MissingAuthenticationTokenException"),
        (400, "UnrecognizedClientException"),
        (400, "InvalidSignatureException"),
        (400, "SerializationException"),
        (400, "UnknownOperationException"),
        (200, ""),
    ]
    trail = _trail(home)
    account = json.loads(_cli(home, "keystore", "info"))["AccountId"]
    alice = f"arn:verenc:iam::{account}:user/alice"
    expected = {
        "unsigned": ({"type": "Unknown"}, None),
        "unknown key": ({"type": "Unknown", "accessKeyId": "AKIAIOSFODNN7EXAMPLE"}, None),
        "wrong secret": ({"type": "Unknown", "accessKeyId": akid}, None),
        "not json": ({"type": "IAMUser", "arn": alice, "accessKeyId": akid}, None),
        "unknown op": ({"type": "Unknown"}, None),
        "good": ({"type": "IAMUser", "arn": alice, "accessKeyId": akid}, None),
    }
    for name, (identity, _) in expected.items():
        status, code, request_id = seen[name]
        event = trail[request_id]
        assert event["eventName"] == attempts[name][0]
        assert event.get("errorCode") == (code or None), (name, event)
        for field, value in identity.items():
            assert event["userIdentity"].get(field) == value, (name, event["userIdentity"])
        if identity["type"] == "Unknown":
            assert "arn" not in event["userIdentity"], event
    # Neither secret, right or wrong, is anywhere in the keystore's files.
    for path in home.iterdir():
        content = path.read_bytes()
        assert secret.encode() not in content and wrong.encode() not in content, path


def test_a_held_writers_lock_delays_answers_but_never_the_event_loop(tmp_path: Path) -> None:
    """Another process holds the keystore's writers' lock (a long write, or a stuck one): the
    calls the event loop runs wait for their events without holding the loop up (/health and
    other requests are answered meanwhile), answer once the lock is free, and give up with
    KMSInternalException when it stays held past QKMS_BUSY_TIMEOUT."""
    import fcntl
    import time

    home = tmp_path / "home"
    key = json.loads(_cli(home, "keys", "create"))["KeyMetadata"]["KeyId"]
    server = Server(home, "--threads", "1", env={"QKMS_BUSY_TIMEOUT": "2"})
    body = {"KeyId": key, "KeySpec": "AES_256"}
    answers: list[tuple[float, int, dict[str, Any]]] = []

    def call() -> None:
        status, answer = server.call("GenerateDataKey", body)
        answers.append((time.monotonic(), status, answer))

    lock = os.open(home, os.O_RDONLY | os.O_DIRECTORY)
    try:
        assert server.call("GenerateDataKey", body)[0] == 200
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other process's write
        waiting = threading.Thread(target=call)
        waiting.start()
        time.sleep(0.5)
        assert not answers, "answered before its event could be written"
        started = time.monotonic()
        status, _headers, _body = server.post(None, path="/health", method="GET")
        assert status == 200 and time.monotonic() - started < 0.5
        released = time.monotonic()
        fcntl.flock(lock, fcntl.LOCK_UN)
        waiting.join(timeout=30)
        [(answered, status, answer)] = answers
        assert (status, answered > released) == (200, True), answer

        fcntl.flock(lock, fcntl.LOCK_EX)  # and now held for good
        started = time.monotonic()
        status, answer = server.call("GenerateDataKey", body)
        assert (status, answer["__type"]) == (500, "KMSInternalException"), answer
        assert "locked" in answer["message"] and 1.5 < time.monotonic() - started < 10
        assert "Plaintext" not in answer
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)
        server.stop()
    # Both answered calls' events are in the trail; the call answered 500 has none (its event
    # could not be written: that is its failure).
    events = [e for e in _trail(home).values() if e["eventName"] == "GenerateDataKey"]
    assert sum(1 for e in events if "errorCode" not in e) == 2, events


def test_the_write_ahead_log_stays_bounded_under_steady_calls(tmp_path: Path) -> None:
    """The event loop's writer checkpoints through the writer thread, holding the writers' lock
    so that the checkpoint completes and the log starts over: 3000 events one after another
    (one transaction each, some 16 KB of log apiece) leave a log of a few MB, not 47 MB."""
    home = tmp_path / "home"
    key = json.loads(_cli(home, "keys", "create"))["KeyMetadata"]["KeyId"]
    server = Server(home, "--threads", "1")
    body = json.dumps({"KeyId": key, "KeySpec": "AES_256"})
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": TARGET + "GenerateDataKey",
    }
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        for _ in range(3000):
            conn.request("POST", "/", body=body, headers=headers)
            answer = conn.getresponse()
            answer.read()
            assert answer.status == 200
        # While the server runs (the last connection to close removes the log).
        assert (home / "keystore.db-wal").stat().st_size < 10 * 1024 * 1024
    finally:
        conn.close()
        server.stop()
    assert len(_trail(home)) >= 3000
