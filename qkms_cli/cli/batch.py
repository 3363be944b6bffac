"""`--count N` on the data-key-pair commands (beyond AWS): N pairs in one call, as a JSON list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from qkms_cli.errors import QkmsError

# The commands that take --count, and the operation that makes N pairs at once.
COUNTED = ("GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext")
BATCH_OPERATION = "GenerateDataKeyPairs"


def options(op: str) -> list[click.Option]:
    if op not in COUNTED:
        return []
    return [
        click.Option(
            ["--count"],
            type=click.INT,
            metavar="N",
            help="Generate N pairs in one call, on every core, and print them as a JSON list "
            "(beyond AWS; pooled pairs are used first). With --*-out, the files are numbered: "
            "pub.der becomes pub.1.der, pub.2.der, ...",
        )
    ]


def pop_count(op: str, values: dict[str, Any]) -> int | None:
    return values.pop("count", None) if op in COUNTED else None


def numbered(path: str, index: int, count: int) -> str:
    """pub.der -> pub.07.der: the index before the suffix, padded so the files sort in order."""
    target = Path(path)
    tag = str(index).zfill(len(str(count)))
    return str(target.with_name(f"{target.stem}.{tag}{target.suffix}"))


def run(app: Any, op: str, request: dict[str, Any], count: int, outs: dict[str, Any]) -> Any:
    """Call GenerateDataKeyPairs; the pairs as a list, each written to numbered files if asked."""
    try:
        response = app.call(BATCH_OPERATION, {**request, "Count": count})
    except QkmsError as exc:
        exc.operation = op  # type: ignore[attr-defined]  # the operation the user called
        raise
    pairs: list[dict[str, Any]] = response["DataKeyPairs"]
    if not outs["paths"]:
        return pairs
    from qkms_cli.cli import files

    return [
        files.write(
            op,
            request,
            pair,
            {**outs, "paths": {m: numbered(p, i, count) for m, p in outs["paths"].items()}},
        )
        for i, pair in enumerate(pairs, 1)
    ]
