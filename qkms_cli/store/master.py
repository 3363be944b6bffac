"""The keystore's master key: a key file, a passphrase stretched with scrypt, or QKMS_MASTER_KEY."""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from qkms_cli.engine import wrap
from qkms_cli.errors import KeystoreError

KEYFILE = "keyfile"
PASSPHRASE = "passphrase"
EXTERNAL = "external"
MODES = (KEYFILE, PASSPHRASE, EXTERNAL)

# scrypt cost: N=2**14, r=8, p=1 (16 MiB) is RFC 7914's interactive setting and measured 31-41 ms
# per derivation on the 2-CPU CI machine (2**15 took ~80 ms); the issue caps it well under 100 ms.
SCRYPT_N = 1 << 14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_SIZE = 16
# A passphrase file is a few bytes; reading stops here so a wrong path cannot eat the memory.
MAX_PASSPHRASE_FILE = 64 * 1024

Prompt = Callable[[str], "str | None"]


@dataclass(frozen=True)
class ScryptParams:
    """The stored derivation parameters; the salt is not secret."""

    salt: bytes
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P

    @classmethod
    def new(cls) -> ScryptParams:
        return cls(os.urandom(SALT_SIZE))

    def dump(self) -> str:
        salt = base64.b64encode(self.salt).decode()
        return json.dumps({"kdf": "scrypt", "n": self.n, "r": self.r, "p": self.p, "salt": salt})

    @classmethod
    def load(cls, text: str | bytes | None) -> ScryptParams:
        try:
            data = json.loads(text or "")
            params = cls(
                base64.b64decode(data["salt"], validate=True), data["n"], data["r"], data["p"]
            )
        except (ValueError, KeyError, TypeError, binascii.Error):
            params = None
        # Bounds, so that an edited row cannot make one derivation take gigabytes or hours.
        if (
            params is None
            or data.get("kdf") != "scrypt"
            or not all(type(v) is int for v in (params.n, params.r, params.p))
            or not (2 <= params.n <= 1 << 20 and params.n & (params.n - 1) == 0)
            or not (1 <= params.r <= 32 and 1 <= params.p <= 16)
        ):
            raise KeystoreError(
                "The keystore's passphrase parameters (meta 'kdf') are damaged; restore a backup."
            )
        return params


def derive(passphrase: bytes, params: ScryptParams) -> bytes:
    """The master key from a passphrase: scrypt with the keystore's stored salt and cost."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    kdf = Scrypt(salt=params.salt, length=wrap.MASTER_KEY_SIZE, n=params.n, r=params.r, p=params.p)
    return kdf.derive(passphrase)


def encode_passphrase(text: str) -> bytes:
    """UTF-8, with undecodable bytes from the environment or a file given back unchanged."""
    return text.encode("utf-8", "surrogateescape")


def parse_raw_key(text: str, source: str) -> bytes:
    """A raw master key given as base64 text of 32 bytes; the value is never echoed."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeystoreError(
            f"{source} is not base64 text; it must be 32 random bytes in base64."
        ) from None
    if len(key) != wrap.MASTER_KEY_SIZE:
        raise KeystoreError(
            f"{source} holds {len(key)} bytes; a master key is {wrap.MASTER_KEY_SIZE} bytes "
            "(e.g. `head -c 32 /dev/urandom | base64`)."
        )
    return key


def read_passphrase_file(path: str) -> bytes:
    """A passphrase from a file: its first line (one trailing newline is not part of it)."""
    try:
        with open(os.path.expanduser(path), "rb") as handle:
            data = handle.read(MAX_PASSPHRASE_FILE + 1)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "invalid path"
        raise KeystoreError(f"Cannot read the passphrase file {path}: {reason}.") from None
    if len(data) > MAX_PASSPHRASE_FILE:
        raise KeystoreError(
            f"The passphrase file {path} is larger than {MAX_PASSPHRASE_FILE} bytes."
        )
    if data.endswith(b"\r\n"):
        data = data[:-2]
    elif data.endswith(b"\n"):
        data = data[:-1]
    if not data:
        raise KeystoreError(f"The passphrase file {path} is empty.")
    return data


@dataclass
class Credentials:
    """Where an existing keystore's master key comes from; nothing is read until a secret is."""

    passphrase: bytes | None = field(default=None, repr=False)
    raw_key_text: str | None = field(default=None, repr=False)
    prompt: Prompt | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, prompt: Prompt | None = None) -> Credentials:
        """QKMS_MASTER_KEY and QKMS_PASSPHRASE, then (for a passphrase) a prompt on a terminal."""
        passphrase = os.environ.get("QKMS_PASSPHRASE")
        if passphrase == "":
            # An empty CI secret must not quietly become "no passphrase" (and a key file on disk).
            raise KeystoreError(
                "QKMS_PASSPHRASE is set but empty; give the passphrase, or unset it for a "
                "key-file keystore."
            )
        return cls(
            passphrase=encode_passphrase(passphrase) if passphrase else None,
            raw_key_text=os.environ.get("QKMS_MASTER_KEY") or None,
            prompt=prompt,
        )

    def raw_key(self) -> bytes | None:
        if self.raw_key_text is None:
            return None
        return parse_raw_key(self.raw_key_text, "QKMS_MASTER_KEY")

    def get_passphrase(self, question: str) -> bytes | None:
        if self.passphrase is None and self.prompt is not None:
            answer = self.prompt(question)
            if answer:
                self.passphrase = encode_passphrase(answer)
        return self.passphrase


@dataclass(frozen=True)
class NewMaster:
    """How a new keystore (or a rekeyed one) gets its master key."""

    mode: str = KEYFILE
    passphrase: bytes | None = field(default=None, repr=False)
    raw_key: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise KeystoreError(
                f"Unknown master key mode {self.mode!r}; one of: {', '.join(MODES)}."
            )
        if self.mode == PASSPHRASE and not self.passphrase:
            raise KeystoreError(
                "A passphrase keystore needs a passphrase: set QKMS_PASSPHRASE, pass "
                "--passphrase-file PATH, or run on a terminal to be asked."
            )
        if self.mode == EXTERNAL and self.raw_key is None:
            raise KeystoreError(
                "An external master key is given in QKMS_MASTER_KEY (32 bytes, base64)."
            )

    @classmethod
    def from_env(cls) -> NewMaster:
        """What a keystore made on first use gets: QKMS_MASTER_KEY, QKMS_PASSPHRASE, else a file."""
        creds = Credentials.from_env()
        raw_key = creds.raw_key()
        if raw_key is not None:
            return cls(EXTERNAL, raw_key=raw_key)
        if creds.passphrase is not None:
            return cls(PASSPHRASE, passphrase=creds.passphrase)
        return cls(KEYFILE)
