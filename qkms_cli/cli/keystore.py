"""`qkms keystore ...`: make, inspect, verify, rekey, back up and restore the keystore."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from qkms_cli.cli import SuggestingGroup
from qkms_cli.cli.app import App
from qkms_cli.cli.commands import example_help
from qkms_cli.cli.prompt import ask_secret

MODES = ("keyfile", "passphrase", "external")


def _command(name: str, help_text: str, example: str) -> Callable[[Callable[..., Any]], Any]:
    """A keystore subcommand with the global options, its example in the help, output rendered."""

    def decorate(func: Callable[..., Any]) -> click.Command:
        # A command's own option (keystore init --region: the region in ARNs) wins over the
        # global one of the same name, which means nothing to a local-only command.
        own = getattr(func, "__click_params__", [])[::-1]
        own_names = {p.name for p in own}

        def callback(**values: Any) -> None:
            from qkms_cli.cli import app_of, pop_globals

            ctx = click.get_current_context()
            app = app_of(ctx)
            app.update(**pop_globals(values, keep=own_names))
            app.operation = f"keystore {name}"
            response = func(app, **values)
            for note in response.pop("Notes", []):
                click.echo(f"qkms: note: {note}", err=True)
            app.render(f"Keystore{name.title()}", response)

        from qkms_cli.cli import global_options

        command = click.Command(
            name,
            callback=callback,
            params=[*own, *(o for o in global_options() if o.name not in own_names)],
            help=f"{help_text}\n\n{example_help(f'keystore {name}', example)}",
            short_help=help_text.split("\n")[0],
        )
        keystore.add_command(command)
        return command

    return decorate


@click.group(
    "keystore",
    cls=SuggestingGroup,
    help="Make, inspect, verify, rekey, back up and restore the keystore.\n\n"
    + example_help("keystore", "qkms keystore init > /dev/null\nqkms keystore info"),
)
def keystore() -> None:
    """The group; its subcommands are registered below."""


@_command(
    "init",
    "Make a keystore: a random master.key (default), a passphrase (Argon2id), or "
    "QKMS_MASTER_KEY.\n\n"
    "The mode follows from what is given: --passphrase-file or QKMS_PASSPHRASE make a passphrase "
    "keystore, QKMS_MASTER_KEY an external-key one; --mode passphrase asks on a terminal. A "
    "passphrase keystore keeps no secret on disk, and every later command needs the passphrase "
    "(QKMS_PASSPHRASE, or a prompt on a terminal); it must be at least 12 characters. In CI "
    "prefer QKMS_MASTER_KEY: each passphrase call spends ~0.4 s in Argon2id.",
    # A random passphrase in a file, never a placeholder pasted as the passphrase itself.
    "head -c 24 /dev/urandom | base64 > passphrase.txt\n"
    "qkms keystore init --passphrase-file passphrase.txt --account-id 123456789012",
)
@click.option(
    "--partition",
    type=click.Choice(("verenc", "aws")),
    help="ARNs and behaviour: verenc (default, the seed's arn:verenc:ACCOUNT:key/ID; private keys "
    "of data key pairs stay inside) or aws (arn:aws:kms:REGION:ACCOUNT:key/ID, as AWS tools "
    "need; GenerateDataKeyPair also returns PrivateKeyPlaintext, as AWS does).",
)
@click.option("--region", metavar="REGION", help="The region in aws ARNs (default us-east-1).")
@click.option("--mode", type=click.Choice(MODES), help="Where the master key comes from.")
@click.option(
    "--passphrase-file", metavar="PATH", help="Read the passphrase from PATH's first line."
)
@click.option(
    "--account-id", metavar="ID", help="The 12-digit account id in ARNs (default 111122223333)."
)
@click.option(
    "--allow-weak-passphrase",
    is_flag=True,
    help="Accept a passphrase shorter than 12 characters (throwaway keystores, tests).",
)
def init(
    app: App,
    mode: str | None,
    passphrase_file: str | None,
    account_id: str | None,
    partition: str | None,
    region: str | None,
    allow_weak_passphrase: bool,
) -> Any:
    from qkms_cli.service import admin

    return admin.init(
        app.home,
        store_url=app.store_url,
        mode=mode,
        passphrase_file=passphrase_file,
        account_id=account_id,
        ask=lambda question, confirm: ask_secret(
            question, confirm, allow_weak=allow_weak_passphrase
        ),
        partition=partition,
        region=region,
        allow_weak_passphrase=allow_weak_passphrase,
    )


@_command(
    "info",
    "Show the keystore's path, account id, schema version, master key mode and key counts.",
    "qkms keys create > /dev/null\nqkms keystore info",
)
def info(app: App) -> Any:
    from qkms_cli.service import admin

    return admin.info(app.home, store_url=app.store_url)


@_command(
    "verify",
    "Check the database (SQLite's integrity check) and authenticate every stored secret.\n\n"
    "Exit status 253 with a list of the bad rows when anything fails.",
    "qkms keys create > /dev/null\nqkms keystore verify",
)
def verify(app: App) -> Any:
    from qkms_cli.service import admin

    return admin.verify(app.home, ask=ask_secret, store_url=app.store_url)


@_command(
    "rekey",
    "Re-wrap every secret under a new master key, in one transaction.\n\n"
    "A new passphrase (QKMS_NEW_PASSPHRASE, --new-passphrase-file, or a prompt), a new random "
    "master.key, or a change of mode with --to. The current passphrase or key opens the keystore "
    "first. If the rekey is interrupted, the keystore keeps its old master key.",
    "qkms keys create > /dev/null\n"
    "head -c 24 /dev/urandom | base64 > new-passphrase.txt\n"
    "qkms keystore rekey --to passphrase --new-passphrase-file new-passphrase.txt",
)
@click.option(
    "--to", "to", type=click.Choice(MODES), help="The new mode (default: the current one)."
)
@click.option("--new-passphrase-file", metavar="PATH", help="Read the new passphrase from PATH.")
@click.option(
    "--allow-weak-passphrase",
    is_flag=True,
    help="Accept a new passphrase shorter than 12 characters (throwaway keystores, tests).",
)
def rekey(
    app: App, to: str | None, new_passphrase_file: str | None, allow_weak_passphrase: bool
) -> Any:
    from qkms_cli.service import admin

    return admin.rekey(
        app.home,
        store_url=app.store_url,
        to=to,
        new_passphrase_file=new_passphrase_file,
        ask=lambda question, confirm: ask_secret(
            question, confirm, allow_weak=allow_weak_passphrase
        ),
        allow_weak_passphrase=allow_weak_passphrase,
    )


@_command(
    "backup",
    "Copy the keystore to PATH while it is in use (SQLite's backup API); the copy stays "
    "encrypted.\n\n"
    "A key-file keystore's backup is useless without its master.key: --with-master-key writes it "
    "to PATH.master.key.",
    "qkms keys create > /dev/null\nqkms keystore backup qkms-backup.db --with-master-key",
)
@click.argument("path")
@click.option("--with-master-key", is_flag=True, help="Also write master.key to PATH.master.key.")
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
def backup(app: App, path: str, with_master_key: bool, force: bool) -> Any:
    from qkms_cli.service import admin

    return admin.backup(
        app.home, path, with_master_key=with_master_key, force=force, store_url=app.store_url
    )


@_command(
    "restore",
    "Make the backup at PATH the keystore of the home (an empty home, or --force).\n\n"
    "A key-file backup needs its master key: --master-key-file, else PATH.master.key beside it.",
    "qkms keys create > /dev/null\n"
    "qkms keystore backup qkms-backup.db --with-master-key > /dev/null\n"
    "qkms --home ./qkms-restored keystore restore qkms-backup.db",
)
@click.argument("path")
@click.option("--master-key-file", metavar="FILE", help="The backup's master.key.")
@click.option("--force", is_flag=True, help="Replace a keystore that already holds keys.")
def restore(app: App, path: str, master_key_file: str | None, force: bool) -> Any:
    from qkms_cli.service import admin

    return admin.restore(
        app.home,
        path,
        master_key_file=master_key_file,
        force=force,
        store_url=app.store_url,
    )


@_command(
    "seed",
    "Create keys and aliases with fixed ids and material from a seed file (YAML or JSON).\n\n"
    "qkms's format uses AWS's member names: Keys: [{KeyId, KeySpec, KeyUsage, KeyState, "
    "Description, Tags, Origin, KeyMaterial}] (KeyMaterial base64 for symmetric and HMAC keys, "
    "a PEM private key otherwise) and Aliases: [{AliasName, TargetKeyId}]. local-kms's seed.yaml "
    "is read as it is. Seeding is idempotent: existing entries are left as they are, and one "
    "that conflicts with the file is an error naming it; nothing is written unless all is sound.",
    "cat > seed.yaml <<EOF\n"
    "Keys:\n"
    "  - KeyId: 1234abcd-12ab-34cd-56ef-1234567890ab\n"
    "    Description: seeded by the example\n"
    "Aliases:\n"
    "  - AliasName: alias/seeded\n"
    "    TargetKeyId: 1234abcd-12ab-34cd-56ef-1234567890ab\n"
    "EOF\n"
    "qkms keystore seed seed.yaml",
)
@click.argument("path", metavar="FILE")
def seed(app: App, path: str) -> Any:
    from qkms_cli.cli.params import read_text_file
    from qkms_cli.service import seeding

    return seeding.seed_home(
        app.home, read_text_file(path, "FILE"), ask=ask_secret, store_url=app.store_url
    )
