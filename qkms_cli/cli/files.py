"""--*-out PATH: binary response members written to files, atomically, instead of to stdout."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

import click

PUBLIC_KEY = "public"  # a DER SubjectPublicKeyInfo; PEM "PUBLIC KEY" with --key-format pem
PRIVATE_KEY = "private"  # Decrypt's plaintext when the blob seals a data key pair's private key
BLOB = "blob"  # a ciphertext blob, always raw bytes
SECRET = "secret"  # plaintext: raw bytes, 0600


class FileOut(NamedTuple):
    flag: str
    member: str
    kind: str
    help: str

    @property
    def dest(self) -> str:
        return self.flag[2:].replace("-", "_")


def _public() -> FileOut:
    return FileOut(
        "--public-key-out", "PublicKey", PUBLIC_KEY, "Write PublicKey to PATH (see --key-format)."
    )


def _private_blob() -> FileOut:
    return FileOut(
        "--private-key-ciphertext-out",
        "PrivateKeyCiphertextBlob",
        BLOB,
        "Write PrivateKeyCiphertextBlob to PATH as raw bytes (decrypt reads it with fileb://).",
    )


def _ciphertext() -> FileOut:
    return FileOut(
        "--ciphertext-out",
        "CiphertextBlob",
        BLOB,
        "Write CiphertextBlob to PATH as raw bytes (decrypt reads it with fileb://).",
    )


def _plaintext(kind: str = SECRET) -> FileOut:
    extra = (
        " A data key pair's private key is DER PKCS#8 (PEM with --key-format pem)."
        if kind == PRIVATE_KEY
        else ""
    )
    return FileOut(
        "--plaintext-out", "Plaintext", kind, f"Write Plaintext to PATH (mode 0600).{extra}"
    )


def _shared_secret() -> FileOut:
    return FileOut(
        "--shared-secret-out", "SharedSecret", SECRET, "Write SharedSecret to PATH (mode 0600)."
    )


def _shared_ciphertext() -> FileOut:
    return FileOut(
        "--shared-secret-ciphertext-out",
        "SharedSecretCiphertextBlob",
        BLOB,
        "Write SharedSecretCiphertextBlob to PATH as raw bytes (decapsulate reads it with fileb://).",
    )


def _signature() -> FileOut:
    return FileOut(
        "--signature-out",
        "Signature",
        BLOB,
        "Write Signature to PATH as raw bytes (verify reads it with fileb://; openssl with "
        "-signature).",
    )


def _mac() -> FileOut:
    return FileOut(
        "--mac-out",
        "Mac",
        BLOB,
        "Write Mac to PATH as raw bytes (verify-mac reads it with fileb://).",
    )


# Operation -> the members that can be written to files.
FILE_OUTPUTS: dict[str, tuple[FileOut, ...]] = {
    "GenerateDataKeyPair": (_public(), _private_blob()),
    "GenerateDataKeyPairWithoutPlaintext": (_public(), _private_blob()),
    "GetPublicKey": (_public(),),
    "Encrypt": (_ciphertext(),),
    "ReEncrypt": (_ciphertext(),),
    "GenerateDataKey": (_ciphertext(), _plaintext()),
    "GenerateDataKeyWithoutPlaintext": (_ciphertext(),),
    "Decrypt": (_plaintext(PRIVATE_KEY),),
    "Encapsulate": (_shared_ciphertext(), _shared_secret()),
    "GetParametersForImport": (
        _public(),
        FileOut(
            "--import-token-out",
            "ImportToken",
            BLOB,
            "Write ImportToken to PATH as raw bytes (import-key-material reads it with fileb://).",
        ),
    ),
    "Decapsulate": (_shared_secret(),),
    "DecapsulateWithDataKeyPair": (_shared_secret(),),
    "DeriveSharedSecret": (_shared_secret(),),
    "Sign": (_signature(),),
    "SignWithDataKeyPair": (_signature(),),
    "GenerateMac": (_mac(),),
}


def _has_keys(outs: tuple[FileOut, ...]) -> bool:
    return any(o.kind in (PUBLIC_KEY, PRIVATE_KEY) for o in outs)


def options(op: str) -> list[click.Option]:
    outs = FILE_OUTPUTS.get(op, ())
    result = [
        click.Option([o.flag, o.dest], metavar="PATH", type=click.Path(dir_okay=False), help=o.help)
        for o in outs
    ]
    if _has_keys(outs):
        result.append(
            click.Option(
                ["--key-format"],
                type=click.Choice(["der", "pem"]),
                default=None,
                help="Format of keys written with --*-out: der (default) or pem "
                '("PUBLIC KEY", PKCS#8 "PRIVATE KEY").',
            )
        )
    return result


def pop_options(op: str, values: dict[str, Any]) -> dict[str, Any]:
    outs = FILE_OUTPUTS.get(op, ())
    chosen = {o.member: values.pop(o.dest, None) for o in outs}
    key_format = values.pop("key_format", None) if _has_keys(outs) else None
    return {"paths": {m: p for m, p in chosen.items() if p}, "key_format": key_format or "der"}


def write_atomic(path: str, data: bytes, *, secret: bool) -> None:
    """Write via a temporary file in the same directory and rename: never a half-written file.

    Secrets are 0600 from the moment the file exists; other files get the usual 0666 & ~umask.
    """
    target = Path(path).expanduser()
    directory = target.parent
    import tempfile  # here, not at the top: it costs every command's start-up a few ms

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise click.FileError(str(target), exc.strerror or str(exc)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if not secret:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise click.FileError(str(target), exc.strerror or str(exc)) from None


def check(op: str, request: dict[str, Any], chosen: dict[str, Any]) -> None:
    """Refuse unwritable or clashing --*-out paths before the operation runs and takes effect."""
    paths: dict[str, str] = chosen["paths"]
    if not paths:
        return
    flags = {o.member: o.flag for o in FILE_OUTPUTS[op]}
    seen: dict[Path, str] = {}
    for member, path in paths.items():
        target = Path(path).expanduser()
        flag = flags[member]
        resolved = target.resolve()
        if resolved in seen:
            raise click.BadParameter(
                f"{path} is also given to {seen[resolved]}; each output needs its own file",
                param_hint=flag,
            )
        seen[resolved] = flag
        parent = resolved.parent
        if not parent.is_dir():
            raise click.BadParameter(f"{parent} is not a directory", param_hint=flag)
        if target.is_dir():
            raise click.BadParameter(f"{path} is a directory", param_hint=flag)
        if not os.access(parent, os.W_OK | os.X_OK):
            raise click.BadParameter(f"{parent} is not writable", param_hint=flag)
    outs = {o.member: o for o in FILE_OUTPUTS[op]}
    if chosen["key_format"] == "pem" and any(outs[m].kind == PRIVATE_KEY for m in paths):
        if _holds_data(request.get("CiphertextBlob", b"")):
            raise click.BadParameter(
                "pem applies to keys; this ciphertext holds data, not a data key pair's "
                "private key, so --plaintext-out writes raw bytes: drop --key-format pem",
                param_hint="--key-format",
            )


def _holds_data(ciphertext: bytes) -> bool:
    """A qkms blob whose header says it is no private key. Another endpoint's ciphertext (remote
    mode) says nothing: its plaintext is then made PEM if it is a key, refused if not."""
    from qkms_cli.service import keyfiles

    return keyfiles.is_qkms_blob(ciphertext) and not keyfiles.holds_private_key(ciphertext)


def write(
    op: str, request: dict[str, Any], response: dict[str, Any], chosen: dict[str, Any]
) -> dict[str, Any]:
    """Write the chosen members to their files; the response without them, for stdout."""
    paths: dict[str, str] = chosen["paths"]
    if not paths:
        return response
    from qkms_cli.service import keyfiles

    key_format = chosen["key_format"]
    outs = {o.member: o for o in FILE_OUTPUTS[op]}
    contents: dict[str, tuple[bytes, bool]] = {}
    for member, path in paths.items():
        data = response.get(member)
        if data is None:
            continue
        kind = outs[member].kind
        if kind == PRIVATE_KEY and key_format == "pem":
            if _holds_data(request.get("CiphertextBlob", b"")):
                raise click.BadParameter(
                    "pem applies to keys; this ciphertext holds data, not a data key pair's "
                    "private key, so --plaintext-out writes raw bytes: drop --key-format pem",
                    param_hint="--key-format",
                )
            data = keyfiles.encode_key(data, keyfiles.PRIVATE, "pem")
        elif kind == PUBLIC_KEY:
            data = keyfiles.encode_key(data, keyfiles.PUBLIC, key_format)
        contents[member] = (data, kind in (SECRET, PRIVATE_KEY))
    # Every file is prepared before the first is written, so a bad option writes nothing.
    for member, (data, secret) in contents.items():
        write_atomic(paths[member], data, secret=secret)
    return {k: v for k, v in response.items() if k not in contents}
