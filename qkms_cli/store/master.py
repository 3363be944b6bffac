"""The keystore's master key: a key file, a passphrase stretched with Argon2id, or QKMS_MASTER_KEY."""

from __future__ import annotations

import base64
import binascii
import json
import os
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

from qkms_cli.engine import wrap
from qkms_cli.errors import KeystoreError, ParamValidationError

KEYFILE = "keyfile"
PASSPHRASE = "passphrase"
EXTERNAL = "external"
MODES = (KEYFILE, PASSPHRASE, EXTERNAL)

# Argon2id cost for new passphrase keystores: RFC 9106 section 4's second recommended option
# (m=64 MiB, t=3, p=4), measured at ~0.39 s a derivation on the 2-core CI machine under load;
# 128 MiB took ~0.93 s, too much for every call of a passphrase keystore.
ARGON2_MEMORY_KIB = 64 * 1024
ARGON2_ITERATIONS = 3
ARGON2_LANES = 4
# scrypt, what keystores made before Argon2id use (still read; `keystore rekey` upgrades them):
# N=2**14, r=8, p=1 (16 MiB), RFC 7914's interactive setting.
SCRYPT_N = 1 << 14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_SIZE = 16
# Shorter passphrases are refused (exit 252) unless --allow-weak-passphrase is given.
MIN_PASSPHRASE_CHARS = 12
# A passphrase file is a few bytes; reading stops here so a wrong path cannot eat the memory.
MAX_PASSPHRASE_FILE = 64 * 1024

Prompt = Callable[[str], "str | None"]


def _damaged() -> KeystoreError:
    return KeystoreError(
        "The keystore's passphrase parameters (meta 'kdf') are damaged; restore a backup."
    )


# NamedTuples, not dataclasses, for the records every command loads: a frozen dataclass costs
# ~0.3 ms to define at start-up, a NamedTuple a fifth of that.
class ScryptParams(NamedTuple):
    """scrypt's stored parameters (keystores made before Argon2id); the salt is not secret."""

    salt: bytes
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P

    @property
    def name(self) -> str:
        return "scrypt"

    @classmethod
    def new(cls) -> ScryptParams:
        return cls(os.urandom(SALT_SIZE))

    def dump(self) -> str:
        salt = base64.b64encode(self.salt).decode()
        return json.dumps({"kdf": "scrypt", "n": self.n, "r": self.r, "p": self.p, "salt": salt})

    def describe(self) -> dict[str, Any]:
        return {"Name": "scrypt", "N": self.n, "R": self.r, "P": self.p}

    def derive(self, passphrase: bytes) -> bytes:
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        kdf = Scrypt(salt=self.salt, length=wrap.MASTER_KEY_SIZE, n=self.n, r=self.r, p=self.p)
        return kdf.derive(passphrase)

    @classmethod
    def from_dict(cls, data: dict[str, Any], salt: bytes) -> ScryptParams:
        params = cls(salt, data["n"], data["r"], data["p"])
        # Bounds, so that an edited row cannot make one derivation take gigabytes or hours.
        if (
            not all(type(v) is int for v in (params.n, params.r, params.p))
            or not (2 <= params.n <= 1 << 20 and params.n & (params.n - 1) == 0)
            or not (1 <= params.r <= 32 and 1 <= params.p <= 16)
        ):
            raise _damaged()
        return params

    @classmethod
    def load(cls, text: str | bytes | None) -> ScryptParams:
        params = load_kdf(text)
        if not isinstance(params, cls):
            raise _damaged()
        return params


class Argon2Params(NamedTuple):
    """Argon2id's stored parameters (RFC 9106); the salt is not secret."""

    salt: bytes
    memory_kib: int = ARGON2_MEMORY_KIB
    iterations: int = ARGON2_ITERATIONS
    lanes: int = ARGON2_LANES

    @property
    def name(self) -> str:
        return "argon2id"

    @classmethod
    def new(cls) -> Argon2Params:
        return cls(os.urandom(SALT_SIZE))

    def dump(self) -> str:
        salt = base64.b64encode(self.salt).decode()
        return json.dumps(
            {
                "kdf": "argon2id",
                "m": self.memory_kib,
                "t": self.iterations,
                "p": self.lanes,
                "salt": salt,
            }
        )

    def describe(self) -> dict[str, Any]:
        return {
            "Name": "argon2id",
            "MemoryKiB": self.memory_kib,
            "Iterations": self.iterations,
            "Parallelism": self.lanes,
        }

    def derive(self, passphrase: bytes) -> bytes:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        kdf = Argon2id(
            salt=self.salt,
            length=wrap.MASTER_KEY_SIZE,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        )
        return kdf.derive(passphrase)

    @classmethod
    def from_dict(cls, data: dict[str, Any], salt: bytes) -> Argon2Params:
        params = cls(salt, data["m"], data["t"], data["p"])
        # Bounds: at most 4 GiB and 64 passes, so an edited row cannot make one derivation
        # take all the memory or hours; at least RFC 9106's floor of 8 KiB per lane.
        if (
            not all(type(v) is int for v in (params.memory_kib, params.iterations, params.lanes))
            or not 1 <= params.lanes <= 64
            or not 8 * params.lanes <= params.memory_kib <= 4 * 1024 * 1024
            or not 1 <= params.iterations <= 64
            or len(salt) < 8
        ):
            raise _damaged()
        return params


KdfParams = ScryptParams | Argon2Params
_KDFS: dict[str, Any] = {"scrypt": ScryptParams, "argon2id": Argon2Params}


def load_kdf(text: str | bytes | None) -> KdfParams:
    """The derivation a passphrase keystore's meta 'kdf' names: Argon2id, or scrypt (older)."""
    try:
        data = json.loads(text or "")
        kind = _KDFS[data["kdf"]]
        params: KdfParams = kind.from_dict(data, base64.b64decode(data["salt"], validate=True))
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise _damaged() from None
    return params


def new_kdf() -> Argon2Params:
    """The derivation a new passphrase (keystore init, rekey) gets."""
    return Argon2Params.new()


# cryptography's Argon2id (OpenSSL's, lanes > 1) never returns when two threads of a process
# derive at once (cryptography 50.0.2: `qkms serve` on a passphrase keystore hung at start, its
# keystore threads all deriving). Derivations are taken one at a time, and the last one is kept:
# a server's threads open the keystore with one derivation, not one each (~0.4 s and 64 MiB).
_DERIVING = threading.Lock()
_LAST: tuple[str, bytes, bytes] | None = None  # (the parameters, the passphrase, the key)


def derive(passphrase: bytes, params: KdfParams) -> bytes:
    """The master key from a passphrase, with the keystore's stored salt and cost."""
    import hmac  # here: hashlib's import costs every other command 2 ms

    global _LAST
    with _DERIVING:
        last = _LAST
        if (
            last is not None
            and last[0] == repr(params)
            and hmac.compare_digest(last[1], passphrase)
        ):
            return last[2]
        key = params.derive(passphrase)
        _LAST = (repr(params), bytes(passphrase), key)
        return key


def check_strength(passphrase: bytes, *, allow_weak: bool = False) -> None:
    """Refuse (exit 252) a new passphrase shorter than MIN_PASSPHRASE_CHARS characters."""
    chars = len(passphrase.decode("utf-8", "surrogateescape"))
    if chars >= MIN_PASSPHRASE_CHARS or allow_weak:
        return
    raise ParamValidationError(
        f"The passphrase is {chars} character(s) long; qkms needs at least "
        f"{MIN_PASSPHRASE_CHARS} (a few random words make a good one). For a throwaway "
        "keystore pass --allow-weak-passphrase to `qkms keystore init` or `qkms keystore rekey`; "
        "in CI prefer QKMS_MASTER_KEY (32 random bytes, base64).",
        member="passphrase",
    )


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


class Credentials:
    """Where an existing keystore's master key comes from; nothing is read until a secret is.

    A plain class (a dataclass costs every command ~0.3 ms to define); its repr shows none of
    the secrets."""

    __slots__ = ("passphrase", "prompt", "raw_key_text")
    passphrase: bytes | None
    raw_key_text: str | None
    prompt: Prompt | None

    def __init__(
        self,
        passphrase: bytes | None = None,
        raw_key_text: str | None = None,
        prompt: Prompt | None = None,
    ) -> None:
        self.passphrase = passphrase
        self.raw_key_text = raw_key_text
        self.prompt = prompt

    def __repr__(self) -> str:
        return "Credentials()"

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


class NewMaster:
    """How a new keystore (or a rekeyed one) gets its master key (checked when made; read-only;
    its repr shows no secret)."""

    __slots__ = ("allow_weak", "mode", "passphrase", "raw_key")
    mode: str
    passphrase: bytes | None
    raw_key: bytes | None
    allow_weak: bool

    def __init__(
        self,
        mode: str = KEYFILE,
        passphrase: bytes | None = None,
        raw_key: bytes | None = None,
        allow_weak: bool = False,
    ) -> None:
        for name, value in (
            ("mode", mode),
            ("passphrase", passphrase),
            ("raw_key", raw_key),
            ("allow_weak", allow_weak),
        ):
            object.__setattr__(self, name, value)
        self._check()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"NewMaster is read-only ({name})")

    def __repr__(self) -> str:
        return f"NewMaster(mode={self.mode!r}, allow_weak={self.allow_weak!r})"

    def _check(self) -> None:
        if self.mode not in MODES:
            raise KeystoreError(
                f"Unknown master key mode {self.mode!r}; one of: {', '.join(MODES)}."
            )
        if self.mode == PASSPHRASE and not self.passphrase:
            raise KeystoreError(
                "A passphrase keystore needs a passphrase: set QKMS_PASSPHRASE, pass "
                "--passphrase-file PATH, or run on a terminal to be asked."
            )
        if self.mode == PASSPHRASE:
            assert self.passphrase is not None
            check_strength(self.passphrase, allow_weak=self.allow_weak)
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


# -- the verifier: which master key a keystore was sealed under ----------------------------------

MASTER_CHECK = b"qkms master key check"


def opens_verifier(key: bytes, check: bytes | None) -> bool:
    """Whether key is the master key whose verifier is check."""
    if not isinstance(check, bytes):
        return False
    try:
        wrap.unwrap(key, check, wrap.secret_aad("master-check"))
    except wrap.UnwrapError:
        return False
    return True


def new_verifier(key: bytes) -> bytes:
    return wrap.wrap(key, MASTER_CHECK, wrap.secret_aad("master-check"))
