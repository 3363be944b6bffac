"""What `qkms serve` was asked to do: one object, checked once, handed to every worker."""

from __future__ import annotations

import ipaddress
import json
import os
from typing import Any, NamedTuple

from qkms_cli.errors import ParamValidationError

# The environment variable that carries the configuration from `qkms serve` to the server
# process and on to uvicorn's worker processes (spawned, so they inherit the environment).
ENV = "QKMS_SERVE_CONFIG"
AUTH_MODES = ("none", "sigv4")
# A request body above this is refused with 413 before it is read whole. KMS's largest request
# (ReEncrypt: a 6144-byte blob as base64 plus contexts) is far below it.
MAX_BODY = 1024 * 1024
# Seconds a client has to send a request's headers, then its body (--client-timeout), and to
# stay idle between requests on a kept-alive connection, before the connection is closed.
CLIENT_TIMEOUT = 10.0
KEEP_ALIVE_TIMEOUT = 5.0
# Headers larger than this (request line included) are refused with 431.
MAX_HEADER_BYTES = 64 * 1024
# Connections (and requests in flight) one worker accepts before answering 503: the default of
# --max-connections.
MAX_CONNECTIONS = 1024
# Connections the kernel queues before a worker accepts them (listen's backlog), whatever
# --max-connections is: a burst waits there and is then answered, not dropped.
MAX_BACKLOG = 1024


class ServeConfig(NamedTuple):
    host: str = "127.0.0.1"
    port: int = 4599
    workers: int = 1
    auth: str = "none"
    tls_cert: str | None = None
    tls_key: str | None = None
    allow_reset: bool = False
    home: str | None = None
    # Threads per worker that run keystore work (0: on the event loop itself).
    threads: int = 4
    client_timeout: float = CLIENT_TIMEOUT
    max_connections: int = MAX_CONNECTIONS

    @property
    def scheme(self) -> str:
        return "https" if self.tls_cert else "http"

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    def dump(self) -> str:
        return json.dumps(self._asdict())

    @classmethod
    def load(cls, text: str | None = None) -> ServeConfig:
        data: dict[str, Any] = json.loads(text if text is not None else os.environ.get(ENV, "{}"))
        return cls(**{k: v for k, v in data.items() if k in cls._fields})


def is_loopback(host: str) -> bool:
    """A loopback name or address: localhost (and *.localhost), 127.0.0.0/8, ::1."""
    name = host.strip().rstrip(".").lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check(config: ServeConfig) -> list[str]:
    """Refuse a configuration that would be unsafe (ParamValidationError); return warnings."""
    warnings: list[str] = []
    if config.auth not in AUTH_MODES:
        raise ParamValidationError(
            f"Invalid value for --auth: {config.auth!r}. Valid values: {', '.join(AUTH_MODES)}",
            member="auth",
        )
    if not 0 <= config.port <= 65535:
        raise ParamValidationError(
            f"Invalid value for --port: {config.port}. A TCP port is 0 to 65535.", member="port"
        )
    if not 1 <= config.workers <= 64:
        raise ParamValidationError(
            f"Invalid value for --workers: {config.workers}. Valid values: 1 to 64.",
            member="workers",
        )
    if not 0.1 <= config.client_timeout <= 3600:
        raise ParamValidationError(
            f"Invalid value for --client-timeout: {config.client_timeout:g}. Valid values: 0.1 to "
            "3600 seconds.",
            member="client-timeout",
        )
    if not 1 <= config.max_connections <= 65536:
        raise ParamValidationError(
            f"Invalid value for --max-connections: {config.max_connections}. Valid values: 1 to "
            "65536.",
            member="max-connections",
        )
    loopback = is_loopback(config.host)
    if not loopback and config.auth != "sigv4":
        raise ParamValidationError(
            f"--host {config.host} is not a loopback address: serving beyond this machine needs "
            "--auth sigv4 (create keys with `qkms access-keys create --user-name NAME`).",
            member="host",
        )
    if bool(config.tls_cert) != bool(config.tls_key):
        raise ParamValidationError(
            "--tls-cert and --tls-key go together: give both to serve HTTPS.", member="tls-cert"
        )
    for flag, path in (("--tls-cert", config.tls_cert), ("--tls-key", config.tls_key)):
        if path and not os.path.isfile(path):
            raise ParamValidationError(f"{flag} {path}: no such file.", member=flag[2:])
    if config.tls_cert and config.tls_key:
        check_tls(config.tls_cert, config.tls_key)
    if config.allow_reset and (not loopback or config.auth != "none"):
        raise ParamValidationError(
            "--allow-reset empties the keystore on request: it is allowed only on a loopback "
            "address with --auth none.",
            member="allow-reset",
        )
    if not loopback and not config.tls_cert:
        warnings.append(
            f"serving {config.host} without TLS: requests, responses and plaintexts cross the "
            "network in the clear (give --tls-cert and --tls-key)."
        )
    return warnings


def check_tls(cert: str, key: str) -> None:
    """Load the certificate chain and key as the server will, before it listens: a file that is
    not PEM, an encrypted key or a key of another certificate is a clear error, not a traceback
    from inside uvicorn (nor OpenSSL asking for a pass phrase on the terminal)."""
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cert, key, password=_no_password)
        return
    except OSError as exc:
        if not isinstance(exc, ssl.SSLError):
            raise ParamValidationError(
                f"--tls-cert {cert} / --tls-key {key}: {exc.strerror or exc}.", member="tls-cert"
            ) from None
    except _EncryptedKeyError:
        raise ParamValidationError(
            f"--tls-key {key} is encrypted: give the private key unencrypted (PEM, readable "
            "only by the user running qkms serve).",
            member="tls-key",
        ) from None
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        with open(cert, "rb") as handle:
            x509.load_pem_x509_certificates(handle.read())
    except ValueError:
        raise ParamValidationError(
            f"--tls-cert {cert}: no PEM certificate in it (-----BEGIN CERTIFICATE-----).",
            member="tls-cert",
        ) from None
    try:
        with open(key, "rb") as handle:
            load_pem_private_key(handle.read(), None)
    except (ValueError, TypeError):
        raise ParamValidationError(
            f"--tls-key {key}: no PEM private key in it (-----BEGIN PRIVATE KEY-----).",
            member="tls-key",
        ) from None
    raise ParamValidationError(
        f"--tls-key {key} is not the private key of the certificate in --tls-cert {cert}.",
        member="tls-key",
    )


class _EncryptedKeyError(Exception):
    """OpenSSL asked for the key's pass phrase."""


def _no_password() -> bytes:
    raise _EncryptedKeyError
