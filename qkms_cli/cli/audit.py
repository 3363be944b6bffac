"""`qkms audit ...`: list, export, prune and verify the audit trail every call writes."""

from __future__ import annotations

import json
from typing import Any

import click

from qkms_cli.cli import LazyGroup
from qkms_cli.cli.app import App
from qkms_cli.cli.commands import MK, CommandSpec, example_help

AUDIT_COMMANDS = {
    "list": CommandSpec(
        "ListAuditEvents",
        "List audit events, newest first: --key-id, --event-name, --user, --since, --until, "
        "--errors.",
        f'{MK}\nqkms keys describe --key-id "$KEY" > /dev/null\n'
        'qkms audit list --key-id "$KEY" --since 1d --max-items 1',
    ),
    "prune": CommandSpec(
        "PruneAuditEvents",
        "Delete the events older than a date (the prune is recorded in the trail).",
        f"{MK}\nqkms audit prune --before 90d",
    ),
    "verify": CommandSpec(
        "VerifyAuditTrail",
        "Check the hash chain and seals: exit 253 naming each edited, deleted or moved event.",
        f"{MK}\nqkms audit verify",
    ),
}

HELP = (
    "The audit trail: every call through the command line or `qkms serve`, allowed, denied or "
    "failed, is one CloudTrail-shaped event in the keystore (never a plaintext, ciphertext or "
    "key). Events are hash-chained and sealed with a key derived from the master key, so `audit "
    "verify` finds an edited, deleted or reordered event. Only the account's root (the local "
    "command line, or `qkms serve --auth none`) may read, prune or verify it."
)

audit = LazyGroup(
    "audit",
    help=HELP,
    short_help="List, export, prune and verify the audit trail of every call.",
    commands_spec=AUDIT_COMMANDS,
)
audit.example, audit.example_key = AUDIT_COMMANDS["verify"].example, "audit"

# Filters `export` passes on to ListAuditEvents: (flag, member, help).
_FILTERS = (
    ("--key-id", "KeyId", "Only events about this key (key id, key ARN or alias)."),
    ("--event-name", "EventName", "Only events of this operation, e.g. Decrypt."),
    ("--user", "User", "Only events of this caller: a user name or a principal ARN."),
    ("--since", "Since", "From this date (2026-12-01, 2026-12-01T10:00:00Z, epoch, or 30d)."),
    ("--until", "Until", "To this date."),
)


def _export_params() -> list[click.Parameter]:
    from qkms_cli.cli import global_options

    return [
        click.Option(
            ["--format", "fmt"],
            type=click.Choice(["jsonl"]),
            default="jsonl",
            show_default=True,
            help="One event a line, as JSON (for a SIEM).",
        ),
        *(
            click.Option([flag, member], metavar="TEXT", help=text)
            for flag, member, text in _FILTERS
        ),
        click.Option(["--errors", "Errors"], is_flag=True, default=False, help="Only failures."),
        *global_options(),
    ]


@audit.command(
    "export",
    help="Write audit events oldest first, one JSON object a line, to stdout (for a SIEM).\n\n"
    + example_help(
        "audit export", f"{MK}\nqkms audit export --format jsonl --since 7d > qkms-audit.jsonl"
    ),
    short_help="Write audit events as JSON lines, oldest first.",
)
@click.pass_context
def export(ctx: click.Context, fmt: str, **values: Any) -> None:
    from qkms_cli.cli import app_of, pop_globals

    app: App = app_of(ctx)
    app.update(**pop_globals(values))
    request: dict[str, Any] = {m: v for m, v in values.items() if v}
    request["ScanForward"] = True
    request["Limit"] = 1000
    while True:
        page = app.call("ListAuditEvents", request)
        for event in page["Events"]:
            app.out.write(json.dumps(event, sort_keys=True, ensure_ascii=False) + "\n")
        if not page.get("Truncated"):
            break
        request["Marker"] = page["NextMarker"]
    app.out.flush()


export.params.extend(_export_params())
