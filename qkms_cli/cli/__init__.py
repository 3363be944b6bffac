"""The `qkms` command: groups registered centrally, commands built from the API model on demand."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Collection
from typing import Any

import click

from qkms_cli import __version__
from qkms_cli.cli.app import App
from qkms_cli.cli.commands import GROUP_EXAMPLES, GROUPS, TOP, CommandSpec, aws_aliases
from qkms_cli.errors import (
    EXIT_API,
    EXIT_CONFIG,
    EXIT_INTERRUPTED,
    EXIT_UNEXPECTED,
    EXIT_USAGE,
    ApiError,
    CommandLineError,
    KeystoreError,
    ParamValidationError,
    QkmsError,
)

# Commands that are not one API operation: "name": ("module:attribute", short help); `qkms
# --help` lists them from here without importing them, and leaves out internal `__...` ones.
EXTRA_COMMANDS: dict[str, tuple[str, str]] = {
    "blob": ("qkms_cli.cli.blob:blob", "Look inside qkms ciphertext blobs."),
    "__complete-keys": ("qkms_cli.cli.complete:complete_keys", "Key ids and aliases (hidden)."),
    "keystore": (
        "qkms_cli.cli.keystore:keystore",
        "Make, inspect, verify, rekey, back up and restore the keystore.",
    ),
    "pool": (
        "qkms_cli.cli.pool:pool",
        "Pre-generate data key pairs for generate-data-key-pair to hand out.",
    ),
    "serve": (
        "qkms_cli.cli.serve:serve",
        "Serve the KMS API over HTTP (for boto3, the aws CLI, SDKs).",
    ),
    "access-keys": (
        "qkms_cli.cli.access_keys:access_keys",
        "Make, list and delete the access keys `serve --auth sigv4` accepts.",
    ),
    "audit": (
        "qkms_cli.cli.audit:audit",
        "List, export, prune and verify the audit trail of every call.",
    ),
}

_GLOBAL_HELP = {
    "home": "Keystore directory (default: $QKMS_HOME, else the platform config dir).",
    "store": "A shared keystore in PostgreSQL instead of the home's (default: $QKMS_STORE), e.g. "
    "qkms --store postgresql://127.0.0.1:5432/qkms keystore info. Beats $QKMS_STORE (as --home "
    "does); not with --home. Keep a password in PGPASSWORD or ~/.pgpass, not in the URL: other "
    "users of the machine can read command lines.",
    "output": "Output format: json (default, or $QKMS_OUTPUT), text, table, yaml, yaml-stream or "
    "off (print nothing; --*-out files are still written).",
    "query": "JMESPath expression applied to the response, e.g. KeyMetadata.KeyId.",
    "debug": "Show on stderr what qkms resolved: the keystore, its master key mode, the key and "
    "the request's member names (never their values), or the endpoint, region and options "
    "without effect; tracebacks for unexpected errors.",
    "endpoint_url": "Send every operation to this TrentService endpoint (qkms serve, AWS KMS, "
    "moto, LocalStack) instead of the local keystore (or $QKMS_ENDPOINT_URL).",
    "region": "The region requests to --endpoint-url are signed for (else $AWS_REGION, "
    "$AWS_DEFAULT_REGION, the profile's region).",
    "profile": "The profile in ~/.aws/credentials and ~/.aws/config that signs requests to "
    "--endpoint-url (else $AWS_PROFILE).",
    "no_verify_ssl": "Do not verify the endpoint's TLS certificate (a self-signed test server).",
    "ca_bundle": "Verify the endpoint's TLS certificate with this CA bundle (else $AWS_CA_BUNDLE).",
    "cli_read_timeout": "Seconds to wait for the endpoint's answer; 0 waits forever (default 60).",
    "cli_connect_timeout": "Seconds to wait for a connection; 0 waits forever (default 60).",
    "no_cli_pager": "Accepted as aws-cli does; qkms never pages its output.",
    "color": "Colour in tables: on, off or auto (a terminal without $NO_COLOR; the default).",
    "cli_binary_format": "How blob arguments are read: base64 (the default; strict) or "
    "raw-in-base64-out (the text itself, e.g. --plaintext 'my secret').",
    "no_sign_request": "Send requests to --endpoint-url unsigned (qkms serve --auth none, moto).",
    "principal": "Call the local keystore as this IAM principal (ARN; else $QKMS_PRINCIPAL, else "
    "the account's root), to try key policies and grants. No security boundary: whoever can read "
    "the keystore owns it.",
}

# Every global option's parameter name, in the order of global_options().
GLOBAL_NAMES = (
    "home",
    "store",
    "output",
    "query",
    "debug",
    "endpoint_url",
    "region",
    "profile",
    "no_verify_ssl",
    "ca_bundle",
    "cli_read_timeout",
    "cli_connect_timeout",
    "no_cli_pager",
    "color",
    "cli_binary_format",
    "no_sign_request",
    "principal",
)
# Commands that work on the local keystore itself, never through --endpoint-url.
LOCAL_ONLY = ("keystore", "pool", "access-keys", "audit")
BINARY_FORMATS = ("base64", "raw-in-base64-out")


def global_options() -> list[click.Option]:
    """Options accepted both before and after the subcommand (aws-cli's global options)."""
    h = _GLOBAL_HELP
    return [
        click.Option(["--home"], metavar="DIR", help=h["home"]),
        click.Option(["--store"], metavar="URL", help=h["store"]),
        click.Option(["--output"], metavar="FORMAT", help=h["output"]),
        click.Option(["--query"], metavar="JMESPATH", help=h["query"]),
        click.Option(["--debug"], is_flag=True, default=None, help=h["debug"]),
        click.Option(["--endpoint-url"], metavar="URL", help=h["endpoint_url"]),
        click.Option(["--region"], metavar="REGION", help=h["region"]),
        click.Option(["--profile"], metavar="NAME", help=h["profile"]),
        click.Option(["--no-verify-ssl"], is_flag=True, default=None, help=h["no_verify_ssl"]),
        click.Option(["--ca-bundle"], metavar="PATH", help=h["ca_bundle"]),
        click.Option(
            ["--cli-read-timeout"],
            type=click.IntRange(min=0),
            metavar="SECONDS",
            help=h["cli_read_timeout"],
        ),
        click.Option(
            ["--cli-connect-timeout"],
            type=click.IntRange(min=0),
            metavar="SECONDS",
            help=h["cli_connect_timeout"],
        ),
        click.Option(["--no-cli-pager"], is_flag=True, default=None, help=h["no_cli_pager"]),
        click.Option(["--color"], type=click.Choice(["on", "off", "auto"]), help=h["color"]),
        click.Option(
            ["--cli-binary-format"], type=click.Choice(BINARY_FORMATS), help=h["cli_binary_format"]
        ),
        click.Option(["--no-sign-request"], is_flag=True, default=None, help=h["no_sign_request"]),
        click.Option(["--principal"], metavar="ARN", help=h["principal"]),
    ]


def pop_globals(values: dict[str, Any], keep: Collection[str] = ()) -> dict[str, Any]:
    """Take the global options out of a command's parameters, for App.update; names in keep are
    the command's own options and stay."""
    return {name: values.pop(name, None) for name in GLOBAL_NAMES if name not in keep}


def app_of(ctx: click.Context) -> App:
    app = ctx.find_object(App)
    if app is None:  # a subcommand invoked on its own, as tests may do
        app = ctx.ensure_object(App)
    return app


class SuggestingGroup(click.Group):
    """A group that answers a misspelt command with the closest one (exit 252), as for flags.

    example (shell lines) and example_key (its sample output's key) make the help's Example and
    Output sections, built only for --help.
    """

    example: str | None = None
    example_key: str = ""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.example is not None:
            from qkms_cli.cli.commands import example_help

            self.help = f"{self.help}\n\n{example_help(self.example_key, self.example)}"
            self.example = None
        super().format_help_text(ctx, formatter)

    def suggestions(self, ctx: click.Context) -> list[str]:
        """The names a misspelling is compared with: the visible commands."""
        return [n for n in self.list_commands(ctx) if not n.startswith("__")]

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if (
            name
            and not name.startswith("-")
            and not ctx.resilient_parsing
            and self.get_command(ctx, name) is None
        ):
            raise click.UsageError(no_such_command(name, self.suggestions(ctx)), ctx)
        return super().resolve_command(ctx, args)


def no_such_command(name: str, names: list[str]) -> str:
    """`No such command 'keys lsit'. Did you mean 'list'?` (difflib only on this error path)."""
    from difflib import get_close_matches

    close = get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"No such command {name!r}.{hint}"


class LazyGroup(SuggestingGroup):
    """A group whose subcommands are built only when named (or listed for --help)."""

    def __init__(self, *args: Any, commands_spec: dict[str, CommandSpec], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands_spec = commands_spec

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands_spec) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        spec = self.commands_spec.get(cmd_name)
        if spec is None:
            return None
        from qkms_cli.cli.operation import OperationCommand

        command = OperationCommand(cmd_name, spec)
        self.commands[cmd_name] = command
        return command


class RootGroup(LazyGroup):
    """`qkms`: the only place that turns errors into messages and exit codes."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands_spec) | set(GROUPS) | set(EXTRA_COMMANDS))

    def suggestions(self, ctx: click.Context) -> list[str]:
        return [*super().suggestions(ctx), *aws_aliases()]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name in GROUPS:
            help_text, commands = GROUPS[cmd_name]
            group = LazyGroup(
                cmd_name, help=help_text, short_help=help_text, commands_spec=commands
            )
            group.example, group.example_key = GROUP_EXAMPLES[cmd_name], cmd_name
            self.commands[cmd_name] = group
            return group
        if cmd_name in EXTRA_COMMANDS:
            target, _help = EXTRA_COMMANDS[cmd_name]
            module, attr = target.split(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            self.commands[cmd_name] = command
            return command
        hidden = None if cmd_name in self.commands_spec else aws_aliases().get(cmd_name)
        if hidden is not None:
            from qkms_cli.cli.operation import OperationCommand

            alias = OperationCommand(cmd_name, hidden, hidden_alias=True)
            self.commands[cmd_name] = alias
            return alias
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the registries' short help: `qkms --help` builds no command.

        Extra commands named `__...` are internal (shell completion helpers) and not listed.
        """
        rows = []
        for name in self.list_commands(ctx):
            if name in GROUPS:
                rows.append((name, GROUPS[name][0]))
            elif name in EXTRA_COMMANDS:
                if not name.startswith("__"):
                    rows.append((name, EXTRA_COMMANDS[name][1]))
            else:
                rows.append((name, self.commands_spec[name].help))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name in LOCAL_ONLY and not ctx.resilient_parsing:
            refuse_remote(name, ctx.params.get("endpoint_url"), rest)
        return name, command, rest

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> click.Context:
        # Click would import shutil just to ask the terminal's width (a few ms of every --help);
        # os tells it as well. The width is what click's HelpFormatter would make of it.
        limit = self.context_settings.get("max_content_width") or 80
        extra.setdefault("terminal_width", max(min(terminal_width(), limit) - 2, 50))
        return super().make_context(info_name, args, parent, **extra)

    def main(self, args: Any = None, prog_name: str | None = None, **kwargs: Any) -> Any:
        kwargs.pop("standalone_mode", None)
        argv = help_as_last_word(list(sys.argv[1:] if args is None else args))
        debug = "--debug" in argv
        try:
            result = super().main(argv, prog_name or "qkms", standalone_mode=False, **kwargs)
            code = result if isinstance(result, int) else 0
        except click.exceptions.Exit as exc:  # pragma: no cover - click returns these
            code = exc.exit_code
        except click.UsageError as exc:
            exc.show()
            code = EXIT_USAGE
        except click.ClickException as exc:
            exc.show()
            code = EXIT_USAGE
        except (click.Abort, KeyboardInterrupt):
            click.echo("", err=True)
            code = EXIT_INTERRUPTED
        except BrokenPipeError:
            # `qkms ... | head`: the reader left; end quietly.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            code = 0
        except QkmsError as exc:
            report(exc)
            code = exc.exit_code
        except Exception as exc:
            if debug:
                import traceback

                traceback.print_exc()
            click.echo(
                f"qkms: unexpected error: {type(exc).__name__}. Run again with --debug for details.",
                err=True,
            )
            code = EXIT_UNEXPECTED
        sys.exit(code)


# Flags that take no value: `help` after one of them is still the last word asking for help.
_FLAGS = frozenset(
    {"--debug", "--no-verify-ssl", "--no-cli-pager", "--no-sign-request", "--no-paginate"}
)


def help_as_last_word(argv: list[str]) -> list[str]:
    """aws-cli's `help` as the last word: `qkms generate-data-key-pair help` is its --help.

    Not when it is an option's value (`--description help`): the word before it is then an
    option that takes one.
    """
    if not argv or argv[-1] != "help":
        return argv
    before = argv[-2] if len(argv) > 1 else ""
    if before.startswith("-") and before not in _FLAGS and not before.startswith("--no-"):
        return argv
    return [*argv[:-1], "--help"]


def refuse_remote(command: str, endpoint: str | None, args: list[str]) -> None:
    """Keystore, pool, access-keys and audit act on this machine's keystore: never remotely."""
    if any(a in ("--help", "-h") for a in args):
        return
    for i, arg in enumerate(args):
        if arg == "--endpoint-url" and i + 1 < len(args):
            endpoint = args[i + 1]
        elif arg.startswith("--endpoint-url="):
            endpoint = arg.split("=", 1)[1]
    endpoint = endpoint or os.environ.get("QKMS_ENDPOINT_URL") or None
    if endpoint is None:
        return
    from qkms_cli.errors import CommandLineError

    raise CommandLineError(
        f"qkms: `qkms {command}` acts on a local keystore only, and --endpoint-url "
        f"(or QKMS_ENDPOINT_URL) is set to {endpoint}. Run it on the machine that holds the "
        "keystore (where `qkms serve` runs), without --endpoint-url: unset QKMS_ENDPOINT_URL "
        "for this command."
    )


def terminal_width() -> int:
    """What shutil.get_terminal_size() says: $COLUMNS, else the terminal's width, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


def report(exc: QkmsError) -> None:
    """The one place that writes an error: aws-cli's template for API errors."""
    op = getattr(exc, "operation", None) or "qkms"
    if isinstance(exc, ApiError):
        # botocore's words when retries ran out on it (remote mode).
        retries = getattr(exc, "retries", 0)
        tried = f" (reached max retries: {retries})" if retries else ""
        click.echo(
            f"An error occurred ({exc.code}) when calling the {op} operation{tried}: {exc.message}"
            + _advice(exc),
            err=True,
        )
    elif isinstance(exc, ParamValidationError):
        click.echo(f"Parameter validation failed:\n{exc.client_message}", err=True)
    elif isinstance(exc, KeystoreError):
        click.echo(f"qkms: keystore error: {exc.message}", err=True)
    elif isinstance(exc, CommandLineError) or exc.exit_code == EXIT_UNEXPECTED:
        click.echo(exc.message, err=True)  # in aws-cli's words where it has some
    else:
        click.echo(f"qkms: {exc.message}", err=True)
    assert exc.exit_code in (EXIT_USAGE, EXIT_API, EXIT_CONFIG, EXIT_UNEXPECTED)


def _advice(exc: ApiError) -> str:
    """What the command line can add after AWS's text: the qkms command that fixes it."""
    if exc.code in ("KMSInvalidStateException", "DisabledException"):
        arn, sep, rest = exc.message.partition(" ")
        if sep and rest == "is disabled." and ":key/" in arn:
            return f" `qkms keys enable --key-id {arn}` turns it back on."
    return ""


def _root_callback(**options: Any) -> None:
    ctx = click.get_current_context()
    ctx.obj = App()
    ctx.obj.update(**pop_globals(options))
    ctx.call_on_close(ctx.obj.close)


cli = RootGroup(
    "qkms",
    commands_spec=TOP,
    help="A local key management service with the AWS KMS API.",
    params=[
        *global_options(),
        click.Option(
            ["--version"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            help="Show the version and exit.",
            callback=lambda ctx, _p, value: (
                (click.echo(f"qkms {__version__}"), ctx.exit())
                if value and not ctx.resilient_parsing
                else None
            ),
        ),
    ],
    callback=_root_callback,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


cli.example = (
    "qkms generate-data-key-pair --key-pair-spec ECC_NIST_P256 "
    '--key-id "$(qkms keys create --query KeyMetadata.KeyId --output text)"'
)
cli.example_key = "qkms"


def main() -> None:
    cli.main()


__all__ = ["EXIT_API", "EXTRA_COMMANDS", "cli", "main"]
