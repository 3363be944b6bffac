"""The key policy evaluator, against the examples of AWS's KMS developer guide.

Each case is a policy statement from the guide's "AWS KMS condition keys" and "Default key policy"
pages (the principal ARNs and values as printed there), a request, and what AWS decides: "Allow",
"Deny" (explicit) or None (no statement applies: an implicit deny).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest

from qkms_cli.errors import LimitExceededException, MalformedPolicyDocumentException
from qkms_cli.service import policy

ACCOUNT = "111122223333"
KEY = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
EXAMPLE_USER = "arn:aws:iam::111122223333:user/ExampleUser"
EXAMPLE_ROLE = "arn:aws:iam::111122223333:role/ExampleRole"
APP_ROLE = "arn:aws:iam::111122223333:role/RoleForExampleApp"
ALICE = "arn:aws:iam::712816755609:user/alice"


def stmt(principal: str | None, action: Any, condition: dict[str, Any] | None = None, **extra: Any):
    statement: dict[str, Any] = {
        "Effect": extra.pop("effect", "Allow"),
        "Principal": "*" if principal is None else {"AWS": principal},
        "Action": action,
        "Resource": extra.pop("resource", "*"),
    }
    if condition is not None:
        statement["Condition"] = condition
    statement.update(extra)
    return statement


def ec(context: dict[str, str]) -> dict[str, Any]:
    """The condition keys of a request's encryption context, as authz builds them."""
    keys: dict[str, Any] = {f"kms:encryptioncontext:{k.lower()}": v for k, v in context.items()}
    if context:
        keys["kms:encryptioncontextkeys"] = list(context)
    return keys


def decide(
    statements: list[dict[str, Any]],
    principal: str,
    action: str,
    context: dict[str, Any] | None = None,
    *,
    account: str = ACCOUNT,
    resource: str = KEY,
) -> str | None:
    document = policy.parse(json.dumps({"Version": "2012-10-17", "Statement": statements}))
    base: dict[str, Any] = {"aws:principalarn": principal, "kms:calleraccount": account}
    if ":user/" in principal:
        base["aws:username"] = principal.rsplit("/", 1)[1]
    base.update(context or {})
    return policy.evaluate(
        document, policy.Request(principal, account, f"kms:{action}", resource, base)
    )


DATA_KEY_PAIR_SPEC = stmt(
    EXAMPLE_USER,
    ["kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext"],
    {"StringLike": {"kms:DataKeyPairSpec": "RSA*"}},
)
ONE_ALGORITHM = stmt(
    EXAMPLE_ROLE,
    ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*"],
    {"StringNotEquals": {"kms:EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}},
    effect="Deny",
)
APP_NAME = stmt(
    APP_ROLE,
    "kms:GenerateDataKey",
    {"StringEquals": {"kms:EncryptionContext:AppName": "ExampleApp"}},
)
ONLY_APP_NAME = stmt(
    ALICE,
    "kms:GenerateDataKey",
    {
        "StringEquals": {"kms:EncryptionContext:AppName": "ExampleApp"},
        "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["AppName"]},
    },
)
DENY_RESTRICTED = stmt(
    APP_ROLE,
    "kms:GenerateDataKey",
    {"StringEquals": {"kms:EncryptionContext:Stage": "Restricted"}},
    effect="Deny",
)
TWO_PAIRS = stmt(
    APP_ROLE,
    "kms:Decrypt",
    {
        "StringEquals": {
            "kms:EncryptionContext:Department": "IT",
            "kms:EncryptionContext:Project": "Alpha",
        }
    },
)
EITHER_PAIR = [
    stmt(
        APP_ROLE,
        "kms:GenerateDataKey",
        {"StringEquals": {"kms:EncryptionContext:Department": "IT"}},
    ),
    stmt(
        APP_ROLE,
        "kms:GenerateDataKey",
        {"StringEquals": {"kms:EncryptionContext:Project": "Alpha"}},
    ),
]
DENY_STAGES = stmt(
    APP_ROLE,
    "kms:GenerateDataKey",
    {"StringEquals": {"kms:EncryptionContext:Stage": ["Restricted", "Production"]}},
    effect="Deny",
)
ANY_CASE_KEY = stmt(
    APP_ROLE, "kms:Decrypt", {"StringEquals": {"kms:EncryptionContext:Appname": "ExampleApp"}}
)
HAS_APP_NAME_KEY = stmt(
    APP_ROLE,
    ["kms:Encrypt", "kms:GenerateDataKey*"],
    {"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": "AppName"}},
)
SOME_CONTEXT = stmt(
    APP_ROLE,
    ["kms:Encrypt", "kms:GenerateDataKey*"],
    {"Null": {"kms:EncryptionContextKeys": False}},
)
USER_VARIABLE = stmt(
    "arn:aws:iam::111122223333:user/bob",
    ["kms:Decrypt", "kms:Encrypt"],
    {"StringEquals": {"kms:EncryptionContext:user": "${aws:username}"}},
)
GRANT_OPERATIONS = stmt(
    EXAMPLE_USER,
    "kms:CreateGrant",
    {"ForAllValues:StringEquals": {"kms:GrantOperations": ["Encrypt", "ReEncryptTo"]}},
)
ANY_GRANT_OPERATION = stmt(
    EXAMPLE_USER,
    "kms:CreateGrant",
    {"ForAnyValue:StringEquals": {"kms:GrantOperations": ["Encrypt", "ReEncryptTo"]}},
)
GRANTEE = stmt(
    EXAMPLE_USER,
    "kms:CreateGrant",
    {"StringEquals": {"kms:GranteePrincipal": "arn:aws:iam::111122223333:role/LimitedAdminRole"}},
)
CONSTRAINT_TYPE = stmt(
    EXAMPLE_USER,
    "kms:CreateGrant",
    {"StringEquals": {"kms:GrantConstraintType": "EncryptionContextEquals"}},
)
EBS_CALLER_ACCOUNT = stmt(
    None,
    ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant"],
    {
        "StringEquals": {
            "kms:CallerAccount": "111122223333",
            "kms:ViaService": "ec2.us-west-2.amazonaws.com",
        }
    },
)
CALLER_ACCOUNT = stmt(None, "kms:Decrypt", {"StringEquals": {"kms:CallerAccount": "111122223333"}})
NO_BYPASS = stmt(
    EXAMPLE_USER, "kms:PutKeyPolicy", {"Null": {"kms:BypassPolicyLockoutSafetyCheck": True}}
)
DENY_BYPASS = stmt(
    EXAMPLE_USER,
    ["kms:CreateKey", "kms:PutKeyPolicy"],
    {"Bool": {"kms:BypassPolicyLockoutSafetyCheck": True}},
    effect="Deny",
)
DESCRIBE_SYMMETRIC = stmt(
    "arn:aws:iam::111122223333:user/Alice",
    "kms:DescribeKey",
    {"StringEquals": {"kms:KeySpec": "SYMMETRIC_DEFAULT"}},
)
SIGN_RAW = stmt(EXAMPLE_USER, "kms:Sign", {"StringEquals": {"kms:MessageType": "RAW"}})
MAC_384_OR_512 = [
    stmt(
        "arn:aws:iam::111122223333:role/testers",
        ["kms:GenerateMac", "kms:VerifyMac"],
        {"StringEquals": {"kms:MacAlgorithm": alg}},
    )
    for alg in ("HMAC_SHA_384", "HMAC_SHA_512")
]
SAME_KEY = stmt(EXAMPLE_USER, "kms:ReEncrypt*", {"Bool": {"kms:ReEncryptOnSameKey": True}})
REQUEST_ALIAS = stmt(
    "arn:aws:iam::111122223333:role/developer",
    "kms:GenerateDataKey",
    {"StringEquals": {"kms:RequestAlias": "alias/finance-key"}},
)
DEFAULT = json.loads(policy.default_policy("aws", ACCOUNT))["Statement"]
KEYS_IN_ACCOUNT = stmt(
    None,
    ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:DescribeKey"],
    {"StringEquals": {"kms:KeySpec": "SYMMETRIC_DEFAULT"}},
    resource="arn:aws:kms:us-west-2:111122223333:key/*",
)

CASES: list[tuple[str, list[dict[str, Any]], str, str, dict[str, Any], str | None]] = [
    # kms:DataKeyPairSpec: "generate only RSA data key pairs"
    (
        "pair spec RSA",
        [DATA_KEY_PAIR_SPEC],
        EXAMPLE_USER,
        "GenerateDataKeyPair",
        {"kms:datakeypairspec": "RSA_2048"},
        "Allow",
    ),
    (
        "pair spec ECC",
        [DATA_KEY_PAIR_SPEC],
        EXAMPLE_USER,
        "GenerateDataKeyPair",
        {"kms:datakeypairspec": "ECC_NIST_P256"},
        None,
    ),
    (
        "pair spec other action",
        [DATA_KEY_PAIR_SPEC],
        EXAMPLE_USER,
        "Decrypt",
        {"kms:datakeypairspec": "RSA_2048"},
        None,
    ),
    (
        "pair spec other user",
        [DATA_KEY_PAIR_SPEC],
        EXAMPLE_ROLE,
        "GenerateDataKeyPair",
        {"kms:datakeypairspec": "RSA_2048"},
        None,
    ),
    # kms:EncryptionAlgorithm: "allow only one encryption algorithm" (a Deny)
    (
        "other algorithm denied",
        [ONE_ALGORITHM],
        EXAMPLE_ROLE,
        "Decrypt",
        {"kms:encryptionalgorithm": "RSAES_OAEP_SHA_1"},
        "Deny",
    ),
    (
        "that algorithm not denied",
        [ONE_ALGORITHM],
        EXAMPLE_ROLE,
        "Decrypt",
        {"kms:encryptionalgorithm": "RSAES_OAEP_SHA_256"},
        None,
    ),
    (
        "ReEncrypt* covers ReEncryptFrom",
        [ONE_ALGORITHM],
        EXAMPLE_ROLE,
        "ReEncryptFrom",
        {"kms:encryptionalgorithm": "SYMMETRIC_DEFAULT"},
        "Deny",
    ),
    # kms:EncryptionContext:context-key
    (
        "AppName=ExampleApp",
        [APP_NAME],
        APP_ROLE,
        "GenerateDataKey",
        ec({"AppName": "ExampleApp", "Project": "Alpha"}),
        "Allow",
    ),
    (
        "AppName other value",
        [APP_NAME],
        APP_ROLE,
        "GenerateDataKey",
        ec({"AppName": "Other"}),
        None,
    ),
    ("no context", [APP_NAME], APP_ROLE, "GenerateDataKey", {}, None),
    (
        "only AppName",
        [ONLY_APP_NAME],
        ALICE,
        "GenerateDataKey",
        ec({"AppName": "ExampleApp"}),
        "Allow",
    ),
    (
        "AppName and another key",
        [ONLY_APP_NAME],
        ALICE,
        "GenerateDataKey",
        ec({"AppName": "ExampleApp", "Project": "Alpha"}),
        None,
    ),
    (
        "Stage=Restricted denied",
        [DENY_RESTRICTED],
        APP_ROLE,
        "GenerateDataKey",
        ec({"Stage": "Restricted"}),
        "Deny",
    ),
    (
        "Stage=Test not denied",
        [DENY_RESTRICTED],
        APP_ROLE,
        "GenerateDataKey",
        ec({"Stage": "Test"}),
        None,
    ),
    (
        "both pairs",
        [TWO_PAIRS],
        APP_ROLE,
        "Decrypt",
        ec({"Department": "IT", "Project": "Alpha"}),
        "Allow",
    ),
    ("one pair of two", [TWO_PAIRS], APP_ROLE, "Decrypt", ec({"Department": "IT"}), None),
    (
        "either pair, first",
        EITHER_PAIR,
        APP_ROLE,
        "GenerateDataKey",
        ec({"Department": "IT"}),
        "Allow",
    ),
    (
        "either pair, second",
        EITHER_PAIR,
        APP_ROLE,
        "GenerateDataKey",
        ec({"Project": "Alpha"}),
        "Allow",
    ),
    (
        "either pair, neither",
        EITHER_PAIR,
        APP_ROLE,
        "GenerateDataKey",
        ec({"Department": "HR"}),
        None,
    ),
    (
        "Stage=Production denied",
        [DENY_STAGES],
        APP_ROLE,
        "GenerateDataKey",
        ec({"Stage": "Production"}),
        "Deny",
    ),
    (
        "Stage=Dev not denied",
        [DENY_STAGES],
        APP_ROLE,
        "GenerateDataKey",
        ec({"Stage": "Dev"}),
        None,
    ),
    (
        "context key in any case",
        [ANY_CASE_KEY],
        APP_ROLE,
        "Decrypt",
        ec({"AppName": "ExampleApp"}),
        "Allow",
    ),
    (
        "context value is case-sensitive",
        [ANY_CASE_KEY],
        APP_ROLE,
        "Decrypt",
        ec({"AppName": "exampleapp"}),
        None,
    ),
    (
        "user variable, own name",
        [USER_VARIABLE],
        "arn:aws:iam::111122223333:user/bob",
        "Decrypt",
        ec({"user": "bob"}),
        "Allow",
    ),
    (
        "user variable, other name",
        [USER_VARIABLE],
        "arn:aws:iam::111122223333:user/bob",
        "Decrypt",
        ec({"user": "alice"}),
        None,
    ),
    # kms:EncryptionContextKeys
    (
        "ForAnyValue AppName key",
        [HAS_APP_NAME_KEY],
        APP_ROLE,
        "GenerateDataKey",
        ec({"AppName": "Helper", "Project": "Alpha"}),
        "Allow",
    ),
    (
        "ForAnyValue without AppName",
        [HAS_APP_NAME_KEY],
        APP_ROLE,
        "GenerateDataKey",
        ec({"Project": "Alpha"}),
        None,
    ),
    ("ForAnyValue, no context", [HAS_APP_NAME_KEY], APP_ROLE, "GenerateDataKey", {}, None),
    (
        "ForAnyValue key is case-sensitive",
        [HAS_APP_NAME_KEY],
        APP_ROLE,
        "Encrypt",
        ec({"appname": "x"}),
        None,
    ),
    ("Null: some context", [SOME_CONTEXT], APP_ROLE, "Encrypt", ec({"a": "b"}), "Allow"),
    ("Null: no context", [SOME_CONTEXT], APP_ROLE, "Encrypt", {}, None),
    # kms:GrantOperations, kms:GranteePrincipal, kms:GrantConstraintType
    (
        "grant ops within",
        [GRANT_OPERATIONS],
        EXAMPLE_USER,
        "CreateGrant",
        {"kms:grantoperations": ["Encrypt"]},
        "Allow",
    ),
    (
        "grant ops beyond",
        [GRANT_OPERATIONS],
        EXAMPLE_USER,
        "CreateGrant",
        {"kms:grantoperations": ["Encrypt", "Decrypt"]},
        None,
    ),
    (
        "ForAnyValue grant ops",
        [ANY_GRANT_OPERATION],
        EXAMPLE_USER,
        "CreateGrant",
        {"kms:grantoperations": ["Encrypt", "Decrypt"]},
        "Allow",
    ),
    (
        "ForAnyValue grant ops none",
        [ANY_GRANT_OPERATION],
        EXAMPLE_USER,
        "CreateGrant",
        {"kms:grantoperations": ["Decrypt"]},
        None,
    ),
    (
        "grantee matches",
        [GRANTEE],
        EXAMPLE_USER,
        "CreateGrant",
        {"kms:granteeprincipal": "arn:aws:iam::111122223333:role/LimitedAdminRole"},
        "Allow",
    ),
    (
        "grantee differs",
        [GRANTEE],
        EXAMPLE_USER,
        "CreateGrant",
        {"kms:granteeprincipal": "arn:aws:iam::111122223333:role/Other"},
        None,
    ),
    (
        "constraint type equals",
        [CONSTRAINT_TYPE],
        EXAMPLE_USER,
        "CreateGrant",
        {"kms:grantconstrainttype": "EncryptionContextEquals"},
        "Allow",
    ),
    (
        "constraint type subset",
        [CONSTRAINT_TYPE],
        EXAMPLE_USER,
        "CreateGrant",
        {"kms:grantconstrainttype": "EncryptionContextSubset"},
        None,
    ),
    # kms:CallerAccount with Principal "*"
    ("EBS statement needs kms:ViaService", [EBS_CALLER_ACCOUNT], EXAMPLE_USER, "Decrypt", {}, None),
    ("caller account", [CALLER_ACCOUNT], EXAMPLE_USER, "Decrypt", {}, "Allow"),
    (
        "other caller account",
        [CALLER_ACCOUNT],
        "arn:aws:iam::444455556666:user/x",
        "Decrypt",
        {"kms:calleraccount": "444455556666"},
        None,
    ),
    # kms:BypassPolicyLockoutSafetyCheck
    ("no bypass parameter", [NO_BYPASS], EXAMPLE_USER, "PutKeyPolicy", {}, "Allow"),
    (
        "bypass parameter",
        [NO_BYPASS],
        EXAMPLE_USER,
        "PutKeyPolicy",
        {"kms:bypasspolicylockoutsafetycheck": True},
        None,
    ),
    (
        "bypass denied",
        [DENY_BYPASS],
        EXAMPLE_USER,
        "PutKeyPolicy",
        {"kms:bypasspolicylockoutsafetycheck": True},
        "Deny",
    ),
    ("no bypass not denied", [DENY_BYPASS], EXAMPLE_USER, "PutKeyPolicy", {}, None),
    # key properties: kms:KeySpec, and an IAM-style resource pattern
    (
        "symmetric key described",
        [DESCRIBE_SYMMETRIC],
        "arn:aws:iam::111122223333:user/Alice",
        "DescribeKey",
        {"kms:keyspec": "SYMMETRIC_DEFAULT"},
        "Allow",
    ),
    (
        "RSA key not described",
        [DESCRIBE_SYMMETRIC],
        "arn:aws:iam::111122223333:user/Alice",
        "DescribeKey",
        {"kms:keyspec": "RSA_2048"},
        None,
    ),
    (
        "key ARN pattern",
        [KEYS_IN_ACCOUNT],
        EXAMPLE_USER,
        "Decrypt",
        {"kms:keyspec": "SYMMETRIC_DEFAULT"},
        "Allow",
    ),
    # kms:MessageType, kms:MacAlgorithm, kms:ReEncryptOnSameKey, kms:RequestAlias
    ("sign raw", [SIGN_RAW], EXAMPLE_USER, "Sign", {"kms:messagetype": "RAW"}, "Allow"),
    ("sign digest", [SIGN_RAW], EXAMPLE_USER, "Sign", {"kms:messagetype": "DIGEST"}, None),
    (
        "MAC 384",
        MAC_384_OR_512,
        "arn:aws:iam::111122223333:role/testers",
        "GenerateMac",
        {"kms:macalgorithm": "HMAC_SHA_384"},
        "Allow",
    ),
    (
        "MAC 256",
        MAC_384_OR_512,
        "arn:aws:iam::111122223333:role/testers",
        "VerifyMac",
        {"kms:macalgorithm": "HMAC_SHA_256"},
        None,
    ),
    (
        "re-encrypt on the same key",
        [SAME_KEY],
        EXAMPLE_USER,
        "ReEncryptTo",
        {"kms:reencryptonsamekey": "true"},
        "Allow",
    ),
    (
        "re-encrypt to another key",
        [SAME_KEY],
        EXAMPLE_USER,
        "ReEncryptFrom",
        {"kms:reencryptonsamekey": "false"},
        None,
    ),
    (
        "request alias",
        [REQUEST_ALIAS],
        "arn:aws:iam::111122223333:role/developer",
        "GenerateDataKey",
        {"kms:requestalias": "alias/finance-key"},
        "Allow",
    ),
    (
        "key id, not the alias",
        [REQUEST_ALIAS],
        "arn:aws:iam::111122223333:role/developer",
        "GenerateDataKey",
        {},
        None,
    ),
    # the default key policy: the account, so (no IAM in qkms) every principal of it
    ("default policy, account user", DEFAULT, EXAMPLE_USER, "Decrypt", {}, "Allow"),
    (
        "default policy, root",
        DEFAULT,
        "arn:aws:iam::111122223333:root",
        "PutKeyPolicy",
        {},
        "Allow",
    ),
    (
        "default policy, other account",
        DEFAULT,
        "arn:aws:iam::444455556666:user/x",
        "Decrypt",
        {},
        None,
    ),
    # evaluation logic: an explicit Deny wins over an Allow
    (
        "deny beats allow",
        [DATA_KEY_PAIR_SPEC, stmt(EXAMPLE_USER, "kms:*", effect="Deny")],
        EXAMPLE_USER,
        "GenerateDataKeyPair",
        {"kms:datakeypairspec": "RSA_2048"},
        "Deny",
    ),
]


@pytest.mark.parametrize(
    "statements,principal,action,context,expected",
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_aws_examples(
    statements: list[dict[str, Any]],
    principal: str,
    action: str,
    context: dict[str, Any],
    expected: str | None,
) -> None:
    assert decide(statements, principal, action, context) == expected


def test_not_action_and_not_principal() -> None:
    everything_but_delete = {
        "Effect": "Allow",
        "Principal": {"AWS": EXAMPLE_USER},
        "NotAction": ["kms:ScheduleKeyDeletion", "kms:Disable*"],
        "Resource": "*",
    }
    assert decide([everything_but_delete], EXAMPLE_USER, "Decrypt") == "Allow"
    assert decide([everything_but_delete], EXAMPLE_USER, "DisableKey") is None
    deny_all_but_admin = {
        "Effect": "Deny",
        "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/admin"},
        "Action": "kms:PutKeyPolicy",
        "Resource": "*",
    }
    assert decide([deny_all_but_admin], EXAMPLE_USER, "PutKeyPolicy") == "Deny"
    assert (
        decide([deny_all_but_admin], "arn:aws:iam::111122223333:user/admin", "PutKeyPolicy") is None
    )


def test_actions_are_case_insensitive_and_wildcards_match() -> None:
    assert decide([stmt(EXAMPLE_USER, "KMS:decrypt")], EXAMPLE_USER, "Decrypt") == "Allow"
    assert decide([stmt(EXAMPLE_USER, "kms:Generate*")], EXAMPLE_USER, "GenerateMac") == "Allow"
    assert decide([stmt(EXAMPLE_USER, "kms:Get?ublicKey")], EXAMPLE_USER, "GetPublicKey") == "Allow"
    assert decide([stmt(EXAMPLE_USER, "kms:Generate*")], EXAMPLE_USER, "Decrypt") is None


def test_global_condition_keys() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
    at = {"aws:currenttime": now, "aws:epochtime": str(int(now.timestamp()))}
    before = stmt(
        EXAMPLE_USER, "kms:Decrypt", {"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}
    )
    after = stmt(
        EXAMPLE_USER, "kms:Decrypt", {"DateGreaterThan": {"aws:CurrentTime": "2027-01-01"}}
    )
    assert decide([before], EXAMPLE_USER, "Decrypt", at) == "Allow"
    assert decide([after], EXAMPLE_USER, "Decrypt", at) is None
    epoch = stmt(EXAMPLE_USER, "kms:Decrypt", {"NumericGreaterThan": {"aws:EpochTime": 1700000000}})
    assert decide([epoch], EXAMPLE_USER, "Decrypt", at) == "Allow"
    net = stmt(EXAMPLE_USER, "kms:Decrypt", {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
    assert decide([net], EXAMPLE_USER, "Decrypt", {"aws:sourceip": "10.1.2.3"}) == "Allow"
    assert decide([net], EXAMPLE_USER, "Decrypt", {"aws:sourceip": "192.168.1.1"}) is None
    assert decide([net], EXAMPLE_USER, "Decrypt", {}) is None
    arn_like = stmt(
        None, "kms:Decrypt", {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/*"}}
    )
    assert decide([arn_like], EXAMPLE_USER, "Decrypt") == "Allow"
    assert decide([arn_like], EXAMPLE_ROLE, "Decrypt") is None
    tag = stmt(EXAMPLE_USER, "kms:Decrypt", {"StringEquals": {"aws:ResourceTag/Team": "payments"}})
    assert decide([tag], EXAMPLE_USER, "Decrypt", {"aws:resourcetag/team": "payments"}) == "Allow"
    assert decide([tag], EXAMPLE_USER, "Decrypt", {"aws:resourcetag/team": "web"}) is None


def test_if_exists_and_negated_operators_on_missing_keys() -> None:
    if_exists = stmt(
        EXAMPLE_USER, "kms:Decrypt", {"StringEqualsIfExists": {"kms:EncryptionContext:Dept": "IT"}}
    )
    assert decide([if_exists], EXAMPLE_USER, "Decrypt", {}) == "Allow"
    assert decide([if_exists], EXAMPLE_USER, "Decrypt", ec({"Dept": "HR"})) is None
    negated = stmt(
        EXAMPLE_USER, "kms:Decrypt", {"StringNotEquals": {"kms:EncryptionContext:Dept": "HR"}}
    )
    assert decide([negated], EXAMPLE_USER, "Decrypt", {}) == "Allow"
    assert decide([negated], EXAMPLE_USER, "Decrypt", ec({"Dept": "HR"})) is None


@pytest.mark.parametrize(
    "document,message",
    [
        ("{", "not valid JSON"),
        ('{"Statement": []}', "must have a Statement"),
        (
            '{"Statement": {"Effect": "Maybe", "Principal": "*", "Action": "kms:*", "Resource": "*"}}',
            "Effect must be Allow or Deny",
        ),
        (
            '{"Statement": {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}}',
            "exactly one of Principal and NotPrincipal",
        ),
        (
            '{"Statement": {"Effect": "Allow", "Principal": {"AWS": "bob"}, "Action": "kms:*", '
            '"Resource": "*"}}',
            "Policy contains a statement with one or more invalid principals.",
        ),
        (
            '{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*", '
            '"Condition": {"StringEqualz": {"kms:KeySpec": "x"}}}}',
            "unknown condition operator",
        ),
        (
            '{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*", '
            '"Condition": {"ForAllValues:StringEquals": {"kms:EncryptionContext:Dept": "IT"}}}}',
            "OverlyPermissiveCondition:EncryptionContext: Using the ForAllValues set operator",
        ),
        (
            '{"Version": "2020-01-01", "Statement": {"Effect": "Allow", "Principal": "*", '
            '"Action": "kms:*", "Resource": "*"}}',
            "Version must be one of",
        ),
    ],
)
def test_malformed_policies_are_refused(document: str, message: str) -> None:
    with pytest.raises(MalformedPolicyDocumentException) as caught:
        policy.parse(document)
    assert message in caught.value.message


def test_a_policy_over_32_kib_is_refused() -> None:
    statement = stmt(EXAMPLE_USER, "kms:Decrypt", Sid="x" * 33000)
    with pytest.raises(LimitExceededException):
        policy.parse(json.dumps({"Statement": [statement]}))
