"""The qkms CLI as a client of another TrentService endpoint: a real moto_server subprocess."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Qkms, b64, unb64

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
def moto_url() -> Iterator[str]:
    """moto_server on a free loopback port, ready when it answers; stopped after the module."""
    server = Path(sys.executable).parent / "moto_server"
    if not server.exists():
        pytest.fail("moto_server is not installed: pip install -e '.[test]'")
    proc = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = None
        deadline = time.monotonic() + 60
        assert proc.stdout is not None
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"moto_server exited with {proc.wait()}")
            found = re.search(r"Running on (http://127\.0\.0\.1:\d+)", line)
            url = found.group(1) if found else None
        assert url is not None, "moto_server did not say where it listens"
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.fixture
def aws_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No AWS settings but the test's own: shared files in tmp_path, nothing from the machine."""
    for name in _AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    return tmp_path


@pytest.fixture
def remote(moto_url: str, aws_env: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("QKMS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAMOTOTESTKEY00001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "moto-test-secret")
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    return moto_url


def test_operations_go_to_the_endpoint_not_the_keystore(
    qkms: Qkms, remote: str, home: Path, tmp_path: Path
) -> None:
    created = qkms.ok("keys", "create", "--description", "remote key")["KeyMetadata"]
    # moto's ARNs, in the region the request was signed for: the answer came from moto
    assert created["Arn"].startswith("arn:aws:kms:eu-central-1:")
    key = created["KeyId"]
    sealed = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"over the wire"))
    out = tmp_path / "plain.bin"
    opened = qkms(
        "decrypt", "--ciphertext-blob", sealed["CiphertextBlob"], "--plaintext-out", str(out)
    )
    assert opened.exit_code == 0, opened.stderr
    assert out.read_bytes() == b"over the wire"
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    described = qkms("keys", "describe", "--key-id", key, "--query", "KeyMetadata.Description",
                     "--output", "text")  # fmt: skip
    assert described.stdout == "remote key\n"
    assert not home.exists()  # the local keystore was never made


def test_the_endpoints_errors_print_as_aws_cli_and_exit_254(qkms: Qkms, remote: str) -> None:
    result = qkms.fails(254, "keys", "describe", "--key-id", "alias/does-not-exist")
    assert re.fullmatch(
        r"An error occurred \(NotFoundException\) when calling the DescribeKey operation: .+\n",
        result.stderr,
    ), result.stderr


def test_requests_are_checked_before_they_are_sent(qkms: Qkms, remote: str) -> None:
    # the model's rules, locally, with the same message as without an endpoint
    remote_result = qkms.fails(252, "generate-random", "--number-of-bytes", "0")
    os.environ.pop("QKMS_ENDPOINT_URL")
    local_result = qkms.fails(252, "generate-random", "--number-of-bytes", "0")
    assert remote_result.stderr == local_result.stderr


def test_pagination_and_max_items_over_the_wire(qkms: Qkms, remote: str) -> None:
    mine = {qkms.new_key() for _ in range(3)}
    everything = qkms.ok("keys", "list", "--page-size", "1")["Keys"]
    assert mine <= {k["KeyId"] for k in everything}
    seen: list[str] = []
    token: str | None = None
    while True:
        more = ["--starting-token", token] if token else []
        page = qkms.ok("keys", "list", "--max-items", "2", "--page-size", "1", *more)
        seen.extend(k["KeyId"] for k in page["Keys"])
        token = page.get("NextToken")
        if token is None:
            break
    assert seen == [k["KeyId"] for k in everything]


def test_credentials_and_region_from_a_profile(
    qkms: Qkms, moto_url: str, aws_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (aws_env / "aws-credentials").write_text(
        "[ci]\naws_access_key_id = AKIAPROFILEKEY000001\naws_secret_access_key = s3cr3t-value\n"
    )
    (aws_env / "aws-config").write_text("[profile ci]\nregion = ap-south-1\n")
    args = ["--endpoint-url", moto_url, "keys", "create", "--debug"]
    result = qkms(*args, "--profile", "ci")
    assert result.exit_code == 0, result.stderr
    assert ":ap-south-1:" in result.stdout  # the profile's region signed the request
    assert "signing (SigV4) as AKIAPROFILEKEY000001 from profile ci in " in result.stderr
    assert "s3cr3t-value" not in result.stderr  # the secret is never shown
    monkeypatch.setenv("AWS_PROFILE", "ci")
    assert qkms(*args).exit_code == 0
    # --region wins over the profile's
    assert ":sa-east-1:" in qkms.ok(*args[:-1], "--region", "sa-east-1")["KeyMetadata"]["Arn"]


def test_keys_in_the_config_file_and_its_default_profile(
    qkms: Qkms, moto_url: str, aws_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (aws_env / "aws-config").write_text(
        "[default]\nregion = eu-north-1\naws_access_key_id = AKIADEFAULTCONFIG001\n"
        "aws_secret_access_key = d\n"
        "[profile cfg]\nregion = eu-west-3\naws_access_key_id = AKIACONFIGONLY000001\n"
        "aws_secret_access_key = c\n"
    )
    monkeypatch.setenv("QKMS_ENDPOINT_URL", moto_url)
    by_default = qkms("keys", "create", "--debug")
    assert ":eu-north-1:" in by_default.stdout, by_default.stderr
    assert "as AKIADEFAULTCONFIG001 from profile default in " in by_default.stderr
    named = qkms("keys", "create", "--debug", "--profile", "cfg")
    assert ":eu-west-3:" in named.stdout
    assert "as AKIACONFIGONLY000001 from profile cfg in " in named.stderr


def test_a_profile_that_assumes_a_role_is_refused_by_name(
    qkms: Qkms, moto_url: str, aws_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (aws_env / "aws-config").write_text(
        "[profile deploy]\nregion = us-east-1\nrole_arn = arn:aws:iam::123456789012:role/ci\n"
        "source_profile = default\n"
    )
    monkeypatch.setenv("QKMS_ENDPOINT_URL", moto_url)
    result = qkms.fails(253, "keys", "list", "--profile", "deploy")
    assert "The config profile (deploy) gets its credentials through role_arn" in result.stderr
    assert "aws configure export-credentials" in result.stderr


def test_environment_keys_win_unless_a_profile_is_named(
    qkms: Qkms, remote: str, aws_env: Path
) -> None:
    (aws_env / "aws-credentials").write_text(
        "[ci]\naws_access_key_id = AKIAPROFILEKEY000001\naws_secret_access_key = x\n"
    )
    from_env = qkms("generate-random", "--number-of-bytes", "4", "--debug")
    assert "as AKIAMOTOTESTKEY00001 from the environment" in from_env.stderr
    named = qkms("generate-random", "--number-of-bytes", "4", "--debug", "--profile", "ci")
    assert "as AKIAPROFILEKEY000001 from profile ci" in named.stderr


def test_missing_credentials_region_or_profile_exit_253(
    qkms: Qkms, moto_url: str, aws_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QKMS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    no_keys = qkms.fails(253, "keys", "list")
    assert "Unable to locate credentials" in no_keys.stderr
    assert "could not be found" in qkms.fails(253, "keys", "list", "--profile", "nope").stderr
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAMOTOTESTKEY00001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    assert "You must specify a region" in qkms.fails(253, "keys", "list").stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_endpoint_is_a_clear_message_and_exit_255(qkms: Qkms, remote: str) -> None:
    url = f"http://127.0.0.1:{_free_port()}"  # bound and released: nothing listens there
    result = qkms.fails(255, "keys", "list", "--endpoint-url", url)
    assert result.stderr == f'Could not connect to the endpoint URL: "{url}/"\n'


def test_a_silent_endpoint_times_out_with_cli_read_timeout(qkms: Qkms, remote: str) -> None:
    with socket.socket() as listener:  # accepts the connection, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        result = qkms.fails(255, "keys", "list", "--endpoint-url", url, "--cli-read-timeout", "1")
    assert result.stderr == f'Read timeout on endpoint URL: "{url}/"\n'


def test_a_full_listen_queue_times_out_with_cli_connect_timeout(qkms: Qkms, remote: str) -> None:
    with socket.socket() as listener:  # never accepts: once its queue is full, SYNs are dropped
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        waiting = []
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            waiting.append(filler)
        url = f"http://127.0.0.1:{port}"
        result = qkms.fails(255, "keys", "list", "--endpoint-url", url,
                            "--cli-connect-timeout", "1", "--cli-read-timeout", "1")  # fmt: skip
        for filler in waiting:
            filler.close()
    assert result.stderr == f'Connect timeout on endpoint URL: "{url}/"\n'


def test_a_bad_endpoint_url_is_a_usage_error(qkms: Qkms, remote: str) -> None:
    result = qkms.fails(252, "keys", "list", "--endpoint-url", "localhost:4599")
    assert result.stderr.startswith(
        'Bad value for --endpoint-url "localhost:4599": scheme is missing.'
    )


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_tls_is_verified_unless_told_not_to(
    qkms: Qkms, remote: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An HTTPS endpoint with a self-signed certificate: refused, then --no-verify-ssl, --ca-bundle."""
    import ssl
    import threading

    cert, key = self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        port = listener.getsockname()[1]
        url = f"https://127.0.0.1:{port}"

        def handshake_then_close() -> None:
            listener.settimeout(30)
            for _ in range(10):  # one refused handshake, then three tries for each trusting call
                try:
                    conn, _addr = listener.accept()
                    with context.wrap_socket(conn, server_side=True) as tls:
                        tls.recv(65536)  # the request; then close without an answer
                except (OSError, ssl.SSLError):
                    continue

        thread = threading.Thread(target=handshake_then_close, daemon=True)
        thread.start()
        refused = qkms.fails(255, "keys", "list", "--endpoint-url", url)
        assert refused.stderr.startswith(f"SSL validation failed for {url}/ ")
        assert "CERTIFICATE_VERIFY_FAILED" in refused.stderr
        # past verification the request is sent; this server then hangs up on it
        for trust in (["--no-verify-ssl"], ["--ca-bundle", str(cert)], ["AWS_CA_BUNDLE"]):
            if trust == ["AWS_CA_BUNDLE"]:
                monkeypatch.setenv("AWS_CA_BUNDLE", str(cert))
                trust = []
            passed = qkms.fails(255, "keys", "list", "--endpoint-url", url, *trust)
            assert "SSL validation failed" not in passed.stderr
            assert "Connection was closed before we received a valid response" in passed.stderr
        thread.join(timeout=30)


def test_blob_members_stay_bytes_both_ways(qkms: Qkms, remote: str, tmp_path: Path) -> None:
    key = qkms.new_key()
    raw = bytes(range(256))
    source = tmp_path / "raw.bin"
    source.write_bytes(raw)
    out = tmp_path / "ct.bin"
    sealed = qkms("encrypt", "--key-id", key, "--plaintext", f"fileb://{source}",
                  "--ciphertext-out", str(out))  # fmt: skip
    assert sealed.exit_code == 0, sealed.stderr
    opened = qkms.ok("decrypt", "--ciphertext-blob", f"fileb://{out}")
    assert unb64(opened["Plaintext"]) == raw


def test_pem_out_of_another_endpoints_ciphertext_follows_its_plaintext(
    qkms: Qkms, remote: str, tmp_path: Path
) -> None:
    """An endpoint's own ciphertext has no qkms header: the plaintext decides whether PEM fits."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    private = ec.generate_private_key(ec.SECP256R1())
    der = private.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key = qkms.new_key()
    sealed_key = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(der))["CiphertextBlob"]
    sealed_data = qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"data"))["CiphertextBlob"]
    out = tmp_path / "key.pem"
    opened = qkms("decrypt", "--ciphertext-blob", sealed_key, "--plaintext-out", str(out),
                  "--key-format", "pem")  # fmt: skip
    assert opened.exit_code == 0, opened.stderr
    loaded = serialization.load_pem_private_key(out.read_bytes(), password=None)
    assert loaded.private_numbers() == private.private_numbers()  # type: ignore[union-attr]
    refused_out = tmp_path / "data.pem"
    refused = qkms.fails(252, "decrypt", "--ciphertext-blob", sealed_data, "--plaintext-out",
                         str(refused_out), "--key-format", "pem")  # fmt: skip
    assert "not a DER private key" in refused.stderr
    assert not refused_out.exists()
