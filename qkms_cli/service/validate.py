"""Check a request dict against an operation's input shapes: every problem, in two wordings.

A request that breaks the model raises one ParamValidationError listing every problem found,
as both sides of AWS word them. Its `message` is what AWS KMS answers (a ValidationException):
"2 validation errors detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member
must have value greater than or equal to 1; ..." with lowerCamel member paths
(shared/reference/aws-error-texts.md). Its `client_message` is what botocore says before sending
("Invalid value for parameter NumberOfBytes, value: 0, valid min value: 1", one line a problem),
which the CLI prints as aws-cli does. Problems AWS has no wording for (an unknown member, a
mistyped value, text that is not UTF-8) keep qkms's words on both sides.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Any

from qkms_cli.errors import ParamValidationError, QkmsError, ValidationException

_PY_TYPES = {
    "string": (str,),
    "blob": (bytes, bytearray),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "map": (dict,),
    "list": (list, tuple),
    "structure": (dict,),
    "timestamp": (int, float, datetime),  # epoch seconds, or a datetime from the wire codec
}
_TYPE_NAMES = {
    "string": "a string",
    "blob": "binary data",
    "integer": "an integer",
    "long": "an integer",
    "boolean": "a boolean",
    "map": "an object of string values",
    "list": "a list",
    "structure": "an object",
    "timestamp": "a timestamp",
}
_SCALARS = ("string", "blob", "integer", "long", "boolean", "timestamp")

# The order in which AWS lists an enum's values in "Member must satisfy enum value set: [...]",
# as recorded from real AWS KMS (aws-error-texts.md); it is not the model's order. Values the
# model has gained since the recording (SM2, ML_DSA_*, ... ; KEY_AGREEMENT, ...) follow in the
# model's order, so that the message still names every value qkms accepts.
_AWS_ENUM_ORDER = (
    (
        "RSA_2048", "ECC_NIST_P384", "ECC_NIST_P256", "ECC_NIST_P521", "HMAC_384", "RSA_3072",
        "ECC_SECG_P256K1", "RSA_4096", "SYMMETRIC_DEFAULT", "HMAC_256", "HMAC_224", "HMAC_512",
    ),
    ("ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC"),
    ("HMAC_SHA_384", "HMAC_SHA_256", "HMAC_SHA_224", "HMAC_SHA_512"),
)  # fmt: skip


class _Report:
    """The problems found so far, in both wordings."""

    def __init__(self) -> None:
        self.member: str | None = None
        self.client: list[str] = []  # botocore's lines (qkms's where botocore has none)
        self.aws: list[tuple[str, bool]] = []  # AWS's clauses; False: qkms's text, AWS has none
        self.server_side = True  # only problems botocore never checks (patterns)

    def add(self, member: str, client: str, aws: str | None, *, server_side: bool = False) -> None:
        self.member = self.member or member
        self.client.append(client)
        self.aws.append((client, False) if aws is None else (aws, True))
        self.server_side = self.server_side and server_side

    def error(self) -> QkmsError:
        client = "\n".join(self.client)
        if not any(worded for _text, worded in self.aws):
            message = client  # nothing AWS would word: qkms's own text
        else:
            count = len(self.aws)
            clauses = "; ".join(text for text, _worded in self.aws)
            message = f"{count} validation error{'s' if count > 1 else ''} detected: {clauses}"
        if self.server_side:
            # botocore sends what breaks only a pattern, and AWS refuses it: so aws-cli prints
            # AWS's ValidationException (exit 254), and so does qkms, in both modes.
            return ValidationException(message)
        return ParamValidationError(message, member=self.member, client_message=client)


def validate_request(members: dict[str, Any], required: list[str], request: dict[str, Any]) -> None:
    """Raise ParamValidationError naming every member that breaks the model (ValidationException
    when they break only patterns, which AWS alone checks)."""
    if not isinstance(request, dict):
        raise ParamValidationError("The request must be a JSON object.")
    report = _Report()
    _structure(report, members, required, request, "input", "", "")
    if report.client:
        raise report.error()


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _top(path: str) -> str:
    return path.split(".")[0].split("[")[0].split(" ")[0]


def _structure(
    report: _Report,
    members: dict[str, Any],
    required: list[str],
    value: dict[str, Any],
    where: str,
    path: str,
    aws_path: str,
) -> None:
    """Missing and unknown members first (botocore's order), then each member in the model's."""
    for name in required:
        if value.get(name) is None:
            report.add(
                _top(path) or name,
                f'Missing required parameter in {where}: "{name}"',
                f"Value null at '{aws_path}{_camel(name)}' failed to satisfy constraint: "
                "Member must not be null",
            )
    for name in value:
        if name not in members:
            report.add(
                _top(path) or name,
                f'Unknown parameter in {where}: "{name}", must be one of: {", ".join(members)}',
                None,  # AWS ignores members it does not know; qkms says so
            )
    for name, shape in members.items():
        item = value.get(name)
        if item is not None:
            _check(report, shape, item, f"{path}.{name}" if path else name, aws_path + _camel(name))


def _check(report: _Report, shape: dict[str, Any], value: Any, path: str, aws_path: str) -> None:
    kind = shape["type"]
    if not isinstance(value, _PY_TYPES[kind]) or (
        kind in ("integer", "long") and isinstance(value, bool)
    ):
        report.add(
            _top(path),
            f"Invalid type for parameter {path}: expected {_TYPE_NAMES[kind]}, "
            f"got {type(value).__name__}",
            None,
        )
        return
    if kind == "string" and not _is_utf8(value):
        report.add(
            _top(path),
            f"Invalid value for parameter {path}: it is not valid UTF-8 text "
            "(undecodable bytes or a lone surrogate)",
            None,
        )
        return
    for client, constraint in _violations(shape, value, path):
        server_side = constraint.startswith("Member must satisfy regular expression pattern")
        report.add(
            _top(path), client, _clause(shape, value, aws_path, constraint), server_side=server_side
        )
    if kind == "list":
        member = shape["member"]
        if member["type"] == "structure":
            for index, item in enumerate(value):
                _check(report, member, item, f"{path}[{index}]", f"{aws_path}.{index + 1}.member")
        else:
            _items(report, shape, value, aws_path, "Member", member, enumerate(value), path)
    elif kind == "map":
        keys = ((f"{key!r}", key) for key in value)
        _items(report, shape, value, aws_path, "Map keys", shape["key"], keys, f"{path} key")
        values = ((f"{key!r}", item) for key, item in value.items())
        _items(report, shape, value, aws_path, "Map value", shape["value"], values, path)
    elif kind == "structure":
        _structure(
            report,
            shape.get("members", {}),
            shape.get("required", []),
            value,
            path,
            path,
            f"{aws_path}.",
        )


def _items(
    report: _Report,
    shape: dict[str, Any],
    value: Any,
    aws_path: str,
    what: str,
    of: dict[str, Any],
    items: Any,
    path: str,
) -> None:
    """A list's items (or a map's keys or values) that are not structures: botocore names each
    bad item; AWS reports the collection once, with every constraint its items must meet."""
    inner = _Report()
    for index, item in items:
        _check(inner, of, item, path if what == "Map keys" else f"{path}[{index}]", "")
    if not inner.client:
        return
    report.member = report.member or inner.member
    report.client += inner.client
    report.server_side = report.server_side and inner.server_side
    if any(worded for _text, worded in inner.aws):
        wanted = ", ".join(_constraints(of))
        clause = _clause(shape, value, aws_path, f"{what} must satisfy constraint: [{wanted}]")
        report.aws.append((clause, True))
    report.aws += [(text, worded) for text, worded in inner.aws if not worded]


def _violations(shape: dict[str, Any], value: Any, path: str) -> list[tuple[str, str]]:
    """(botocore's line, AWS's constraint) for each constraint value breaks."""
    kind = shape["type"]
    found = []
    sensitive = shape.get("sensitive") or kind == "blob"
    if "enum" in shape and value not in shape["enum"]:
        found.append(
            (
                f"Invalid value for parameter {path}: {value!r}. "
                f"Valid values: {', '.join(shape['enum'])}",
                f"Member must satisfy enum value set: [{', '.join(_aws_enum(shape['enum']))}]",
            )
        )
    if kind == "string" and "pattern" in shape and not _pattern(shape["pattern"]).fullmatch(value):
        shown = "" if sensitive else f" {value!r}"
        found.append(
            (
                f"Invalid value for parameter {path}:{shown} does not match the pattern "
                f"{shape['pattern']}",
                f"Member must satisfy regular expression pattern: {shape['pattern']}",
            )
        )
    if kind in ("integer", "long"):
        if "min" in shape and value < shape["min"]:
            found.append(
                (
                    f"Invalid value for parameter {path}, value: {value}, "
                    f"valid min value: {shape['min']}",
                    f"Member must have value greater than or equal to {shape['min']}",
                )
            )
        if "max" in shape and value > shape["max"]:
            found.append(
                (
                    f"Invalid value for parameter {path}, value: {value}, "
                    f"valid max value: {shape['max']}",
                    f"Member must have value less than or equal to {shape['max']}",
                )
            )
    elif kind in ("string", "blob", "list", "map"):
        size = len(value)
        shown = "" if sensitive or kind != "string" else f", value: {value!r}"
        if "min" in shape and size < shape["min"]:
            found.append(
                (
                    f"Invalid length for parameter {path}{shown}, length: {size}, "
                    f"valid min length: {shape['min']}",
                    f"Member must have length greater than or equal to {shape['min']}",
                )
            )
        if "max" in shape and size > shape["max"]:
            shown = "" if size > 200 else shown
            found.append(
                (
                    f"Invalid length for parameter {path}{shown}, length: {size}, "
                    f"valid max length: {shape['max']}",
                    f"Member must have length less than or equal to {shape['max']}",
                )
            )
    return found


def _constraints(shape: dict[str, Any]) -> list[str]:
    """Every constraint of a scalar shape, as AWS lists them for a collection's members."""
    found = []
    word = "value" if shape["type"] in ("integer", "long") else "length"
    if "max" in shape:
        found.append(f"Member must have {word} less than or equal to {shape['max']}")
    if "min" in shape:
        found.append(f"Member must have {word} greater than or equal to {shape['min']}")
    if "pattern" in shape:
        found.append(f"Member must satisfy regular expression pattern: {shape['pattern']}")
    if "enum" in shape:
        found.append(f"Member must satisfy enum value set: [{', '.join(_aws_enum(shape['enum']))}]")
    return found


def _clause(shape: dict[str, Any], value: Any, aws_path: str, constraint: str) -> str:
    """AWS's clause: the value as Java prints it, except binary and sensitive values."""
    if shape["type"] == "blob" or shape.get("sensitive"):
        return f"Value at '{aws_path}' failed to satisfy constraint: {constraint}"
    return f"Value '{_java(value)}' at '{aws_path}' failed to satisfy constraint: {constraint}"


def _java(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_java(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_java(v)}" for k, v in value.items()) + "}"
    return str(value)


def _aws_enum(values: list[str]) -> list[str]:
    for recorded in _AWS_ENUM_ORDER:
        if set(recorded) <= set(values):
            return [*recorded, *(v for v in values if v not in recorded)]
    return values


@cache
def _pattern(pattern: str) -> re.Pattern[str]:
    """The model's pattern (Java syntax) for a whole value; Java's \\w is ASCII."""
    return re.compile(pattern, re.ASCII)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
