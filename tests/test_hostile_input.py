"""Every parser of outside bytes, fed by hypothesis: any input ends in 0, 252 or 254, never a crash."""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import Qkms, b64

# The keystore is made once per test and reused by its examples: that is the point (a hostile
# input must not damage it either), so the function-scoped fixtures are shared on purpose.
FUZZ = settings(
    max_examples=int(os.environ.get("QKMS_FUZZ_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any character a command line or JSON can carry, lone surrogates (undecodable argv bytes) and
# control characters included.
ANY_CHAR = st.characters(exclude_categories=())
TEXT = st.text(ANY_CHAR, max_size=80)
ARG = st.text(st.characters(exclude_categories=(), exclude_characters="\x00"), max_size=80)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)

_KEYS: dict[str, str] = {}


def _key(qkms: Qkms, home: Path) -> str:
    """One symmetric key per test's keystore."""
    if str(home) not in _KEYS:
        _KEYS[str(home)] = qkms.new_key()
    return _KEYS[str(home)]


def _clean(result: Any, allowed: tuple[int, ...] = (0, 252, 254)) -> None:
    assert result.exit_code in allowed, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    if result.exit_code:
        assert result.stdout == "", "a failing command writes nothing to stdout"
        assert result.stderr.strip(), "a failing command says why"


@FUZZ
@given(blob=st.binary(max_size=300))
@example(blob=b"")
@example(blob=b"QK\x01")
@example(blob=b"QK\x01\x00\x00\x00" + bytes(16) + b"\x00\x00\x00\x01" + bytes(40))
def test_decrypt_random_blobs(qkms: Qkms, home: Path, blob: bytes) -> None:
    _key(qkms, home)
    result = qkms("decrypt", "--ciphertext-blob", b64(blob))
    _clean(result, (252, 254))


@FUZZ
@given(blob=st.binary(max_size=300), mangle=st.sampled_from(["b64", "raw-stdin", "text"]))
@example(blob=b"QK\x01\x01\x02\x09" + bytes(32), mangle="b64")
def test_blob_inspect(qkms: Qkms, home: Path, blob: bytes, mangle: str) -> None:
    _key(qkms, home)
    if mangle == "b64":
        result = qkms("blob", "inspect", b64(blob))
    elif mangle == "raw-stdin":
        result = qkms("blob", "inspect", "-", input=blob)
    else:
        result = qkms("blob", "inspect", blob.decode("latin-1"))
    _clean(result)


@FUZZ
@given(data=st.data())
def test_decrypt_mutated_real_blobs(qkms: Qkms, home: Path, data: st.DataObject) -> None:
    key = _key(qkms, home)
    blob = bytearray(
        base64.b64decode(
            qkms.ok("encrypt", "--key-id", key, "--plaintext", b64(b"secret"))["CiphertextBlob"]
        )
    )
    cut = data.draw(st.integers(0, len(blob)))
    flips = data.draw(st.lists(st.integers(0, len(blob) - 1), min_size=1, max_size=3))
    for i in flips:
        blob[i] ^= data.draw(st.integers(1, 255))
    mutated = bytes(blob[:cut]) + data.draw(st.binary(max_size=8))
    result = qkms("decrypt", "--ciphertext-blob", b64(mutated))
    _clean(result, (252, 254))


@FUZZ
@given(value=ARG)
@example(value="UUsB")
@example(value="====")
@example(value="\udcff\udcfe")
@example(value="fileb://")
@example(value="file://")
def test_base64_arguments(qkms: Qkms, home: Path, value: str) -> None:
    key = _key(qkms, home)
    _clean(qkms("encrypt", "--key-id", key, "--plaintext", value))
    _clean(qkms("decrypt", "--ciphertext-blob", value), (252, 254))


@FUZZ
@given(context=ARG | JSON.map(json.dumps))
@example(context="{")
@example(context='{"a": 1}')
@example(context="=,=")
@example(context='{"\\ud800": "x"}')
def test_encryption_contexts(qkms: Qkms, home: Path, context: str) -> None:
    key = _key(qkms, home)
    result = qkms(
        "encrypt", "--key-id", key, "--plaintext", b64(b"x"), "--encryption-context", context
    )
    _clean(result)
    if result.exit_code == 0:
        blob = json.loads(result.stdout)["CiphertextBlob"]
        opened = qkms("decrypt", "--ciphertext-blob", blob, "--encryption-context", context)
        assert opened.exit_code == 0, opened.stderr


@FUZZ
@given(
    command=st.sampled_from(
        [
            ("decrypt",),
            ("encrypt",),
            ("keys", "create"),
            ("keys", "tag"),
            ("aliases", "create"),
            ("generate-data-key-pair",),
        ]
    ),
    request=JSON.map(json.dumps) | ARG,
)
@example(command=("decrypt",), request='{"CiphertextBlob": "\\udcff"}')
@example(command=("encrypt",), request='{"KeyId": "k", "Plaintext": 5}')
@example(command=("keys", "create"), request='{"Tags": [{"TagKey": 1}]}')
@example(command=("keys", "create"), request='{"Tags": "x"}')
def test_cli_input_json(qkms: Qkms, home: Path, command: tuple[str, ...], request: str) -> None:
    _key(qkms, home)
    _clean(qkms(*command, "--cli-input-json", request))


@FUZZ
@given(
    members=st.dictionaries(
        st.sampled_from(["KeyId", "Plaintext", "EncryptionContext", "GrantTokens", "DryRun"]),
        JSON,
        max_size=5,
    )
)
def test_cli_input_json_with_real_member_names(
    qkms: Qkms, home: Path, members: dict[str, Any]
) -> None:
    key = _key(qkms, home)
    members.setdefault("KeyId", key)
    _clean(qkms("encrypt", "--cli-input-json", json.dumps(members)))


@FUZZ
@given(content=st.binary(max_size=600), scheme=st.sampled_from(["file://", "fileb://"]))
@example(content=b"", scheme="file://")
@example(content=b"UUsB" + b"A" * 60, scheme="fileb://")
@example(content=b"\xff\xfe{", scheme="file://")
def test_file_contents(qkms: Qkms, home: Path, tmp_path: Path, content: bytes, scheme: str) -> None:
    key = _key(qkms, home)
    path = tmp_path / "input.bin"
    path.write_bytes(content)
    ref = f"{scheme}{path}"
    _clean(qkms("encrypt", "--key-id", key, "--plaintext", ref))
    _clean(qkms("decrypt", "--ciphertext-blob", ref), (252, 254))
    _clean(qkms("encrypt", "--key-id", key, "--plaintext", b64(b"x"), "--encryption-context", ref))
    _clean(qkms("encrypt", "--cli-input-json", f"file://{path}"))


@FUZZ
@given(path=ARG, scheme=st.sampled_from(["file://", "fileb://"]))
@example(path="/", scheme="fileb://")
@example(path="/nonexistent/x", scheme="file://")
@example(path="~", scheme="file://")
@example(path="/proc/self/mem", scheme="fileb://")
def test_file_paths(qkms: Qkms, home: Path, path: str, scheme: str) -> None:
    key = _key(qkms, home)
    if path in ("-",):  # stdin: covered with real input elsewhere
        return
    _clean(qkms("encrypt", "--key-id", key, "--plaintext", f"{scheme}{path}"))
    _clean(qkms("decrypt", "--cli-input-json", f"file://{path}"))


@FUZZ
@given(tags=st.lists(ARG, min_size=1, max_size=3))
@example(tags=["TagKey=a,TagValue=b"])
@example(tags=["TagKey=aws:x,TagValue=b"])
@example(tags=['[{"TagKey": "a"}]'])
@example(tags=['{"TagKey": "a", "TagValue": null}'])
def test_tags(qkms: Qkms, home: Path, tags: list[str]) -> None:
    key = _key(qkms, home)
    _clean(qkms("keys", "tag", "--key-id", key, "--tags", *tags))
    _clean(qkms("keys", "create", "--tags", *tags))
    _clean(qkms("keys", "untag", "--key-id", key, "--tag-keys", *tags))


@FUZZ
@given(name=ARG | ARG.map(lambda s: f"alias/{s}"))
@example(name="alias/aws/x")
@example(name="alias/")
@example(name="alias/" + "a" * 300)
def test_alias_names(qkms: Qkms, home: Path, name: str) -> None:
    key = _key(qkms, home)
    _clean(qkms("aliases", "create", "--alias-name", name, "--target-key-id", key))
    _clean(qkms("keys", "describe", "--key-id", name))
    _clean(qkms("aliases", "delete", "--alias-name", name))


@FUZZ
@given(key_id=ARG)
@example(key_id="arn:verenc:111122223333:key/")
@example(key_id="arn:verenc::alias/x")
def test_key_ids(qkms: Qkms, home: Path, key_id: str) -> None:
    _key(qkms, home)
    _clean(qkms("keys", "describe", "--key-id", key_id))
    _clean(qkms("generate-data-key-pair", "--key-id", key_id, "--key-pair-spec", "RSA_2048"))


# -- oversized inputs are refused before they are read whole ----------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("encrypt", "--key-id", "alias/x", "--plaintext", "fileb:///dev/zero"),
        ("encrypt", "--key-id", "alias/x", "--plaintext", "file:///dev/zero"),
        ("decrypt", "--ciphertext-blob", "fileb:///dev/zero"),
        ("decrypt", "--cli-input-json", "file:///dev/zero"),
        (
            "encrypt",
            "--key-id",
            "alias/x",
            "--plaintext",
            "eA==",
            "--encryption-context",
            "file:///dev/zero",
        ),
    ],
)
def test_endless_inputs_are_refused(qkms: Qkms, args: tuple[str, ...]) -> None:
    start = time.monotonic()
    result = qkms(*args)
    _clean(result, (252,))
    assert "larger than 1048576 bytes" in result.stderr
    assert time.monotonic() - start < 60  # a guard against reading forever, not a benchmark


def test_oversized_stdin_is_refused(qkms: Qkms) -> None:
    result = qkms("decrypt", "--ciphertext-blob", "fileb://-", input=b"\0" * (2 << 20))
    _clean(result, (252,))
    assert "larger than 1048576 bytes" in result.stderr


def test_oversized_file_just_past_the_cap(qkms: Qkms, home: Path, tmp_path: Path) -> None:
    key = _key(qkms, home)
    big = tmp_path / "big"
    big.write_bytes(b"A" * ((1 << 20) + 1))
    _clean(qkms("encrypt", "--key-id", key, "--plaintext", f"fileb://{big}"), (252,))
    big.write_bytes(b"A" * 4096)
    _clean(qkms("encrypt", "--key-id", key, "--plaintext", f"fileb://{big}"), (0,))


@FUZZ
@given(name=ARG, account=ARG)
@example(name="..", account="12345678901")
@example(name="", account="\uff11" * 12)  # fullwidth digits are not an account id
def test_keystore_command_arguments(
    qkms: Qkms, home: Path, tmp_path: Path, name: str, account: str
) -> None:
    """Paths and ids given to the keystore commands: 0, 252 or 253, never a crash."""
    _key(qkms, home)
    base = tmp_path / "area"
    base.mkdir(exist_ok=True)
    target = f"{base}/{name}"  # kept inside the test's directory whatever the name
    for args in (
        ("keystore", "backup", target),
        ("--home", str(tmp_path / "other"), "keystore", "restore", target),
        ("--home", str(tmp_path / "fresh"), "keystore", "init", "--passphrase-file", target),
        ("--home", str(tmp_path / "fresh2"), "keystore", "init", "--account-id", account),
        ("--home", f"{base}/{name}", "keys", "list"),
    ):
        _clean(qkms(*args), (0, 252, 253))
