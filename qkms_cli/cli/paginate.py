"""aws-cli's pagination for the List* commands: follow markers, --max-items and NextToken."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

import click

# Operation -> the list member its pages add up; all of them page with Marker -> NextMarker.
PAGINATED: dict[str, str] = {
    "ListKeys": "Keys",
    "ListAliases": "Aliases",
    "ListResourceTags": "Tags",
    "ListKeyRotations": "Rotations",
    "ListGrants": "Grants",
    "ListRetirableGrants": "Grants",
    "ListKeyPolicies": "PolicyNames",
    "ListAuditEvents": "Events",
}
_OPTIONS = ("page_size", "max_items", "starting_token", "no_paginate")


def options() -> list[click.Option]:
    return [
        click.Option(
            ["--page-size"],
            type=click.IntRange(min=1),
            help="Items asked for in each call (the API's Limit); all pages are still returned.",
        ),
        click.Option(
            ["--max-items"],
            type=click.IntRange(min=1),
            help="Return at most N items in all, and a NextToken to pass to --starting-token.",
        ),
        click.Option(
            ["--starting-token"],
            metavar="TOKEN",
            help="Resume where a previous --max-items stopped (its NextToken).",
        ),
        click.Option(
            ["--no-paginate"],
            is_flag=True,
            default=False,
            help="Make one call and return its page as the API does (NextMarker, Truncated).",
        ),
    ]


def pop_options(values: dict[str, Any]) -> dict[str, Any]:
    return {name: values.pop(name, None) for name in _OPTIONS}


def encode_token(marker: str | None, skip: int = 0) -> str:
    """botocore's NextToken: base64 of {"Marker": ..., "boto_truncate_amount": N}."""
    token: dict[str, Any] = {"Marker": marker}
    if skip:
        token["boto_truncate_amount"] = skip
    return base64.b64encode(json.dumps(token).encode()).decode()


def decode_token(token: str) -> tuple[str | None, int]:
    try:
        data = json.loads(base64.b64decode(token, validate=True))
        marker = data["Marker"]
        skip = int(data.get("boto_truncate_amount", 0))
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise click.BadParameter(
            "not a NextToken from a previous call with --max-items", param_hint="--starting-token"
        ) from None
    if (marker is not None and not isinstance(marker, str)) or skip < 0:
        raise click.BadParameter(
            "not a NextToken from a previous call with --max-items", param_hint="--starting-token"
        )
    return marker, skip


def paginate(
    call: Callable[[dict[str, Any]], dict[str, Any]],
    op: str,
    request: dict[str, Any],
    paging: dict[str, Any],
) -> dict[str, Any]:
    """Run a List* operation page after page; the merged result, as aws-cli prints it."""
    explicit = request.get("Limit") is not None or request.get("Marker") is not None
    if paging["no_paginate"] or (explicit and not any(paging[o] for o in _OPTIONS)):
        # aws-cli: --limit or --marker given by hand means the caller pages by hand.
        if paging["page_size"] is not None:
            request = {**request, "Limit": paging["page_size"]}
        return call(request)
    result_key = PAGINATED[op]
    max_items = paging["max_items"]
    marker, skip = (None, 0)
    if paging["starting_token"]:
        marker, skip = decode_token(paging["starting_token"])
    items: list[Any] = []
    merged: dict[str, Any] = {}
    while True:
        page_request = dict(request)
        if paging["page_size"] is not None:
            page_request["Limit"] = paging["page_size"]
        if marker is not None:
            page_request["Marker"] = marker
        else:
            page_request.pop("Marker", None)
        response = call(page_request)
        page = list(response.get(result_key, []))[skip:]
        for name, value in response.items():
            if name not in (result_key, "NextMarker", "Truncated"):
                merged.setdefault(name, value)
        next_marker = response.get("NextMarker") if response.get("Truncated") else None
        if max_items is not None and len(items) + len(page) >= max_items:
            take = max_items - len(items)
            items.extend(page[:take])
            if take < len(page):  # stopped inside this page: resume here, skipping what was read
                merged["NextToken"] = encode_token(marker, skip + take)
            elif next_marker is not None:
                merged["NextToken"] = encode_token(next_marker)
            break
        items.extend(page)
        if next_marker is None:
            break
        marker, skip = next_marker, 0
    return {result_key: items, **merged}
