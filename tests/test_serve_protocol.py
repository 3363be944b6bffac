"""The shared protocol modules against botocore as the oracle: SigV4 both ways, the JSON 1.1 codec."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.loaders import Loader
from botocore.model import ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from qkms_cli import service, sigv4, wire
from qkms_cli.errors import (
    IncompleteSignatureException,
    InvalidSignatureException,
    MissingAuthenticationTokenException,
    SerializationException,
    UnrecognizedClientException,
)

AKID = "AKIAQKMSTESTKEY00001"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
WHEN = datetime(2026, 5, 4, 3, 2, 1, tzinfo=timezone.utc)
URL = "http://127.0.0.1:4599/"


def botocore_signed(
    body: bytes, *, url: str = URL, when: datetime = WHEN, secret: str = SECRET, token=None
) -> AWSRequest:
    """A request signed by botocore's own SigV4Auth at a fixed instant."""
    request = AWSRequest(
        method="POST",
        url=url,
        data=body,
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "TrentService.Encrypt",
            "User-Agent": "Boto3/1.0 test",
        },
    )
    auth = SigV4Auth(Credentials(AKID, secret, token), "kms", "us-east-1")
    import botocore.auth

    original = botocore.auth.get_current_datetime
    botocore.auth.get_current_datetime = lambda: when.replace(tzinfo=None)
    try:
        auth.add_auth(request)
    finally:
        botocore.auth.get_current_datetime = original
    return request


def header_pairs(request: AWSRequest, host: str = "127.0.0.1:4599") -> list[tuple[str, str]]:
    return [("Host", host), *request.headers.items()]


def secrets(akid: str) -> str | None:
    return SECRET if akid == AKID else None


@pytest.mark.parametrize(
    "url", [URL, "https://kms.example.test/", "http://[::1]:8080/", "http://localhost:80/"]
)
def test_sign_matches_botocore_byte_for_byte(url: str) -> None:
    body = b'{"KeyId":"alias/x","Plaintext":"aGVsbG8="}'
    theirs = botocore_signed(body, url=url)
    ours = sigv4.sign(
        "POST",
        url,
        {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "TrentService.Encrypt",
            "User-Agent": "Boto3/1.0 test",
        },
        body,
        access_key=AKID,
        secret_key=SECRET,
        region="us-east-1",
        now=WHEN,
    )
    assert ours["Authorization"] == theirs.headers["Authorization"]
    assert ours["X-Amz-Date"] == theirs.headers["X-Amz-Date"] == "20260504T030201Z"


def test_sign_with_session_token_matches_botocore() -> None:
    body = b"{}"
    theirs = botocore_signed(body, token="FQoGZXIvYXdzE-token")
    ours = sigv4.sign(
        "POST",
        URL,
        {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "TrentService.Encrypt",
            "User-Agent": "Boto3/1.0 test",
        },
        body,
        access_key=AKID,
        secret_key=SECRET,
        region="us-east-1",
        session_token="FQoGZXIvYXdzE-token",
        now=WHEN,
    )
    assert ours["Authorization"] == theirs.headers["Authorization"]
    assert ours["X-Amz-Security-Token"] == "FQoGZXIvYXdzE-token"


def test_verify_accepts_what_botocore_signs() -> None:
    body = b'{"KeyId":"k"}'
    request = botocore_signed(body)
    signed = sigv4.verify(
        "POST", "/", "", header_pairs(request), body, secret_for=secrets, now=WHEN
    )
    assert signed == sigv4.Signed(AKID, "us-east-1", "20260504T030201Z")


def test_verify_accepts_what_sign_produces_over_ipv6() -> None:
    headers = sigv4.sign(
        "POST", "http://[::1]:9000/", {"X-Amz-Target": "TrentService.ListKeys"}, b"{}",
        access_key=AKID, secret_key=SECRET, region="eu-west-1", now=WHEN,
    )  # fmt: skip
    pairs = [("host", "[::1]:9000"), *headers.items()]
    assert sigv4.verify("POST", "/", "", pairs, b"{}", secret_for=secrets, now=WHEN).region == (
        "eu-west-1"
    )


def test_verify_refuses_a_tampered_body_a_wrong_secret_and_a_changed_header() -> None:
    body = b'{"KeyId":"k"}'
    request = botocore_signed(body)
    with pytest.raises(InvalidSignatureException) as exc:
        sigv4.verify(
            "POST", "/", "", header_pairs(request), b'{"KeyId":"x"}', secret_for=secrets, now=WHEN
        )
    assert exc.value.message == sigv4.SIGNATURE_MISMATCH
    wrong = botocore_signed(body, secret="not-the-secret")
    with pytest.raises(InvalidSignatureException):
        sigv4.verify("POST", "/", "", header_pairs(wrong), body, secret_for=secrets, now=WHEN)
    pairs = [
        (k, "TrentService.Decrypt" if k == "X-Amz-Target" else v) for k, v in header_pairs(request)
    ]
    with pytest.raises(InvalidSignatureException):
        sigv4.verify("POST", "/", "", pairs, body, secret_for=secrets, now=WHEN)
    # The Host a rebinding page would send is signed too.
    with pytest.raises(InvalidSignatureException):
        sigv4.verify(
            "POST", "/", "", header_pairs(request, "evil.test:4599"), body,
            secret_for=secrets, now=WHEN,
        )  # fmt: skip


def test_verify_refusals_are_aws_errors() -> None:
    body = b"{}"
    request = botocore_signed(body)
    with pytest.raises(UnrecognizedClientException) as unknown:
        sigv4.verify(
            "POST", "/", "", header_pairs(request), body, secret_for=lambda _a: None, now=WHEN
        )
    assert unknown.value.message == "The security token included in the request is invalid."
    with pytest.raises(MissingAuthenticationTokenException) as unsigned:
        sigv4.verify("POST", "/", "", [("Host", "h")], body, secret_for=secrets, now=WHEN)
    assert unsigned.value.message == "Request is missing Authentication Token"
    token = botocore_signed(body, token="tok")
    with pytest.raises(UnrecognizedClientException):
        sigv4.verify("POST", "/", "", header_pairs(token), body, secret_for=secrets, now=WHEN)
    for bad in ("Bearer abc", "AWS4-HMAC-SHA256 Credential=x", "AWS4-HMAC-SHA256 "):
        with pytest.raises(IncompleteSignatureException):
            sigv4.verify(
                "POST", "/", "", [("Host", "h"), ("Authorization", bad)], body,
                secret_for=secrets, now=WHEN,
            )  # fmt: skip


def test_verify_holds_the_five_minute_window() -> None:
    body = b"{}"
    request = botocore_signed(body)
    pairs = header_pairs(request)
    for skew in (timedelta(minutes=4, seconds=59), -timedelta(minutes=4, seconds=59)):
        sigv4.verify("POST", "/", "", pairs, body, secret_for=secrets, now=WHEN + skew)
    with pytest.raises(InvalidSignatureException) as late:
        sigv4.verify(
            "POST", "/", "", pairs, body, secret_for=secrets, now=WHEN + timedelta(minutes=6)
        )
    assert late.value.message == (
        "Signature expired: 20260504T030201Z is now earlier than 20260504T030301Z "
        "(20260504T030801Z - 5 min.)"
    )
    with pytest.raises(InvalidSignatureException, match="not yet current"):
        sigv4.verify(
            "POST", "/", "", pairs, body, secret_for=secrets, now=WHEN - timedelta(minutes=6)
        )


def test_verify_wants_service_kms() -> None:
    headers = sigv4.sign(
        "POST", URL, {}, b"{}", access_key=AKID, secret_key=SECRET, region="us-east-1",
        service="s3", now=WHEN,
    )  # fmt: skip
    with pytest.raises(InvalidSignatureException, match="scoped to correct service: 'kms'"):
        sigv4.verify(
            "POST", "/", "", [("Host", "127.0.0.1:4599"), *headers.items()], b"{}",
            secret_for=secrets, now=WHEN,
        )  # fmt: skip


# -- the JSON 1.1 codec, against botocore's serializer and parser for the kms model --------------


@pytest.fixture(scope="module")
def kms_model() -> ServiceModel:
    return ServiceModel(Loader().load_service_model("kms", "service-2"), "kms")


def test_wire_decodes_what_botocore_serializes(kms_model: ServiceModel) -> None:
    op = kms_model.operation_model("GenerateDataKeyPair")
    params = {
        "KeyId": "alias/x",
        "KeyPairSpec": "ECC_NIST_P256",
        "EncryptionContext": {"Purpose": "Test"},
        "GrantTokens": ["t"],
    }
    body = create_serializer("json").serialize_to_request(params, op)["body"]
    assert wire.decode(body, service.spec("GenerateDataKeyPair").input) == params
    enc = kms_model.operation_model("Encrypt")
    params = {"KeyId": "k", "Plaintext": b"\x00\xffsecret"}
    body = create_serializer("json").serialize_to_request(params, enc)["body"]
    assert wire.decode(body, service.spec("Encrypt").input) == params


def test_botocore_parses_what_wire_encodes(kms_model: ServiceModel) -> None:
    created = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)
    response = {
        "KeyMetadata": {"KeyId": "k", "CreationDate": created, "Enabled": True},
    }
    body = wire.encode(response, service.spec("DescribeKey").output)
    assert json.loads(body)["KeyMetadata"]["CreationDate"] == created.timestamp()
    parsed = create_parser("json").parse(
        {"status_code": 200, "headers": {}, "body": body},
        kms_model.operation_model("DescribeKey").output_shape,
    )
    assert parsed["KeyMetadata"]["CreationDate"] == created
    blob = {"CiphertextBlob": b"\x01\x02", "KeyId": "k", "Plaintext": b"pt"}
    body = wire.encode(blob, service.spec("GenerateDataKey").output)
    parsed = create_parser("json").parse(
        {"status_code": 200, "headers": {}, "body": body},
        kms_model.operation_model("GenerateDataKey").output_shape,
    )
    assert {k: parsed[k] for k in blob} == blob
    # and back: the client side reads the same answer into the same dict
    assert wire.decode(body, service.spec("GenerateDataKey").output) == blob


def test_wire_round_trips_timestamps_exactly() -> None:
    when = datetime.fromtimestamp(1764600000.123456, tz=timezone.utc)
    shapes = service.spec("DescribeKey").output
    body = wire.encode({"KeyMetadata": {"KeyId": "k", "CreationDate": when}}, shapes)
    assert wire.decode(body, shapes)["KeyMetadata"]["CreationDate"] == when


def test_botocore_raises_the_error_wire_encodes(kms_model: ServiceModel) -> None:
    body = wire.encode_error("NotFoundException", "Key 'x' does not exist")
    parsed = create_parser("json").parse(
        {"status_code": 400, "headers": {}, "body": body},
        kms_model.operation_model("DescribeKey").output_shape,
    )
    assert parsed["Error"] == {"Code": "NotFoundException", "Message": "Key 'x' does not exist"}
    assert wire.decode_error(body, 400) == ("NotFoundException", "Key 'x' does not exist")
    coral = b'{"__type":"com.amazon.coral.service#UnrecognizedClientException","Message":"m"}'
    assert wire.decode_error(coral, 400) == ("UnrecognizedClientException", "m")
    assert wire.decode_error(b"<html>oops</html>", 502) == ("502", "<html>oops</html>")


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"[]",
        b'"x"',
        b"\xff\xfe",
        b'{"KeyId": 5}',
        b'{"Plaintext": "not base64!"}',
        b'{"Plaintext": 12}',
        b'{"EncryptionContext": []}',
        b'{"EncryptionContext": {"a": 1}}',
        b'{"GrantTokens": "t"}',
        b'{"KeyId": NaN}',
        b"[" * 100000,
    ],
)
def test_wire_refuses_malformed_bodies_as_serialization_errors(body: bytes) -> None:
    with pytest.raises(SerializationException):
        wire.decode(body, service.spec("Encrypt").input)


def test_wire_reads_target_headers() -> None:
    assert wire.operation_of("TrentService.Encrypt") == "Encrypt"
    assert wire.operation_of("TrentService.") is None
    assert wire.operation_of("Other.Encrypt") is None
    assert wire.operation_of(None) is None
