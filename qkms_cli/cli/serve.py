"""`qkms serve`: run the KMS API over HTTP on this keystore, in the foreground."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from qkms_cli.cli.commands import example_help

_HELP = """Serve the KMS API (JSON 1.1, `POST /`, `X-Amz-Target: TrentService.<Operation>`)
over HTTP on this keystore, so boto3, the aws CLI and the AWS Encryption SDK use qkms
unchanged (`--endpoint-url http://127.0.0.1:4599`). The CLI keeps working on the same keystore
meanwhile. Runs in the foreground; SIGTERM or Ctrl-C finish the requests in flight and exit 0.
`GET /health` answers 200.

--auth none (the default) answers unsigned requests, and requests signed with any
credentials, on a loopback address only, and only when their Host is a loopback name.
--auth sigv4 wants every request signed (AWS Signature Version 4, service kms, within 5
minutes) with an access key made by `qkms access-keys create`; serving a non-loopback
address needs it, and --tls-cert/--tls-key for HTTPS. --allow-reset (loopback, --auth none)
empties the keystore on POST /moto-api/reset and /_localstack/state/reset, as test
suites written for moto or LocalStack call between tests.

In a keystore made with `keystore init --partition aws`, ARNs are AWS's and
GenerateDataKeyPair returns PrivateKeyPlaintext, as AWS does; the default keystore keeps
private keys inside. A passphrase keystore takes QKMS_PASSPHRASE (or QKMS_MASTER_KEY) from
the environment, or asks once on a terminal."""


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@click.command(
    "serve",
    help=f"{_HELP}\n\n{example_help('serve', 'qkms serve --port 4599 --workers 2')}",
    short_help="Serve the KMS API over HTTP (for boto3, the aws CLI, SDKs).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=int, default=4599, show_default=True, help="TCP port (0: any free port)."
)
@click.option(
    "--workers",
    type=int,
    default=None,
    help="Worker processes, each with its own keystore connections (default: one per core).",
)
@click.option(
    "--auth",
    type=click.Choice(("none", "sigv4")),
    default="none",
    show_default=True,
    help="none: loopback only, no signature checked; sigv4: AWS Signature Version 4 required.",
)
@click.option("--tls-cert", metavar="PATH", help="PEM certificate chain: serve HTTPS.")
@click.option("--tls-key", metavar="PATH", help="PEM private key of --tls-cert.")
@click.option(
    "--allow-reset",
    is_flag=True,
    help="Empty the keystore on POST /moto-api/reset and /_localstack/state/reset.",
)
@click.option(
    "--threads",
    type=click.IntRange(0, 64),
    default=4,
    show_default=True,
    help="Threads per worker that run keystore work, each with its own connection (0: on the "
    "event loop).",
)
@click.option(
    "--client-timeout",
    type=float,
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Close a connection whose request headers or body take longer than this.",
)
@click.option(
    "--max-connections",
    type=click.IntRange(1, 65536),
    default=1024,
    show_default=True,
    metavar="N",
    help="Connections each worker holds at once; beyond them a request is answered 503 "
    "ThrottlingException, which AWS SDKs retry.",
)
@click.option(
    "--home",
    metavar="DIR",
    help="Keystore directory (default: $QKMS_HOME, else the platform config dir).",
)
@click.option(
    "--store",
    metavar="URL",
    help="Serve a shared keystore in PostgreSQL (default: $QKMS_STORE), e.g. qkms serve --store "
    "postgresql://127.0.0.1:5432/qkms --port 4599; any number of replicas may serve one. Beats "
    "$QKMS_STORE; not with --home. Keep a password in PGPASSWORD or ~/.pgpass, not in the URL.",
)
@click.option(
    "--seed",
    "seed_file",
    metavar="FILE",
    help="Seed the keystore from FILE before listening (as `qkms keystore seed FILE`).",
)
@click.option("--debug", is_flag=True, default=None, hidden=True)
def serve(**options: Any) -> None:
    import json

    from qkms_cli.cli import app_of

    app = app_of(click.get_current_context())
    app.update(home=options["home"], store=options["store"])
    store_url = app.store_url
    config = {
        "host": options["host"],
        "port": options["port"],
        "workers": options["workers"] if options["workers"] is not None else _cores(),
        "auth": options["auth"],
        "tls_cert": options["tls_cert"],
        "tls_key": options["tls_key"],
        "allow_reset": options["allow_reset"],
        "client_timeout": options["client_timeout"],
        "max_connections": options["max_connections"],
        "threads": options["threads"],
        "home": app.home,
    }
    if options["seed_file"]:
        from qkms_cli.cli.params import read_text_file
        from qkms_cli.service import seeding

        text = read_text_file(options["seed_file"], "--seed")
        seeded = seeding.seed_home(config["home"], text, store_url=store_url)
        click.echo(
            f"qkms: seeded {len(seeded['KeysCreated'])} keys and "
            f"{len(seeded['AliasesCreated'])} aliases from {options['seed_file']} "
            f"({len(seeded['KeysUnchanged'])} keys already there)",
            err=True,
        )
    os.environ["QKMS_SERVE_CONFIG"] = json.dumps(config)
    # The server and its workers read the shared keystore's URL from the environment, as they
    # read a passphrase: never from argv or the config, where a password in it would show.
    if store_url:
        from qkms_cli.service.opening import check_store_url

        check_store_url(store_url)  # here, where the message can name --store
        os.environ["QKMS_STORE"] = store_url
    elif store_url == "":
        os.environ.pop("QKMS_STORE", None)  # --home beats $QKMS_STORE
    sys.stdout.flush()
    sys.stderr.flush()
    # The server runs as its own program (the CLI never imports it): this process becomes it,
    # so its pid, signals and exit status are the server's.
    os.execv(sys.executable, [sys.executable, "-m", "qkms_cli.server"])
