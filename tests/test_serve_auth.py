"""`qkms serve --auth sigv4` on an aws-partition keystore: boto3 and the AWS Encryption SDK."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from qkms_cli import sigv4
from tests.serving import Server

ACCOUNT = "123456789012"
REGION = "eu-west-2"


def _qkms(home: Path, *args: str) -> Any:
    result = subprocess.run(
        [sys.executable, "-m", "qkms_cli", "--home", str(home), *args],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout) if result.stdout.strip() else None


@pytest.fixture(scope="module")
def aws_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("aws") / "home"
    info = _qkms(
        home,
        "keystore", "init", "--partition", "aws", "--region", REGION, "--account-id", ACCOUNT,
    )  # fmt: skip
    assert (info["Partition"], info["Region"], info["AccountId"]) == ("aws", REGION, ACCOUNT)
    return home


@pytest.fixture(scope="module")
def access_key(aws_home: Path) -> dict[str, str]:
    made = _qkms(aws_home, "access-keys", "create", "--user-name", "ci-runner")["AccessKey"]
    assert set(made) == {"UserName", "AccessKeyId", "SecretAccessKey", "Status", "CreateDate"}
    assert made["UserName"] == "ci-runner" and made["Status"] == "Active"
    assert made["AccessKeyId"].startswith("AKIA") and len(made["AccessKeyId"]) == 20
    assert len(made["SecretAccessKey"]) == 40
    return made


@pytest.fixture(scope="module")
def server(aws_home: Path, access_key: dict[str, str]) -> Any:
    srv = Server(aws_home, "--auth", "sigv4")
    assert srv.url, srv.log
    yield srv
    assert srv.stop() == 0, srv.log
    assert access_key["SecretAccessKey"] not in srv.log


def signed_client(server: Server, access_key: dict[str, str], **kwargs: Any) -> Any:
    return server.client(
        region_name=REGION,
        aws_access_key_id=access_key["AccessKeyId"],
        aws_secret_access_key=access_key["SecretAccessKey"],
        config=Config(retries={"max_attempts": 1}),
        **kwargs,
    )


def _code(call: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as exc:
        call()
    error = exc.value.response["Error"]
    return error["Code"], error["Message"]


def test_the_right_key_is_accepted_and_arns_are_aws(server: Server, access_key: Any) -> None:
    start = next(line for line in server.lines if "listening on" in line)
    assert "auth sigv4" in start
    kms = signed_client(server, access_key)
    meta = kms.create_key()["KeyMetadata"]
    arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{meta['KeyId']}"
    assert meta["Arn"] == arn and meta["AWSAccountId"] == ACCOUNT
    kms.create_alias(AliasName="alias/app", TargetKeyId=meta["KeyId"])
    aliases = kms.list_aliases(KeyId=meta["KeyId"])["Aliases"]
    assert aliases[0]["AliasArn"] == f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/app"
    # Every KeyId input takes both ARN forms, with the keystore's account.
    for ref in (arn, f"arn:verenc:{ACCOUNT}:key/{meta['KeyId']}", "alias/app",
                f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/app"):  # fmt: skip
        assert kms.describe_key(KeyId=ref)["KeyMetadata"]["Arn"] == arn
    code, message = _code(
        lambda: kms.describe_key(KeyId=f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{meta['KeyId']}")
    )
    assert (code, message) == ("NotFoundException", "Invalid arn us-east-1")


def test_aws_keystore_returns_the_private_key_and_disabled_is_disabled(
    server: Server, access_key: Any
) -> None:
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        PublicFormat,
        load_der_private_key,
    )

    kms = signed_client(server, access_key)
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    pair = kms.generate_data_key_pair(KeyId=key, KeyPairSpec="ECC_NIST_P256")
    private = load_der_private_key(pair["PrivateKeyPlaintext"], None)
    assert (
        private.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        == pair["PublicKey"]
    )
    assert (
        kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"])["Plaintext"]
        == (pair["PrivateKeyPlaintext"])
    )
    assert "PrivateKeyPlaintext" not in kms.generate_data_key_pair_without_plaintext(
        KeyId=key, KeyPairSpec="ECC_NIST_P256"
    )
    kms.disable_key(KeyId=key)
    with pytest.raises(kms.exceptions.DisabledException) as exc:
        kms.encrypt(KeyId=key, Plaintext=b"x")
    assert exc.value.response["Error"]["Message"] == (
        f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key} is disabled."
    )


def test_wrong_secret_unknown_key_and_unsigned_are_refused(
    server: Server, access_key: Any, aws_home: Path
) -> None:
    wrong = dict(access_key, SecretAccessKey="x" * 40)
    assert _code(signed_client(server, wrong).list_keys) == (
        "InvalidSignatureException",
        sigv4.SIGNATURE_MISMATCH,
    )
    unknown = dict(access_key, AccessKeyId="AKIAUNKNOWNUNKNOWN00")
    assert _code(signed_client(server, unknown).list_keys) == (
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )
    unsigned = server.client(config=Config(signature_version=UNSIGNED))
    assert _code(unsigned.list_keys) == (
        "MissingAuthenticationTokenException",
        "Request is missing Authentication Token",
    )
    # A key deleted while the server runs is refused from the next request on.
    spare = _qkms(aws_home, "access-keys", "create", "--user-name", "temp")["AccessKey"]
    kms = signed_client(server, spare)
    kms.list_keys()
    _qkms(aws_home, "access-keys", "delete", "--access-key-id", spare["AccessKeyId"])
    assert _code(kms.list_keys)[0] == "UnrecognizedClientException"
    listed = _qkms(aws_home, "access-keys", "list")["AccessKeyMetadata"]
    assert [k["UserName"] for k in listed] == ["ci-runner"]
    assert all("SecretAccessKey" not in k for k in listed)


def test_a_request_signed_outside_five_minutes_is_refused(server: Server, access_key: Any) -> None:
    body = b"{}"
    for skew, text in ((-6, "Signature expired"), (6, "Signature not yet current")):
        headers = sigv4.sign(
            "POST",
            server.url + "/",
            {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys"},
            body,
            access_key=access_key["AccessKeyId"],
            secret_key=access_key["SecretAccessKey"],
            region=REGION,
            now=datetime.now(timezone.utc) + timedelta(minutes=skew),
        )
        status, _h, answer = server.post(None, body, headers=headers)
        data = json.loads(answer)
        assert (status, data["__type"]) == (400, "InvalidSignatureException")
        assert data["message"].startswith(text)
    # Our own signer, in time, is accepted.
    headers = sigv4.sign(
        "POST",
        server.url + "/",
        {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys"},
        body,
        access_key=access_key["AccessKeyId"],
        secret_key=access_key["SecretAccessKey"],
        region=REGION,
    )
    assert server.post(None, body, headers=headers)[0] == 200


def test_the_encryption_sdk_with_a_kms_keyring(server: Server, access_key: Any) -> None:
    import aws_encryption_sdk
    from aws_cryptographic_material_providers.mpl import AwsCryptographicMaterialProviders
    from aws_cryptographic_material_providers.mpl.config import MaterialProvidersConfig
    from aws_cryptographic_material_providers.mpl.models import CreateAwsKmsKeyringInput
    from aws_encryption_sdk import CommitmentPolicy

    kms = signed_client(server, access_key)
    arn = kms.create_key(Description="esdk")["KeyMetadata"]["Arn"]
    providers = AwsCryptographicMaterialProviders(config=MaterialProvidersConfig())
    keyring = providers.create_aws_kms_keyring(
        input=CreateAwsKmsKeyringInput(kms_key_id=arn, kms_client=kms)
    )
    sdk = aws_encryption_sdk.EncryptionSDKClient(
        commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT
    )
    message = b"a message for the Encryption SDK " * 50
    context = {"purpose": "test", "team": "qkms"}
    ciphertext, header = sdk.encrypt(source=message, keyring=keyring, encryption_context=context)
    assert ciphertext != message and header.encryption_context["purpose"] == "test"
    assert [k.key_provider.key_info.decode() for k in header.encrypted_data_keys] == [arn]
    plaintext, decrypted_header = sdk.decrypt(source=ciphertext, keyring=keyring)
    assert plaintext == message
    assert decrypted_header.encryption_context["team"] == "qkms"
