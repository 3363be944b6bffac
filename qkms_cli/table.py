"""The table output: rich tables, imported only when a table is drawn."""

from __future__ import annotations

import os
from typing import IO, Any


def _cell(value: Any) -> str:
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return ", ".join(str(v) for v in value)
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _tables(title: str, data: Any) -> list[Any]:
    from rich.table import Table

    tables = []
    if isinstance(data, dict):
        scalars = {
            k: v
            for k, v in data.items()
            if not isinstance(v, (dict, list))
            or (isinstance(v, list) and all(not isinstance(i, (dict, list)) for i in v))
        }
        if scalars:
            table = Table(title=title, show_header=False, title_justify="left")
            table.add_column("Member", style="bold cyan")
            table.add_column("Value", overflow="fold")
            for key, value in scalars.items():
                table.add_row(key, _cell(value))
            tables.append(table)
        for key, value in data.items():
            if key not in scalars:
                tables.extend(_tables(key, value))
    elif isinstance(data, list):
        if data and all(isinstance(item, dict) for item in data):
            columns: list[str] = []
            for item in data:
                columns.extend(k for k in item if k not in columns)
            table = Table(title=title, title_justify="left")
            for column in columns:
                table.add_column(column, overflow="fold", header_style="bold cyan")
            for item in data:
                table.add_row(*(_cell(item.get(c, "")) for c in columns))
            tables.append(table)
        else:
            table = Table(title=title, show_header=False, title_justify="left")
            table.add_column("Value", overflow="fold")
            for item in data:
                table.add_row(_cell(item))
            tables.append(table)
    else:
        table = Table(title=title, show_header=False, title_justify="left")
        table.add_column("Value", overflow="fold")
        table.add_row(_cell(data))
        tables.append(table)
    return tables


def render(op: str, data: Any, stream: IO[str], color: str = "auto") -> None:
    from rich.console import Console

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
    for table in _tables(op, data):
        console.print(table)
