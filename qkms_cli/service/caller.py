"""Who makes a call: data the CLI or the server hands to `service.call`, never looked up by it."""

from __future__ import annotations

from typing import NamedTuple


class Caller(NamedTuple):
    """The principal behind one call and where it came from (a tuple: cheap at start-up).

    principal is an ARN (`arn:<partition>:iam::<account>:user/<name>` or the account's root);
    None means the keystore account's root, as the local CLI and `--auth none` call.
    """

    principal: str | None = None
    access_key_id: str | None = None
    source_ip: str | None = None
    user_agent: str | None = None
    # "cli" for the local command line, "http" for `qkms serve`.
    via: str = "cli"
    # The server's x-amzn-RequestId for the call, so its audit event carries the same requestID.
    request_id: str | None = None


def request_uuid() -> str:
    """A random (version 4) UUID for a request or event id. Not a secret, so drawn from
    random's generator (seeded from os.urandom, and again in a forked child) instead of
    os.urandom, a system call two or three times a request."""
    import random  # the server's: a local call makes one event id, from os.urandom

    h = f"{random.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"
