"""A request that breaks the model: AWS's ValidationException texts over HTTP, botocore's on the CLI.

The recorded cases are real AWS KMS answers, word for word (shared/reference/aws-error-texts.md).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conftest import Qkms
from tests.serving import Server

KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"  # replaced by a key that exists
B64 = base64.b64encode(b"x").decode()

# The enum value sets as AWS lists them (its order, not the model's); the recorded KeySpec and
# KeyUsage sets are older than the model, whose later values follow in the model's order.
KEY_SPECS = (
    "[RSA_2048, ECC_NIST_P384, ECC_NIST_P256, ECC_NIST_P521, HMAC_384, RSA_3072, "
    "ECC_SECG_P256K1, RSA_4096, SYMMETRIC_DEFAULT, HMAC_256, HMAC_224, HMAC_512, SM2, ML_DSA_44, "
    "ML_DSA_65, ML_DSA_87, ECC_NIST_EDWARDS25519, ML_KEM_512, ML_KEM_768, ML_KEM_1024]"
)
KEY_USAGES = (
    "[ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, KEY_AGREEMENT, ENCAPSULATE_DECAPSULATE]"
)
MAC_ALGORITHMS = "[HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]"


def one(value: str | None, at: str, constraint: str) -> str:
    shown = "Value" if value is None else f"Value '{value}'"
    return (
        f"1 validation error detected: {shown} at '{at}' failed to satisfy constraint: "
        f"Member must {constraint}"
    )


# (operation, request as JSON on the wire, AWS's message)
RECORDED = [
    pytest.param(
        "CreateKey",
        {"KeySpec": "HMAC_random"},
        one("HMAC_random", "keySpec", f"satisfy enum value set: {KEY_SPECS}"),
        id="CreateKey-keySpec",
    ),
    pytest.param(
        "CreateKey",
        {"KeySpec": "HMAC_256", "KeyUsage": "RANDOM"},
        one("RANDOM", "keyUsage", f"satisfy enum value set: {KEY_USAGES}"),
        id="CreateKey-keyUsage",
    ),
    pytest.param(
        "CreateKey",
        {"Tags": [{"TagKey": "a" * 129, "TagValue": "v"}]},
        one("a" * 129, "tags.1.member.tagKey", "have length less than or equal to 128"),
        id="CreateKey-tagKey",
    ),
    pytest.param(
        "CreateKey",
        {"Tags": [{"TagKey": "k", "TagValue": "v" * 257}]},
        one("v" * 257, "tags.1.member.tagValue", "have length less than or equal to 256"),
        id="CreateKey-tagValue",
    ),
    pytest.param(
        "Encrypt",
        {"KeyId": KEY, "Plaintext": base64.b64encode(b"p" * 4097).decode()},
        one(None, "plaintext", "have length less than or equal to 4096"),
        id="Encrypt-plaintext",
    ),
    pytest.param(
        "DeriveSharedSecret",
        {"KeyId": KEY, "KeyAgreementAlgorithm": "INVALID", "PublicKey": B64},
        one("INVALID", "keyAgreementAlgorithm", "satisfy enum value set: [ECDH]"),
        id="DeriveSharedSecret-algorithm",
    ),
    pytest.param(
        "GenerateMac",
        {"KeyId": KEY, "Message": B64, "MacAlgorithm": "INVALID"},
        one("INVALID", "macAlgorithm", f"satisfy enum value set: {MAC_ALGORITHMS}"),
        id="GenerateMac-algorithm",
    ),
    pytest.param(
        "VerifyMac",
        {"KeyId": KEY, "Message": B64, "MacAlgorithm": "INVALID", "Mac": B64},
        one("INVALID", "macAlgorithm", f"satisfy enum value set: {MAC_ALGORITHMS}"),
        id="VerifyMac-algorithm",
    ),
    pytest.param(
        "GenerateRandom",
        {"NumberOfBytes": 0},
        one("0", "numberOfBytes", "have value greater than or equal to 1"),
        id="GenerateRandom-0",
    ),
    pytest.param(
        "GenerateRandom",
        {"NumberOfBytes": 1025},
        one("1025", "numberOfBytes", "have value less than or equal to 1024"),
        id="GenerateRandom-1025",
    ),
    pytest.param("GenerateRandom", {}, "NumberOfBytes is required.", id="GenerateRandom-None"),
    pytest.param(
        "CreateAlias",
        {"AliasName": "test-alias", "TargetKeyId": KEY},
        'Alias must start with the prefix "alias/". Please see '
        "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html",
        id="CreateAlias-prefix",
    ),
    pytest.param(
        "CreateKey",
        {"KeySpec": "HMAC_256"},
        "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.",
        id="CreateKey-no-usage",
    ),
    pytest.param(
        "CreateKey",
        {"KeySpec": "RSA_2048", "KeyUsage": "KEY_AGREEMENT"},
        "KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048",
        id="CreateKey-usage-spec",
    ),
]

# The same wording for what AWS's snapshots do not show: the constraint kinds and the paths.
UNRECORDED = [
    pytest.param(
        "DescribeKey",
        {"KeyId": ""},
        one("", "keyId", "have length greater than or equal to 1"),
        id="length-min",
    ),
    pytest.param(
        "DescribeKey",
        {},
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: "
        "Member must not be null",
        id="null",
    ),
    pytest.param(
        "CreateKey",
        {"Tags": [{"TagKey": "k"}]},
        "1 validation error detected: Value null at 'tags.1.member.tagValue' failed to satisfy "
        "constraint: Member must not be null",
        id="null-nested",
    ),
    pytest.param(
        "CreateAlias",
        {"AliasName": "alias/has space", "TargetKeyId": KEY},
        one(
            "alias/has space",
            "aliasName",
            "satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
        ),
        id="pattern",
    ),
    pytest.param(
        "Encrypt",
        {"KeyId": "", "Plaintext": ""},
        "2 validation errors detected: Value '' at 'keyId' failed to satisfy constraint: Member "
        "must have length greater than or equal to 1; Value at 'plaintext' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1",
        id="two",
    ),
    pytest.param(
        "UntagResource",
        {"KeyId": KEY, "TagKeys": ["ok", "k" * 129]},
        one(
            f"[ok, {'k' * 129}]",
            "tagKeys",
            "satisfy constraint: [Member must have length less than or equal to 128, Member "
            "must have length greater than or equal to 1]",
        ),
        id="list-of-strings",
    ),
    pytest.param(
        "ListKeys",
        {"Bogus": 1},
        'Unknown parameter in input: "Bogus", must be one of: Limit, Marker, ResourceOwners',
        id="unknown-member-qkms-words",
    ),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    srv = Server(tmp_path_factory.mktemp("serve") / "home")
    assert srv.url, srv.log
    yield srv
    assert srv.stop() == 0, srv.log
    assert "Traceback" not in srv.log, srv.log


@pytest.fixture(scope="module")
def key(server: Server) -> str:
    """A key that exists, where the request must get past finding its key."""
    status, created = server.call("CreateKey", {})
    assert status == 200, created
    return str(created["KeyMetadata"]["KeyId"])


@pytest.mark.parametrize(("op", "request_", "message"), [*RECORDED, *UNRECORDED])
def test_raw_http_answers_awss_validation_text(
    server: Server, key: str, op: str, request_: dict[str, Any], message: str
) -> None:
    request_ = {k: key if v == KEY else v for k, v in request_.items()}
    status, headers, body = server.post(f"TrentService.{op}", json.dumps(request_).encode())
    assert status == 400, body
    assert headers["content-type"] == "application/x-amz-json-1.1"
    assert json.loads(body) == {"__type": "ValidationException", "message": message}


def test_boto3_without_client_side_validation_sees_awss_text(server: Server) -> None:
    kms = server.client(config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    for call, request, message in (
        (kms.generate_random, {"NumberOfBytes": 0}, RECORDED[8].values[2]),
        (kms.create_key, {"KeySpec": "HMAC_random"}, RECORDED[0].values[2]),
        (kms.encrypt, {"KeyId": "", "Plaintext": b""}, UNRECORDED[4].values[2]),
        (kms.describe_key, {}, UNRECORDED[1].values[2]),
    ):
        with pytest.raises(kms.exceptions.ClientError) as caught:
            call(**request)
        error = caught.value.response
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert error["Error"] == {"Code": "ValidationException", "Message": message}
        assert isinstance(caught.value, ClientError)


def test_cli_words_the_same_problems_as_botocore_does(qkms: Qkms) -> None:
    # Client-side, as aws-cli: "Parameter validation failed:" and one line a problem, exit 252.
    result = qkms.fails(252, "encrypt", "--key-id", "", "--plaintext", "")
    assert result.stderr == (
        "Parameter validation failed:\n"
        "Invalid length for parameter KeyId, value: '', length: 0, valid min length: 1\n"
        "Invalid length for parameter Plaintext, length: 0, valid min length: 1\n"
    )
    result = qkms.fails(252, "generate-random", "--number-of-bytes", "0")
    assert result.stderr == (
        "Parameter validation failed:\n"
        "Invalid value for parameter NumberOfBytes, value: 0, valid min value: 1\n"
    )
    # What only AWS checks (a pattern) is AWS's ValidationException, as aws-cli prints it.
    key = qkms.new_key()
    result = qkms.fails(
        254, "aliases", "create", "--alias-name", "alias/has space", "--target-key-id", key
    )
    assert result.stderr == (
        "An error occurred (ValidationException) when calling the CreateAlias operation: "
        + UNRECORDED[3].values[2]
        + "\n"
    )


def test_audit_trail_records_awss_text(server: Server, qkms: Qkms) -> None:
    status, _answer = server.call("GenerateRandom", {"NumberOfBytes": 0})
    assert status == 400
    events = qkms.ok("--home", str(server.home), "audit", "list")["Events"]
    failed = [e for e in events if e["eventName"] == "GenerateRandom" and "errorCode" in e]
    assert failed[-1]["errorCode"] == "ValidationException"
    assert failed[-1]["errorMessage"] == RECORDED[8].values[2]
