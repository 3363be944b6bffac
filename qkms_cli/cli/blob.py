"""`qkms blob inspect`: explain a ciphertext blob without any key."""

from __future__ import annotations

import click

from qkms_cli.cli import SuggestingGroup
from qkms_cli.cli.app import App
from qkms_cli.cli.commands import example_help

_INSPECT_HELP = """Explain a ciphertext blob without opening it: what it holds (data, a data key, or
the private key of a data key pair and its spec), which KMS key and key material seal it, whether an
encryption context is bound, and its sizes. When this keystore holds the key, also the key's aliases,
state and description.

SOURCE is base64 text, fileb://PATH (raw bytes, or base64 text of a qkms blob), file://PATH (base64
text) or - for stdin (raw or base64).
"""
_EXAMPLE = (
    "KEY=$(qkms keys create --query KeyMetadata.KeyId --output text)\n"
    'qkms blob inspect "$(qkms encrypt --key-id "$KEY" --plaintext aGVsbG8= '
    '--query CiphertextBlob --output text)"'
)


@click.group(
    "blob",
    cls=SuggestingGroup,
    help="Look inside qkms ciphertext blobs.",
)
def blob() -> None:
    pass


blob.example, blob.example_key = _EXAMPLE, "blob"  # type: ignore[attr-defined]


def _inspect_params() -> list[click.Parameter]:
    from qkms_cli.cli import global_options

    return global_options()


@blob.command(
    "inspect",
    help=f"{_INSPECT_HELP}\n{example_help('blob inspect', _EXAMPLE)}",
    short_help="Explain a ciphertext blob, no key needed.",
)
@click.argument("source", metavar="SOURCE")
@click.pass_context
def inspect(ctx: click.Context, source: str, **options: object) -> None:
    from qkms_cli.cli import app_of
    from qkms_cli.cli.params import parse_blob_source

    app: App = app_of(ctx)
    app.update(**options)
    data = parse_blob_source(source, "SOURCE")
    app.render("InspectBlob", app.call("InspectBlob", {"CiphertextBlob": data}))


inspect.params.extend(_inspect_params())
