"""`qkms serve --auth sigv4` refuses a request as AWS does: status, `__type` and message, exactly."""

from __future__ import annotations

import json
import re
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

REGION = "eu-west-2"
BODY = b"{}"
TARGET = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys"}
MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
BAD_TOKEN = "The security token included in the request is invalid."


def _qkms(home: Path, *args: str) -> Any:
    result = subprocess.run(
        [sys.executable, "-m", "qkms_cli", "--home", str(home), *args],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout) if result.stdout.strip() else None


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("sigv4") / "home"
    _qkms(home, "keystore", "init", "--partition", "aws", "--region", REGION)
    return home


@pytest.fixture(scope="module")
def key(home: Path) -> dict[str, str]:
    return dict(_qkms(home, "access-keys", "create", "--user-name", "ci")["AccessKey"])


@pytest.fixture(scope="module")
def server(home: Path, key: dict[str, str]) -> Any:
    srv = Server(home, "--auth", "sigv4")
    assert srv.url, srv.log
    yield srv
    assert srv.stop() == 0, srv.log
    assert key["SecretAccessKey"] not in srv.log


def signed(
    server: Server, key: dict[str, str], *, now: datetime | None = None, **kwargs: Any
) -> dict[str, str]:
    options = {
        "access_key": key["AccessKeyId"],
        "secret_key": key["SecretAccessKey"],
        "region": REGION,
        **kwargs,
    }
    return sigv4.sign("POST", server.url + "/", dict(TARGET), BODY, now=now, **options)


def refusal(server: Server, headers: dict[str, str]) -> tuple[int, str, str]:
    status, answer_headers, body = server.post(None, BODY, headers=headers)
    assert answer_headers["content-type"] == "application/x-amz-json-1.1"
    data = json.loads(body)
    assert set(data) == {"__type", "message"}, data
    return status, data["__type"], data["message"]


def test_signed_in_time_is_served(server: Server, key: dict[str, str]) -> None:
    assert server.post(None, BODY, headers=signed(server, key))[0] == 200


def test_unsigned_unknown_key_wrong_secret_and_session_token(
    server: Server, key: dict[str, str]
) -> None:
    assert refusal(server, dict(TARGET)) == (
        400,
        "MissingAuthenticationTokenException",
        "Request is missing Authentication Token",
    )
    unknown = dict(key, AccessKeyId="AKIAUNKNOWNUNKNOWN00")
    assert refusal(server, signed(server, unknown)) == (
        400,
        "UnrecognizedClientException",
        BAD_TOKEN,
    )
    wrong = dict(key, SecretAccessKey="x" * 40)
    assert refusal(server, signed(server, wrong)) == (400, "InvalidSignatureException", MISMATCH)
    # qkms issues no session tokens: one it never issued is AWS's invalid security token.
    assert refusal(server, signed(server, key, session_token="token")) == (
        400,
        "UnrecognizedClientException",
        BAD_TOKEN,
    )


def test_boto3_sees_the_same_codes_and_texts(server: Server, key: dict[str, str]) -> None:
    config = Config(retries={"max_attempts": 1})
    for client, expected in (
        (
            server.client(config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1})),
            ("MissingAuthenticationTokenException", "Request is missing Authentication Token"),
        ),
        (
            server.client(
                region_name=REGION,
                aws_access_key_id=key["AccessKeyId"],
                aws_secret_access_key="y" * 40,
                config=config,
            ),
            ("InvalidSignatureException", MISMATCH),
        ),
    ):
        with pytest.raises(ClientError) as caught:
            client.list_keys()
        error = caught.value.response["Error"]
        assert (error["Code"], error["Message"]) == expected


@pytest.mark.parametrize("minutes", [-6, 6])
def test_outside_five_minutes(server: Server, key: dict[str, str], minutes: int) -> None:
    when = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=minutes)
    before = datetime.now(timezone.utc).replace(microsecond=0)
    status, code, message = refusal(server, signed(server, key, now=when))
    after = datetime.now(timezone.utc)
    assert (status, code) == (400, "InvalidSignatureException")
    stamp = r"(\d{8}T\d{6}Z)"
    if minutes < 0:
        shape = rf"Signature expired: {stamp} is now earlier than {stamp} \({stamp} - 5 min\.\)"
    else:
        shape = (
            rf"Signature not yet current: {stamp} is still later than {stamp} "
            rf"\({stamp} \+ 5 min\.\)"
        )
    match = re.fullmatch(shape, message)
    assert match, message
    given, bound, now = (
        datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        for text in match.groups()
    )
    assert given == when
    assert before <= now <= after
    assert bound == now + (timedelta(minutes=5) if minutes > 0 else -timedelta(minutes=5))


def test_malformed_signatures_are_incomplete(server: Server, key: dict[str, str]) -> None:
    good = signed(server, key)
    authorization = good["Authorization"]
    credential = authorization.split(",")[0]  # "AWS4-HMAC-SHA256 Credential=..."
    short = dict(good, Authorization=credential)
    assert refusal(server, short) == (
        400,
        "IncompleteSignatureException",
        "Authorization header requires 'Signature' parameter. Authorization header requires "
        f"'SignedHeaders' parameter. Authorization={credential}",
    )
    undated = {k: v for k, v in good.items() if k != "X-Amz-Date"}
    assert refusal(server, undated) == (
        400,
        "IncompleteSignatureException",
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        f"Authorization={authorization}",
    )
    assert "SignedHeaders=content-type;host;" in authorization
    no_host = dict(good, Authorization=authorization.replace(";host;", ";"))
    assert refusal(server, no_host) == (
        400,
        "IncompleteSignatureException",
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    )
    bad_date = dict(good, **{"X-Amz-Date": "yesterday"})
    assert refusal(server, bad_date) == (
        400,
        "IncompleteSignatureException",
        "Date must be in ISO-8601 'basic format'. Got 'yesterday'. See "
        "http://en.wikipedia.org/wiki/ISO_8601",
    )


def test_scope_must_name_kms_and_the_request_date(server: Server, key: dict[str, str]) -> None:
    s3 = signed(server, key, service="s3")
    assert refusal(server, s3) == (
        400,
        "InvalidSignatureException",
        "Credential should be scoped to correct service: 'kms'. ",
    )
    good = signed(server, key)
    stamp = good["X-Amz-Date"]
    other_day = dict(
        good, Authorization=good["Authorization"].replace(f"/{stamp[:8]}/", "/20200101/")
    )
    assert refusal(server, other_day) == (
        400,
        "InvalidSignatureException",
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        f"HTTP: '20200101' != '{stamp[:8]}', from '{stamp}'.",
    )
