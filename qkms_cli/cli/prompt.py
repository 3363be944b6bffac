"""Asking for a passphrase on the terminal: hidden, on stderr, again after an empty answer."""

from __future__ import annotations

import sys

import click

from qkms_cli.errors import KeystoreError

# Tries before a command gives up on a terminal user who keeps pressing Enter or mistyping.
TRIES = 3
# Shorter new passphrases get a warning and a second chance (keystore init and rekey refuse them
# unless --allow-weak-passphrase; the rule itself lives with the keystore).
WEAK_BELOW = 12


def _prompt(question: str) -> str:
    answer: str = click.prompt(question, hide_input=True, err=True, default="", show_default=False)
    return answer


def ask_secret(question: str, confirm: bool = False, *, allow_weak: bool = False) -> str | None:
    """Ask for a passphrase on the terminal; None when there is no terminal to ask on.

    An empty answer asks again, as do a confirmation that differs and (for a new passphrase,
    confirm=True) one shorter than WEAK_BELOW characters unless allow_weak; after TRIES
    answers the command stops with exit 253 and nothing changed.
    """
    if not sys.stdin.isatty():
        return None
    for _ in range(TRIES):
        answer = _prompt(question)
        if not answer:
            click.echo("qkms: the passphrase is empty; type it, or Ctrl-C to stop.", err=True)
            continue
        if confirm and len(answer) < WEAK_BELOW:
            click.echo(
                f"qkms: warning: a passphrase of {len(answer)} characters is weak; "
                f"use {WEAK_BELOW} or more (a few unrelated words).",
                err=True,
            )
            if not allow_weak:
                continue
        if confirm and _prompt("Repeat for confirmation") != answer:
            click.echo("qkms: the two entries differ; try again.", err=True)
            continue
        return answer
    raise KeystoreError(f"No passphrase after {TRIES} tries; nothing was changed.")


def ask_passphrase(question: str) -> str | None:
    """The prompt every command uses to open a passphrase keystore."""
    return ask_secret(question, False)
