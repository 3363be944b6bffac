"""The table output: rich tables, imported only when a table is drawn.

Layout rules, for people reading at 80 columns as at 200: titles, headers, ids, dates, enums and
numbers are never broken; only ARNs and blobs (base64, long hex digests, JSON) fold, and free text
wraps between words. A list of records is drawn as rows when that fits the terminal, else as one
Member | Value block a record. An empty list prints "(none)".
"""

from __future__ import annotations

import json
import os
import re
from typing import IO, Any

# A value this long made of base64 or hex characters is a blob (a key, a signature, a digest).
_BLOB_MIN = 40
_BLOB = re.compile(r"^[A-Za-z0-9+/=]+$")
# The narrowest an ARN or blob column is drawn in rows before records are drawn instead.
_FOLD_MIN = 20
NONE = "(none)"


def _cell(value: Any) -> str:
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return ", ".join(str(v) for v in value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _folds(value: Any, text: str) -> bool:
    """True for what may be broken anywhere: ARNs, blobs, nested JSON."""
    if isinstance(value, (dict, list)) and not (
        isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value)
    ):
        return True
    return text.startswith("arn:") or (len(text) >= _BLOB_MIN and bool(_BLOB.match(text)))


def _whole(value: Any, text: str) -> int:
    """The width a cell needs unbroken: the whole text, or for free text its longest word."""
    if _folds(value, text):
        return 0
    if " " in text.strip():
        return max(len(word) for word in text.split())
    return len(text)


def _text(value: Any, text: str) -> Any:
    from rich.text import Text

    if _folds(value, text):
        return Text(text, overflow="fold")
    return Text(text, no_wrap=" " not in text.strip(), overflow="fold")


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list)) or (
        isinstance(value, list)
        and bool(value)
        and all(not isinstance(i, (dict, list)) for i in value)
    )


def _pairs_table(rows: list[list[tuple[str, Any]]]) -> Any:
    """Member | Value, a section a record."""
    from rich.table import Table

    table = Table(show_header=False)
    names = [name for record in rows for name, _ in record]
    table.add_column("Member", style="bold cyan", no_wrap=True, min_width=max(map(len, names)))
    widths = [_whole(v, _cell(v)) for record in rows for _, v in record]
    table.add_column("Value", min_width=max(widths, default=0) or None)
    for index, record in enumerate(rows):
        if index:
            table.add_section()
        for name, value in record:
            table.add_row(name, _text(value, _cell(value)))
    return table


def _rows_table(items: list[dict[str, Any]], width: int) -> Any | None:
    """Records as rows, or None when they cannot fit `width` without breaking an id or a date."""
    from rich.table import Table

    columns: list[str] = []
    for item in items:
        columns.extend(k for k in item if k not in columns)
    needs = []
    for column in columns:
        cells = [(item.get(column, ""), _cell(item.get(column, ""))) for item in items]
        folds = any(_folds(v, t) for v, t in cells)
        whole = max([len(column), *(_whole(v, t) for v, t in cells)])
        needs.append((whole, folds))
    total = sum(max(w, _FOLD_MIN) if f else w for w, f in needs) + 3 * len(columns) + 1
    if total > width:
        return None
    table = Table()
    for column, (whole, _folds_) in zip(columns, needs):
        table.add_column(column, header_style="bold cyan", min_width=whole, no_wrap=False)
    for item in items:
        table.add_row(*(_text(item.get(c, ""), _cell(item.get(c, ""))) for c in columns))
    return table


def _blocks(title: str, data: Any, width: int) -> list[tuple[str, Any]]:
    """(title, table or NONE) in the order they are printed."""
    from rich.table import Table

    blocks: list[tuple[str, Any]] = []
    if isinstance(data, dict):
        scalars = [(k, v) for k, v in data.items() if _is_scalar(v)]
        if scalars:
            blocks.append((title, _pairs_table([scalars])))
        for key, value in data.items():
            if not _is_scalar(value):
                blocks.extend(_blocks(key, value, width))
    elif isinstance(data, list):
        if not data:
            blocks.append((title, NONE))
        elif all(isinstance(item, dict) for item in data):
            table = _rows_table(data, width)
            if table is None:
                table = _pairs_table([list(item.items()) for item in data])
            blocks.append((title, table))
        else:
            table = Table(show_header=False)
            table.add_column("Value")
            for item in data:
                table.add_row(_text(item, _cell(item)))
            blocks.append((title, table))
    else:
        table = Table(show_header=False)
        table.add_column("Value")
        table.add_row(_text(data, _cell(data)))
        blocks.append((title, table))
    return blocks


def render(op: str, data: Any, stream: IO[str], color: str = "auto") -> None:
    from rich.console import Console
    from rich.text import Text

    if data is None:
        return
    # Colour only on a terminal, and never with NO_COLOR (no-color.org: set and not empty); a pipe
    # gets plain text even when FORCE_COLOR is set, so scripts never parse escape codes. --color on
    # and off (aws-cli's) decide instead.
    if color == "auto":
        terminal = stream.isatty()
        colored = terminal and not os.environ.get("NO_COLOR")
    else:
        terminal = colored = color == "on"
    console = Console(
        file=stream,
        force_terminal=terminal,
        color_system="standard" if color == "on" else ("auto" if terminal else None),
        no_color=not colored,
        highlight=False,
        soft_wrap=False,
    )
    for title, table in _blocks(op, data, console.width):
        # The title on a line of its own, never wrapped (a table's title wraps to its width).
        console.print(Text(title, style="bold"), no_wrap=True, crop=False, soft_wrap=True)
        if table == NONE:
            console.print(NONE)
        else:
            console.print(table)
