"""The audit trail: an event for every call, no secret in it, and tampering found by verify."""

from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ACCOUNT, Qkms, arn, b64, unb64

ALICE = f"arn:verenc:iam::{ACCOUNT}:user/alice"
ROOT = f"arn:verenc:iam::{ACCOUNT}:root"


def events(qkms: Qkms, *filters: str) -> list[dict[str, Any]]:
    """The trail, oldest first (export), without the export's own ListAuditEvents calls."""
    result = qkms("audit", "export", "--format", "jsonl", *filters)
    assert result.exit_code == 0, result.stderr
    found = [json.loads(line) for line in result.stdout.splitlines()]
    return [e for e in found if e["eventName"] != "ListAuditEvents"]


def test_every_call_is_one_event_with_user_outcome_and_error(qkms: Qkms) -> None:
    key = qkms.new_key()
    qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"x"), "--encryption-context", "P=T")
    qkms.fails(254, "--principal", ALICE, "keys", "describe", "--key-id", "alias/none")
    qkms.ok(
        "keys",
        "put-policy",
        "--key-id",
        key,
        "--policy",
        json.dumps(
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": ROOT},
                        "Action": "kms:*",
                        "Resource": "*",
                    },
                    {
                        "Effect": "Deny",
                        "Principal": {"AWS": ALICE},
                        "Action": "kms:Describe*",
                        "Resource": "*",
                    },
                ]
            }
        ),
    )
    qkms.fails(254, "--principal", ALICE, "keys", "describe", "--key-id", key)
    qkms.fails(254, "generate-data-key", "--key-id", key)  # neither KeySpec nor NumberOfBytes
    trail = events(qkms)
    assert [(e["eventName"], e["userIdentity"]["arn"], e.get("errorCode")) for e in trail] == [
        ("CreateKey", ROOT, None),
        ("Encrypt", ROOT, None),
        ("DescribeKey", ALICE, "NotFoundException"),
        ("PutKeyPolicy", ROOT, None),
        ("DescribeKey", ALICE, "AccessDeniedException"),
        ("GenerateDataKey", ROOT, "ValidationException"),
    ]
    encrypt = trail[1]
    assert encrypt["requestParameters"] == {"encryptionContext": {"P": "T"}, "keyId": key}
    assert encrypt["responseElements"] is None
    assert encrypt["resources"] == [
        {"accountId": ACCOUNT, "type": "AWS::KMS::Key", "ARN": arn(key)}
    ]
    assert encrypt["eventSource"] == "kms.amazonaws.com" and encrypt["readOnly"] is True
    assert encrypt["userIdentity"] == {
        "type": "Root",
        "principalId": ACCOUNT,
        "arn": ROOT,
        "accountId": ACCOUNT,
    }
    denial = trail[4]
    assert denial["userIdentity"]["userName"] == "alice"
    assert denial["errorMessage"].startswith(f"User: {ALICE} is not authorized")
    assert denial["resources"][0]["ARN"] == arn(key)
    for event in trail:
        assert {
            "eventVersion",
            "eventTime",
            "eventID",
            "requestID",
            "awsRegion",
            "sourceIPAddress",
            "userAgent",
            "recipientAccountId",
        } <= set(event)
    assert [e["eventName"] for e in events(qkms, "--user", "alice")] == ["DescribeKey"] * 2
    listed = qkms.ok("audit", "list", "--errors", "--key-id", key)["Events"]
    assert [e["errorCode"] for e in listed] == ["ValidationException", "AccessDeniedException"]
    assert (
        qkms.ok("audit", "list", "--event-name", "Encrypt")["Events"][0]["eventID"]
        == (encrypt["eventID"])
    )
    page = qkms.ok("audit", "list", "--max-items", "2")
    assert len(page["Events"]) == 2 and "NextToken" in page
    assert qkms.ok("audit", "list", "--since", "2999-01-01")["Events"] == []


def test_no_secret_reaches_the_trail(qkms: Qkms, home: Path) -> None:
    key = qkms.new_key()
    mac_key = qkms.new_key("--key-spec", "HMAC_256", "--key-usage", "GENERATE_VERIFY_MAC")
    secrets: list[bytes] = []
    plaintext = b"the plaintext nobody may log"
    secrets.append(plaintext)
    blob = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(plaintext))["CiphertextBlob"]
    secrets.append(unb64(blob))
    secrets.append(unb64(qkms.ok("decrypt", "--ciphertext-blob", blob)["Plaintext"]))
    data_key = qkms.ok("generate-data-key", "--key-id", key, "--key-spec", "AES_256")
    secrets += [unb64(data_key["Plaintext"]), unb64(data_key["CiphertextBlob"])]
    pair = qkms.ok("generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256")
    secrets.append(unb64(pair["PrivateKeyCiphertextBlob"]))
    private = unb64(
        qkms.ok("decrypt", "--ciphertext-blob", pair["PrivateKeyCiphertextBlob"])["Plaintext"]
    )
    secrets.append(private)
    secrets.append(unb64(qkms.ok("generate-random", "--number-of-bytes", "32")["Plaintext"]))
    mac = qkms.ok(
        "generate-mac",
        "--key-id",
        mac_key,
        "--message",
        b64(b"a message to mac"),
        "--mac-algorithm",
        "HMAC_SHA_256",
    )["Mac"]
    secrets += [unb64(mac), b"a message to mac"]
    grant = qkms.ok(
        "grants", "create", "--key-id", key, "--grantee-principal", ALICE, "--operations", "Decrypt"
    )
    secrets.append(grant["GrantToken"].encode())
    qkms.ok("grants", "retire", "--grant-token", grant["GrantToken"])
    qkms.fails(254, "decrypt", "--ciphertext-blob", b64(unb64(blob)[:-1] + b"\0"))
    master = (home / "master.key").read_bytes()
    secrets.append(master)
    trail = "\n".join(json.dumps(e) for e in events(qkms))
    database = (home / "keystore.db").read_bytes()
    wal = home / "keystore.db-wal"
    stored = database + (wal.read_bytes() if wal.exists() else b"")
    rows = sqlite3.connect(home / "keystore.db").execute("SELECT record FROM audit_events")
    records = "\n".join(r[0] for r in rows)
    assert "Decrypt" in records and "GenerateMac" in records
    for secret in secrets:
        for form in (secret.hex(), base64.b64encode(secret).decode(), secret.decode("latin-1")):
            assert form not in trail and form not in records, secret
        assert secret not in stored or secret in (b"a message to mac",), secret


def _db(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "keystore.db", isolation_level=None)


@pytest.fixture
def trail(qkms: Qkms, home: Path) -> Path:
    key = qkms.new_key()
    for n in range(6):
        qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"%d" % n))
    report = qkms.ok("audit", "verify")
    assert report["Events"] == 7 and report["UnsealedTail"] == 0
    return home


def test_verify_catches_an_edited_event(qkms: Qkms, trail: Path) -> None:
    with _db(trail) as db:
        db.execute(
            "UPDATE audit_events SET record = replace(record, 'root', 'user/x') WHERE seq = 3"
        )
    result = qkms.fails(253, "audit", "verify")
    assert "event 3: altered (its content does not match its link)" in result.stderr


def test_verify_catches_an_edit_whose_chain_was_rebuilt(qkms: Qkms, trail: Path) -> None:
    from qkms_cli.store.audit import link

    with _db(trail) as db:
        db.execute(
            "UPDATE audit_events SET record = replace(record, 'root', 'user/x') WHERE seq = 3"
        )
        rows = db.execute("SELECT seq, prev_hash, record FROM audit_events ORDER BY seq").fetchall()
        prev = None
        for seq, prev_hash, record in rows:
            prev = prev_hash if prev is None else prev
            digest = link(prev, seq, record.encode())
            db.execute(
                "UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq)
            )
            prev = digest
    result = qkms.fails(253, "audit", "verify")
    assert "event 3: its seal does not verify" in result.stderr


def test_verify_catches_a_deleted_event(qkms: Qkms, trail: Path) -> None:
    with _db(trail) as db:
        db.execute("DELETE FROM audit_events WHERE seq = 4")
    result = qkms.fails(253, "audit", "verify")
    assert "events 4 to 4 are missing (deleted)" in result.stderr
    with _db(trail) as db:
        db.execute("DELETE FROM audit_events WHERE seq < 3")
    assert (
        "event 3: the events before it were deleted (not by audit prune)"
        in qkms.fails(253, "audit", "verify").stderr
    )


def test_verify_catches_reordered_events(qkms: Qkms, trail: Path) -> None:
    with _db(trail) as db:
        five, six = (
            db.execute(
                "SELECT record, prev_hash, hash, seal FROM audit_events WHERE seq = ?", (n,)
            ).fetchone()
            for n in (5, 6)
        )
        update = (
            "UPDATE audit_events SET record = ?, prev_hash = ?, hash = ?, seal = ? WHERE seq = ?"
        )
        db.execute(update, (*six, 5))
        db.execute(update, (*five, 6))
    result = qkms.fails(253, "audit", "verify")
    assert "event 5: does not follow event 4 (reordered, or its predecessor was altered)" in (
        result.stderr
    )


def test_prune_is_recorded_and_verify_still_holds(qkms: Qkms, trail: Path) -> None:
    pruned = qkms.ok("audit", "prune", "--before", "2999-01-01")
    assert pruned["Pruned"] == 7  # all but the newest (verify's own), which the chain goes on from
    report = qkms.ok("audit", "verify")
    assert report["Events"] == 2 and report["FirstSequence"] == 8
    trail_now = events(qkms)
    assert [e["eventName"] for e in trail_now[:2]] == ["VerifyAuditTrail", "PruneAuditEvents"]
    assert trail_now[1]["requestParameters"] == {"before": "2999-01-01"}
    qkms.ok("keys", "list")
    assert qkms.ok("audit", "verify")["Events"] >= 3


def test_key_last_usage_comes_from_the_trail(qkms: Qkms) -> None:
    key = qkms.new_key()
    fresh = qkms.ok("keys", "last-usage", "--key-id", key)
    assert fresh["KeyLastUsage"] == {} and fresh["KeyId"] == key
    assert fresh["TrackingStartDate"] == fresh["KeyCreationDate"]
    blob = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"x"))["CiphertextBlob"]
    qkms.ok("decrypt", "--ciphertext-blob", blob)
    qkms.ok("keys", "describe", "--key-id", key)
    qkms.fails(254, "decrypt", "--ciphertext-blob", b64(unb64(blob)[:-1] + b"\0"))
    usage = qkms.ok("keys", "last-usage", "--key-id", key)["KeyLastUsage"]
    decrypt = [e for e in events(qkms, "--event-name", "Decrypt") if "errorCode" not in e][-1]
    assert usage["Operation"] == "Decrypt"
    assert usage["CloudTrailEventId"] == decrypt["eventID"]
    assert usage["KmsRequestId"] == decrypt["requestID"]


def test_a_passphrase_keystore_lists_keys_without_asking(
    qkms: Qkms, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QKMS_PASSPHRASE", "correct horse battery staple")
    key = qkms.new_key()
    monkeypatch.delenv("QKMS_PASSPHRASE")
    assert qkms.ok("keys", "list")["Keys"][0]["KeyId"] == key  # no passphrase needed, none asked
    monkeypatch.setenv("QKMS_PASSPHRASE", "correct horse battery staple")
    report = qkms.ok("audit", "verify")
    assert report["UnsealedTail"] == 1  # keys list's event waits for a call that holds the key
    qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"x"))
    assert qkms.ok("audit", "verify")["UnsealedTail"] == 0


def test_a_rekey_reseals_the_trail(qkms: Qkms, trail: Path, tmp_path: Path) -> None:
    qkms.ok("keystore", "rekey")
    report = qkms.ok("audit", "verify")
    assert report["Sealed"] >= 7 and report["UnsealedTail"] == 0
