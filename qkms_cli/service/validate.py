"""Check a request dict against an operation's input shapes, as botocore does before sending."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from qkms_cli.errors import ParamValidationError

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


def _fail(message: str, member: str) -> ParamValidationError:
    return ParamValidationError(message, member=member.split(".")[0].split("[")[0])


def validate_request(members: dict[str, Any], required: list[str], request: dict[str, Any]) -> None:
    """Raise ParamValidationError for the first member that breaks the model."""
    if not isinstance(request, dict):
        raise ParamValidationError("The request must be a JSON object.")
    unknown = [name for name in request if name not in members]
    if unknown:
        raise _fail(
            f'Unknown parameter in input: "{unknown[0]}", must be one of: {", ".join(members)}',
            unknown[0],
        )
    for name in required:
        if request.get(name) is None:
            raise _fail(f'Missing required parameter in input: "{name}"', name)
    for name, value in request.items():
        if value is not None:
            _check(members[name], value, name)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check(shape: dict[str, Any], value: Any, path: str) -> None:
    kind = shape["type"]
    sensitive = shape.get("sensitive") or kind == "blob"
    if not isinstance(value, _PY_TYPES[kind]) or (
        kind in ("integer", "long") and isinstance(value, bool)
    ):
        raise _fail(
            f"Invalid type for parameter {path}: expected {_TYPE_NAMES[kind]}, "
            f"got {type(value).__name__}",
            path,
        )
    if "enum" in shape and value not in shape["enum"]:
        raise _fail(
            f"Invalid value for parameter {path}: {value!r}. "
            f"Valid values: {', '.join(shape['enum'])}",
            path,
        )
    if kind in ("integer", "long"):
        if "min" in shape and value < shape["min"]:
            raise _fail(
                f"Invalid value for parameter {path}, value: {value}, "
                f"valid min value: {shape['min']}",
                path,
            )
        if "max" in shape and value > shape["max"]:
            raise _fail(
                f"Invalid value for parameter {path}, value: {value}, "
                f"valid max value: {shape['max']}",
                path,
            )
    elif kind in ("string", "blob", "list", "map"):
        if kind == "string" and not _is_utf8(value):
            raise _fail(
                f"Invalid value for parameter {path}: it is not valid UTF-8 text "
                "(undecodable bytes or a lone surrogate)",
                path,
            )
        size = len(value)
        shown = "" if sensitive or kind != "string" else f", value: {value!r}"
        if "min" in shape and size < shape["min"]:
            raise _fail(
                f"Invalid length for parameter {path}{shown}, length: {size}, "
                f"valid min length: {shape['min']}",
                path,
            )
        if "max" in shape and size > shape["max"]:
            shown = "" if size > 200 else shown
            raise _fail(
                f"Invalid length for parameter {path}{shown}, length: {size}, "
                f"valid max length: {shape['max']}",
                path,
            )
    if kind == "list":
        for index, item in enumerate(value):
            _check(shape["member"], item, f"{path}[{index}]")
    elif kind == "map":
        for key, item in value.items():
            _check(shape["key"], key, f"{path} key")
            _check(shape["value"], item, f"{path}[{key!r}]")
    elif kind == "structure":
        members = shape.get("members", {})
        unknown = [name for name in value if name not in members]
        if unknown:
            raise _fail(
                f'Unknown parameter in {path}: "{unknown[0]}", must be one of: '
                f"{', '.join(members)}",
                path,
            )
        for name in shape.get("required", []):
            if value.get(name) is None:
                raise _fail(f'Missing required parameter in {path}: "{name}"', path)
        for name, item in value.items():
            if item is not None:
                _check(members[name], item, f"{path}.{name}")
