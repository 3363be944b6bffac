"""A real `qkms serve` process on a free loopback port, for tests that talk HTTP to it."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

CONTENT_TYPE = "application/x-amz-json-1.1"
_START = re.compile(r"listening on (?P<url>https?://\S+) ")
# Credentials for --auth none: botocore signs with something; the server ignores it.
ANY_CREDENTIALS = {"aws_access_key_id": "AKIAANYTHING00000000", "aws_secret_access_key": "any"}


class Server:
    """`qkms serve --port 0 ...` on home; the URL read from its start line, ready when /health is."""

    def __init__(
        self,
        home: Path,
        *args: str,
        workers: int = 1,
        env: dict[str, str] | None = None,
        ready: bool = True,
    ) -> None:
        self.home = home
        full_env = {**os.environ, "QKMS_HOME": str(home), **(env or {})}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "qkms_cli",
                "serve",
                "--port",
                "0",
                "--workers",
                str(workers),
                *args,
            ],
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.url = ""
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)
            match = _START.search(line)
            if match:
                self.url = match["url"]
                break
        self._drain = threading.Thread(target=self._read_rest, daemon=True)
        self._drain.start()
        if not self.url:
            self.proc.wait(timeout=30)
            return
        self.host, port = self.url.split("://")[1].rsplit(":", 1)
        self.port = int(port)
        if ready:
            self.wait_ready()

    def _read_rest(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    @property
    def log(self) -> str:
        return "".join(self.lines)

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self.proc.poll() is None, f"qkms serve exited: {self.log}"
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            assert time.monotonic() < deadline, f"qkms serve never became ready: {self.log}"
            time.sleep(0.05)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self._drain.join(timeout=5)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)

    # -- talking to it ---------------------------------------------------------------------------

    def post(
        self,
        target: str | None,
        body: bytes | dict[str, Any] | Any = b"{}",
        headers: dict[str, str] | None = None,
        path: str = "/",
        method: str = "POST",
    ) -> tuple[int, dict[str, str], bytes]:
        """One raw HTTP request: (status, headers with lower-case names, body)."""
        if isinstance(body, dict):
            body = json.dumps(body).encode()
        all_headers = {"Content-Type": CONTENT_TYPE}
        if target is not None:
            all_headers["X-Amz-Target"] = target
        all_headers.update(headers or {})
        conn = http.client.HTTPConnection(self.host.strip("[]"), self.port, timeout=30)
        try:
            chunked = not isinstance(body, (bytes, bytearray))
            conn.request(method, path, body=body, headers=all_headers, encode_chunked=chunked)
            answer = conn.getresponse()
            data = answer.read()
            return answer.status, {k.lower(): v for k, v in answer.getheaders()}, data
        finally:
            conn.close()

    def call(self, op: str, request: dict[str, Any]) -> tuple[int, Any]:
        status, _headers, body = self.post(f"TrentService.{op}", request)
        return status, json.loads(body)

    def client(self, **kwargs: Any) -> Any:
        import boto3

        options = {
            "region_name": "us-east-1",
            "endpoint_url": self.url,
            **ANY_CREDENTIALS,
            **kwargs,
        }
        return boto3.client("kms", **options)
