"""Rendering responses: JSON, aws-cli's text, rich tables and YAML, after an optional --query."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import datetime
from typing import IO, Any

FORMATS = ("json", "text", "table", "yaml", "yaml-stream", "off")

Renderer = Callable[[str, Any, IO[str]], None]


def to_jsonable(value: Any) -> Any:
    """Blobs become base64 text and timestamps ISO 8601, as aws-cli v2 shows them."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def compile_query(expression: str) -> Any:
    """Compile a JMESPath expression once; ValueError with jmespath's explanation if it is bad."""
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        return jmespath.compile(expression)
    except JMESPathError as exc:
        raise ValueError(f"Bad value for --query {expression}: {exc}") from None


def render_json(op: str, data: Any, stream: IO[str]) -> None:
    # A --query that matches nothing prints null, as aws-cli does.
    stream.write(json.dumps(data, indent=4, ensure_ascii=False))
    stream.write("\n")


# -- text: aws-cli's awscli/text.py, line for line in behaviour --------------------------------


def _scalar(value: Any) -> str:
    return str(value)


def _text(
    item: Any, stream: IO[str], identifier: str | None = None, keys: list[str] | None = None
) -> None:
    if isinstance(item, dict):
        _text_dict(item, stream, identifier, keys)
    elif isinstance(item, list):
        _text_list(item, stream, identifier)
    else:
        stream.write(_scalar(item) + "\n")


def _text_list(items: list[Any], stream: IO[str], identifier: str | None) -> None:
    if not items:
        return
    if any(isinstance(el, dict) for el in items):
        keys = sorted(
            {
                k
                for el in items
                if isinstance(el, dict)
                for k, v in el.items()
                if not isinstance(v, (dict, list))
            }
        )
        for element in items:
            _text(element, stream, identifier, keys)
    elif any(isinstance(el, list) for el in items):
        scalars = [el for el in items if not isinstance(el, (dict, list))]
        if scalars:
            _text_scalars(scalars, stream, identifier)
        for element in items:
            if isinstance(element, (dict, list)):
                _text(element, stream, identifier)
    else:
        _text_scalars(items, stream, identifier)


def _text_scalars(items: list[Any], stream: IO[str], identifier: str | None) -> None:
    if identifier is not None:
        for item in items:
            stream.write(f"{identifier.upper()}\t{_scalar(item)}\n")
    else:
        stream.write("\t".join(_scalar(i) for i in items) + "\n")


def _text_dict(
    item: dict[str, Any], stream: IO[str], identifier: str | None, keys: list[str] | None
) -> None:
    scalars: list[str] = []
    nested: list[tuple[str, Any]] = []
    if keys is None:
        for key, value in sorted(item.items()):
            if isinstance(value, (dict, list)):
                nested.append((key, value))
            else:
                scalars.append(_scalar(value))
    else:
        scalars = [_scalar(item.get(key, "")) for key in keys]
        nested = [(key, item[key]) for key in sorted(set(item) - set(keys))]
    if scalars:
        if identifier is not None:
            scalars.insert(0, identifier.upper())
        stream.write("\t".join(scalars) + "\n")
    for key, value in nested:
        _text(value, stream, key)


def render_text(op: str, data: Any, stream: IO[str]) -> None:
    if data is None:
        stream.write("None\n")  # aws-cli's text for a --query that matches nothing
        return
    if isinstance(data, dict) and isinstance(data.get("NextToken"), str):
        # aws-cli prints the pages first and the token to resume from on the last line.
        rest = {k: v for k, v in data.items() if k != "NextToken"}
        _text(rest, stream)
        stream.write(f"NEXTTOKEN\t{data['NextToken']}\n")
        return
    _text(data, stream)


def render_table(op: str, data: Any, stream: IO[str], color: str = "auto") -> None:
    """Rich tables for people: dicts as two columns, lists of dicts as rows.

    color: on, off or auto (a terminal without NO_COLOR), as aws-cli's --color.
    """
    from qkms_cli.table import render

    render(op, data, stream, color=color)


def _yaml(data: Any, stream: IO[str]) -> None:
    # PyYAML (with libyaml where built), imported only here: block style, the response's own member
    # order, text as it is, as aws-cli v2's yaml output.
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    yaml.dump(
        data,
        stream,
        Dumper=dumper,
        default_flow_style=False,
        sort_keys=False,
        allow_unicode=True,
    )


def render_yaml(op: str, data: Any, stream: IO[str]) -> None:
    _yaml(data, stream)


def render_yaml_stream(op: str, data: Any, stream: IO[str]) -> None:
    """yaml-stream: each response as an item of a YAML list, so the output can be read as it
    comes; a listing prints one item per page as it arrives (one merged item with --max-items or
    --starting-token), as aws-cli v2 does."""
    _yaml([data], stream)


def render_off(op: str, data: Any, stream: IO[str]) -> None:
    """--output off: nothing on stdout."""


RENDERERS: dict[str, Renderer] = {
    "json": render_json,
    "text": render_text,
    "table": render_table,
    "yaml": render_yaml,
    "yaml-stream": render_yaml_stream,
    "off": render_off,
}
