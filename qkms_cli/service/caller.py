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
    # When the server had the request in hand (time.monotonic()): keystore reads checked for
    # changes after that moment are fresh enough for the call (Keystore.new_call).
    received: float | None = None


def request_uuid() -> str:
    """A random (version 4) UUID for a request id. Not a secret, so drawn from random's
    generator (seeded from os.urandom, and again in a forked child): uuid.uuid4 makes a system
    call for each, two or three times a request on a busy server."""
    import random
    import uuid

    return str(uuid.UUID(int=random.getrandbits(128), version=4))
