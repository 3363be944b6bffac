"""A grant edited, moved or planted outside qkms allows nothing; verify reports it; rekey re-MACs it.

The attacker writes to the keystore's database (sqlite3 on the file, or a PostgreSQL session on a
shared keystore) without the master key. Run on both backends, through the command line and
through a running `qkms serve --auth sigv4`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import Qkms, b64
from tests.serving import Server
from tests.test_authz import ADMIN, ADMIN_ALL, ALICE, BOB, as_, denied, policy_of

pytestmark = pytest.mark.backends

MESSAGE = b"for bob"


def _sql(home: Path, statement: str, params: tuple[Any, ...] = ()) -> int:
    """The attacker's write, with no qkms and no master key; the rows it changed."""
    url = os.environ.get("QKMS_STORE")
    if url:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            return conn.execute(statement.replace("?", "%s"), params).rowcount
    with contextlib.closing(sqlite3.connect(home / "keystore.db")) as conn, conn:
        return conn.execute(statement, params).rowcount


def _key(qkms: Qkms) -> str:
    created = qkms.ok(*as_(ADMIN, "keys", "create", "--policy", policy_of(ADMIN_ALL)))
    return str(created["KeyMetadata"]["KeyId"])


def _grant(qkms: Qkms, key: str, grantee: str, *operations: str, **extra: str) -> dict[str, Any]:
    args = ["grants", "create", "--key-id", key, "--grantee-principal", grantee]
    for flag, value in extra.items():
        args += [f"--{flag.replace('_', '-')}", value]
    return qkms.ok(*as_(ADMIN, *args, "--operations", *operations))  # type: ignore[no-any-return]


def _refused(qkms: Qkms, principal: str, *args: str) -> str:
    """The call fails as an altered key policy makes it fail: KeyUnavailableException, exit 254."""
    stderr = qkms.fails(254, *as_(principal, *args)).stderr
    assert "(KeyUnavailableException)" in stderr, stderr
    assert "qkms keystore verify" in stderr, stderr
    return stderr


def _encrypt(key: str) -> tuple[str, ...]:
    return ("encrypt", "--key-id", key, "--plaintext", b64(MESSAGE))


def _decrypt(blob: str) -> tuple[str, ...]:
    return ("decrypt", "--ciphertext-blob", blob)


def _verify_reports(qkms: Qkms, *expected: str) -> None:
    stderr = qkms.fails(253, "keystore", "verify").stderr
    for text in expected:
        assert text in stderr, stderr


def test_a_widened_grant_allows_nothing_until_revoked(
    qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = _key(qkms)
    grant = _grant(qkms, key, BOB, "Encrypt")
    blob = qkms.ok(*as_(BOB, *_encrypt(key)))["CiphertextBlob"]
    denied(qkms, BOB, "Decrypt", "Decrypt", key, *_decrypt(blob))

    widened = json.dumps(["Encrypt", "Decrypt"])
    assert _sql(home, "UPDATE grants SET operations = ?", (widened,)) == 1
    stderr = _refused(qkms, BOB, *_decrypt(blob))
    assert f"The grant {grant['GrantId']} on key {key} failed authentication" in stderr
    assert f"qkms grants revoke --key-id {key} --grant-id {grant['GrantId']}" in stderr
    assert b64(MESSAGE) not in stderr
    _refused(qkms, BOB, *_encrypt(key))  # what the grant did allow is not trusted either
    _refused(qkms, ADMIN, "grants", "list", "--key-id", key)
    _refused(qkms, BOB, "grants", "retire", "--grant-token", grant["GrantToken"])
    _verify_reports(qkms, f"key {key}: its grant {grant['GrantId']} failed authentication")
    monkeypatch.setenv("QKMS_NEW_MASTER_KEY", b64(os.urandom(32)))
    rekey = qkms.fails(253, "keystore", "rekey", "--to", "external").stderr
    assert f"The grant {grant['GrantId']} on key {key} does not authenticate" in rekey, rekey

    # The fix the messages name: revoke it (it is removed unread), then the keystore is clean.
    qkms.ok(*as_(ADMIN, "grants", "revoke", "--key-id", key, "--grant-id", grant["GrantId"]))
    qkms.ok("keystore", "verify")
    denied(qkms, BOB, "Encrypt", "Encrypt", key, *_encrypt(key))
    assert qkms.ok(*as_(ADMIN, "grants", "list", "--key-id", key))["Grants"] == []


def test_a_grant_handed_to_another_principal_allows_nothing(qkms: Qkms, home: Path) -> None:
    key = _key(qkms)
    grant = _grant(qkms, key, ALICE, "Encrypt", retiring_principal=ALICE)
    qkms.ok(*as_(ALICE, *_encrypt(key)))
    denied(qkms, BOB, "Encrypt", "Encrypt", key, *_encrypt(key))

    assert _sql(home, "UPDATE grants SET grantee = ?, retiring = ?", (BOB, BOB)) == 1
    _refused(qkms, BOB, *_encrypt(key))
    _refused(qkms, BOB, "grants", "retire", "--grant-token", grant["GrantToken"])
    # alice no longer has a grant row of her own: simply denied.
    denied(qkms, ALICE, "Encrypt", "Encrypt", key, *_encrypt(key))
    _verify_reports(qkms, f"key {key}: its grant {grant['GrantId']} failed authentication")


def test_a_grant_moved_to_another_key_allows_nothing(qkms: Qkms, home: Path) -> None:
    key, other = _key(qkms), _key(qkms)
    grant = _grant(qkms, key, BOB, "Encrypt")
    assert _sql(home, "UPDATE grants SET key_id = ?", (other,)) == 1
    _refused(qkms, BOB, *_encrypt(other))
    denied(qkms, BOB, "Encrypt", "Encrypt", key, *_encrypt(key))
    _verify_reports(qkms, f"key {other}: its grant {grant['GrantId']} failed authentication")


def test_a_planted_grant_allows_nothing(qkms: Qkms, home: Path) -> None:
    """A new row: with no MAC (as an earlier development build wrote them), or with the MAC of a
    genuine grant copied onto it."""
    key = _key(qkms)
    genuine = _grant(qkms, key, ALICE, "Encrypt")
    everything = json.dumps(["Encrypt", "Decrypt", "CreateGrant", "DescribeKey"])
    planted = "ab" * 32
    assert (
        _sql(
            home,
            "INSERT INTO grants (grant_id, key_id, name, created, grantee, retiring, issuer, "
            "operations, constraints, mac) SELECT ?, key_id, name, created, ?, retiring, issuer, "
            "?, constraints, NULL FROM grants WHERE grant_id = ?",
            (planted, BOB, everything, genuine["GrantId"]),
        )
        == 1
    )
    stderr = _refused(qkms, BOB, *_encrypt(key))
    assert f"The grant {planted} on key {key} has no MAC" in stderr, stderr
    _refused(qkms, BOB, "keys", "describe", "--key-id", key)
    _refused(
        qkms,
        BOB,
        "grants",
        "create",
        "--key-id",
        key,
        "--grantee-principal",
        BOB,
        "--operations",
        "Decrypt",
    )
    _verify_reports(qkms, f"key {key}: its grant {planted} has no MAC")
    qkms.ok(*as_(ADMIN, "grants", "revoke", "--key-id", key, "--grant-id", planted))
    qkms.ok("keystore", "verify")

    # The genuine grant's MAC copied onto the planted row: it covers the grant id and grantee.
    assert (
        _sql(
            home,
            "INSERT INTO grants (grant_id, key_id, name, created, grantee, retiring, issuer, "
            "operations, constraints, mac) SELECT ?, key_id, name, created, ?, retiring, issuer, "
            "operations, constraints, mac FROM grants WHERE grant_id = ?",
            (planted, BOB, genuine["GrantId"]),
        )
        == 1
    )
    _refused(qkms, BOB, *_encrypt(key))
    _verify_reports(qkms, f"key {key}: its grant {planted} failed authentication")
    # The genuine grant is untouched and still works.
    qkms.ok(*as_(ALICE, *_encrypt(key)))


def test_grants_survive_a_rekey(qkms: Qkms, monkeypatch: pytest.MonkeyPatch) -> None:
    key = _key(qkms)
    grant = _grant(qkms, key, BOB, "Encrypt", "Decrypt")
    raw = b64(os.urandom(32))
    monkeypatch.setenv("QKMS_NEW_MASTER_KEY", raw)
    qkms.ok("keystore", "rekey", "--to", "external")
    monkeypatch.setenv("QKMS_MASTER_KEY", raw)
    blob = qkms.ok(*as_(BOB, *_encrypt(key)))["CiphertextBlob"]
    assert qkms.ok(*as_(BOB, *_decrypt(blob)))["Plaintext"] == b64(MESSAGE)
    listed = qkms.ok(*as_(ADMIN, "grants", "list", "--key-id", key))["Grants"]
    assert [g["GrantId"] for g in listed] == [grant["GrantId"]]
    qkms.ok("keystore", "verify")


# -- under a running server ----------------------------------------------------------------------


@pytest.fixture
def server(qkms: Qkms, home: Path) -> Iterator[tuple[Server, Any]]:
    """`qkms serve --auth sigv4` on the keystore, and a boto3 client signed as bob."""
    access = qkms.ok("access-keys", "create", "--user-name", "bob")["AccessKey"]
    running = Server(home, "--auth", "sigv4", "--threads", "1")
    assert running.url, running.log
    try:
        yield (
            running,
            running.client(
                aws_access_key_id=access["AccessKeyId"],
                aws_secret_access_key=access["SecretAccessKey"],
            ),
        )
    finally:
        assert running.stop() == 0, running.log
        assert "Traceback" not in running.log, running.log


def _served_error(call: Any, **request: Any) -> tuple[int, str]:
    with pytest.raises(ClientError) as caught:
        call(**request)
    error = caught.value.response
    return error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"]


def test_a_grant_edited_under_a_running_server_allows_nothing(
    qkms: Qkms, home: Path, server: tuple[Server, Any]
) -> None:
    _running, bob = server
    key = _key(qkms)
    _grant(qkms, key, BOB, "Encrypt")
    blob = bob.encrypt(KeyId=key, Plaintext=MESSAGE)["CiphertextBlob"]
    assert _served_error(bob.decrypt, CiphertextBlob=blob) == (400, "AccessDeniedException")

    assert _sql(home, "UPDATE grants SET operations = ?", (json.dumps(["Encrypt", "Decrypt"]),))
    assert _served_error(bob.decrypt, CiphertextBlob=blob) == (400, "KeyUnavailableException")
    assert _served_error(bob.encrypt, KeyId=key, Plaintext=MESSAGE) == (
        400,
        "KeyUnavailableException",
    )
    assert _sql(home, "DELETE FROM grants") == 1

    # A grant planted while the server runs, for a key bob had nothing on.
    other = _key(qkms)
    assert _served_error(bob.encrypt, KeyId=other, Plaintext=MESSAGE) == (
        400,
        "AccessDeniedException",
    )
    assert _sql(
        home,
        "INSERT INTO grants (grant_id, key_id, name, created, grantee, retiring, issuer, "
        "operations, constraints, mac) VALUES (?, ?, '', 0, ?, NULL, ?, ?, NULL, ?)",
        (
            "cd" * 32,
            other,
            BOB,
            BOB.replace("user/bob", "root"),
            json.dumps(["Encrypt"]),
            os.urandom(32),
        ),
    )
    assert _served_error(bob.encrypt, KeyId=other, Plaintext=MESSAGE) == (
        400,
        "KeyUnavailableException",
    )
