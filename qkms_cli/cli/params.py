"""Turn command-line text into request members, by the member's shape in the API model."""

from __future__ import annotations

import base64
import binascii
import json
import re
import sys
from pathlib import Path
from typing import Any

import click

from qkms_cli.errors import CommandLineError

# Inputs are read at most this far; the largest API blob is 8192 bytes, so anything past this is
# refused before it is read whole.
MAX_INPUT_BYTES = 1 << 20
_BLOB_HELP = (
    "pass base64 text, fileb://PATH for raw bytes (fileb://- reads stdin), "
    "or file://PATH for a file holding base64 text"
)
_B64 = re.compile(rb"^[A-Za-z0-9+/]*={0,2}$")


def _read(path: str, flag: str, *, binary: bool) -> bytes:
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        else:
            with open(Path(path).expanduser(), "rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
    # ValueError: a NUL or a lone surrogate in the name; RuntimeError: ~nosuchuser.
    except (OSError, ValueError, RuntimeError) as exc:
        reason = getattr(exc, "strerror", None) or "not a valid file name"
        raise click.BadParameter(f"cannot read {path!r}: {reason}", param_hint=flag) from None
    if len(data) > MAX_INPUT_BYTES:
        raise click.BadParameter(
            f"{path} is larger than {MAX_INPUT_BYTES} bytes, far beyond any API limit",
            param_hint=flag,
        )
    return data


def b64decode_strict(data: bytes) -> bytes | None:
    """Decode canonical base64 text; None when it is anything else.

    Canonical: the standard alphabet, `=` padding to a multiple of four, no stray bits in the
    last group (re-encoding gives the text back). Line breaks are allowed only between whole
    groups of four, as `base64` and `openssl base64` wrap their output, and at the end; a space
    never is, so `my secret` is not read as the six bytes of `mysecret`. Empty text is no bytes
    (the model's length rules then speak, as in aws-cli).
    """
    lines = data.rstrip(b"\r\n").split(b"\n")
    lines = [line[:-1] if line.endswith(b"\r") else line for line in lines]
    if any(not line or len(line) % 4 for line in lines[:-1]):
        return None
    compact = b"".join(lines)
    if len(compact) % 4 or not _B64.match(compact):
        return None
    try:
        decoded = base64.b64decode(compact, validate=True)
    except binascii.Error:
        return None
    return decoded if base64.b64encode(decoded) == compact else None


def invalid_base64(value: str, where: str, *, sensitive: bool) -> CommandLineError:
    """aws-cli v2's `Invalid base64: "<value>"`, with how to pass bytes; a secret is not echoed."""
    shown = (
        f"Invalid base64 in {where} (the value is not shown: it may be secret)"
        if sensitive
        else f'Invalid base64: "{value}" ({where})'
    )
    return CommandLineError(
        f"{shown}\nqkms: {_BLOB_HELP}; or --cli-binary-format raw-in-base64-out to send the "
        "text itself as the bytes."
    )


def _looks_like_base64_blob(data: bytes) -> bool:
    """Base64 text of a v1 qkms blob starts 'UUsB' (b'QK\\x01'): aws-cli issues 1043 and 8497."""
    return data.lstrip()[:4] == b"UUsB"


def _is_file(value: str) -> bool:
    try:
        return Path(value).expanduser().is_file()
    except (OSError, ValueError, RuntimeError):  # RuntimeError: ~nosuchuser
        return False


def parse_blob(value: str, flag: str, *, raw: bool = False, sensitive: bool = True) -> bytes:
    """A binary member: base64 text, fileb://PATH (raw) or file://PATH (base64 text).

    raw (--cli-binary-format raw-in-base64-out, as aws-cli): the text itself is the bytes, of
    the value or of a file://PATH; fileb:// is raw bytes either way.
    """
    if value.startswith("fileb://"):
        data = _read(value[len("fileb://") :], flag, binary=True)
        if _looks_like_base64_blob(data):
            decoded = b64decode_strict(data)
            if decoded is not None:
                return decoded
        return data
    if value.startswith("file://"):
        data = _read(value[len("file://") :], flag, binary=False)
        if raw:
            return data
        decoded = b64decode_strict(data)
        if decoded is None:
            raise click.BadParameter(
                f"{value} does not hold base64 text; use fileb:// for a file of raw bytes",
                param_hint=flag,
            )
        return decoded
    encoded = value.encode("utf-8", "surrogatepass")
    if raw:
        return encoded
    decoded = b64decode_strict(encoded)
    if decoded is None:
        if value and "\n" not in value and _is_file(value):
            raise click.BadParameter(
                f"{value} is a file: pass fileb://{value} for its raw bytes, or "
                f"file://{value} if it holds base64 text",
                param_hint=flag,
            )
        raise invalid_base64(value, flag, sensitive=sensitive)
    return decoded


def parse_blob_source(value: str, flag: str) -> bytes:
    """Like parse_blob, and '-' reads stdin, raw bytes or base64 text of them."""
    if value == "-":
        data = _read("-", flag, binary=True)
        decoded = b64decode_strict(data)
        return data if decoded is None else decoded
    return parse_blob(value, flag, sensitive=False)  # a ciphertext is no secret


# String members long enough to live in a file: file://PATH reads the text, as aws-cli does.
TEXT_FILE_MEMBERS = frozenset({"Policy"})


def _text_source(value: str, flag: str) -> str:
    if value.startswith("file://"):
        return _read(value[len("file://") :], flag, binary=False).decode("utf-8", "replace")
    return value


def parse_map(value: str, flag: str) -> dict[str, str]:
    """A map of strings: a JSON object, or the shorthand k=v,k2=v2 (file://PATH for either)."""
    text = _text_source(value, flag).strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise click.BadParameter(
                f"invalid JSON: {exc.msg} at column {exc.colno}", param_hint=flag
            ) from None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise click.BadParameter(
                'must be a JSON object whose values are strings, e.g. {"Purpose": "Test"}',
                param_hint=flag,
            )
        return data
    result: dict[str, str] = {}
    for part in text.split(","):
        key, sep, item = part.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(
                "expected KEY=VALUE[,KEY=VALUE...] or a JSON object, e.g. Purpose=Test",
                param_hint=flag,
            )
        result[key.strip()] = item.strip()
    return result


def parse_structure(value: str, flag: str, shape: dict[str, Any]) -> list[dict[str, Any]]:
    """One or more structures: JSON (object or list), or shorthand Name=v,Name2=v2."""
    text = _text_source(value, flag).strip()
    if text.startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise click.BadParameter(
                f"invalid JSON: {exc.msg} at column {exc.colno}", param_hint=flag
            ) from None
        return data if isinstance(data, list) else [data]
    members = shape.get("members", {})
    item: dict[str, Any] = {}
    for part in text.split(","):
        key, sep, val = part.partition("=")
        key = key.strip()
        if not sep or key not in members:
            raise click.BadParameter(
                f"expected {','.join(f'{m}=...' for m in members)} or JSON", param_hint=flag
            )
        item[key] = val
    return [item]


def parse_list(values: tuple[str, ...], flag: str, shape: dict[str, Any]) -> list[Any]:
    member = shape["member"]
    result: list[Any] = []
    for value in values:
        if member["type"] == "structure":
            result.extend(parse_structure(value, flag, member))
        elif value.lstrip().startswith("["):
            try:
                data = json.loads(value)
            except json.JSONDecodeError as exc:
                raise click.BadParameter(f"invalid JSON: {exc.msg}", param_hint=flag) from None
            result.extend(data if isinstance(data, list) else [data])
        else:
            result.append(value)
    return result


def from_json(shape: dict[str, Any], value: Any, path: str, *, raw: bool = False) -> Any:
    """Decode base64 blobs inside a --cli-input-json request, guided by the shape.

    raw (--cli-binary-format raw-in-base64-out): a blob's text is its bytes, as in aws-cli.
    """
    from qkms_cli.errors import ParamValidationError

    kind = shape["type"]
    if value is None:
        return None
    if kind == "blob":
        if not isinstance(value, str):
            raise ParamValidationError(
                f"Invalid type for parameter {path}: expected base64 text", member=path
            )
        encoded = value.encode("utf-8", "surrogatepass")
        if raw:
            return encoded
        decoded = b64decode_strict(encoded)
        if decoded is None:
            where = f"parameter {path} of --cli-input-json"
            raise invalid_base64(value, where, sensitive=bool(shape.get("sensitive")))
        return decoded
    if kind == "list" and isinstance(value, list):
        return [from_json(shape["member"], v, f"{path}[{i}]", raw=raw) for i, v in enumerate(value)]
    if kind == "structure" and isinstance(value, dict):
        members = shape.get("members", {})
        return {
            k: from_json(members[k], v, f"{path}.{k}", raw=raw) if k in members else v
            for k, v in value.items()
        }
    return value


def skeleton(shape: dict[str, Any]) -> Any:
    """A template value: strings '', numbers 0, booleans false, blobs null, enums their first value."""
    kind = shape["type"]
    if "enum" in shape:
        return shape["enum"][0]
    if kind == "structure":
        return {name: skeleton(member) for name, member in shape.get("members", {}).items()}
    if kind == "list":
        return [skeleton(shape["member"])]
    if kind == "map":
        return {"KeyName": skeleton(shape["value"])}
    return {
        "string": "",
        "integer": 0,
        "long": 0,
        "boolean": False,
        "timestamp": "1970-01-01T00:00:00+00:00",
    }.get(kind)


def parse_timestamp(value: str, flag: str) -> float:
    """A timestamp as aws-cli takes one: ISO 8601 (2027-01-31T12:00:00Z) or epoch seconds."""
    from datetime import datetime, timezone

    text = value.strip()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a timestamp: give ISO 8601 (2027-01-31T12:00:00Z) or epoch seconds",
            param_hint=flag,
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()


def read_text_file(path: str, flag: str) -> str:
    """A UTF-8 text file named on the command line (at most MAX_INPUT_BYTES); - is stdin."""
    data = _read(path, flag, binary=False)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise click.BadParameter(f"{path} is not UTF-8 text", param_hint=flag) from None
