"""uvicorn's httptools protocol with the limits it lacks, each answered in JSON 1.1.

uvicorn arms no timer while a connection sends its request line and headers (only between
requests), so a client that trickles bytes (slowloris) would hold a connection forever; and
httptools accumulates headers without a bound. Both are closed here, per connection. The bound on
connections is here too: uvicorn's own (limit_concurrency) answers 503 in plain text, which a
JSON 1.1 client cannot read as an error; this one answers 503 ThrottlingException, which botocore
retries with backoff (a transient status and a throttling code; adaptive mode slows down).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from qkms_cli import wire
from qkms_cli.server.config import MAX_BODY, MAX_HEADER_BYTES, ServeConfig

# Each worker reads its configuration once (inherited through the environment).
_CONFIG = ServeConfig.load()
_HEADER_TIMEOUT = _CONFIG.client_timeout
_MAX_CONNECTIONS = _CONFIG.max_connections


class Protocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None
        self._header_bytes = 0
        self._refused = False
        # Over the connection limit: the 503 is written, the request's body read and dropped.
        self._busy = False
        self._dropped = 0

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(_HEADER_TIMEOUT, self._too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _too_slow(self) -> None:
        self._header_timer = None
        if self._busy:
            self.transport.close()  # answered already; the rest of the request never came
            return
        if not self.transport.is_closing():
            self._refuse(
                b"408 Request Timeout",
                "RequestTimeout",
                f"The request headers did not arrive within {_HEADER_TIMEOUT:g} s.",
            )

    def _refuse(self, status: bytes, code: str, message: str, *, close: bool = True) -> None:
        """Answer as the application answers (JSON error, request id), then close."""
        self._refused = True
        body = wire.encode_error(code, message)
        self.transport.write(
            b"HTTP/1.1 " + status + b"\r\ncontent-type: " + wire.CONTENT_TYPE.encode()
            + b"\r\nx-amzn-RequestId: " + str(uuid.uuid4()).encode()
            + b"\r\nconnection: close\r\ncontent-length: " + str(len(body)).encode()
            + b"\r\n\r\n" + body
        )  # fmt: skip
        if close:
            self.transport.close()

    def send_400_response(self, msg: str) -> None:
        # httptools refused the bytes as HTTP (a bad header name, a bad request line, ...).
        if not self._refused:
            self._refuse(b"400 Bad Request", "BadRequest", f"{msg} It is not well-formed HTTP/1.1.")

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._busy:
            super().data_received(data)  # the refused request's body, to be dropped
            return
        if self._refused:
            return
        if self.cycle is None or self.cycle.response_complete:
            # Bytes of a new request: its headers must arrive in time.
            self._arm()
        super().data_received(data)

    def on_message_begin(self) -> None:
        self._header_bytes = 0
        self._arm()
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def _count(self, size: int) -> None:
        self._header_bytes += size
        if self._header_bytes > MAX_HEADER_BYTES and not self.transport.is_closing():
            self._refuse(
                b"431 Request Header Fields Too Large",
                "RequestHeaderFieldsTooLarge",
                f"The request line and headers are over {MAX_HEADER_BYTES} bytes.",
            )
            raise _RefusedError

    def on_headers_complete(self) -> None:
        self._disarm()
        if len(self.connections) > _MAX_CONNECTIONS or len(self.tasks) >= _MAX_CONNECTIONS:
            # Answered at once, but closed only once the request's body is in: closing with
            # bytes unread would reset the connection and lose the answer on the way.
            self._refuse(
                b"503 Service Unavailable",
                "ThrottlingException",
                f"qkms serve is at its limit of {_MAX_CONNECTIONS} connections "
                "(--max-connections); try again shortly.",
                close=False,
            )
            self._busy = True
            self._arm()
            return
        # When the request was in hand: keystore reads checked for changes after this moment
        # are fresh enough for it, though another request's call made them (Keystore.new_call).
        self.scope["qkms.received"] = time.monotonic()
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._busy:
            super().on_body(body)
            return
        self._dropped += len(body)
        if self._dropped > MAX_BODY:
            self.transport.close()

    def on_message_complete(self) -> None:
        if not self._busy:
            super().on_message_complete()
            return
        self._disarm()
        self.transport.close()


class _RefusedError(Exception):
    """Raised inside the parser's callback to stop parsing a refused request."""
