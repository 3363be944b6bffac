"""`qkms serve --tls-cert --tls-key`: HTTPS that boto3, the aws CLI and the qkms CLI verify."""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import re
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import SSLError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.serving import ANY_CREDENTIALS, Server

VERIFY_FAILED = re.compile(
    r"\[SSL: CERTIFICATE_VERIFY_FAILED\] certificate verify failed: unable to get local issuer "
    r"certificate \(_ssl\.c:\d+\)"
)


def _pem_key(key: Any, password: bytes | None = None) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(  # type: ignore[no-any-return]
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A CA, and a server certificate it signed for 127.0.0.1 and localhost; some bad files."""
    directory = tmp_path_factory.mktemp("pki")
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "qkms test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    files = {
        "ca": ca.public_bytes(serialization.Encoding.PEM),
        "cert": server.public_bytes(serialization.Encoding.PEM),
        "key": _pem_key(server_key),
        "other_key": _pem_key(ec.generate_private_key(ec.SECP256R1())),
        "encrypted_key": _pem_key(server_key, b"pass phrase"),
        "garbage": b"not a PEM file\n",
    }
    paths = {}
    for name, data in files.items():
        paths[name] = directory / f"{name}.pem"
        paths[name].write_bytes(data)
    return paths


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, pki: dict[str, Path]) -> Any:
    srv = Server(
        tmp_path_factory.mktemp("tls") / "home",
        "--tls-cert", str(pki["cert"]), "--tls-key", str(pki["key"]),
        ready=False,
    )  # fmt: skip
    assert srv.url.startswith("https://127.0.0.1:"), srv.log
    wait_ready(srv, pki["ca"])
    yield srv
    assert srv.stop() == 0, srv.log
    assert "Traceback" not in srv.log, srv.log


def wait_ready(srv: Server, ca: Path) -> None:
    """/health over HTTPS, verified with the CA (at 127.0.0.1 when it listens on every address)."""
    context = ssl.create_default_context(cafile=str(ca))
    url = f"https://127.0.0.1:{srv.port}/health"
    deadline = time.monotonic() + 60
    while True:
        assert srv.proc.poll() is None, srv.log
        try:
            with urllib.request.urlopen(url, timeout=5, context=context) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        assert time.monotonic() < deadline, srv.log
        time.sleep(0.05)


def _aws_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "AWS_CA_BUNDLE"}
    env.update(
        AWS_ACCESS_KEY_ID=ANY_CREDENTIALS["aws_access_key_id"],
        AWS_SECRET_ACCESS_KEY=ANY_CREDENTIALS["aws_secret_access_key"],
        AWS_DEFAULT_REGION="us-east-1",
        AWS_MAX_ATTEMPTS="1",
        **extra,
    )
    return env


def qkms_remote(url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qkms_cli", "--endpoint-url", url, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=_aws_env(**env),
    )


def test_start_line_says_https(server: Server) -> None:
    assert re.search(r"listening on https://127\.0\.0\.1:\d+ \(", server.log), server.log
    assert "warning" not in server.log


def test_boto3_verifies_with_the_ca(server: Server, pki: dict[str, Path]) -> None:
    for url in (server.url, server.url.replace("127.0.0.1", "localhost")):
        kms = server.client(endpoint_url=url, verify=str(pki["ca"]))
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        blob = kms.encrypt(KeyId=key, Plaintext=b"over TLS")["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"over TLS"


def test_boto3_without_the_ca_refuses_the_server(server: Server) -> None:
    kms = server.client(config=Config(retries={"max_attempts": 1}))
    with pytest.raises(SSLError) as caught:
        kms.list_keys()
    message = str(caught.value)
    assert message.startswith(f"SSL validation failed for {server.url}/ "), message
    assert VERIFY_FAILED.search(message), message


def test_qkms_cli_with_the_ca_bundle(server: Server, pki: dict[str, Path]) -> None:
    result = qkms_remote(server.url, "--ca-bundle", str(pki["ca"]), "keys", "list")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Keys"]
    # AWS_CA_BUNDLE does the same, as for aws-cli.
    result = qkms_remote(server.url, "keys", "list", AWS_CA_BUNDLE=str(pki["ca"]))
    assert result.returncode == 0, result.stderr


def test_qkms_cli_without_the_ca_fails_as_aws_cli_does(server: Server) -> None:
    result = qkms_remote(server.url, "keys", "list")
    assert (result.returncode, result.stdout) == (255, "")
    assert result.stderr.startswith(f"SSL validation failed for {server.url}/ ")
    assert VERIFY_FAILED.search(result.stderr), result.stderr
    # The real aws CLI, same endpoint, same words (aws-cli v1 puts a blank line first).
    aws = Path(sys.executable).parent / "aws"
    if not aws.exists():
        pytest.skip("the aws CLI is not installed")
    real = subprocess.run(
        [str(aws), "kms", "list-keys", "--endpoint-url", server.url],
        capture_output=True,
        text=True,
        timeout=120,
        env=_aws_env(),
    )
    assert real.returncode == 255
    assert result.stderr == real.stderr.lstrip("\n")


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            ("--tls-cert", "{cert}"),
            "--tls-cert and --tls-key go together: give both to serve HTTPS.",
        ),
        (("--tls-key", "{key}"), "--tls-cert and --tls-key go together: give both to serve HTTPS."),
        (("--tls-cert", "{missing}", "--tls-key", "{key}"), "--tls-cert {missing}: no such file."),
        (("--tls-cert", "{cert}", "--tls-key", "{missing}"), "--tls-key {missing}: no such file."),
        (
            ("--tls-cert", "{cert}", "--tls-key", "{other_key}"),
            "--tls-key {other_key} is not the private key of the certificate in --tls-cert {cert}.",
        ),
        (
            ("--tls-cert", "{garbage}", "--tls-key", "{key}"),
            "--tls-cert {garbage}: no PEM certificate in it (-----BEGIN CERTIFICATE-----).",
        ),
        (
            ("--tls-cert", "{cert}", "--tls-key", "{garbage}"),
            "--tls-key {garbage}: no PEM private key in it (-----BEGIN PRIVATE KEY-----).",
        ),
        (
            ("--tls-cert", "{key}", "--tls-key", "{cert}"),
            "--tls-cert {key}: no PEM certificate in it (-----BEGIN CERTIFICATE-----).",
        ),
        (
            ("--tls-cert", "{cert}", "--tls-key", "{encrypted_key}"),
            "--tls-key {encrypted_key} is encrypted: give the private key unencrypted (PEM, "
            "readable only by the user running qkms serve).",
        ),
    ],
)
def test_bad_tls_files_are_a_clear_usage_error(
    tmp_path: Path, pki: dict[str, Path], flags: tuple[str, ...], message: str
) -> None:
    names = {name: str(path) for name, path in pki.items()}
    names["missing"] = str(tmp_path / "missing.pem")
    srv = Server(tmp_path / "home", *(flag.format(**names) for flag in flags), ready=False)
    assert srv.url == "" and srv.proc.returncode == 252, srv.log
    srv.stop()
    assert srv.log == f"qkms serve: {message.format(**names)}\n"


def test_beyond_loopback_without_tls_warns(tmp_path: Path, pki: dict[str, Path]) -> None:
    plain = Server(tmp_path / "home", "--host", "0.0.0.0", "--auth", "sigv4")
    try:
        assert plain.url.startswith("http://0.0.0.0:"), plain.log
        assert (
            "qkms serve: warning: serving 0.0.0.0 without TLS: requests, responses and plaintexts "
            "cross the network in the clear (give --tls-cert and --tls-key).\n"
        ) in plain.lines
    finally:
        assert plain.stop() == 0, plain.log
    tls = Server(
        tmp_path / "home", "--host", "0.0.0.0", "--auth", "sigv4",
        "--tls-cert", str(pki["cert"]), "--tls-key", str(pki["key"]), ready=False,
    )  # fmt: skip
    try:
        assert tls.url.startswith("https://0.0.0.0:"), tls.log
        wait_ready(tls, pki["ca"])
        assert "warning" not in tls.log
    finally:
        assert tls.stop() == 0, tls.log
