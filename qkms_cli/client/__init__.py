"""TrentService over HTTP for the CLI's --endpoint-url mode: JSON 1.1, SigV4, AWS's credential chain.

The mirror of `qkms serve` (STYLE.md rule 13): a request dict and its operation's shapes in, the
response dict out, through the shared wire codec; the endpoint's errors come back as the same
typed errors the service raises, so the CLI prints and exits alike in both modes. Imports neither
the service, the engine nor the store; the CLI hands in the shapes.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from qkms_cli import errors, sigv4, wire
from qkms_cli.client.config import ConfigError, Credentials, Profile, Settings
from qkms_cli.errors import EXIT_UNEXPECTED, ApiError, CommandLineError, QkmsError

# aws-cli's defaults: 60 s to connect and 60 s for each read; 0 waits forever.
DEFAULT_TIMEOUT = 60
# botocore's standard retry mode: 3 attempts in all, for throttling, 5xx and dropped connections,
# with jittered exponential backoff (base 1 s there; shorter here, as endpoints are mostly local).
MAX_ATTEMPTS = 3
BACKOFF_BASE = 0.2
_RETRY_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottledException",
        "LimitExceededException",
    }
)
# An answer bigger than this is not a KMS response (the largest is a few tens of KiB).
MAX_RESPONSE = 16 << 20


class EndpointError(QkmsError):
    """The endpoint could not be reached or did not speak the protocol (aws-cli's 255)."""

    code = "EndpointError"
    exit_code = EXIT_UNEXPECTED


def api_error(code: str, message: str) -> ApiError:
    """The typed error for an error code, as the local service would raise it."""
    cls = getattr(errors, code, None)
    if isinstance(cls, type) and issubclass(cls, ApiError):
        return cls(message)
    exc = ApiError(message)
    exc.code = code  # an error qkms has no class for (e.g. AccessDeniedException from AWS)
    return exc


def check_endpoint(url: str) -> None:
    """aws-cli's refusal of an endpoint URL without a scheme or host (exit 252)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CommandLineError(
            f'Bad value for --endpoint-url "{url}": scheme is missing.  Must be of the form '
            "http://<hostname>/ or https://<hostname>/"
        )
    try:
        parts.port
    except ValueError:
        raise CommandLineError(f'Bad value for --endpoint-url "{url}": the port is not a number.')


class Client:
    """One endpoint, one keep-alive connection, the credentials resolved once."""

    def __init__(
        self,
        settings: Settings,
        *,
        env: dict[str, str] | None = None,
        debug: Callable[[str], None] | None = None,
    ) -> None:
        check_endpoint(settings.endpoint_url)
        self.settings = settings
        self.url = settings.endpoint_url
        parts = urlsplit(self.url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port
        self._path = parts.path or "/"
        if parts.query:
            self._path = f"{self._path}?{parts.query}"
        # The URL a request goes to, as botocore names it in its errors (the path included).
        self.request_url = f"{parts.scheme}://{parts.netloc}{self._path}"
        self._env = dict(os.environ if env is None else env)
        self._debug = debug
        self._connection: Any = None
        self._signer: tuple[Credentials, str] | None = None
        self._proxy = proxy_for(self.url, self._env)
        if self._proxy is not None and not self._https:
            # A proxy is sent the whole URL (absolute form) for plain HTTP, and tunnels HTTPS.
            host = f"[{self._host}]" if ":" in self._host else self._host
            netloc = host if self._port in (None, 80) else f"{host}:{self._port}"
            self._path = f"http://{netloc}{self._path}"  # Host as signed: no default port

    def note(self, message: str) -> None:
        if self._debug is not None:
            self._debug(message)

    # -- signing --------------------------------------------------------------------------------

    def _credentials(self) -> tuple[Credentials, str]:
        if self._signer is None:
            from qkms_cli.client import config

            profile = Profile(self.settings.profile, self._env)
            creds = config.credentials(profile, self._env)
            region, region_source = config.region(self.settings.region, profile, self._env)
            self.note(
                f"signing (SigV4) as {creds.access_key} from {creds.source}; region {region} "
                f"from {region_source}"
            )
            self._signer = (creds, region)
        return self._signer

    def _headers(self, op: str, body: bytes) -> dict[str, str]:
        from qkms_cli import __version__

        headers = {
            "Content-Type": wire.CONTENT_TYPE,
            "X-Amz-Target": f"{wire.TARGET_PREFIX}{op}",
            "User-Agent": f"qkms/{__version__}",
        }
        if not self.settings.sign:
            return headers
        creds, region = self._credentials()
        return sigv4.sign(
            "POST",
            self.url,
            headers,
            body,
            access_key=creds.access_key,
            secret_key=creds.secret_key,
            region=region,
            session_token=creds.token,
        )

    # -- the connection ------------------------------------------------------------------------

    def _timeout(self, given: int | None) -> float | None:
        value = DEFAULT_TIMEOUT if given is None else given
        return None if value == 0 else float(value)

    def _connect(self) -> Any:
        import http.client

        timeout = self._timeout(self.settings.connect_timeout)
        host, port = (self._host, self._port)
        if self._proxy is not None:
            self.note(f"through the proxy {self._proxy.shown}")
            host, port = self._proxy.host, self._proxy.port
        if self._https:
            connection: Any = http.client.HTTPSConnection(
                host, port, timeout=timeout, context=self._tls_context()
            )
            if self._proxy is not None:
                connection.set_tunnel(self._host, self._port, headers=self._proxy.headers)
        else:
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            connection.connect()
        except OSError as exc:
            if self._proxy is None or isinstance(exc, (TimeoutError, _ssl_errors())):
                raise
            connection.close()
            raise EndpointError(
                f'Failed to connect to proxy URL: "{self._proxy.shown}" ({exc})'
            ) from None
        connection.sock.settimeout(self._timeout(self.settings.read_timeout))
        return connection

    def _tls_context(self) -> Any:
        import ssl

        from qkms_cli.client.config import ca_bundle

        if not self.settings.verify:
            self.note("--no-verify-ssl: the endpoint's certificate is not verified")
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return context
        bundle = ca_bundle(self.settings, self._env)
        try:
            return ssl.create_default_context(cafile=bundle)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(
                f"Unable to read the CA bundle {bundle}: {getattr(exc, 'strerror', None) or exc}"
            ) from None

    def _send(self, op: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any, bytes]:
        """One POST; (status, headers, body). Connection failures become EndpointError."""
        import http.client
        import ssl

        reused = self._connection is not None
        try:
            if self._connection is None:
                self._connection = self._connect()
            if self._proxy is not None and not self._https:
                headers = {**headers, **self._proxy.headers}  # never signed (sigv4 skips it)
            self._connection.request("POST", self._path, body=body, headers=headers)
            response = self._connection.getresponse()
            data = response.read(MAX_RESPONSE + 1)
        except ssl.SSLCertVerificationError as exc:
            self.close()
            raise EndpointError(f"SSL validation failed for {self.request_url} {exc}") from None
        except TimeoutError as exc:
            connected = self._connection is not None
            self.close()
            what = "Read" if connected else "Connect"
            raise EndpointError(f'{what} timeout on endpoint URL: "{self.request_url}"') from exc
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
            self.close()
            if reused:  # a keep-alive connection the server had closed: one fresh try
                return self._send(op, body, headers)
            raise _DroppedError(
                f'Connection was closed before we received a valid response from endpoint URL: "{self.request_url}".'
            ) from exc
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            if isinstance(exc, ssl.SSLError):
                raise EndpointError(f"SSL error talking to {self.url}: {exc}") from None
            raise EndpointError(
                f'Could not connect to the endpoint URL: "{self.request_url}"'
            ) from exc
        if len(data) > MAX_RESPONSE:
            self.close()
            raise EndpointError(
                f"The endpoint {self.url} answered {op} with more than {MAX_RESPONSE} bytes."
            )
        if response.will_close:
            self.close()
        return response.status, response.headers, data

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    # -- calls ---------------------------------------------------------------------------------

    def call(
        self,
        op: str,
        request: dict[str, Any],
        input_shapes: dict[str, Any],
        output_shapes: dict[str, Any],
    ) -> dict[str, Any]:
        """Send one operation; its response dict (bytes and datetimes, as the service returns)."""
        body = wire.encode(request, input_shapes)
        self.note(
            f"POST {self.url} {wire.TARGET_PREFIX}{op} members: {', '.join(request) or '(none)'}"
        )
        for attempt in range(1, MAX_ATTEMPTS + 1):
            headers = self._headers(op, body)  # signed anew: the date moves on between tries
            started = time.monotonic()
            try:
                status, answer_headers, data = self._send(op, body, headers)
            except _DroppedError as exc:
                if attempt == MAX_ATTEMPTS:
                    raise EndpointError(exc.message) from None
                self._pause(attempt)
                continue
            self.note(
                f"HTTP {status} in {(time.monotonic() - started) * 1000:.1f} ms, "
                f"x-amzn-RequestId {answer_headers.get('x-amzn-RequestId', '(none)')}"
            )
            if status == 200:
                try:
                    return wire.decode(data, output_shapes)
                except ApiError:
                    # The codec's words are a server's ("the request body"); the body is not
                    # shown, as it may hold a plaintext.
                    kind = answer_headers.get("Content-Type", "no Content-Type")
                    raise EndpointError(
                        f"The endpoint {self.url} answered {op} with HTTP 200 and {len(data)} "
                        f"bytes of {kind} that are not a TrentService response: is it a KMS "
                        "endpoint?"
                    ) from None
            code, message = wire.decode_error(data, status)
            if attempt < MAX_ATTEMPTS and (code in _RETRY_CODES or status in (500, 502, 503, 504)):
                self.note(f"{code}: trying again ({attempt}/{MAX_ATTEMPTS})")
                self._pause(attempt)
                continue
            error = api_error(code, message)
            if attempt > 1:
                error.retries = attempt - 1  # type: ignore[attr-defined]
            raise error
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _pause(attempt: int) -> None:
        time.sleep(random.uniform(0, BACKOFF_BASE * 2 ** (attempt - 1)))


class Proxy(NamedTuple):
    host: str
    port: int
    headers: dict[str, str]  # Proxy-Authorization when the proxy URL carries a user
    shown: str  # the proxy URL without its password, for messages


def proxy_for(url: str, env: dict[str, str]) -> Proxy | None:
    """The proxy HTTPS_PROXY / HTTP_PROXY (or ALL_PROXY) names for url, unless NO_PROXY covers
    its host; read as urllib (and so botocore) reads them, lower-case names first."""
    proxies: dict[str, str] = {}
    for name, value in env.items():
        lowered = name.lower()
        if (
            value
            and lowered.endswith("_proxy")
            and (name == lowered or lowered[:-6] not in proxies)
        ):
            proxies[lowered[:-6]] = value
    parts = urlsplit(url)
    given = proxies.get(parts.scheme) or proxies.get("all")
    if not given:
        return None
    from urllib.request import proxy_bypass_environment

    if proxy_bypass_environment(parts.hostname or "", proxies):
        return None
    if "://" not in given:
        given = f"http://{given}"
    proxy = urlsplit(given)
    try:
        port = proxy.port or 8080
    except ValueError:
        port = 0
    if proxy.scheme != "http" or not proxy.hostname or not port:
        raise ConfigError(
            f"The proxy {proxy.scheme}://{proxy.hostname or ''} for {parts.scheme} is not one qkms "
            "can use: give HTTPS_PROXY / HTTP_PROXY as http://HOST:PORT."
        )
    headers = {}
    if proxy.username is not None:
        import base64
        from urllib.parse import unquote

        user = f"{unquote(proxy.username)}:{unquote(proxy.password or '')}"
        headers["Proxy-Authorization"] = "Basic " + base64.b64encode(user.encode()).decode()
    host = f"[{proxy.hostname}]" if ":" in proxy.hostname else proxy.hostname
    return Proxy(proxy.hostname, port, headers, f"http://{host}:{port}")


def _ssl_errors() -> type[Exception]:
    import ssl

    return ssl.SSLError


class _DroppedError(QkmsError):
    """A connection dropped mid-request: worth another attempt."""


__all__ = ["Client", "ConfigError", "EndpointError", "Settings", "api_error", "check_endpoint"]
