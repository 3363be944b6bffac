"""The keystore's own commands (init, info, verify, rekey, backup, restore); not API operations."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from qkms_cli.errors import KeystoreError, ParamValidationError
from qkms_cli.store import master, pool
from qkms_cli.store.keystore import MASTER_KEY_NAME, Keystore

# (question, confirm) -> the answer, or None when there is no terminal to ask on.
Ask = Callable[[str, bool], "str | None"]

_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
PARTITIONS = ("verenc", "aws")
# AWS region names: us-east-1, eu-central-2, us-gov-west-1, ap-southeast-4, ...
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$")


def _path(text: str, what: str) -> Path:
    """A path named on the command line; 252 for one no file system can hold (NUL, lone surrogate)."""
    try:
        if "\0" in text or not text:
            raise ValueError(text)
        os.fsencode(text)
    except ValueError:  # UnicodeEncodeError included
        raise ParamValidationError(
            f"Invalid {what}: not a usable file name.", member=what
        ) from None
    return Path(text)


def _credentials(ask: Ask | None) -> master.Credentials:
    prompt = None if ask is None else (lambda question: ask(question, False))
    return master.Credentials.from_env(prompt)


def _kdf(store: Keystore) -> dict[str, Any] | None:
    if store.meta("master_mode") != master.PASSPHRASE:
        return None
    return master.load_kdf(store.meta("kdf")).describe()


def _describe(store: Keystore) -> dict[str, Any]:
    mode = str(store.meta("master_mode"))
    out: dict[str, Any] = {
        "Path": str(store.path),
        "Backend": store.dialect,
        "AccountId": store.account_id,
        "SchemaVersion": store.schema_version(),
        "MasterKeyMode": mode,
    }
    partition, region = store.partition
    out["Partition"] = partition
    if region is not None:
        out["Region"] = region
    if mode == master.KEYFILE:
        out["MasterKeyFile"] = str(store.home / MASTER_KEY_NAME)
    kdf = _kdf(store)
    if kdf is not None:
        out["Kdf"] = kdf
    return out


def _new_passphrase(path: str | None, env: str, ask: Ask | None, question: str) -> bytes | None:
    if path is not None:
        return master.read_passphrase_file(str(_path(path, "passphrase file")))
    value = os.environ.get(env)
    if value:
        return master.encode_passphrase(value)
    answer = ask(question, True) if ask is not None else None
    return master.encode_passphrase(answer) if answer else None


def _partition(partition: str | None, region: str | None) -> tuple[str, str | None]:
    name = partition or "verenc"
    if name not in PARTITIONS:
        raise ParamValidationError(
            f"Invalid value for --partition: {name!r}. Valid values: {', '.join(PARTITIONS)}",
            member="partition",
        )
    if name == "verenc":
        if region is not None:
            raise ParamValidationError(
                "--region goes with --partition aws: the seed's ARNs (arn:verenc:...) name no "
                "region.",
                member="region",
            )
        return name, None
    region = region or "us-east-1"
    if not _REGION.match(region):
        raise ParamValidationError(
            f"Invalid value for --region: {region!r}. An AWS region name, e.g. us-east-1.",
            member="region",
        )
    return name, region


def init(
    home: str | None,
    *,
    store_url: str | None = None,
    mode: str | None = None,
    passphrase_file: str | None = None,
    account_id: str | None = None,
    ask: Ask | None = None,
    partition: str | None = None,
    region: str | None = None,
    allow_weak_passphrase: bool = False,
) -> dict[str, Any]:
    """Make a keystore; refuse a home that already holds one, or a passphrase under 12 characters.

    partition "aws" (with a region, default us-east-1) makes AWS's ARNs and behaviour; the
    default "verenc" is the seed's.
    """
    arns = _partition(partition, region)
    if account_id is not None and not _ACCOUNT_ID.match(account_id):
        raise ParamValidationError(
            "Invalid value for --account-id: an AWS account id is 12 digits, e.g. 111122223333.",
            member="account-id",
        )
    if mode is None:
        if passphrase_file is not None or os.environ.get("QKMS_PASSPHRASE"):
            mode = master.PASSPHRASE
        elif os.environ.get("QKMS_MASTER_KEY"):
            mode = master.EXTERNAL
        else:
            mode = master.KEYFILE
    if passphrase_file is not None and mode != master.PASSPHRASE:
        raise ParamValidationError(
            f"--passphrase-file makes a passphrase keystore; it does not go with --mode {mode}.",
            member="passphrase-file",
        )
    creds = _credentials(None)
    if mode == master.PASSPHRASE:
        passphrase = _new_passphrase(
            passphrase_file, "QKMS_PASSPHRASE", ask, "Passphrase for the new keystore"
        )
        new = master.NewMaster(mode, passphrase=passphrase, allow_weak=allow_weak_passphrase)
        creds.passphrase = passphrase
    elif mode == master.EXTERNAL:
        new = master.NewMaster(mode, raw_key=creds.raw_key())
    else:
        new = master.NewMaster(mode)
    store = Keystore.open(
        home,
        new=new,
        account_id=account_id,
        credentials=creds,
        partition=arns,
        store=store_url,
    )
    try:
        if not store.created:
            raise KeystoreError(
                f"{store.where} already holds a keystore (master key mode "
                f"{store.meta('master_mode')}). Change its master key with `qkms keystore rekey`."
            )
        return _describe(store)
    finally:
        store.close()


def info(home: str | None, *, store_url: str | None = None) -> dict[str, Any]:
    """What the keystore is and holds; reads no secret, so it needs no passphrase."""
    store = Keystore.open(home, create=False, store=store_url)
    try:
        out = _describe(store)
        created = store.meta("created")
        if isinstance(created, (int, float)):
            out["CreationDate"] = datetime.fromtimestamp(created, tz=timezone.utc)
        stats = store.stats()
        out["Keys"] = {
            "Total": stats["keys"],
            "ByState": stats["by_state"],
            "BySpec": stats["by_spec"],
        }
        out["StoredSecrets"] = stats["secrets"]
        out["KeyPairPool"] = pool.pool_counts(store)
        return out
    finally:
        store.close()


def verify(
    home: str | None, *, ask: Ask | None = None, store_url: str | None = None
) -> dict[str, Any]:
    """SQLite's integrity check and every secret authenticated; KeystoreError listing failures."""
    store = Keystore.open(home, create=False, credentials=_credentials(ask), store=store_url)
    try:
        found = store.verify()
    finally:
        store.close()
    problems = found["problems"]
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise KeystoreError(
            f"keystore verify found {len(problems)} problem(s) in {store.path}:\n{lines}\n"
            "Restore a backup (qkms keystore restore) or delete the listed keys."
        )
    out: dict[str, Any] = {
        "Path": str(store.path),
        "IntegrityCheck": "ok",
        "KeysChecked": found["keys"],
        "SecretsChecked": found["secrets"],
        "PooledPairsChecked": found["pooled"],
    }
    if found["legacy"]:
        out["Notes"] = [
            f"{found['legacy']} key row(s) date from before qkms authenticated key metadata: "
            "their material and public keys check out, and each row is sealed with a MAC at "
            "its next use (or all at once by `qkms keystore rekey`)."
        ]
    return out


def rekey(
    home: str | None,
    *,
    store_url: str | None = None,
    to: str | None = None,
    new_passphrase_file: str | None = None,
    ask: Ask | None = None,
    allow_weak_passphrase: bool = False,
) -> dict[str, Any]:
    """Re-wrap every secret under a new master key (new passphrase, new key file, or a mode change).

    A new passphrase is stretched with Argon2id, so rekeying a keystore made with scrypt (to
    the same passphrase or another) moves it to Argon2id.
    """
    store = Keystore.open(home, create=False, credentials=_credentials(ask), store=store_url)
    try:
        store.master_key()  # the current secret first: nothing new is asked for before it opens
        target = to or str(store.meta("master_mode"))
        if new_passphrase_file is not None and target != master.PASSPHRASE:
            raise ParamValidationError(
                f"--new-passphrase-file goes with a passphrase keystore, not --to {target}.",
                member="new-passphrase-file",
            )
        if target == master.PASSPHRASE:
            passphrase = _new_passphrase(
                new_passphrase_file, "QKMS_NEW_PASSPHRASE", ask, "New passphrase"
            )
            if passphrase is None:
                raise KeystoreError(
                    "Give the new passphrase in QKMS_NEW_PASSPHRASE or --new-passphrase-file "
                    "PATH, or run on a terminal to be asked."
                )
            new = master.NewMaster(target, passphrase=passphrase, allow_weak=allow_weak_passphrase)
        elif target == master.EXTERNAL:
            text = os.environ.get("QKMS_NEW_MASTER_KEY")
            if not text:
                raise KeystoreError(
                    "Give the new master key in QKMS_NEW_MASTER_KEY (32 bytes, base64)."
                )
            new = master.NewMaster(
                target, raw_key=master.parse_raw_key(text, "QKMS_NEW_MASTER_KEY")
            )
        else:
            new = master.NewMaster(target)
        done = store.rekey(new)
        out = _describe(store)
        out["PreviousMasterKeyMode"] = done["old_mode"]
        out["SecretsRewrapped"] = done["secrets"]
        out["PooledPairsRewrapped"] = done["pooled"]
        out["Notes"] = [
            "Backups made before this rekey still open only with the previous master key or "
            "passphrase."
        ]
        return out
    finally:
        store.close()


def backup(
    home: str | None,
    dest: str,
    *,
    with_master_key: bool = False,
    force: bool = False,
    store_url: str | None = None,
) -> dict[str, Any]:
    """An online, consistent, still encrypted copy of the keystore."""
    from qkms_cli.store import backup as copies

    store = Keystore.open(home, create=False, store=store_url)
    try:
        done = copies.backup(
            store, _path(dest, "PATH"), with_master_key=with_master_key, force=force
        )
    finally:
        store.close()
    out: dict[str, Any] = {
        "Path": str(done["path"]),
        "Keys": done["keys"],
        "MasterKeyMode": done["mode"],
    }
    notes = []
    if done["master_key_file"] is not None:
        out["MasterKeyFile"] = str(done["master_key_file"])
        notes.append(
            f"{done['master_key_file']} opens every secret in the backup: store it as carefully "
            "as the keys themselves, ideally apart from the backup."
        )
    elif done["mode"] == master.KEYFILE:
        notes.append(
            f"This backup is useless without the keystore's master key {done['master_key_path']}: "
            "copy that file somewhere safe too, or run again with --with-master-key."
        )
    elif done["mode"] == master.PASSPHRASE:
        notes.append("The backup opens with the keystore's current passphrase.")
    else:
        notes.append("The backup opens with the keystore's current QKMS_MASTER_KEY.")
    out["Notes"] = notes
    return out


def restore(
    home: str | None,
    source: str,
    *,
    store_url: str | None = None,
    master_key_file: str | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Put a backup in place as the home's keystore."""
    from qkms_cli.store import backup as copies

    done = copies.restore(
        home,
        _path(source, "PATH"),
        master_key_file=_path(master_key_file, "--master-key-file") if master_key_file else None,
        force=force,
        store=store_url,
    )
    return {
        "Path": str(done["path"]),
        "Source": str(done["source"]),
        "AccountId": done["account_id"],
        "SchemaVersion": done["schema_version"],
        "MasterKeyMode": done["mode"],
        "Keys": done["keys"],
    }
