"""The JSON 1.1 wire codec that `qkms serve` and the CLI's remote mode share, driven by shapes.

Mirrors botocore's `serialize.py` / `parsers.py` for the json protocol: request and response
bodies are JSON objects whose blob members are base64 text and whose timestamps are epoch seconds
(numbers); an error is `{"__type": "<Code>", "message": "<text>"}`. Each function takes the shapes
of the body it handles (`service.spec(op).input` or `.output`, passed in by the caller), so this
module imports neither the service nor the client.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime, timezone
from typing import Any

from qkms_cli.errors import SerializationException

CONTENT_TYPE = "application/x-amz-json-1.1"
# X-Amz-Target is `TrentService.<Operation>` for KMS (botocore's metadata targetPrefix).
TARGET_PREFIX = "TrentService."
# JSON nested deeper than this is refused before Python's recursion limit is near; KMS shapes are
# at most four levels deep (ListGrants: Grants[].Constraints.EncryptionContextSubset{}).
MAX_DEPTH = 32

Shapes = dict[str, Any]

# What botocore's JSON parser names each JSON value kind in its messages (Coral does the same).
_JSON_KIND = {
    str: "STRING_VALUE",
    int: "NUMBER_VALUE",
    float: "NUMBER_VALUE",
    bool: "BOOLEAN_VALUE",
    list: "START_ARRAY",
    dict: "START_OBJECT",
}
_TARGET_NAME = {
    "string": "a String",
    "blob": "a ByteBuffer",
    "integer": "an Integer",
    "long": "a Long",
    "boolean": "a Boolean",
    "timestamp": "a Date",
    "list": "a List",
    "map": "a Map",
    "structure": "a Structure",
}


# -- bodies ------------------------------------------------------------------------------------


def encode(value: dict[str, Any], shapes: Shapes) -> bytes:
    """A request or response dict -> JSON bytes: bytes as base64, datetimes as epoch seconds.

    None members are left out, as botocore leaves out unset members.
    """
    data = _to_wire_members(value, shapes)
    try:
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: escaped, so the bytes stay valid UTF-8
        return json.dumps(data, separators=(",", ":")).encode("ascii")


def decode(body: bytes, shapes: Shapes) -> dict[str, Any]:
    """JSON bytes -> a request or response dict: base64 blobs to bytes, epochs to UTC datetimes.

    An empty body is `{}`. Anything that is not a JSON object, or whose members have the wrong
    JSON type for their shape (or blobs that are not base64), is a SerializationException, as
    AWS answers. Members without a shape are kept as they are, for the model's validation to name.
    """
    if not body.strip():
        return {}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise SerializationException("The request body is not valid UTF-8.") from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise SerializationException(f"The request body is not valid JSON: {_json_error(exc)}")
    if not isinstance(data, dict):
        raise SerializationException(
            f"{_kind(data)} can not be converted to a Structure: the body must be a JSON object."
        )
    return _from_wire_members(data, shapes, "", 0)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _json_error(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc)


def _kind(value: Any) -> str:
    return "null" if value is None else _JSON_KIND.get(type(value), type(value).__name__)


# -- to the wire -------------------------------------------------------------------------------


def _to_wire_members(value: dict[str, Any], shapes: Shapes) -> dict[str, Any]:
    return {
        name: _to_wire(item, shapes.get(name)) for name, item in value.items() if item is not None
    }


def _to_wire(value: Any, shape: dict[str, Any] | None) -> Any:
    kind = shape.get("type") if shape else None
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return _epoch(value)
    if isinstance(value, dict):
        if kind == "structure":
            return _to_wire_members(value, shape.get("members", {}))  # type: ignore[union-attr]
        inner = shape.get("value") if kind == "map" else None  # type: ignore[union-attr]
        return {k: _to_wire(v, inner) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        inner = shape.get("member") if kind == "list" else None  # type: ignore[union-attr]
        return [_to_wire(v, inner) for v in value]
    return value


def _epoch(value: datetime) -> float | int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    seconds = value.timestamp()
    return int(seconds) if seconds.is_integer() else seconds


# -- from the wire -----------------------------------------------------------------------------


def _from_wire_members(
    data: dict[str, Any], shapes: Shapes, path: str, depth: int
) -> dict[str, Any]:
    out = {}
    for name, item in data.items():
        if item is None:
            continue  # null is an unset member, as AWS reads it
        shape = shapes.get(name)
        where = f"{path}.{name}" if path else name
        out[name] = item if shape is None else _from_wire(item, shape, where, depth + 1)
    return out


def _mismatch(value: Any, kind: str, path: str) -> SerializationException:
    return SerializationException(
        f"{_kind(value)} can not be converted to {_TARGET_NAME.get(kind, kind)} (member {path})."
    )


def _from_wire(value: Any, shape: dict[str, Any], path: str, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise SerializationException("The request body is nested too deeply.")
    kind = shape.get("type")
    if kind == "blob":
        if not isinstance(value, str):
            raise _mismatch(value, kind, path)
        try:
            return base64.b64decode(value.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raise SerializationException(
                f"Value for member {path} is not valid base64: blobs are base64 text."
            ) from None
    if kind == "timestamp":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _mismatch(value, kind, path)
        try:
            return datetime.fromtimestamp(value, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise SerializationException(f"Value for member {path} is not a valid timestamp.")
    if kind == "string":
        if not isinstance(value, str):
            raise _mismatch(value, kind, path)
        return value
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _mismatch(value, kind, path)
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _mismatch(value, kind, path)
        return value
    if kind == "structure":
        if not isinstance(value, dict):
            raise _mismatch(value, kind, path)
        return _from_wire_members(value, shape.get("members", {}), path, depth)
    if kind == "map":
        if not isinstance(value, dict):
            raise _mismatch(value, kind, path)
        inner = shape.get("value", {})
        return {
            k: _from_wire(v, inner, f"{path}.{k}", depth + 1) if inner else v
            for k, v in value.items()
            if v is not None
        }
    if kind == "list":
        if not isinstance(value, list):
            raise _mismatch(value, kind, path)
        inner = shape.get("member", {})
        return [
            _from_wire(v, inner, f"{path}[{i}]", depth + 1) if inner else v
            for i, v in enumerate(value)
        ]
    return value


# -- errors ------------------------------------------------------------------------------------


def encode_error(code: str, message: str) -> bytes:
    """The error body AWS's JSON 1.1 services send: `{"__type": code, "message": message}`."""
    return json.dumps({"__type": code, "message": message}, separators=(",", ":")).encode()


def decode_error(body: bytes, status: int) -> tuple[str, str]:
    """(code, message) of an error answer, read as botocore's JSON parser reads it.

    `__type` may carry a namespace (`com.amazon.coral.service#UnrecognizedClientException`); the
    message may be `message` or `Message`. A body that is not such JSON gives the HTTP status as the
    code, as botocore does.
    """
    try:
        data = json.loads(body.decode("utf-8")) if body.strip() else {}
    except (UnicodeDecodeError, ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        return str(status), body[:200].decode("utf-8", "replace")
    code = str(data.get("__type") or data.get("code") or status)
    message = data.get("message", data.get("Message", ""))
    return code.rsplit("#", 1)[-1], "" if message is None else str(message)


def operation_of(target: str | None) -> str | None:
    """The operation an `X-Amz-Target` header names, or None when it is not `TrentService.<Op>`."""
    if not target or not target.startswith(TARGET_PREFIX):
        return None
    return target[len(TARGET_PREFIX) :] or None


__all__ = [
    "CONTENT_TYPE",
    "TARGET_PREFIX",
    "decode",
    "decode_error",
    "encode",
    "encode_error",
    "operation_of",
]
