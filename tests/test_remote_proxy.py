"""Remote mode through an HTTP proxy (HTTP_PROXY / HTTPS_PROXY / NO_PROXY), as aws-cli honours them."""

from __future__ import annotations

import json
import os
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import Qkms
from tests.serving import Server
from tests.test_remote import self_signed

_AWS_ENV = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CA_BUNDLE", "AWS_DEFAULT_REGION")
_PROXY_ENV = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


class ForwardProxy:
    """A small forward proxy on loopback: CONNECT tunnels, and absolute-form requests relayed.

    It records each connection's first request line and Proxy-Authorization, so a test sees
    that the traffic went through it.
    """

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.seen: list[tuple[str, str, str | None]] = []
        self._open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _addr = self.listener.accept()
            except OSError:
                return
            self._open.append(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(65536)
            if not chunk:
                client.close()
                return
            head += chunk
        first, _, rest = head.partition(b"\r\n")
        method, target, _version = first.decode("latin-1").split(" ", 2)
        auth = None
        for line in rest.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "proxy-authorization":
                auth = value.strip()
        self.seen.append((method, target, auth))
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            upstream = socket.create_connection((host, int(port)))
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            parts = urlsplit(target)
            upstream = socket.create_connection((parts.hostname, parts.port or 80))
            upstream.sendall(head)  # HTTP/1.1 servers take the absolute form as it is
        self._open.append(upstream)
        threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()
        self._pipe(client, upstream)

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()
        for sock in self._open:
            sock.close()


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    running = ForwardProxy()
    yield running
    running.close()


def _clean_env(served_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*_AWS_ENV, *_PROXY_ENV, *(n.upper() for n in _PROXY_ENV)):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QKMS_HOME", str(served_home))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAANYTHING00000000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "any")
    monkeypatch.setenv("AWS_REGION", "us-east-1")


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("proxied") / "qkms-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QKMS_"))}
    server = Server(home, env={**env, "QKMS_HOME": str(home)})
    assert server.url, server.log
    yield server
    server.stop()


def test_http_endpoint_through_http_proxy_with_credentials(
    qkms: Qkms, plain: Server, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    _clean_env(plain.home, monkeypatch)
    key = qkms.new_key()
    direct = qkms("keys", "describe", "--key-id", key, "--endpoint-url", plain.url)
    monkeypatch.setenv("HTTP_PROXY", proxy.url.replace("http://", "http://ci%40corp:p%3Ass@"))
    proxied = qkms("keys", "describe", "--key-id", key, "--endpoint-url", plain.url, "--debug")
    assert proxied.exit_code == 0, proxied.stderr
    assert proxied.stdout == direct.stdout
    import base64

    assert proxy.seen == [
        ("POST", f"{plain.url}/", "Basic " + base64.b64encode(b"ci@corp:p:ss").decode())
    ]
    assert f"through the proxy {proxy.url}" in proxied.stderr
    assert "p:ss" not in proxied.stderr and "p%3Ass" not in proxied.stderr


def test_no_proxy_sends_directly(
    qkms: Qkms, plain: Server, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    _clean_env(plain.home, monkeypatch)
    monkeypatch.setenv("http_proxy", proxy.url)
    monkeypatch.setenv("NO_PROXY", "example.test,127.0.0.1")
    assert qkms("keys", "list", "--endpoint-url", plain.url).exit_code == 0
    assert proxy.seen == []


def test_a_proxy_that_is_not_there_is_a_clear_message(
    qkms: Qkms, plain: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    _clean_env(plain.home, monkeypatch)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        gone = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setenv("HTTP_PROXY", gone)
    result = qkms.fails(255, "keys", "list", "--endpoint-url", plain.url)
    assert result.stderr.startswith(f'Failed to connect to proxy URL: "{gone}"')


def test_https_endpoint_tunnels_through_https_proxy(
    qkms: Qkms, proxy: ForwardProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key_file = self_signed(tmp_path)
    home = tmp_path / "tls-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QKMS_"))}
    server = Server(
        home, "--tls-cert", str(cert), "--tls-key", str(key_file),
        env={**env, "QKMS_HOME": str(home)}, ready=False,
    )  # fmt: skip
    try:
        assert server.url.startswith("https://"), server.log
        context = ssl.create_default_context(cafile=str(cert))
        deadline = time.monotonic() + 60
        while True:  # ready when /health answers over TLS
            try:
                with socket.create_connection((server.host, server.port), timeout=5) as raw:
                    with context.wrap_socket(raw, server_hostname=server.host) as tls:
                        tls.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        if tls.recv(64).startswith(b"HTTP/1.1 200"):
                            break
            except OSError:
                pass
            assert time.monotonic() < deadline, server.log
            time.sleep(0.05)
        _clean_env(home, monkeypatch)
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        created = qkms("keys", "create", "--endpoint-url", server.url, "--ca-bundle", str(cert))
        assert created.exit_code == 0, created.stderr
        key = json.loads(created.stdout)["KeyMetadata"]["KeyId"]
        assert proxy.seen == [("CONNECT", f"127.0.0.1:{server.port}", None)]
        # the tunnel carries TLS end to end: the certificate is still checked
        refused = qkms.fails(255, "keys", "describe", "--key-id", key, "--endpoint-url", server.url)
        assert "CERTIFICATE_VERIFY_FAILED" in refused.stderr
        monkeypatch.delenv("HTTPS_PROXY")
        assert qkms.ok("keys", "describe", "--key-id", key)["KeyMetadata"]["KeyId"] == key
    finally:
        server.stop()
