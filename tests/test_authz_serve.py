"""Key policies, grants and the audit trail through boto3 against `qkms serve --auth sigv4`.

Two users with their own access keys, alice and bob, call the server; the key's administrator
works on the same keystore through the command line (`--principal .../user/admin`).
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.serving import Server

ACCOUNT = "111122223333"
ADMIN = f"arn:verenc:iam::{ACCOUNT}:user/admin"
ALICE = f"arn:verenc:iam::{ACCOUNT}:user/alice"
BOB = f"arn:verenc:iam::{ACCOUNT}:user/bob"


def cli(home: Path, *args: str) -> Any:
    result = subprocess.run(
        [sys.executable, "-m", "qkms_cli", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


def admin(home: Path, *args: str) -> Any:
    return cli(home, "--principal", ADMIN, *args)


class World:
    def __init__(self, home: Path, server: Server, keys: dict[str, dict[str, str]]) -> None:
        self.home = home
        self.server = server
        self.keys = keys

    def client(self, user: str) -> Any:
        key = self.keys[user]
        return self.server.client(
            aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
        )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    home = tmp_path_factory.mktemp("authz-serve") / "home"
    keys = {
        user: cli(home, "access-keys", "create", "--user-name", user)["AccessKey"]
        for user in ("alice", "bob")
    }
    server = Server(home, "--auth", "sigv4")
    assert server.url, server.log
    yield World(home, server, keys)
    assert server.stop() == 0, server.log
    assert "Traceback" not in server.log, server.log


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal: str, actions: Any, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": principal}}
    found.update({"Action": actions, "Resource": "*"})
    if condition:
        found["Condition"] = condition
    return found


ADMIN_ALL = allow(ADMIN, "kms:*")
ALICE_TEST = allow(
    ALICE, "kms:Decrypt", {"StringEquals": {"kms:EncryptionContext:Purpose": "Test"}}
)


def new_key(world: World, *statements: dict[str, Any]) -> str:
    document = policy(ADMIN_ALL, *statements)
    return admin(world.home, "keys", "create", "--policy", document)["KeyMetadata"]["KeyId"]


def refused(call: Any, code: str, **request: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**request)
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"]["Code"] == code, error
    return str(error["Error"]["Message"])


def no_policy_allows(user: str, action: str, key: str) -> str:
    return (
        f"User: {user} is not authorized to perform: kms:{action} on resource: "
        f"arn:verenc:{ACCOUNT}:key/{key} because no resource-based policy allows the kms:{action} "
        "action"
    )


def test_alice_decrypts_with_purpose_test_only_and_bob_nothing(world: World) -> None:
    key = new_key(world, ALICE_TEST)
    sealed = admin(
        world.home,
        "encrypt",
        "--key-id",
        key,
        "--plaintext",
        base64.b64encode(b"for alice").decode(),
        "--encryption-context",
        "Purpose=Test",
    )["CiphertextBlob"]
    blob = base64.b64decode(sealed)
    alice, bob = world.client("alice"), world.client("bob")
    answer = alice.decrypt(CiphertextBlob=blob, EncryptionContext={"Purpose": "Test"})
    assert answer["Plaintext"] == b"for alice"
    assert refused(alice.decrypt, "AccessDeniedException", CiphertextBlob=blob) == (
        no_policy_allows(ALICE, "Decrypt", key)
    )
    refused(alice.encrypt, "AccessDeniedException", KeyId=key, Plaintext=b"x")
    refused(alice.describe_key, "AccessDeniedException", KeyId=key)
    refused(
        alice.generate_data_key,
        "AccessDeniedException",
        KeyId=key,
        KeySpec="AES_256",
        EncryptionContext={"Purpose": "Test"},
    )
    refused(
        alice.create_grant,
        "AccessDeniedException",
        KeyId=key,
        GranteePrincipal=ALICE,
        Operations=["Encrypt"],
    )
    for call, request in (
        (bob.decrypt, {"CiphertextBlob": blob, "EncryptionContext": {"Purpose": "Test"}}),
        (bob.describe_key, {"KeyId": key}),
        (bob.encrypt, {"KeyId": key, "Plaintext": b"x"}),
        (bob.generate_data_key_pair, {"KeyId": key, "KeyPairSpec": "ECC_NIST_P256"}),
        (bob.get_key_policy, {"KeyId": key, "PolicyName": "default"}),
        (bob.list_grants, {"KeyId": key}),
        (bob.disable_key, {"KeyId": key}),
    ):
        assert refused(call, "AccessDeniedException", **request).startswith(
            f"User: {BOB} is not authorized to perform: kms:"
        )
    # Account-level actions are every account principal's (qkms has no IAM).
    assert key in [k["KeyId"] for k in bob.list_keys(Limit=1000)["Keys"]]


def test_explicit_deny_beats_an_allow_and_a_grant(world: World) -> None:
    key = new_key(world, allow(BOB, "kms:Encrypt"))
    bob = world.client("bob")
    token = admin(
        world.home,
        "grants",
        "create",
        "--key-id",
        key,
        "--grantee-principal",
        BOB,
        "--operations",
        "Encrypt",
    )["GrantToken"]
    bob.encrypt(KeyId=key, Plaintext=b"x", GrantTokens=[token])
    deny = {"Effect": "Deny", "Principal": {"AWS": BOB}, "Action": "kms:Encrypt", "Resource": "*"}
    admin(
        world.home,
        "keys",
        "put-policy",
        "--key-id",
        key,
        "--policy",
        policy(ADMIN_ALL, allow(BOB, "kms:Encrypt"), deny),
    )
    message = refused(
        bob.encrypt, "AccessDeniedException", KeyId=key, Plaintext=b"x", GrantTokens=[token]
    )
    assert message.endswith("with an explicit deny in a resource-based policy")


def test_a_grant_lets_bob_make_pairs_at_once_until_retired_or_revoked(world: World) -> None:
    key = new_key(world)
    bob = world.client("bob")
    refused(
        bob.generate_data_key_pair, "AccessDeniedException", KeyId=key, KeyPairSpec="ECC_NIST_P256"
    )
    grant = admin(
        world.home,
        "grants",
        "create",
        "--key-id",
        key,
        "--grantee-principal",
        BOB,
        "--retiring-principal",
        BOB,
        "--operations",
        "GenerateDataKeyPair",
    )
    pair = bob.generate_data_key_pair(
        KeyId=key, KeyPairSpec="ECC_NIST_P256", GrantTokens=[grant["GrantToken"]]
    )
    assert pair["KeyPairSpec"] == "ECC_NIST_P256"
    assert [g["GrantId"] for g in bob.list_retirable_grants(RetiringPrincipal=BOB)["Grants"]] == [
        grant["GrantId"]
    ]
    bob.retire_grant(GrantToken=grant["GrantToken"])
    refused(
        bob.generate_data_key_pair,
        "AccessDeniedException",
        KeyId=key,
        KeyPairSpec="ECC_NIST_P256",
        GrantTokens=[grant["GrantToken"]],
    )
    again = admin(
        world.home,
        "grants",
        "create",
        "--key-id",
        key,
        "--grantee-principal",
        BOB,
        "--operations",
        "GenerateDataKeyPair",
    )
    bob.generate_data_key_pair(KeyId=key, KeyPairSpec="RSA_2048", GrantTokens=[again["GrantToken"]])
    admin(world.home, "grants", "revoke", "--key-id", key, "--grant-id", again["GrantId"])
    refused(
        bob.generate_data_key_pair, "AccessDeniedException", KeyId=key, KeyPairSpec="ECC_NIST_P256"
    )
    assert refused(
        bob.encrypt, "InvalidGrantTokenException", KeyId=key, Plaintext=b"x", GrantTokens=["forged"]
    ).startswith("The grant token is not valid")


def test_a_pair_spec_condition_limits_bob_to_p256(world: World) -> None:
    key = new_key(
        world,
        allow(
            BOB,
            "kms:GenerateDataKeyPair*",
            {"StringEquals": {"kms:DataKeyPairSpec": "ECC_NIST_P256"}},
        ),
    )
    bob = world.client("bob")
    assert bob.generate_data_key_pair(KeyId=key, KeyPairSpec="ECC_NIST_P256")["PublicKey"]
    for spec in ("ECC_NIST_P384", "RSA_2048"):
        refused(bob.generate_data_key_pair, "AccessDeniedException", KeyId=key, KeyPairSpec=spec)
    refused(
        bob.generate_data_key_pair_without_plaintext,
        "AccessDeniedException",
        KeyId=key,
        KeyPairSpec="RSA_3072",
    )


def test_the_lockout_safety_check(world: World) -> None:
    alice = world.client("alice")
    lockout = "The new key policy will not allow you to update the key policy in the future."
    only_bob = policy(allow(BOB, "kms:*"))
    assert refused(alice.create_key, "MalformedPolicyDocumentException", Policy=only_bob) == lockout
    key = alice.create_key(Policy=policy(allow(ALICE, "kms:*")))["KeyMetadata"]["KeyId"]
    assert (
        refused(
            alice.put_key_policy,
            "MalformedPolicyDocumentException",
            KeyId=key,
            PolicyName="default",
            Policy=only_bob,
        )
        == lockout
    )
    alice.put_key_policy(
        KeyId=key, PolicyName="default", Policy=only_bob, BypassPolicyLockoutSafetyCheck=True
    )
    refused(alice.describe_key, "AccessDeniedException", KeyId=key)
    world.client("bob").describe_key(KeyId=key)
    refused(world.client("bob").list_key_policies, "NotFoundException", KeyId="alias/none")


def test_the_trail_has_every_call_with_its_user_and_outcome(world: World) -> None:
    alice, bob = world.client("alice"), world.client("bob")
    key = new_key(world, allow(ALICE, ["kms:Encrypt", "kms:GenerateDataKey"]))
    data_key = alice.generate_data_key(KeyId=key, KeySpec="AES_256")
    sealed = alice.encrypt(KeyId=key, Plaintext=b"a secret for the trail")["CiphertextBlob"]
    refused(bob.encrypt, "AccessDeniedException", KeyId=key, Plaintext=b"bob's secret")
    trail = [
        json.loads(line)
        for line in subprocess.run(
            [
                sys.executable,
                "-m",
                "qkms_cli",
                "--home",
                str(world.home),
                "audit",
                "export",
                "--key-id",
                key,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    ]
    calls = [(e["eventName"], e["userIdentity"]["arn"], e.get("errorCode")) for e in trail]
    assert calls == [
        ("CreateKey", ADMIN, None),
        ("GenerateDataKey", ALICE, None),
        ("Encrypt", ALICE, None),
        ("Encrypt", BOB, "AccessDeniedException"),
    ]
    served = trail[1:]
    assert {e["userIdentity"]["accessKeyId"] for e in served[:2]} == {
        world.keys["alice"]["AccessKeyId"]
    }
    assert served[2]["userIdentity"]["accessKeyId"] == world.keys["bob"]["AccessKeyId"]
    assert all(e["sourceIPAddress"] == "127.0.0.1" for e in served)
    assert all(e["userAgent"].startswith("Boto3/") for e in served)
    text = "\n".join(json.dumps(e) for e in trail)
    for secret in (
        data_key["Plaintext"],
        data_key["CiphertextBlob"],
        sealed,
        b"a secret for the trail",
        b"bob's secret",
        world.keys["alice"]["SecretAccessKey"].encode(),
    ):
        for form in (secret.hex(), base64.b64encode(secret).decode(), secret.decode("latin-1")):
            assert form not in text
    cli(world.home, "audit", "verify")
