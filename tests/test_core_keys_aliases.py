"""Keys and aliases as AWS KMS has them, KeyId in all its forms, and the CLI's input and output."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import ACCOUNT, RSA_SIGNING, Qkms, arn, unb64

pytestmark = pytest.mark.backends

SYMMETRIC_METADATA = {
    "AWSAccountId",
    "Arn",
    "CreationDate",
    "CurrentKeyMaterialId",
    "CustomerMasterKeySpec",
    "Description",
    "Enabled",
    "EncryptionAlgorithms",
    "KeyId",
    "KeyManager",
    "KeySpec",
    "KeyState",
    "KeyUsage",
    "MultiRegion",
    "Origin",
}
ASYMMETRIC_METADATA = SYMMETRIC_METADATA - {"CurrentKeyMaterialId", "EncryptionAlgorithms"}
# The seed page's request bodies, verbatim (GenerateDataKeyPair.txt, Examples 1 and 2).
SEED_EXAMPLE_1 = """{
"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab",
"KeyPairSpec": "RSA_2048"
}"""
SEED_EXAMPLE_2 = """{
"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab",
"KeyPairSpec": "ECC_NIST_P256",
"EncryptionContext": {
"Purpose": "Test"
}
}"""
SEED_KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


# -- CreateKey and DescribeKey --------------------------------------------------------------------


def test_create_symmetric_key_by_default(qkms: Qkms) -> None:
    meta = qkms.ok("keys", "create")["KeyMetadata"]
    assert set(meta) == SYMMETRIC_METADATA
    key_id = meta["KeyId"]
    assert meta == {
        "AWSAccountId": ACCOUNT,
        "Arn": arn(key_id),
        "CreationDate": meta["CreationDate"],
        "CurrentKeyMaterialId": meta["CurrentKeyMaterialId"],
        "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "Description": "",
        "Enabled": True,
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
        "KeyId": key_id,
        "KeyManager": "CUSTOMER",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "KeyState": "Enabled",
        "KeyUsage": "ENCRYPT_DECRYPT",
        "MultiRegion": False,
        "Origin": "AWS_KMS",
    }
    created = datetime.fromisoformat(meta["CreationDate"])
    assert created.tzinfo is not None
    assert len(meta["CurrentKeyMaterialId"]) == 64
    assert set(meta["CurrentKeyMaterialId"]) <= set("0123456789abcdef")
    assert qkms.ok("keys", "describe", "--key-id", key_id) == {"KeyMetadata": meta}


def test_create_with_description_and_explicit_symmetric_spec(qkms: Qkms) -> None:
    meta = qkms.ok(
        "keys",
        "create",
        "--description",
        "CI signing key",
        "--key-spec",
        "SYMMETRIC_DEFAULT",
        "--key-usage",
        "ENCRYPT_DECRYPT",
    )["KeyMetadata"]
    assert meta["Description"] == "CI signing key"
    assert set(meta) == SYMMETRIC_METADATA


@pytest.mark.parametrize(
    ("spec", "usage", "algorithms"),
    [
        (
            "RSA_2048",
            "ENCRYPT_DECRYPT",
            {"EncryptionAlgorithms": ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]},
        ),
        ("RSA_3072", "SIGN_VERIFY", {"SigningAlgorithms": RSA_SIGNING}),
        ("ECC_NIST_P256", "SIGN_VERIFY", {"SigningAlgorithms": ["ECDSA_SHA_256"]}),
        ("ECC_NIST_P384", "SIGN_VERIFY", {"SigningAlgorithms": ["ECDSA_SHA_384"]}),
        ("ECC_NIST_P521", "SIGN_VERIFY", {"SigningAlgorithms": ["ECDSA_SHA_512"]}),
        ("ECC_SECG_P256K1", "SIGN_VERIFY", {"SigningAlgorithms": ["ECDSA_SHA_256"]}),
        ("ECC_NIST_P256", "KEY_AGREEMENT", {"KeyAgreementAlgorithms": ["ECDH"]}),
        (
            "ECC_NIST_EDWARDS25519",
            "SIGN_VERIFY",
            {"SigningAlgorithms": ["ED25519_SHA_512", "ED25519_PH_SHA_512"]},
        ),
        ("HMAC_224", "GENERATE_VERIFY_MAC", {"MacAlgorithms": ["HMAC_SHA_224"]}),
        ("HMAC_256", "GENERATE_VERIFY_MAC", {"MacAlgorithms": ["HMAC_SHA_256"]}),
        ("HMAC_384", "GENERATE_VERIFY_MAC", {"MacAlgorithms": ["HMAC_SHA_384"]}),
        ("HMAC_512", "GENERATE_VERIFY_MAC", {"MacAlgorithms": ["HMAC_SHA_512"]}),
    ],
)
def test_create_asymmetric_and_hmac_keys(
    qkms: Qkms, spec: str, usage: str, algorithms: dict[str, list[str]]
) -> None:
    meta = qkms.ok("keys", "create", "--key-spec", spec, "--key-usage", usage)["KeyMetadata"]
    expected = ASYMMETRIC_METADATA | set(algorithms)
    if spec == "ECC_NIST_EDWARDS25519":  # newer than the deprecated CustomerMasterKeySpec
        expected -= {"CustomerMasterKeySpec"}
    else:
        assert meta["CustomerMasterKeySpec"] == spec
    assert set(meta) == expected
    assert meta["KeySpec"] == spec
    assert meta["KeyUsage"] == usage
    for name, values in algorithms.items():
        assert meta[name] == values
    assert qkms.ok("keys", "describe", "--key-id", meta["Arn"])["KeyMetadata"] == meta


@pytest.mark.parametrize("spec", ["RSA_2048", "ECC_NIST_P256", "HMAC_256", "ECC_NIST_EDWARDS25519"])
def test_asymmetric_or_hmac_key_needs_a_usage(qkms: Qkms, spec: str) -> None:
    qkms.ok("keystore", "init")
    result = qkms.fails(254, "keys", "create", "--key-spec", spec)
    assert result.stderr == (
        "An error occurred (ValidationException) when calling the CreateKey operation: "
        "You must specify a KeyUsage value for all KMS keys except for symmetric encryption "
        "keys.\n"
    )
    assert qkms.ok("keys", "list")["Keys"] == []


@pytest.mark.parametrize(
    ("spec", "usage"),
    [
        ("SYMMETRIC_DEFAULT", "SIGN_VERIFY"),
        ("ECC_SECG_P256K1", "ENCRYPT_DECRYPT"),
        ("HMAC_256", "ENCRYPT_DECRYPT"),
        ("RSA_2048", "KEY_AGREEMENT"),
    ],
)
def test_usage_that_does_not_fit_the_spec(qkms: Qkms, spec: str, usage: str) -> None:
    result = qkms.fails(254, "keys", "create", "--key-spec", spec, "--key-usage", usage)
    assert "(ValidationException) when calling the CreateKey operation" in result.stderr
    assert usage in result.stderr and spec in result.stderr


def test_unknown_key_spec_and_usage_are_usage_errors(qkms: Qkms) -> None:
    result = qkms.fails(252, "keys", "create", "--key-spec", "AES_256")
    assert "SYMMETRIC_DEFAULT" in result.stderr and "RSA_2048" in result.stderr
    result = qkms.fails(252, "keys", "create", "--key-usage", "ENCRYPT")
    assert "ENCRYPT_DECRYPT" in result.stderr


def test_create_key_with_tags(qkms: Qkms) -> None:
    key = qkms.new_key("--tags", "TagKey=team,TagValue=payments", "TagKey=env,TagValue=")
    tags = qkms.ok("keys", "list-tags", "--key-id", key)["Tags"]
    assert sorted(tags, key=lambda t: t["TagKey"]) == [
        {"TagKey": "env", "TagValue": ""},
        {"TagKey": "team", "TagValue": "payments"},
    ]


def test_describe_unknown_key(qkms: Qkms) -> None:
    qkms.ok("keystore", "init")
    result = qkms.fails(254, "keys", "describe", "--key-id", SEED_KEY_ID)
    assert result.stderr == (
        "An error occurred (NotFoundException) when calling the DescribeKey operation: "
        f"Key '{arn(SEED_KEY_ID)}' does not exist\n"
    )


def test_describe_arn_of_another_account(qkms: Qkms) -> None:
    key = qkms.new_key()
    result = qkms.fails(254, "keys", "describe", "--key-id", f"arn:verenc:999999999999:key/{key}")
    assert "(NotFoundException)" in result.stderr
    assert "999999999999" in result.stderr


def test_aws_cli_command_names(qkms: Qkms) -> None:
    key = qkms.ok("create-key", "--description", "ported")["KeyMetadata"]["KeyId"]
    assert qkms.ok("describe-key", "--key-id", key)["KeyMetadata"]["Description"] == "ported"
    assert qkms.ok("list-keys")["Keys"] == [{"KeyId": key, "KeyArn": arn(key)}]


# -- ListKeys -------------------------------------------------------------------------------------


def test_list_keys_pages(qkms: Qkms) -> None:
    created = {qkms.new_key() for _ in range(5)}
    everything = qkms.ok("keys", "list", "--no-paginate")  # one raw page, as the API returns it
    assert everything["Truncated"] is False
    assert "NextMarker" not in everything
    assert {k["KeyId"] for k in everything["Keys"]} == created
    for entry in everything["Keys"]:
        assert entry == {"KeyId": entry["KeyId"], "KeyArn": arn(entry["KeyId"])}

    seen: list[str] = []
    marker: list[str] = []
    pages = 0
    while True:
        page = qkms.ok("keys", "list", "--limit", "2", *marker)
        pages += 1
        seen += [k["KeyId"] for k in page["Keys"]]
        if not page["Truncated"]:
            assert "NextMarker" not in page
            break
        assert set(page) == {"Keys", "NextMarker", "Truncated"}
        assert len(page["Keys"]) == 2
        marker = ["--marker", page["NextMarker"]]
    assert pages == 3
    assert seen == [k["KeyId"] for k in everything["Keys"]]
    assert len(set(seen)) == 5


def test_list_keys_limit_equal_to_count_is_not_truncated(qkms: Qkms) -> None:
    keys = {qkms.new_key() for _ in range(2)}
    page = qkms.ok("keys", "list", "--limit", "2")
    assert page["Truncated"] is False
    assert {k["KeyId"] for k in page["Keys"]} == keys


def test_list_keys_empty_keystore(qkms: Qkms) -> None:
    qkms.ok("keystore", "init")
    assert qkms.ok("keys", "list", "--no-paginate") == {"Keys": [], "Truncated": False}
    assert qkms.ok("keys", "list") == {"Keys": []}  # aws-cli merges pages and drops the markers


@pytest.mark.parametrize("limit", ["0", "1001", "-1"])
def test_list_keys_limit_out_of_range(qkms: Qkms, limit: str) -> None:
    result = qkms.fails(252, "keys", "list", "--limit", limit)
    assert "Limit" in result.stderr or "--limit" in result.stderr


def test_list_keys_bad_marker(qkms: Qkms) -> None:
    qkms.new_key()
    result = qkms.fails(254, "keys", "list", "--marker", "garbage")
    assert "(InvalidMarkerException) when calling the ListKeys operation" in result.stderr


# -- aliases --------------------------------------------------------------------------------------


def test_alias_lifecycle(qkms: Qkms) -> None:
    first, second = qkms.new_key(), qkms.new_key()
    assert (
        qkms.ok("aliases", "create", "--alias-name", "alias/ci", "--target-key-id", first) is None
    )
    listed = qkms.ok("aliases", "list", "--no-paginate")
    assert listed["Truncated"] is False
    [entry] = listed["Aliases"]
    assert set(entry) == {
        "AliasName",
        "AliasArn",
        "TargetKeyId",
        "CreationDate",
        "LastUpdatedDate",
    }
    assert entry["AliasName"] == "alias/ci"
    assert entry["AliasArn"] == f"arn:verenc:{ACCOUNT}:alias/ci"
    assert entry["TargetKeyId"] == first
    assert qkms.ok("keys", "describe", "--key-id", "alias/ci")["KeyMetadata"]["KeyId"] == first

    # UpdateAlias takes a key ARN too.
    assert (
        qkms.ok("aliases", "update", "--alias-name", "alias/ci", "--target-key-id", arn(second))
        is None
    )
    assert qkms.ok("keys", "describe", "--key-id", "alias/ci")["KeyMetadata"]["KeyId"] == second
    assert qkms.ok("aliases", "list", "--key-id", first)["Aliases"] == []
    [moved] = qkms.ok("aliases", "list", "--key-id", second)["Aliases"]
    assert moved["TargetKeyId"] == second
    assert moved["CreationDate"] == entry["CreationDate"]

    assert qkms.ok("aliases", "delete", "--alias-name", "alias/ci") is None
    assert qkms.ok("aliases", "list") == {"Aliases": []}
    result = qkms.fails(254, "keys", "describe", "--key-id", "alias/ci")
    assert f"Alias arn:verenc:{ACCOUNT}:alias/ci is not found." in result.stderr
    # The keys themselves stay.
    assert len(qkms.ok("keys", "list")["Keys"]) == 2


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("ci", "ValidationException"),
        ("aliases/ci", "ValidationException"),
        ("alias/aws/ci", "NotAuthorizedException"),
        ("alias/has space", "ValidationException"),
        ("alias/colon:name", "ValidationException"),
        ("alias/dot.name", "ValidationException"),
        ("alias/", "ValidationException"),
        ("alias/ünïcode", "ValidationException"),
    ],
)
def test_alias_name_rules(qkms: Qkms, name: str, code: str) -> None:
    key = qkms.new_key()
    result = qkms.fails(254, "aliases", "create", "--alias-name", name, "--target-key-id", key)
    assert result.stderr.startswith(
        f"An error occurred ({code}) when calling the CreateAlias operation: "
    ), result.stderr
    if not name.startswith("alias/"):
        assert 'Alias must start with the prefix "alias/"' in result.stderr
    assert qkms.ok("aliases", "list")["Aliases"] == []


def test_alias_name_too_long(qkms: Qkms) -> None:
    key = qkms.new_key()
    qkms.ok("aliases", "create", "--alias-name", "alias/" + "a" * 250, "--target-key-id", key)
    result = qkms.fails(
        252, "aliases", "create", "--alias-name", "alias/" + "a" * 251, "--target-key-id", key
    )
    assert "AliasName" in result.stderr


@pytest.mark.parametrize(
    "name", ["alias/a", "alias/with-dash_and_underscore", "alias/nested/path/NAME-9", "alias/aws"]
)
def test_alias_names_that_are_allowed(qkms: Qkms, name: str) -> None:
    key = qkms.new_key()
    qkms.ok("aliases", "create", "--alias-name", name, "--target-key-id", key)
    assert qkms.ok("keys", "describe", "--key-id", name)["KeyMetadata"]["KeyId"] == key


def test_duplicate_alias(qkms: Qkms) -> None:
    first, second = qkms.new_key(), qkms.new_key()
    qkms.ok("aliases", "create", "--alias-name", "alias/dup", "--target-key-id", first)
    result = qkms.fails(
        254, "aliases", "create", "--alias-name", "alias/dup", "--target-key-id", second
    )
    assert result.stderr == (
        "An error occurred (AlreadyExistsException) when calling the CreateAlias operation: "
        f"An alias with the name arn:verenc:{ACCOUNT}:alias/dup already exists\n"
    )
    assert qkms.ok("keys", "describe", "--key-id", "alias/dup")["KeyMetadata"]["KeyId"] == first


@pytest.mark.parametrize("command", ["update", "delete"])
def test_missing_alias(qkms: Qkms, command: str) -> None:
    key = qkms.new_key()
    args = ["aliases", command, "--alias-name", "alias/missing"]
    if command == "update":
        args += ["--target-key-id", key]
    result = qkms.fails(254, *args)
    op = {"update": "UpdateAlias", "delete": "DeleteAlias"}[command]
    assert result.stderr == (
        f"An error occurred (NotFoundException) when calling the {op} operation: "
        f"Alias arn:verenc:{ACCOUNT}:alias/missing is not found.\n"
    )


def test_alias_must_target_a_key_not_an_alias(qkms: Qkms) -> None:
    key = qkms.new_key()
    qkms.ok("aliases", "create", "--alias-name", "alias/one", "--target-key-id", key)
    for target in ("alias/one", f"arn:verenc:{ACCOUNT}:alias/one"):
        result = qkms.fails(
            254, "aliases", "create", "--alias-name", "alias/two", "--target-key-id", target
        )
        assert "(ValidationException) when calling the CreateAlias operation" in result.stderr


def test_alias_to_unknown_key(qkms: Qkms) -> None:
    qkms.ok("keystore", "init")
    result = qkms.fails(
        254, "aliases", "create", "--alias-name", "alias/x", "--target-key-id", SEED_KEY_ID
    )
    assert "(NotFoundException) when calling the CreateAlias operation" in result.stderr


def test_update_alias_to_a_key_of_another_type(qkms: Qkms) -> None:
    symmetric = qkms.new_key()
    signing = qkms.new_key("--key-spec", "ECC_NIST_P256", "--key-usage", "SIGN_VERIFY")
    qkms.ok("aliases", "create", "--alias-name", "alias/typed", "--target-key-id", symmetric)
    result = qkms.fails(
        254, "aliases", "update", "--alias-name", "alias/typed", "--target-key-id", signing
    )
    assert "(ValidationException) when calling the UpdateAlias operation" in result.stderr
    assert qkms.ok("keys", "describe", "--key-id", "alias/typed")["KeyMetadata"]["KeyId"] == (
        symmetric
    )


def test_list_aliases_pages(qkms: Qkms) -> None:
    key = qkms.new_key()
    names = [f"alias/page-{i}" for i in range(5)]
    for name in names:
        qkms.ok("aliases", "create", "--alias-name", name, "--target-key-id", key)
    seen: list[str] = []
    marker: list[str] = []
    while True:
        page = qkms.ok("aliases", "list", "--limit", "2", *marker)
        seen += [a["AliasName"] for a in page["Aliases"]]
        if not page["Truncated"]:
            assert "NextMarker" not in page
            break
        marker = ["--marker", page["NextMarker"]]
    assert seen == sorted(names)
    result = qkms.fails(254, "aliases", "list", "--limit", "101")
    assert "(ValidationException)" in result.stderr


# -- KeyId in all its forms -----------------------------------------------------------------------


def key_forms(qkms: Qkms, key: str) -> list[str]:
    qkms.ok("aliases", "create", "--alias-name", "alias/forms", "--target-key-id", key)
    return [key, arn(key), "alias/forms", f"arn:verenc:{ACCOUNT}:alias/forms"]


def test_key_id_forms_in_describe(qkms: Qkms) -> None:
    key = qkms.new_key()
    for ref in key_forms(qkms, key):
        assert qkms.ok("keys", "describe", "--key-id", ref)["KeyMetadata"]["KeyId"] == key, ref


@pytest.mark.parametrize(
    "command", ["generate-data-key-pair", "generate-data-key-pair-without-plaintext"]
)
def test_key_id_forms_in_generate_and_decrypt(qkms: Qkms, command: str) -> None:
    key = qkms.new_key()
    for ref in key_forms(qkms, key):
        pair = qkms.ok(command, "--key-id", ref, "--key-pair-spec", "ECC_NIST_P256")
        assert pair["KeyId"] == arn(key), ref
        opened = qkms.ok(
            "decrypt", "--ciphertext-blob", pair["PrivateKeyCiphertextBlob"], "--key-id", ref
        )
        assert opened["KeyId"] == arn(key), ref


# -- --cli-input-json -----------------------------------------------------------------------------


def seed_request(text: str, key: str) -> str:
    assert SEED_KEY_ID in text
    return text.replace(SEED_KEY_ID, key)


def test_cli_input_json_seed_example_1(qkms: Qkms) -> None:
    key = qkms.new_key()
    pair = qkms.ok("generate-data-key-pair", "--cli-input-json", seed_request(SEED_EXAMPLE_1, key))
    assert pair["KeyId"] == arn(key)
    assert pair["KeyPairSpec"] == "RSA_2048"
    assert set(pair) == {
        "KeyId",
        "KeyPairSpec",
        "PrivateKeyCiphertextBlob",
        "PublicKey",
        "KeyMaterialId",
    }
    opened = qkms.ok("decrypt", "--ciphertext-blob", pair["PrivateKeyCiphertextBlob"])
    assert unb64(opened["Plaintext"])[:1] == b"\x30"


def test_cli_input_json_seed_example_2_from_a_file(qkms: Qkms, tmp_path: Path) -> None:
    key = qkms.new_key()
    request = tmp_path / "request.json"
    request.write_text(seed_request(SEED_EXAMPLE_2, key))
    for command in ("generate-data-key-pair", "generate-data-key-pair-without-plaintext"):
        pair = qkms.ok(command, "--cli-input-json", f"file://{request}")
        assert pair["KeyPairSpec"] == "ECC_NIST_P256"
        assert pair["KeyId"] == arn(key)
        blob = pair["PrivateKeyCiphertextBlob"]
        qkms.ok("decrypt", "--ciphertext-blob", blob, "--encryption-context", "Purpose=Test")
        qkms.fails(254, "decrypt", "--ciphertext-blob", blob)


def test_cli_input_json_with_a_key_alias(qkms: Qkms) -> None:
    key = qkms.new_key()
    qkms.ok("aliases", "create", "--alias-name", "alias/seed", "--target-key-id", key)
    pair = qkms.ok(
        "generate-data-key-pair",
        "--cli-input-json",
        SEED_EXAMPLE_2.replace(SEED_KEY_ID, "alias/seed"),
    )
    assert pair["KeyId"] == arn(key)


def test_flags_override_cli_input_json(qkms: Qkms) -> None:
    key, other = qkms.new_key(), qkms.new_key()
    pair = qkms.ok(
        "generate-data-key-pair",
        "--cli-input-json",
        seed_request(SEED_EXAMPLE_2, key),
        "--key-pair-spec",
        "ECC_NIST_P384",
        "--encryption-context",
        "Purpose=Override",
        "--key-id",
        other,
    )
    assert pair["KeyPairSpec"] == "ECC_NIST_P384"
    assert pair["KeyId"] == arn(other)
    blob = pair["PrivateKeyCiphertextBlob"]
    qkms.ok("decrypt", "--ciphertext-blob", blob, "--encryption-context", "Purpose=Override")
    qkms.fails(254, "decrypt", "--ciphertext-blob", blob, "--encryption-context", "Purpose=Test")


def test_cli_input_json_for_decrypt_with_base64_blob(qkms: Qkms) -> None:
    key = qkms.new_key()
    pair = qkms.ok("generate-data-key-pair", "--cli-input-json", seed_request(SEED_EXAMPLE_2, key))
    request = json.dumps(
        {
            "CiphertextBlob": pair["PrivateKeyCiphertextBlob"],
            "EncryptionContext": {"Purpose": "Test"},
        }
    )
    opened = qkms.ok("decrypt", "--cli-input-json", request)
    assert opened["KeyId"] == arn(key)


def test_cli_input_json_for_keys_and_aliases(qkms: Qkms) -> None:
    meta = qkms.ok(
        "keys",
        "create",
        "--cli-input-json",
        '{"Description": "from json", "KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}',
    )["KeyMetadata"]
    assert (meta["Description"], meta["KeySpec"]) == ("from json", "HMAC_256")
    qkms.ok(
        "aliases",
        "create",
        "--cli-input-json",
        json.dumps({"AliasName": "alias/json", "TargetKeyId": meta["KeyId"]}),
    )
    assert (
        qkms.ok("keys", "describe", "--cli-input-json", '{"KeyId": "alias/json"}')["KeyMetadata"][
            "KeyId"
        ]
        == (meta["KeyId"])
    )


@pytest.mark.parametrize(
    ("request_json", "needle"),
    [
        ('{"KeyId": "k", "KeyPairSpec": "RSA_2048", "Bogus": 1}', "Bogus"),
        ('{"KeyId": "k", "KeyPairSpec": "RSA_1024"}', "ECC_NIST_P256"),
        ('{"KeyId": "k", "KeyPairSpec": "RSA_2048", "EncryptionContext": "x"}', "Encryption"),
        ('{"KeyPairSpec": "RSA_2048"}', "--key-id"),
        ('{"KeyId": "k", ', "--cli-input-json"),
        ('["KeyId"]', "--cli-input-json"),
    ],
)
def test_bad_cli_input_json(qkms: Qkms, request_json: str, needle: str) -> None:
    result = qkms.fails(252, "generate-data-key-pair", "--cli-input-json", request_json)
    assert needle in result.stderr, result.stderr


def test_generate_cli_skeleton_round_trips(qkms: Qkms) -> None:
    result = qkms("generate-data-key-pair", "--generate-cli-skeleton")
    assert result.exit_code == 0, result.stderr
    skeleton = json.loads(result.stdout)
    assert {"KeyId", "KeyPairSpec", "EncryptionContext", "GrantTokens"} <= set(skeleton)


# -- --query and --output, before and after the command -------------------------------------------


@pytest.mark.parametrize("where", ["before", "after"])
def test_query_and_text_output(qkms: Qkms, where: str) -> None:
    options = ["--query", "KeyMetadata.KeyId", "--output", "text"]
    args = [*options, "keys", "create"] if where == "before" else ["keys", "create", *options]
    result = qkms(*args)
    assert result.exit_code == 0, result.stderr
    key = result.stdout.strip()
    assert result.stdout == key + "\n"
    assert qkms.ok("keys", "describe", "--key-id", key)["KeyMetadata"]["KeyId"] == key

    pair_args = ["--key-id", key, "--key-pair-spec", "ECC_NIST_P256"]
    query = ["--query", "[KeyPairSpec, KeyId]", "--output", "text"]
    args = (
        [*query, "generate-data-key-pair", *pair_args]
        if where == "before"
        else ["generate-data-key-pair", *pair_args, *query]
    )
    result = qkms(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"ECC_NIST_P256\t{arn(key)}\n"


def test_options_after_the_command_win(qkms: Qkms) -> None:
    key = qkms.new_key()
    result = qkms(
        "--output", "json", "--query", "KeyMetadata", "keys", "describe", "--key-id", key,
        "--query", "KeyMetadata.KeyState", "--output", "text",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Enabled\n"


def test_text_output_of_a_whole_response(qkms: Qkms) -> None:
    key = qkms.new_key()
    result = qkms("--output", "text", "keys", "describe", "--key-id", key)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"KEYMETADATA\t{ACCOUNT}\t{arn(key)}\t")
    assert lines[1:] == ["ENCRYPTIONALGORITHMS\tSYMMETRIC_DEFAULT"]


def test_text_output_of_a_pair(qkms: Qkms) -> None:
    key = qkms.new_key()
    result = qkms(
        "generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256",
        "--output", "text",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    # aws-cli's text format: the scalars in alphabetical order of their member names.
    key_id, material, spec, blob, public = result.stdout.rstrip("\n").split("\t")
    assert (key_id, spec) == (arn(key), "ECC_NIST_P256")
    assert len(material) == 64
    assert unb64(blob)[:2] == b"QK"
    assert unb64(public)[:1] == b"\x30"


def test_bad_output_and_query(qkms: Qkms) -> None:
    qkms.new_key()
    result = qkms.fails(252, "keys", "list", "--output", "xml")
    assert "json" in result.stderr and "text" in result.stderr
    qkms.fails(252, "keys", "list", "--query", "Keys[")
