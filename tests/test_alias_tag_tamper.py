"""An alias repointed or planted, or a tag edited, moved or planted outside qkms decides nothing;
verify reports it; rekey re-MACs aliases and tags; an older keystore's get theirs at the upgrade.

The attacker writes to the keystore's database (sqlite3 on the file, or a PostgreSQL session on a
shared keystore) without the master key. Run on both backends, through the command line and
through a running `qkms serve --auth sigv4`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import ACCOUNT, Qkms, b64, unb64
from tests.serving import Server
from tests.test_authz import ADMIN, ADMIN_ALL, ALICE, BOB, as_, denied, policy_of, statement

pytestmark = pytest.mark.backends

MESSAGE = b"meant for the victim's key"
PROD = "alias/prod"


def _sql(home: Path, statement: str, params: tuple[Any, ...] = ()) -> int:
    """The attacker's write, with no qkms and no master key; the rows it changed."""
    url = os.environ.get("QKMS_STORE")
    if url:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            return conn.execute(statement.replace("?", "%s"), params).rowcount
    with contextlib.closing(sqlite3.connect(home / "keystore.db")) as conn, conn:
        return conn.execute(statement, params).rowcount


def _key(qkms: Qkms, *statements: dict[str, Any]) -> str:
    created = qkms.ok(*as_(ADMIN, "keys", "create", "--policy", policy_of(ADMIN_ALL, *statements)))
    return str(created["KeyMetadata"]["KeyId"])


def _encrypt(key: str) -> tuple[str, ...]:
    return ("encrypt", "--key-id", key, "--plaintext", b64(MESSAGE))


def _refused(qkms: Qkms, principal: str, *args: str) -> str:
    """The call fails as an altered grant makes it fail: KeyUnavailableException, exit 254, and
    nothing on stdout."""
    result = qkms.fails(254, *as_(principal, *args))
    assert "(KeyUnavailableException)" in result.stderr, result.stderr
    assert "qkms keystore verify" in result.stderr, result.stderr
    assert result.stdout == "", result.stdout
    return result.stderr


def _verify_reports(qkms: Qkms, *expected: str) -> None:
    stderr = qkms.fails(253, "keystore", "verify").stderr
    for text in expected:
        assert text in stderr, stderr


def _rekey_refused(qkms: Qkms, monkeypatch: pytest.MonkeyPatch, expected: str) -> None:
    monkeypatch.setenv("QKMS_NEW_MASTER_KEY", b64(os.urandom(32)))
    stderr = qkms.fails(253, "keystore", "rekey", "--to", "external").stderr
    assert expected in stderr, stderr
    monkeypatch.delenv("QKMS_NEW_MASTER_KEY")


def _blob_key(blob: str) -> str:
    """The key id a qkms blob names (bytes 6..22, DESIGN.md)."""
    import uuid

    return str(uuid.UUID(bytes=unb64(blob)[6:22]))


def _encrypted_under(qkms: Qkms, key: str) -> list[dict[str, Any]]:
    """The Encrypt calls that succeeded on key, from the audit trail."""
    events = qkms.ok("audit", "list", "--key-id", key, "--event-name", "Encrypt")["Events"]
    return [e for e in events if "errorCode" not in e]


# -- aliases -------------------------------------------------------------------------------------


def test_an_alias_repointed_to_the_attackers_key_encrypts_nothing(
    qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = _key(qkms, statement(ALICE, "kms:Encrypt"))
    qkms.ok(*as_(ADMIN, "aliases", "create", "--alias-name", PROD, "--target-key-id", victim))
    blob = qkms.ok(*as_(ALICE, *_encrypt(PROD)))["CiphertextBlob"]
    assert _blob_key(blob) == victim
    # The attacker's key: alice may encrypt with it, bob (the attacker) may decrypt.
    attacker = _key(qkms, statement(ALICE, "kms:Encrypt"), statement(BOB, "kms:Decrypt"))

    assert _sql(home, "UPDATE aliases SET key_id = ? WHERE name = ?", (attacker, PROD)) == 1
    stderr = _refused(qkms, ALICE, *_encrypt(PROD))
    assert (
        f"The alias {PROD} failed authentication: its target key or dates were altered outside "
        "qkms, so it names no key." in stderr
    ), stderr
    assert f"qkms aliases delete --alias-name {PROD}" in stderr, stderr
    _refused(qkms, ALICE, *_encrypt(f"arn:verenc:{ACCOUNT}:{PROD}"))
    assert _encrypted_under(qkms, attacker) == []
    _refused(qkms, ADMIN, "keys", "describe", "--key-id", PROD)
    _refused(qkms, ADMIN, "aliases", "list")
    _refused(qkms, ADMIN, "aliases", "list", "--key-id", attacker)
    _refused(qkms, ADMIN, "aliases", "update", "--alias-name", PROD, "--target-key-id", victim)
    _verify_reports(qkms, f"alias {PROD}: failed authentication")
    _rekey_refused(qkms, monkeypatch, f"The alias {PROD} does not authenticate")

    # The fix the messages name: delete it (removed unread), create it again.
    qkms.ok(*as_(ADMIN, "aliases", "delete", "--alias-name", PROD))
    qkms.ok("keystore", "verify")
    qkms.ok(*as_(ADMIN, "aliases", "create", "--alias-name", PROD, "--target-key-id", victim))
    assert _blob_key(qkms.ok(*as_(ALICE, *_encrypt(PROD)))["CiphertextBlob"]) == victim
    assert _encrypted_under(qkms, attacker) == []


def test_an_alias_updated_by_qkms_keeps_working(qkms: Qkms) -> None:
    first, second = _key(qkms), _key(qkms)
    qkms.ok(*as_(ADMIN, "aliases", "create", "--alias-name", PROD, "--target-key-id", first))
    qkms.ok(*as_(ADMIN, "aliases", "update", "--alias-name", PROD, "--target-key-id", second))
    assert _blob_key(qkms.ok(*as_(ADMIN, *_encrypt(PROD)))["CiphertextBlob"]) == second
    [listed] = qkms.ok(*as_(ADMIN, "aliases", "list", "--key-id", second))["Aliases"]
    assert listed["AliasName"] == PROD
    qkms.ok("keystore", "verify")


def test_a_planted_alias_names_no_key_and_satisfies_no_condition(qkms: Qkms, home: Path) -> None:
    """A new row: with no MAC, or with a genuine alias's MAC copied onto it. Bob may encrypt
    with the key only while it has the alias alias/bob-may (kms:ResourceAliases)."""
    may = "alias/bob-may"
    key = _key(
        qkms,
        statement(BOB, "kms:Encrypt", {"ForAnyValue:StringEquals": {"kms:ResourceAliases": may}}),
    )
    qkms.ok(
        *as_(ADMIN, "aliases", "create", "--alias-name", "alias/genuine", "--target-key-id", key)
    )
    denied(qkms, BOB, "Encrypt", "Encrypt", key, *_encrypt(key))
    blob = qkms.ok(*as_(ADMIN, *_encrypt(key)))["CiphertextBlob"]
    [admins] = _encrypted_under(qkms, key)
    plant = (
        "INSERT INTO aliases (name, key_id, created, updated, mac) "
        "SELECT ?, key_id, created, updated, {mac} FROM aliases WHERE name = 'alias/genuine'"
    )

    assert _sql(home, plant.format(mac="NULL"), (may,)) == 1
    stderr = _refused(qkms, BOB, *_encrypt(key))
    assert f"The alias {may} has no MAC" in stderr, stderr
    _refused(qkms, BOB, *_encrypt(may))
    _refused(qkms, ADMIN, "blob", "inspect", blob)  # it would show the key's aliases
    assert _encrypted_under(qkms, key) == [admins]
    _verify_reports(qkms, f"alias {may}: has no MAC")
    qkms.ok(*as_(ADMIN, "aliases", "delete", "--alias-name", may))
    qkms.ok("keystore", "verify")

    # The genuine alias's MAC copied onto the planted row: it covers the name.
    assert _sql(home, plant.format(mac="mac"), (may,)) == 1
    stderr = _refused(qkms, BOB, *_encrypt(key))
    assert f"The alias {may} failed authentication" in stderr, stderr
    _verify_reports(qkms, f"alias {may}: failed authentication")
    # Every call on the key is refused while it has an alias that fails: its policy asks
    # for them. Deleted, the planted alias takes nothing of the genuine one with it.
    _refused(qkms, ADMIN, "keys", "describe", "--key-id", "alias/genuine")
    qkms.ok(*as_(ADMIN, "aliases", "delete", "--alias-name", may))
    genuine = qkms.ok(*as_(ADMIN, "keys", "describe", "--key-id", "alias/genuine"))
    assert genuine["KeyMetadata"]["KeyId"] == key
    denied(qkms, BOB, "Encrypt", "Encrypt", key, *_encrypt(key))

    # Made by qkms, the alias does what the policy says.
    qkms.ok(*as_(ADMIN, "aliases", "create", "--alias-name", may, "--target-key-id", key))
    qkms.ok(*as_(BOB, *_encrypt(key)))


# -- tags ----------------------------------------------------------------------------------------


def test_an_edited_tag_turns_no_deny_into_an_allow(
    qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob may encrypt while the key is tagged env=dev; alice may, unless it is frozen=yes."""
    key = _key(
        qkms,
        statement(BOB, "kms:Encrypt", {"StringEquals": {"aws:ResourceTag/env": "dev"}}),
        statement(ALICE, "kms:Encrypt"),
        statement(
            ALICE, "kms:Encrypt", {"StringEquals": {"aws:ResourceTag/frozen": "yes"}}, effect="Deny"
        ),
    )
    tags = ("TagKey=env,TagValue=prod", "TagKey=frozen,TagValue=yes")
    qkms.ok(*as_(ADMIN, "keys", "tag", "--key-id", key, "--tags", *tags))
    denied(qkms, BOB, "Encrypt", "Encrypt", key, *_encrypt(key))
    stderr = qkms.fails(254, *as_(ALICE, *_encrypt(key))).stderr
    assert "(AccessDeniedException)" in stderr and "with an explicit deny" in stderr, stderr

    assert _sql(home, "UPDATE tags SET tag_value = 'dev' WHERE tag_key = 'env'") == 1
    stderr = _refused(qkms, BOB, *_encrypt(key))
    assert f"The tag env of key {key} failed authentication" in stderr, stderr
    assert f"qkms keys untag --key-id {key} --tag-keys env" in stderr, stderr
    assert _sql(home, "UPDATE tags SET tag_value = 'no' WHERE tag_key = 'frozen'") == 1
    _refused(qkms, ALICE, *_encrypt(key))
    assert _encrypted_under(qkms, key) == []
    _refused(qkms, ADMIN, "keys", "list-tags", "--key-id", key)
    _verify_reports(
        qkms,
        f"key {key}: its tag env failed authentication",
        f"key {key}: its tag frozen failed authentication",
    )
    _rekey_refused(qkms, monkeypatch, f"of key {key} does not authenticate")

    # The fix the messages name: untag (removed unread) and tag again, or tag over it.
    qkms.ok(*as_(ADMIN, "keys", "untag", "--key-id", key, "--tag-keys", "env"))
    qkms.ok(*as_(ADMIN, "keys", "tag", "--key-id", key, "--tags", "TagKey=frozen,TagValue=yes"))
    qkms.ok("keystore", "verify")
    denied(qkms, BOB, "Encrypt", "Encrypt", key, *_encrypt(key))
    qkms.ok(*as_(ADMIN, "keys", "tag", "--key-id", key, "--tags", "TagKey=env,TagValue=dev"))
    qkms.ok(*as_(BOB, *_encrypt(key)))
    stderr = qkms.fails(254, *as_(ALICE, *_encrypt(key))).stderr
    assert "with an explicit deny" in stderr, stderr


def test_a_tag_moved_or_planted_satisfies_no_condition(qkms: Qkms, home: Path) -> None:
    bob_if_dev = statement(BOB, "kms:Encrypt", {"StringEquals": {"aws:ResourceTag/env": "dev"}})
    key, dev = _key(qkms, bob_if_dev), _key(qkms)
    qkms.ok(*as_(ADMIN, "keys", "tag", "--key-id", dev, "--tags", "TagKey=env,TagValue=dev"))
    denied(qkms, BOB, "Encrypt", "Encrypt", key, *_encrypt(key))

    # Another key's genuine tag, moved (its MAC covers the key id).
    assert _sql(home, "UPDATE tags SET key_id = ? WHERE key_id = ?", (key, dev)) == 1
    _refused(qkms, BOB, *_encrypt(key))
    _verify_reports(qkms, f"key {key}: its tag env failed authentication")
    assert _sql(home, "DELETE FROM tags") == 1

    # A row with no MAC.
    insert = "INSERT INTO tags (key_id, tag_key, tag_value, mac) VALUES (?, 'env', 'dev', ?)"
    assert _sql(home, insert, (key, None)) == 1
    stderr = _refused(qkms, BOB, *_encrypt(key))
    assert f"The tag env of key {key} has no MAC" in stderr, stderr
    _verify_reports(qkms, f"key {key}: its tag env has no MAC")
    assert _encrypted_under(qkms, key) == []


def test_aliases_and_tags_survive_a_rekey(qkms: Qkms, monkeypatch: pytest.MonkeyPatch) -> None:
    key = _key(
        qkms, statement(BOB, "kms:Encrypt", {"StringEquals": {"aws:ResourceTag/env": "dev"}})
    )
    qkms.ok(*as_(ADMIN, "aliases", "create", "--alias-name", PROD, "--target-key-id", key))
    qkms.ok(*as_(ADMIN, "keys", "tag", "--key-id", key, "--tags", "TagKey=env,TagValue=dev"))
    raw = b64(os.urandom(32))
    monkeypatch.setenv("QKMS_NEW_MASTER_KEY", raw)
    qkms.ok("keystore", "rekey", "--to", "external")
    monkeypatch.setenv("QKMS_MASTER_KEY", raw)
    assert _blob_key(qkms.ok(*as_(BOB, *_encrypt(PROD)))["CiphertextBlob"]) == key
    tags = qkms.ok(*as_(ADMIN, "keys", "list-tags", "--key-id", key))["Tags"]
    assert tags == [{"TagKey": "env", "TagValue": "dev"}]
    qkms.ok("keystore", "verify")


# -- a keystore from before aliases and tags carried MACs ----------------------------------------


def _as_before_alias_macs(home: Path) -> None:
    """Turn the keystore into what qkms wrote before the 0007_alias_tag_macs migration."""
    from qkms_cli.store.keystore import Keystore
    from qkms_cli.store.migrations import MIGRATIONS

    before = [name for name, _sql in MIGRATIONS].index("0007_alias_tag_macs")
    store = Keystore.open(home, create=False)
    try:
        with store.write():
            store._exec("ALTER TABLE aliases DROP COLUMN mac")
            store._exec("ALTER TABLE tags DROP COLUMN mac")
            store._db.set_schema_version(before)
    finally:
        store.close()


def test_an_older_keystores_aliases_and_tags_are_sealed_at_the_upgrade(
    qkms: Qkms, home: Path
) -> None:
    key = _key(
        qkms, statement(BOB, "kms:Encrypt", {"StringEquals": {"aws:ResourceTag/env": "dev"}})
    )
    qkms.ok(*as_(ADMIN, "aliases", "create", "--alias-name", PROD, "--target-key-id", key))
    qkms.ok(*as_(ADMIN, "keys", "tag", "--key-id", key, "--tags", "TagKey=env,TagValue=dev"))
    _as_before_alias_macs(home)

    qkms.ok("keystore", "verify")  # upgraded: every alias and tag there has its MAC
    assert _blob_key(qkms.ok(*as_(BOB, *_encrypt(PROD)))["CiphertextBlob"]) == key
    # A row without a MAC after the upgrade is refused, as a planted one.
    assert _sql(home, "UPDATE aliases SET mac = NULL") == 1
    assert "has no MAC" in _refused(qkms, BOB, *_encrypt(PROD))


def test_the_upgrade_needs_the_passphrase_once(
    qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QKMS_MASTER_KEY", raising=False)  # a shared keystore's, in conftest
    monkeypatch.setenv("QKMS_PASSPHRASE", "correct horse battery staple")
    qkms.ok("keystore", "init")
    key = qkms.new_key()
    qkms.ok("aliases", "create", "--alias-name", PROD, "--target-key-id", key)
    _as_before_alias_macs(home)

    monkeypatch.delenv("QKMS_PASSPHRASE")
    stderr = qkms.fails(253, "keys", "list").stderr
    assert "upgrading the keystore MACs those it holds, once" in stderr, stderr
    assert "QKMS_PASSPHRASE" in stderr, stderr
    monkeypatch.setenv("QKMS_PASSPHRASE", "correct horse battery staple")
    assert qkms.ok("keys", "describe", "--key-id", PROD)["KeyMetadata"]["KeyId"] == key
    qkms.ok("keystore", "verify")


# -- under a running server ----------------------------------------------------------------------


@pytest.fixture
def server(qkms: Qkms, home: Path) -> Iterator[Any]:
    """`qkms serve --auth sigv4` on the keystore, and a boto3 client signed as bob."""
    access = qkms.ok("access-keys", "create", "--user-name", "bob")["AccessKey"]
    running = Server(home, "--auth", "sigv4", "--threads", "1")
    assert running.url, running.log
    try:
        yield running.client(
            aws_access_key_id=access["AccessKeyId"],
            aws_secret_access_key=access["SecretAccessKey"],
        )
    finally:
        assert running.stop() == 0, running.log
        assert "Traceback" not in running.log, running.log


def _served_error(call: Any, **request: Any) -> tuple[int, str]:
    with pytest.raises(ClientError) as caught:
        call(**request)
    error = caught.value.response
    return error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"]


def test_aliases_and_tags_edited_under_a_running_server_decide_nothing(
    qkms: Qkms, home: Path, server: Any
) -> None:
    """The server remembers the rows it has checked; an edit is a new row, checked again."""
    bob = server
    victim = _key(qkms, statement(BOB, "kms:Encrypt"))
    attacker = _key(qkms, statement(BOB, ["kms:Encrypt", "kms:Decrypt"]))
    qkms.ok(*as_(ADMIN, "aliases", "create", "--alias-name", PROD, "--target-key-id", victim))
    for _ in range(3):  # the alias is read, checked and remembered
        blob = bob.encrypt(KeyId=PROD, Plaintext=MESSAGE)["CiphertextBlob"]
        assert _blob_key(b64(blob)) == victim

    assert _sql(home, "UPDATE aliases SET key_id = ? WHERE name = ?", (attacker, PROD)) == 1
    unavailable = (400, "KeyUnavailableException")
    assert _served_error(bob.encrypt, KeyId=PROD, Plaintext=MESSAGE) == unavailable
    assert _served_error(bob.describe_key, KeyId=PROD) == unavailable
    assert _encrypted_under(qkms, attacker) == []
    assert _sql(home, "DELETE FROM aliases") == 1
    # An alias planted while the server runs, its MAC made up.
    assert _sql(
        home,
        "INSERT INTO aliases (name, key_id, created, updated, mac) VALUES (?, ?, 0, 0, ?)",
        (PROD, attacker, os.urandom(32)),
    )
    assert _served_error(bob.encrypt, KeyId=PROD, Plaintext=MESSAGE) == unavailable

    # A tag that decides a condition, edited after the server used it.
    key = _key(
        qkms, statement(BOB, "kms:Encrypt", {"StringEquals": {"aws:ResourceTag/env": "dev"}})
    )
    qkms.ok(*as_(ADMIN, "keys", "tag", "--key-id", key, "--tags", "TagKey=env,TagValue=prod"))
    for _ in range(2):
        assert _served_error(bob.encrypt, KeyId=key, Plaintext=MESSAGE) == (
            400,
            "AccessDeniedException",
        )
    assert _sql(home, "UPDATE tags SET tag_value = 'dev' WHERE key_id = ?", (key,)) == 1
    assert _served_error(bob.encrypt, KeyId=key, Plaintext=MESSAGE) == unavailable
    assert _encrypted_under(qkms, key) == []
