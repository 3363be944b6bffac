"""AWS Signature Version 4 (service `kms`): `sign` for the CLI's remote mode, `verify` for the server.

The protocol botocore's `SigV4Auth` implements (botocore/auth.py), with hashlib and hmac only:

    canonical request = METHOD \\n canonical path \\n canonical query \\n
                        lower(name):trimmed value \\n ... \\n \\n signed;header;names \\n hex(sha256(body))
    string to sign    = AWS4-HMAC-SHA256 \\n yyyymmddThhmmssZ \\n date/region/service/aws4_request \\n
                        hex(sha256(canonical request))
    signing key       = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")
    Authorization     = AWS4-HMAC-SHA256 Credential=AKID/scope, SignedHeaders=..., Signature=hex

The verifier always hashes the body it received (never a client's X-Amz-Content-SHA256 claim or
UNSIGNED-PAYLOAD), so a valid signature always covers the request's body.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import NamedTuple
from urllib.parse import quote, urlsplit

from qkms_cli.errors import (
    IncompleteSignatureException,
    InvalidSignatureException,
    MissingAuthenticationTokenException,
    UnrecognizedClientException,
)

ALGORITHM = "AWS4-HMAC-SHA256"
SERVICE = "kms"
TIMESTAMP_FORMAT = "%Y%m%dT%H%M%SZ"
# AWS refuses a request dated more than 5 minutes from its clock (the SigV4 docs' "Signature
# expired" rule); the same window both ways.
MAX_SKEW = timedelta(minutes=5)
# botocore's SIGNED_HEADERS_BLACKLIST: headers proxies may change, never signed.
UNSIGNED_HEADERS = frozenset(
    {
        "authorization",
        "baggage",
        "connection",
        "expect",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "traceparent",
        "tracestate",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "user-agent",
        "x-amzn-trace-id",
    }
)

# AWS's own texts for these refusals. The unsigned request's is what AWS's JSON services answer
# (a real DynamoDB capture: HTTP 400 MissingAuthenticationTokenException); API Gateway's
# "Missing Authentication Token" is another front end's.
MISSING_TOKEN = "Request is missing Authentication Token"
UNRECOGNIZED_CLIENT = "The security token included in the request is invalid."
SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)


class Signed(NamedTuple):
    """Who signed a request that verified: the access key and the scope it signed for."""

    access_key_id: str
    region: str
    timestamp: str


# -- the shared steps ---------------------------------------------------------------------------


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret_key: str, date: str, region: str, service: str = SERVICE) -> bytes:
    k_date = _hmac(f"AWS4{secret_key}".encode(), date)
    return _hmac(_hmac(_hmac(k_date, region), service), "aws4_request")


def _canonical_path(path: str) -> str:
    """botocore's: dot segments and empty segments removed, then URI-encoded (again)."""
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part and part != ".":
            parts.append(part)
    normalized = "/" + "/".join(parts)
    if path.endswith("/") and parts:
        normalized += "/"
    return quote(normalized, safe="/~")


def _canonical_query(query: str) -> str:
    """The query's pairs as sent, sorted (botocore's _canonical_query_string_url)."""
    if not query:
        return ""
    pairs = []
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        pairs.append((key, value))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def _trim(value: str) -> str:
    return " ".join(value.split())


def _canonical_request(
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, list[str]],
    signed: list[str],
    body_hash: str,
) -> str:
    lines = [f"{name}:{','.join(_trim(v) for v in headers.get(name, []))}" for name in signed]
    return "\n".join(
        [
            method.upper(),
            _canonical_path(path),
            _canonical_query(query),
            "\n".join(lines) + "\n",
            ";".join(signed),
            body_hash,
        ]
    )


def _string_to_sign(timestamp: str, scope: str, canonical_request: str) -> str:
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{timestamp}\n{scope}\n{digest}"


def _host_of(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(parts.scheme)
    if parts.port is not None and parts.port != default:
        host = f"{host}:{parts.port}"
    return host


# -- signing (the client) -----------------------------------------------------------------------


def sign(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    access_key: str,
    secret_key: str,
    region: str,
    service: str = SERVICE,
    session_token: str | None = None,
    now: datetime | None = None,
) -> dict[str, str]:
    """The request's headers plus X-Amz-Date, X-Amz-Security-Token (if any) and Authorization.

    Host is signed as the URL's `host[:port]` (port left out when it is the scheme's default),
    which is what http.client and urllib3 send; it is not added to the returned headers.
    """
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    timestamp = stamp.strftime(TIMESTAMP_FORMAT)
    out = {k: v for k, v in headers.items() if k.lower() not in ("authorization", "x-amz-date")}
    out["X-Amz-Date"] = timestamp
    if session_token:
        out = {k: v for k, v in out.items() if k.lower() != "x-amz-security-token"}
        out["X-Amz-Security-Token"] = session_token
    lowered: dict[str, list[str]] = {}
    for name, value in out.items():
        if name.lower() not in UNSIGNED_HEADERS:
            lowered.setdefault(name.lower(), []).append(value)
    lowered.setdefault("host", [_host_of(url)])
    signed = sorted(lowered)
    parts = urlsplit(url)
    scope = f"{timestamp[:8]}/{region}/{service}/aws4_request"
    canonical = _canonical_request(
        method, parts.path, parts.query, lowered, signed, hashlib.sha256(body).hexdigest()
    )
    signature = hmac.new(
        signing_key(secret_key, timestamp[:8], region, service),
        _string_to_sign(timestamp, scope, canonical).encode("utf-8"),
        hashlib.sha256,
    ).hexdigest()
    out["Authorization"] = (
        f"{ALGORITHM} Credential={access_key}/{scope}, "
        f"SignedHeaders={';'.join(signed)}, Signature={signature}"
    )
    return out


# -- verifying (the server) ---------------------------------------------------------------------


def _parse_authorization(value: str, dated: bool) -> dict[str, str]:
    """The header's fields; AWS's IncompleteSignatureException names every part it lacks (the
    date headers too) and then the header as received."""
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise IncompleteSignatureException(
            f"Authorization header requires the {ALGORITHM} algorithm (Signature Version 4)."
        )
    fields: dict[str, str] = {}
    for item in rest.split(","):
        name, sep, val = item.strip().partition("=")
        if sep:
            fields[name.strip()] = val.strip()
    missing = [
        f"Authorization header requires '{name}' parameter."
        for name in ("Credential", "Signature", "SignedHeaders")
        if not fields.get(name)
    ]
    if not dated:
        missing.append(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        )
    if missing:
        raise IncompleteSignatureException(" ".join([*missing, f"Authorization={value}"]))
    return fields


def _parse_timestamp(value: str) -> datetime:
    try:
        return datetime.strptime(value, TIMESTAMP_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise IncompleteSignatureException(
            f"Date must be in ISO-8601 'basic format'. Got '{value[:64]}'. See "
            "http://en.wikipedia.org/wiki/ISO_8601"
        )
    return parsed.astimezone(timezone.utc)


def _check_clock(when: datetime, now: datetime) -> None:
    fmt = TIMESTAMP_FORMAT
    if when < now - MAX_SKEW:
        raise InvalidSignatureException(
            f"Signature expired: {when.strftime(fmt)} is now earlier than "
            f"{(now - MAX_SKEW).strftime(fmt)} ({now.strftime(fmt)} - 5 min.)"
        )
    if when > now + MAX_SKEW:
        raise InvalidSignatureException(
            f"Signature not yet current: {when.strftime(fmt)} is still later than "
            f"{(now + MAX_SKEW).strftime(fmt)} ({now.strftime(fmt)} + 5 min.)"
        )


def verify(
    method: str,
    path: str,
    query: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    *,
    secret_for: Callable[[str], str | None],
    service: str = SERVICE,
    now: datetime | None = None,
) -> Signed:
    """Check a request's SigV4 signature; the signer's access key and region, or an API error.

    headers are the (name, value) pairs as received (repeats allowed); path and query are as sent
    (still percent-encoded). secret_for(access_key_id) returns the key's secret, or None for an
    unknown or inactive key. Refusals are AWS's: MissingAuthenticationTokenException (unsigned),
    IncompleteSignatureException (malformed), InvalidSignatureException (mismatch, wrong scope,
    outside the 5-minute window), UnrecognizedClientException (unknown key or a session token).
    """
    received: dict[str, list[str]] = {}
    for name, value in headers:
        received.setdefault(name.lower(), []).append(value)
    authorization = received.get("authorization")
    if not authorization:
        raise MissingAuthenticationTokenException(MISSING_TOKEN)
    stamp_text = (received.get("x-amz-date") or received.get("date") or [""])[0]
    fields = _parse_authorization(authorization[0], dated=bool(stamp_text))

    credential = fields["Credential"].split("/")
    if len(credential) != 5 or not credential[0] or credential[4] != "aws4_request":
        raise IncompleteSignatureException(
            "Credential should be scoped with a valid terminator: 'aws4_request', in the form "
            "AccessKeyId/yyyymmdd/region/service/aws4_request."
        )
    access_key_id, scope_date, region, scope_service, _ = credential
    if not region:
        raise IncompleteSignatureException("Credential should be scoped to a valid region.")
    if scope_service != service:
        raise InvalidSignatureException(
            f"Credential should be scoped to correct service: '{service}'. "
        )
    signed = fields["SignedHeaders"].split(";")
    if signed != sorted(set(signed)) or any(h != h.lower() or not h for h in signed):
        raise IncompleteSignatureException(
            "SignedHeaders must be lowercase header names separated by ';', sorted."
        )
    if "host" not in signed:
        raise IncompleteSignatureException(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
        )
    missing = [h for h in signed if h not in received]
    if missing:
        raise InvalidSignatureException(
            f"SignedHeaders names a header the request does not carry: {missing[0]}."
        )
    when = _parse_timestamp(stamp_text)
    timestamp = when.strftime(TIMESTAMP_FORMAT)
    if scope_date != timestamp[:8]:
        raise InvalidSignatureException(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{scope_date[:16]}' != '{timestamp[:8]}', from '{stamp_text[:64]}'."
        )
    _check_clock(when, (now or datetime.now(timezone.utc)).astimezone(timezone.utc))

    # qkms issues long-term keys only: a session token is one it never issued.
    if "x-amz-security-token" in received:
        raise UnrecognizedClientException(UNRECOGNIZED_CLIENT)
    secret = secret_for(access_key_id)
    if secret is None:
        raise UnrecognizedClientException(UNRECOGNIZED_CLIENT)

    scope = f"{scope_date}/{region}/{service}/aws4_request"
    canonical = _canonical_request(
        method, path, query, received, signed, hashlib.sha256(body).hexdigest()
    )
    expected = hmac.new(
        signing_key(secret, scope_date, region, service),
        _string_to_sign(timestamp, scope, canonical).encode("utf-8"),
        hashlib.sha256,
    ).hexdigest()
    given = fields["Signature"].lower().encode("utf-8", "replace")
    if not hmac.compare_digest(expected.encode("ascii"), given):
        raise InvalidSignatureException(SIGNATURE_MISMATCH)
    return Signed(access_key_id, region, timestamp)


__all__ = ["MAX_SKEW", "SERVICE", "Signed", "sign", "signing_key", "verify"]
