"""`qkms __complete-keys`: key ids and alias names for the shell completions (hidden)."""

from __future__ import annotations

import click

from qkms_cli.cli.commands import example_help

# Completion lists stay short enough to show; a keystore with more keys completes the first ones.
MAX_KEYS = 1000
MAX_ALIASES = 1000


@click.command(
    "__complete-keys",
    hidden=True,
    help=(
        "Print the alias names and key ids of the keystore, one a line, for shell completion. "
        "Prints nothing, and never creates a keystore, when there is none or it cannot be read, "
        "or when QKMS_ENDPOINT_URL sends operations elsewhere.\n\n"
        + example_help(
            "__complete-keys",
            "qkms aliases create --alias-name alias/ci --target-key-id "
            '"$(qkms keys create --query KeyMetadata.KeyId --output text)"\n'
            "qkms __complete-keys --aliases-only",
        )
    ),
)
@click.option("--home", metavar="DIR", help="Keystore directory, as for every command.")
@click.option("--store", metavar="URL", help="A shared keystore, as for every command.")
@click.option("--aliases-only", is_flag=True, help="Only alias names (for --alias-name).")
@click.pass_context
def complete_keys(
    ctx: click.Context, home: str | None, store: str | None, aliases_only: bool
) -> None:
    import os

    from qkms_cli import service
    from qkms_cli.cli import app_of
    from qkms_cli.errors import QkmsError
    from qkms_cli.service import opening

    if os.environ.get("QKMS_ENDPOINT_URL"):
        return  # the keys are the endpoint's, not this keystore's: offer none rather than wrong ones
    words: list[str] = []
    app = app_of(ctx)
    app.update(home=home, store=store)
    try:
        # No prompt: a passphrase keystore lists its keys and aliases without one.
        keystore = opening.open_keystore(app.home, store_url=app.store_url, create=False)
    except QkmsError:
        return
    try:
        request: dict[str, object] = {"Limit": 100}
        while len(words) < MAX_ALIASES:
            page = service.call(keystore, "ListAliases", request)
            words.extend(a["AliasName"] for a in page["Aliases"])
            if not page.get("Truncated"):
                break
            request = {"Limit": 100, "Marker": page["NextMarker"]}
        if not aliases_only:
            keys = service.call(keystore, "ListKeys", {"Limit": MAX_KEYS})
            words.extend(k["KeyId"] for k in keys["Keys"])
    except QkmsError:
        pass
    finally:
        keystore.close()
    click.echo("\n".join(words[: MAX_ALIASES + MAX_KEYS]) if words else "", nl=bool(words))
