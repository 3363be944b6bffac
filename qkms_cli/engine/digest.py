"""SHA-256 without loading OpenSSL's bindings: CPython's own module, looked up once."""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def sha256_constructor() -> Any:
    # hashlib first loads OpenSSL's bindings, ~2.5 ms of every call's start-up; CPython's own
    # SHA-256 module gives the same digest at a twentieth of that. Looked up once: a failed
    # import searches the whole path again each time (a long-running `qkms serve` noticed).
    try:
        from _sha2 import sha256  # CPython 3.12 and later
    except ImportError:
        try:
            from _sha256 import sha256  # CPython 3.10 and 3.11
        except ImportError:  # pragma: no cover - another Python
            from hashlib import sha256
    return sha256


def sha256(data: bytes) -> bytes:
    return bytes(sha256_constructor()(data).digest())
