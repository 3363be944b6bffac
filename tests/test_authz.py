"""Key policies and grants enforced on every call, through the command line (--principal)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ACCOUNT, Qkms, arn, b64

ADMIN = f"arn:verenc:iam::{ACCOUNT}:user/admin"
ALICE = f"arn:verenc:iam::{ACCOUNT}:user/alice"
BOB = f"arn:verenc:iam::{ACCOUNT}:user/bob"


def as_(principal: str, *args: str) -> tuple[str, ...]:
    return ("--principal", principal, *args)


def denied(qkms: Qkms, principal: str, op: str, action: str, key: str, *args: str) -> None:
    result = qkms.fails(254, *as_(principal, *args))
    assert result.stderr == (
        f"An error occurred (AccessDeniedException) when calling the {op} operation: "
        f"User: {principal} is not authorized to perform: kms:{action} on resource: {arn(key)} "
        f"because no resource-based policy allows the kms:{action} action\n"
    )


def statement(principal: str, actions: Any, condition: dict[str, Any] | None = None, **kw: Any):
    found = {"Effect": kw.get("effect", "Allow"), "Principal": {"AWS": principal}}
    found.update({"Action": actions, "Resource": "*"})
    if condition:
        found["Condition"] = condition
    return found


def policy_of(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ADMIN_ALL = statement(ADMIN, "kms:*")
ALICE_DECRYPTS_TEST = statement(
    ALICE, "kms:Decrypt", {"StringEquals": {"kms:EncryptionContext:Purpose": "Test"}}
)


@pytest.fixture
def key(qkms: Qkms) -> str:
    """A key whose policy lets admin do everything and alice Decrypt with Purpose=Test only."""
    return qkms.ok(
        *as_(ADMIN, "keys", "create", "--policy", policy_of(ADMIN_ALL, ALICE_DECRYPTS_TEST))
    )["KeyMetadata"]["KeyId"]


def sealed(qkms: Qkms, key: str, context: str | None = "Purpose=Test") -> str:
    args = ["encrypt", "--key-id", key, "--plaintext", b64(b"for alice")]
    if context:
        args += ["--encryption-context", context]
    return qkms.ok(*as_(ADMIN, *args))["CiphertextBlob"]


def test_alice_decrypts_with_purpose_test_and_does_nothing_else(qkms: Qkms, key: str) -> None:
    blob = sealed(qkms, key)
    plain = qkms.ok(
        *as_(ALICE, "decrypt", "--ciphertext-blob", blob, "--encryption-context", "Purpose=Test")
    )
    assert plain["Plaintext"] == b64(b"for alice")
    other = sealed(qkms, key, "Purpose=Prod")
    decrypt_other = ("decrypt", "--ciphertext-blob", other, "--encryption-context", "Purpose=Prod")
    denied(qkms, ALICE, "Decrypt", "Decrypt", key, *decrypt_other)
    denied(
        qkms,
        ALICE,
        "Decrypt",
        "Decrypt",
        key,
        "decrypt",
        "--ciphertext-blob",
        sealed(qkms, key, None),
    )
    denied(
        qkms, ALICE, "Encrypt", "Encrypt", key, "encrypt", "--key-id", key, "--plaintext", b64(b"x")
    )
    denied(qkms, ALICE, "DescribeKey", "DescribeKey", key, "keys", "describe", "--key-id", key)
    denied(
        qkms,
        ALICE,
        "GenerateDataKeyPair",
        "GenerateDataKeyPair",
        key,
        "generate-data-key-pair",
        "--key-id",
        key,
        "--key-pair-spec",
        "ECC_NIST_P256",
        "--encryption-context",
        "Purpose=Test",
    )
    denied(
        qkms,
        ALICE,
        "PutKeyPolicy",
        "PutKeyPolicy",
        key,
        "keys",
        "put-policy",
        "--key-id",
        key,
        "--policy",
        policy_of(statement(ALICE, "kms:*")),
    )


def test_bob_is_denied_everything(qkms: Qkms, key: str) -> None:
    blob = sealed(qkms, key)
    denied(
        qkms,
        BOB,
        "Decrypt",
        "Decrypt",
        key,
        "decrypt",
        "--ciphertext-blob",
        blob,
        "--encryption-context",
        "Purpose=Test",
    )
    denied(qkms, BOB, "DescribeKey", "DescribeKey", key, "keys", "describe", "--key-id", key)
    denied(
        qkms, BOB, "Encrypt", "Encrypt", key, "encrypt", "--key-id", key, "--plaintext", b64(b"x")
    )
    denied(qkms, BOB, "GetKeyPolicy", "GetKeyPolicy", key, "keys", "get-policy", "--key-id", key)
    denied(qkms, BOB, "ListGrants", "ListGrants", key, "grants", "list", "--key-id", key)
    denied(qkms, BOB, "DisableKey", "DisableKey", key, "keys", "disable", "--key-id", key)
    denied(
        qkms,
        BOB,
        "ReEncrypt",
        "ReEncryptFrom",
        key,
        "re-encrypt",
        "--ciphertext-blob",
        blob,
        "--source-encryption-context",
        "Purpose=Test",
        "--destination-key-id",
        key,
    )
    # The account's root is bound by the key policy too: it names only admin and alice.
    result = qkms.fails(254, "keys", "describe", "--key-id", key)
    assert f"User: arn:verenc:iam::{ACCOUNT}:root is not authorized" in result.stderr
    # Account-level actions need no key policy.
    assert key in [k["KeyId"] for k in qkms.ok(*as_(BOB, "keys", "list"))["Keys"]]
    qkms.ok(*as_(BOB, "generate-random", "--number-of-bytes", "8"))


def test_the_default_policy_lets_every_principal_of_the_account(qkms: Qkms) -> None:
    key = qkms.new_key()
    blob = qkms.ok(*as_(BOB, "encrypt", "--key-id", key, "--plaintext", b64(b"x")))[
        "CiphertextBlob"
    ]
    assert qkms.ok(*as_(ALICE, "decrypt", "--ciphertext-blob", blob))["Plaintext"] == b64(b"x")
    document = json.loads(qkms.ok("keys", "get-policy", "--key-id", key)["Policy"])
    assert document["Statement"] == [
        {
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:verenc:iam::{ACCOUNT}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    assert qkms.ok("keys", "list-policies", "--key-id", key)["PolicyNames"] == ["default"]
    other = "arn:verenc:iam::444455556666:user/mallory"
    result = qkms.fails(254, *as_(other, "keys", "describe", "--key-id", key))
    assert "AccessDeniedException" in result.stderr


def test_an_explicit_deny_beats_an_allow_and_a_grant(qkms: Qkms, key: str) -> None:
    grant = qkms.ok(
        *as_(
            ADMIN,
            "grants",
            "create",
            "--key-id",
            key,
            "--grantee-principal",
            BOB,
            "--operations",
            "Encrypt",
        )
    )
    qkms.ok(
        *as_(
            BOB,
            "encrypt",
            "--key-id",
            key,
            "--plaintext",
            b64(b"x"),
            "--grant-tokens",
            grant["GrantToken"],
        )
    )
    deny_bob = statement(BOB, "kms:Encrypt", effect="Deny")
    deny_everyone = {"Effect": "Deny", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*"}
    qkms.ok(
        *as_(
            ADMIN,
            "keys",
            "put-policy",
            "--key-id",
            key,
            "--policy",
            policy_of(ADMIN_ALL, ALICE_DECRYPTS_TEST, deny_bob),
        )
    )
    result = qkms.fails(
        254,
        *as_(
            BOB,
            "encrypt",
            "--key-id",
            key,
            "--plaintext",
            b64(b"x"),
            "--grant-tokens",
            grant["GrantToken"],
        ),
    )
    assert result.stderr == (
        "An error occurred (AccessDeniedException) when calling the Encrypt operation: "
        f"User: {BOB} is not authorized to perform: kms:Encrypt on resource: {arn(key)} "
        "with an explicit deny in a resource-based policy\n"
    )
    qkms.ok(
        *as_(
            ADMIN,
            "keys",
            "put-policy",
            "--key-id",
            key,
            "--policy",
            policy_of(ADMIN_ALL, deny_everyone),
        )
    )
    qkms.fails(254, *as_(ADMIN, "encrypt", "--key-id", key, "--plaintext", b64(b"x")))


def test_a_grant_works_at_once_and_stops_when_retired_or_revoked(qkms: Qkms, key: str) -> None:
    pair = ("generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256")
    denied(qkms, BOB, "GenerateDataKeyPair", "GenerateDataKeyPair", key, *pair)
    grant = qkms.ok(
        *as_(
            ADMIN,
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
            "--name",
            "bob-pairs",
        )
    )
    assert qkms.ok(*as_(BOB, *pair, "--grant-tokens", grant["GrantToken"]))["KeyPairSpec"] == (
        "ECC_NIST_P256"
    )
    again = qkms.ok(
        *as_(
            ADMIN,
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
            "--name",
            "bob-pairs",
        )
    )
    assert again["GrantId"] == grant["GrantId"]  # idempotent by name
    listed = qkms.ok(*as_(ADMIN, "grants", "list", "--key-id", key))["Grants"]
    assert [g["GrantId"] for g in listed] == [grant["GrantId"]]
    assert listed[0]["GranteePrincipal"] == BOB and listed[0]["Operations"] == [
        "GenerateDataKeyPair"
    ]
    assert listed[0]["IssuingAccount"] == f"arn:verenc:iam::{ACCOUNT}:root"
    retirable = qkms.ok("grants", "list-retirable", "--retiring-principal", BOB)["Grants"]
    assert [g["GrantId"] for g in retirable] == [grant["GrantId"]]
    # alice is neither grantee nor retiring principal
    result = qkms.fails(254, *as_(ALICE, "grants", "retire", "--grant-token", grant["GrantToken"]))
    assert "AccessDeniedException" in result.stderr
    qkms.ok(*as_(BOB, "grants", "retire", "--grant-token", grant["GrantToken"]))
    denied(
        qkms,
        BOB,
        "GenerateDataKeyPair",
        "GenerateDataKeyPair",
        key,
        *pair,
        "--grant-tokens",
        grant["GrantToken"],
    )
    revoked = qkms.ok(
        *as_(
            ADMIN,
            "grants",
            "create",
            "--key-id",
            key,
            "--grantee-principal",
            BOB,
            "--operations",
            "GenerateDataKeyPair",
        )
    )
    qkms.ok(*as_(BOB, *pair, "--grant-tokens", revoked["GrantToken"]))
    qkms.ok(*as_(ADMIN, "grants", "revoke", "--key-id", key, "--grant-id", revoked["GrantId"]))
    denied(qkms, BOB, "GenerateDataKeyPair", "GenerateDataKeyPair", key, *pair)
    assert qkms.ok(*as_(ADMIN, "grants", "list", "--key-id", key))["Grants"] == []


def test_grant_constraints_and_bad_tokens(qkms: Qkms, key: str) -> None:
    grant = qkms.ok(
        *as_(
            ADMIN,
            "grants",
            "create",
            "--key-id",
            key,
            "--grantee-principal",
            BOB,
            "--operations",
            "Encrypt",
            "Decrypt",
            "--constraints",
            '{"EncryptionContextSubset": {"Team": "blue"}}',
        )
    )
    args = ("encrypt", "--key-id", key, "--plaintext", b64(b"x"))
    qkms.ok(*as_(BOB, *args, "--encryption-context", "Team=blue,Env=ci"))
    denied(qkms, BOB, "Encrypt", "Encrypt", key, *args, "--encryption-context", "Team=red")
    denied(qkms, BOB, "Encrypt", "Encrypt", key, *args)
    for token in ("not-a-token", grant["GrantToken"][:-4] + "AAAA" + "x"):
        result = qkms.fails(254, *as_(BOB, *args, "--grant-tokens", token))
        assert "(InvalidGrantTokenException)" in result.stderr


def test_a_foreign_grant_token_is_refused(qkms: Qkms, key: str, tmp_path: Path) -> None:
    other_home = str(tmp_path / "other")
    other_key = qkms.ok("--home", other_home, "keys", "create")["KeyMetadata"]["KeyId"]
    token = qkms.ok(
        "--home",
        other_home,
        "grants",
        "create",
        "--key-id",
        other_key,
        "--grantee-principal",
        BOB,
        "--operations",
        "Encrypt",
    )["GrantToken"]
    result = qkms.fails(
        254,
        *as_(ADMIN, "encrypt", "--key-id", key, "--plaintext", b64(b"x"), "--grant-tokens", token),
    )
    assert result.stderr.endswith(
        "(InvalidGrantTokenException) when calling the Encrypt operation: The grant token is not "
        "valid: it was issued by another keystore.\n"
    )


def test_data_key_pair_spec_condition_limits_bob_to_p256(qkms: Qkms, key: str) -> None:
    bob_p256 = statement(
        BOB,
        ["kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext"],
        {"StringEquals": {"kms:DataKeyPairSpec": "ECC_NIST_P256"}},
    )
    qkms.ok(
        *as_(
            ADMIN, "keys", "put-policy", "--key-id", key, "--policy", policy_of(ADMIN_ALL, bob_p256)
        )
    )
    base = ("generate-data-key-pair", "--key-id", key, "--key-pair-spec")
    assert qkms.ok(*as_(BOB, *base, "ECC_NIST_P256"))["KeyPairSpec"] == "ECC_NIST_P256"
    for spec in ("ECC_NIST_P384", "RSA_2048", "ECC_NIST_EDWARDS25519"):
        denied(qkms, BOB, "GenerateDataKeyPair", "GenerateDataKeyPair", key, *base, spec)
    without = ("generate-data-key-pair-without-plaintext", "--key-id", key, "--key-pair-spec")
    qkms.ok(*as_(BOB, *without, "ECC_NIST_P256"))
    denied(
        qkms,
        BOB,
        "GenerateDataKeyPairWithoutPlaintext",
        "GenerateDataKeyPairWithoutPlaintext",
        key,
        *without,
        "RSA_2048",
    )


def test_the_lockout_safety_check(qkms: Qkms, key: str, tmp_path: Path) -> None:
    lockout = "The new key policy will not allow you to update the key policy in the future."
    only_alice = policy_of(statement(ALICE, "kms:*"))
    result = qkms.fails(
        254, *as_(ADMIN, "keys", "put-policy", "--key-id", key, "--policy", only_alice)
    )
    assert result.stderr == (
        "An error occurred (MalformedPolicyDocumentException) when calling the PutKeyPolicy "
        f"operation: {lockout}\n"
    )
    result = qkms.fails(254, "keys", "create", "--policy", only_alice)
    assert lockout in result.stderr
    assert qkms.ok("keys", "list")["Keys"] == [{"KeyId": key, "KeyArn": arn(key)}]
    # A policy file, as aws-cli reads one; the admin keeps PutKeyPolicy, so it is accepted.
    (tmp_path / "policy.json").write_text(policy_of(ADMIN_ALL, statement(ALICE, "kms:Encrypt")))
    qkms.ok(
        *as_(
            ADMIN,
            "keys",
            "put-policy",
            "--key-id",
            key,
            "--policy",
            f"file://{tmp_path / 'policy.json'}",
        )
    )
    assert json.loads(qkms.ok(*as_(ADMIN, "keys", "get-policy", "--key-id", key))["Policy"])[
        "Statement"
    ][1] == statement(ALICE, "kms:Encrypt")
    # Bypassed, the caller locks itself out, as AWS allows.
    qkms.ok(
        *as_(
            ADMIN,
            "keys",
            "put-policy",
            "--key-id",
            key,
            "--policy",
            only_alice,
            "--bypass-policy-lockout-safety-check",
        )
    )
    denied(qkms, ADMIN, "GetKeyPolicy", "GetKeyPolicy", key, "keys", "get-policy", "--key-id", key)
    result = qkms.fails(254, "keys", "put-policy", "--key-id", key, "--policy", "{not json")
    assert "(AccessDeniedException)" in result.stderr  # authorization comes first
    result = qkms.fails(254, *as_(ALICE, "keys", "put-policy", "--key-id", key, "--policy", "{"))
    assert "(MalformedPolicyDocumentException)" in result.stderr
    assert "not valid JSON" in result.stderr


def test_a_bad_principal_is_a_usage_error(qkms: Qkms) -> None:
    qkms.new_key()
    result = qkms.fails(252, "--principal", "bob", "keys", "list")
    assert "Invalid principal 'bob'" in result.stderr


def test_principal_from_the_environment(
    qkms: Qkms, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QKMS_PRINCIPAL", BOB)
    denied(qkms, BOB, "DescribeKey", "DescribeKey", key, "keys", "describe", "--key-id", key)
    qkms.ok("--principal", ADMIN, "keys", "describe", "--key-id", key)
