"""`qkms access-keys ...`: the keys `qkms serve --auth sigv4` accepts (like `aws iam`'s)."""

from __future__ import annotations

from typing import Any

import click

from qkms_cli.cli.app import App
from qkms_cli.cli.commands import example_help


def _command(name: str, help_text: str, example: str) -> Any:
    """An access-keys subcommand with the global options; its answer rendered like any other."""

    def decorate(func: Any) -> click.Command:
        def callback(**values: Any) -> None:
            from qkms_cli.cli import app_of, pop_globals

            app = app_of(click.get_current_context())
            app.update(**pop_globals(values))
            app.check_rendering()
            app.operation = f"access-keys {name}"
            response = func(app, **values)
            app.render(f"AccessKeys{name.title()}", response)

        from qkms_cli.cli import global_options

        command = click.Command(
            name,
            callback=callback,
            params=[*getattr(func, "__click_params__", [])[::-1], *global_options()],
            help=f"{help_text}\n\n{example_help(f'access-keys {name}', example)}",
            short_help=help_text.split("\n")[0],
        )
        access_keys.add_command(command)
        return command

    return decorate


@click.group(
    "access-keys",
    help="Access keys for `qkms serve --auth sigv4`: an AWS-style key id and secret per user, the "
    "secret sealed under the keystore's master key.\n\n"
    + example_help(
        "access-keys",
        "qkms access-keys create --user-name ci > /dev/null\n"
        "qkms access-keys list --query 'AccessKeyMetadata[].AccessKeyId' --output text",
    ),
)
def access_keys() -> None:
    """The group; its subcommands are registered below."""


@_command(
    "create",
    "Make an access key for a user and print it once, as `aws iam create-access-key` does.\n\n"
    "The secret is shown only now; the keystore keeps it sealed. Give the pair to a client as "
    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
    "qkms access-keys create --user-name ci",
)
@click.option("--user-name", required=True, metavar="NAME", help="Who the key belongs to.")
def create(app: App, user_name: str) -> Any:
    from qkms_cli.service import access_keys as service

    return service.create(app.keystore, user_name)


@_command(
    "list",
    "List access keys (ids, users, status, dates; never a secret), as `aws iam list-access-keys`.",
    "qkms access-keys create --user-name ci > /dev/null\n"
    "qkms access-keys list --query 'AccessKeyMetadata[].[UserName,AccessKeyId]' --output text",
)
@click.option("--user-name", metavar="NAME", help="Only this user's keys.")
def list_(app: App, user_name: str | None) -> Any:
    from qkms_cli.service import access_keys as service

    return service.list_keys(app.keystore, user_name)


@_command(
    "delete",
    "Delete an access key: requests signed with it are refused from now on.",
    'qkms access-keys delete --access-key-id "$(qkms access-keys create --user-name old '
    '--query AccessKey.AccessKeyId --output text)"',
)
@click.option("--access-key-id", required=True, metavar="ID", help="The key to delete.")
def delete(app: App, access_key_id: str) -> Any:
    from qkms_cli.service import access_keys as service

    return service.delete(app.keystore, access_key_id)
