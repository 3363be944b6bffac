"""The qkms CLI against a real `qkms serve` on the same keystore: the same outputs as locally."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import Qkms, b64
from tests.serving import Server

_AWS_ENV = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_CA_BUNDLE",
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One `qkms serve --auth none` for the module, on a keystore of its own."""
    home = tmp_path_factory.mktemp("served") / "qkms-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QKMS_"))}
    env["QKMS_HOME"] = str(home)
    server = Server(home, env=env)
    assert server.url, server.log
    yield server
    server.stop()


@pytest.fixture
def both(
    served: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Qkms, Server]]:
    """The CLI on the served keystore: locally (no endpoint) or through the server."""
    for name in _AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QKMS_HOME", str(served.home))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAANYTHING00000000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "any")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    yield Qkms(), served


def _twice(qkms: Qkms, server: Server, *args: str) -> tuple[Result, Result]:
    local = qkms(*args)
    remote = qkms("--endpoint-url", server.url, *args)
    return local, remote


def _same(qkms: Qkms, server: Server, *args: str, code: int = 0) -> Result:
    local, remote = _twice(qkms, server, *args)
    assert local.exit_code == code, (args, local.stderr)
    assert (remote.exit_code, remote.stdout, remote.stderr) == (
        local.exit_code,
        local.stdout,
        local.stderr,
    ), args
    return local


FORMATS = (["--output", "json"], ["--output", "text"], ["--output", "table"], ["--output", "yaml"])


def test_reads_print_the_same_both_ways(both: tuple[Qkms, Server], tmp_path: Path) -> None:
    qkms, server = both
    remote = ["--endpoint-url", server.url]
    # written through the server, read both ways
    key = qkms.ok(*remote, "keys", "create", "--description", "shared", "--tags",
                  "TagKey=team,TagValue=ci")["KeyMetadata"]["KeyId"]  # fmt: skip
    qkms.ok(*remote, "aliases", "create", "--alias-name", f"alias/both-{key[:8]}",
            "--target-key-id", key)  # fmt: skip
    rsa = qkms.new_key("--key-spec", "RSA_2048", "--key-usage", "SIGN_VERIFY")  # locally
    hmac_key = qkms.new_key("--key-spec", "HMAC_256", "--key-usage", "GENERATE_VERIFY_MAC")
    sealed = qkms.ok(
        *remote, "encrypt", "--key-id", f"alias/both-{key[:8]}", "--plaintext", b64(b"same"),
        "--encryption-context", "purpose=test",
    )["CiphertextBlob"]  # fmt: skip
    for fmt in FORMATS:
        _same(qkms, server, "keys", "describe", "--key-id", key, *fmt)
        _same(qkms, server, "keys", "list", *fmt)
        _same(qkms, server, "aliases", "list", *fmt)
        _same(qkms, server, "keys", "list-tags", "--key-id", key, *fmt)
        _same(qkms, server, "decrypt", "--ciphertext-blob", sealed, "--encryption-context",
              "purpose=test", *fmt)  # fmt: skip
        _same(qkms, server, "blob", "inspect", sealed, *fmt)
        _same(qkms, server, "get-public-key", "--key-id", rsa, *fmt)
    traced = qkms(*remote, "--debug", "keys", "describe", "--key-id", key)
    assert f"qkms: debug: POST {server.url} TrentService.DescribeKey" in traced.stderr
    _same(qkms, server, "keys", "rotation-status", "--key-id", key)
    _same(qkms, server, "keys", "describe", "--key-id", key, "--query", "KeyMetadata.[KeyId,Arn]",
          "--output", "text")  # fmt: skip
    # deterministic operations: the same bytes from either side
    message = b64(b"sign me")
    signed = _same(qkms, server, "sign", "--key-id", rsa, "--message", message,
                   "--signing-algorithm", "RSASSA_PKCS1_V1_5_SHA_256")  # fmt: skip
    import json

    signature = json.loads(signed.stdout)["Signature"]
    _same(qkms, server, "verify", "--key-id", rsa, "--message", message, "--signature", signature,
          "--signing-algorithm", "RSASSA_PKCS1_V1_5_SHA_256")  # fmt: skip
    _same(qkms, server, "generate-mac", "--key-id", hmac_key, "--message", message,
          "--mac-algorithm", "HMAC_SHA_256")  # fmt: skip


def test_pagination_and_tokens_are_the_same_both_ways(both: tuple[Qkms, Server]) -> None:
    qkms, server = both
    for _ in range(3):
        qkms.new_key()
    first = _same(qkms, server, "keys", "list", "--max-items", "2", "--page-size", "1")
    import json

    token = json.loads(first.stdout)["NextToken"]
    _same(qkms, server, "keys", "list", "--max-items", "2", "--starting-token", token)
    _same(qkms, server, "keys", "list", "--no-paginate", "--limit", "1")
    _same(qkms, server, "keys", "list", "--max-items", "1", "--output", "text")


def test_files_out_are_the_same_both_ways(both: tuple[Qkms, Server], tmp_path: Path) -> None:
    qkms, server = both
    key = qkms.new_key()
    pair = qkms.ok("generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256")
    files = {}
    for side, extra in (("local", []), ("remote", ["--endpoint-url", server.url])):
        out = tmp_path / f"{side}.pem"
        result = qkms(*extra, "decrypt", "--ciphertext-blob", pair["PrivateKeyCiphertextBlob"],
                      "--plaintext-out", str(out), "--key-format", "pem")  # fmt: skip
        assert result.exit_code == 0, result.stderr
        files[side] = (result.stdout, out.read_bytes(), oct(out.stat().st_mode & 0o777))
    assert files["local"] == files["remote"]
    assert files["remote"][1].startswith(b"-----BEGIN PRIVATE KEY-----")
    assert files["remote"][2] == "0o600"


@pytest.mark.parametrize(
    "args",
    [
        ["keys", "describe", "--key-id", "alias/not-there"],
        ["decrypt", "--ciphertext-blob", b64(b"QK\x01not a blob")],
        ["generate-random", "--number-of-bytes", "0"],  # checked before sending: 252 alike
        ["generate-data-key-pair", "--key-id", "alias/not-there", "--key-pair-spec", "SM2"],
        ["encrypt", "--key-id", "alias/x", "--plaintext", "not base64!"],
    ],
)
def test_errors_print_and_exit_the_same_both_ways(
    both: tuple[Qkms, Server], args: list[str]
) -> None:
    qkms, server = both
    local, remote = _twice(qkms, server, *args)
    assert local.exit_code in (252, 254)
    assert (remote.exit_code, remote.stdout, remote.stderr) == (
        local.exit_code,
        local.stdout,
        local.stderr,
    )


def test_api_refusals_after_state_changes_are_the_same(both: tuple[Qkms, Server]) -> None:
    qkms, server = both
    key = qkms.new_key()
    qkms.ok("--endpoint-url", server.url, "keys", "disable", "--key-id", key)
    _same(qkms, server, "encrypt", "--key-id", key, "--plaintext", b64(b"x"), code=254)
    sealed_elsewhere = qkms.ok("encrypt", "--key-id", qkms.new_key(), "--plaintext", b64(b"x"))
    _same(qkms, server, "decrypt", "--ciphertext-blob", sealed_elsewhere["CiphertextBlob"],
          "--key-id", key, code=254)  # fmt: skip


def test_count_and_unsigned_requests(
    both: tuple[Qkms, Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    qkms, server = both
    key = qkms.new_key()
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    pairs = qkms.ok("--endpoint-url", server.url, "--no-sign-request", "generate-data-key-pair",
                    "--key-id", key, "--key-pair-spec", "ECC_NIST_P256", "--count", "3")  # fmt: skip
    assert len(pairs) == 3 and len({p["PublicKey"] for p in pairs}) == 3


# -- --auth sigv4 --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def signed_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Server, dict[str, str]]]:
    home = tmp_path_factory.mktemp("signed") / "qkms-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QKMS_"))}
    env["QKMS_HOME"] = str(home)
    import json
    import subprocess
    import sys

    made = subprocess.run(
        [sys.executable, "-m", "qkms_cli", "access-keys", "create", "--user-name", "ci"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    access_key = json.loads(made.stdout)["AccessKey"]
    server = Server(home, "--auth", "sigv4", env=env)
    assert server.url, server.log
    yield server, access_key
    server.stop()


def test_sigv4_takes_the_right_secret_and_refuses_a_wrong_one(
    signed_server: tuple[Server, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, access_key = signed_server
    for name in _AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QKMS_ENDPOINT_URL", server.url)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    (tmp_path / "credentials").write_text(
        f"[ci]\naws_access_key_id = {access_key['AccessKeyId']}\n"
        f"aws_secret_access_key = {access_key['SecretAccessKey']}\n"
        f"[wrong]\naws_access_key_id = {access_key['AccessKeyId']}\n"
        "aws_secret_access_key = not-the-secret\n"
        "[stranger]\naws_access_key_id = AKIAUNKNOWNKEY000000\naws_secret_access_key = x\n"
    )
    qkms = Qkms()
    assert qkms.ok("--profile", "ci", "generate-random", "--number-of-bytes", "8")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", access_key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", access_key["SecretAccessKey"])
    assert qkms.ok("generate-random", "--number-of-bytes", "8")  # from the environment
    wrong = qkms.fails(254, "--profile", "wrong", "generate-random", "--number-of-bytes", "8")
    assert wrong.stderr.startswith(
        "An error occurred (InvalidSignatureException) when calling the GenerateRandom "
        "operation: The request signature we calculated does not match"
    )
    assert "not-the-secret" not in wrong.stderr
    stranger = qkms.fails(254, "--profile", "stranger", "keys", "list")
    assert "(UnrecognizedClientException)" in stranger.stderr
    unsigned = qkms.fails(254, "--no-sign-request", "keys", "list")
    assert "(MissingAuthenticationTokenException)" in unsigned.stderr
    # a session token is signed and sent (X-Amz-Security-Token); qkms issues none, so it refuses
    monkeypatch.setenv("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEXAMPLETOKEN")
    with_token = qkms.fails(254, "keys", "list")
    assert "(UnrecognizedClientException)" in with_token.stderr
