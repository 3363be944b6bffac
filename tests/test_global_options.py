"""aws-cli's global options on the local keystore: a script ports by changing only the program name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import Qkms, b64, unb64

COLOUR = re.compile(r"\x1b\[[0-9;]*m")


# -- help as the last word ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "words",
    [
        ["generate-data-key-pair"],
        ["keys", "create"],
        ["keys"],
        [],
        ["keystore", "info"],
        ["encrypt", "--key-id", "alias/x", "--debug"],
    ],
)
def test_help_as_the_last_word_is_the_help(qkms: Qkms, words: list[str]) -> None:
    asked = qkms(*words, "help")
    flagged = qkms(*words, "--help")
    assert asked.exit_code == 0, asked.stderr
    assert asked.stdout == flagged.stdout
    assert asked.stdout.startswith("Usage: qkms")


def test_help_as_an_options_value_is_the_value(qkms: Qkms) -> None:
    created = qkms.ok("keys", "create", "--description", "help")
    assert created["KeyMetadata"]["Description"] == "help"


# -- --output yaml, yaml-stream, off ------------------------------------------------------------


def test_yaml_output_is_the_json_response(qkms: Qkms) -> None:
    key = qkms.new_key("--description", "ci: signing, key")
    as_json = qkms.ok("keys", "describe", "--key-id", key)
    as_yaml = qkms("keys", "describe", "--key-id", key, "--output", "yaml")
    assert as_yaml.exit_code == 0, as_yaml.stderr
    assert yaml.safe_load(as_yaml.stdout) == as_json
    # block style, members in the response's order, as aws-cli v2 prints it
    assert as_yaml.stdout.startswith("KeyMetadata:\n  AWSAccountId: '111122223333'\n  KeyId: ")
    assert "{" not in as_yaml.stdout


def test_yaml_stream_is_a_list_of_responses_and_query_applies(qkms: Qkms) -> None:
    key = qkms.new_key()
    result = qkms("keys", "list", "--output", "yaml-stream", "--query", "Keys[].KeyId")
    assert result.exit_code == 0, result.stderr
    assert yaml.safe_load(result.stdout) == [[key]]
    one = qkms(
        "keys", "describe", "--key-id", key, "--output", "yaml", "--query", "KeyMetadata.KeyId"
    )
    assert yaml.safe_load(one.stdout) == key


def test_yaml_stream_prints_each_page_as_it_comes(qkms: Qkms) -> None:
    keys = [qkms.new_key() for _ in range(3)]
    result = qkms("keys", "list", "--page-size", "2", "--output", "yaml-stream")
    pages = yaml.safe_load(result.stdout)
    assert [[k["KeyId"] for k in page["Keys"]] for page in pages] == [
        [k["KeyId"] for k in qkms.ok("keys", "list")["Keys"]][:2],
        [k["KeyId"] for k in qkms.ok("keys", "list")["Keys"]][2:],
    ]
    assert pages[0]["Truncated"] is True and pages[1]["Truncated"] is False
    assert {k["KeyId"] for page in pages for k in page["Keys"]} == set(keys)
    queried = qkms("keys", "list", "--page-size", "2", "--output", "yaml-stream", "--query",
                   "Keys[].KeyId")  # fmt: skip
    assert yaml.safe_load(queried.stdout) == [[k["KeyId"] for k in p["Keys"]] for p in pages]


def test_qkms_output_env_takes_yaml(qkms: Qkms, monkeypatch: pytest.MonkeyPatch) -> None:
    key = qkms.new_key()
    monkeypatch.setenv("QKMS_OUTPUT", "yaml")
    result = qkms("keys", "list")
    assert yaml.safe_load(result.stdout) == {"Keys": [{"KeyId": key, "KeyArn": _arn(key)}]}


def _arn(key: str) -> str:
    from tests.conftest import arn

    return arn(key)


def test_output_off_prints_nothing_but_acts_and_writes_files(qkms: Qkms, tmp_path: Path) -> None:
    result = qkms("keys", "create", "--output", "off")
    assert result.exit_code == 0 and result.stdout == ""
    key = qkms.ok("keys", "list")["Keys"][0]["KeyId"]
    out = tmp_path / "ct.bin"
    sealed = qkms(
        "encrypt", "--key-id", key, "--plaintext", b64(b"hi"), "--ciphertext-out", str(out),
        "--output", "off",
    )  # fmt: skip
    assert sealed.exit_code == 0 and sealed.stdout == ""
    opened = qkms.ok("decrypt", "--ciphertext-blob", f"fileb://{out}")
    assert unb64(opened["Plaintext"]) == b"hi"
    # errors still print and exit as ever
    failed = qkms.fails(254, "keys", "describe", "--key-id", "alias/none", "--output", "off")
    assert "An error occurred (NotFoundException)" in failed.stderr


# -- strict base64 and --cli-binary-format ------------------------------------------------------


def test_text_is_not_silently_decoded_as_base64(qkms: Qkms) -> None:
    key = qkms.new_key()
    # "my secret" is eight base64 letters and a space: it was six bytes before
    result = qkms.fails(252, "encrypt", "--key-id", key, "--plaintext", "my secret")
    assert result.stderr.startswith("Invalid base64 in --plaintext")
    assert "my secret" not in result.stderr  # a plaintext is never echoed
    assert "--cli-binary-format raw-in-base64-out" in result.stderr


@pytest.mark.parametrize(
    "bad",
    [
        "aGVsbG8",  # no padding
        "aGVsbG9=",  # stray bits in the last group (canonical is aGVsbG8=)
        "aGVs bG8=",  # a space
        "aGVsbG8=\n\naGk=",  # an empty line
        "aGVsbA\nbG8=",  # a break inside a group of four
        "aGVsbG8_",  # the URL-safe alphabet
    ],
)
def test_non_canonical_base64_is_refused_with_aws_cli_words(qkms: Qkms, bad: str) -> None:
    result = qkms.fails(252, "decrypt", "--ciphertext-blob", bad)
    # a ciphertext is no secret: aws-cli v2's template, value and all
    assert result.stderr.startswith(f'Invalid base64: "{bad}" (--ciphertext-blob)')


def test_empty_text_is_no_bytes_and_the_model_says_so(qkms: Qkms) -> None:
    result = qkms.fails(252, "decrypt", "--ciphertext-blob", "")
    assert "Invalid length for parameter CiphertextBlob" in result.stderr


def test_wrapped_base64_is_read(qkms: Qkms) -> None:
    key = qkms.new_key()
    data = bytes(range(200))
    text = b64(data)
    wrapped = "\n".join(text[i : i + 76] for i in range(0, len(text), 76)) + "\n"
    sealed = qkms.ok("encrypt", "--key-id", key, "--plaintext", wrapped)
    assert (
        unb64(qkms.ok("decrypt", "--ciphertext-blob", sealed["CiphertextBlob"])["Plaintext"])
        == data
    )


def test_raw_in_base64_out_sends_the_text_itself(qkms: Qkms, tmp_path: Path) -> None:
    key = qkms.new_key()
    sealed = qkms.ok(
        "encrypt", "--key-id", key, "--plaintext", "my secret", "--cli-binary-format",
        "raw-in-base64-out",
    )  # fmt: skip
    opened = qkms.ok("decrypt", "--ciphertext-blob", sealed["CiphertextBlob"])
    assert unb64(opened["Plaintext"]) == b"my secret"  # output stays base64
    # file:// is the file's text too; fileb:// raw bytes either way
    note = tmp_path / "note.txt"
    note.write_text("aGVsbG8=")
    sealed = qkms.ok(
        "--cli-binary-format", "raw-in-base64-out", "encrypt", "--key-id", key,
        "--plaintext", f"file://{note}",
    )  # fmt: skip
    opened = qkms.ok("decrypt", "--ciphertext-blob", sealed["CiphertextBlob"])
    assert unb64(opened["Plaintext"]) == b"aGVsbG8="


def test_cli_input_json_blobs_follow_the_binary_format(qkms: Qkms) -> None:
    key = qkms.new_key()
    request = f'{{"KeyId": "{key}", "Plaintext": "plain words"}}'
    refused = qkms.fails(252, "encrypt", "--cli-input-json", request)
    assert refused.stderr.startswith("Invalid base64 in parameter Plaintext of --cli-input-json")
    assert "plain words" not in refused.stderr
    sealed = qkms.ok(
        "encrypt", "--cli-input-json", request, "--cli-binary-format", "raw-in-base64-out"
    )
    opened = qkms.ok("decrypt", "--ciphertext-blob", sealed["CiphertextBlob"])
    assert unb64(opened["Plaintext"]) == b"plain words"


def test_a_bad_binary_format_is_a_usage_error(qkms: Qkms) -> None:
    result = qkms.fails(
        252, "generate-random", "--number-of-bytes", "4", "--cli-binary-format", "hex"
    )
    assert "raw-in-base64-out" in result.stderr


# -- --color, --no-cli-pager and options that mean nothing locally -----------------------------


def test_color_on_and_off_decide_for_tables(qkms: Qkms) -> None:
    key = qkms.new_key()
    table = ["keys", "describe", "--key-id", key, "--output", "table"]
    assert COLOUR.search(qkms(*table, "--color", "on").stdout)
    assert not COLOUR.search(qkms(*table, "--color", "off").stdout)
    assert not COLOUR.search(qkms(*table).stdout)  # auto: not a terminal
    plain = qkms(*table, "--color", "off").stdout
    assert COLOUR.sub("", qkms(*table, "--color", "on").stdout).split() == plain.split()


def test_remote_options_are_accepted_locally_and_reported_under_debug(qkms: Qkms) -> None:
    remote = [
        "--region", "eu-west-1", "--profile", "nobody", "--no-verify-ssl", "--ca-bundle",
        "/nonexistent.pem", "--cli-read-timeout", "5", "--cli-connect-timeout", "5",
        "--no-sign-request", "--no-cli-pager",
    ]  # fmt: skip
    qkms.ok("keystore", "init")  # else the first call says on stderr that it made one
    quiet = qkms("generate-random", "--number-of-bytes", "4", *remote)
    assert quiet.exit_code == 0 and quiet.stderr == ""
    loud = qkms("--debug", "generate-random", "--number-of-bytes", "4", *remote)
    assert loud.exit_code == 0
    for flag in ("--region", "--profile", "--no-verify-ssl", "--ca-bundle", "--cli-read-timeout"):
        assert f"qkms: debug: {flag} has no effect on the local keystore" in loud.stderr
    assert "--no-cli-pager has no effect: qkms never pages" in loud.stderr


# -- commands of the local keystore refuse an endpoint ------------------------------------------


@pytest.mark.parametrize(
    "words",
    [
        ["keystore", "info"],
        ["pool", "status"],
        ["pool", "fill", "--key-pair-spec", "RSA_2048"],
        ["access-keys", "create", "--user-name", "ci"],
        ["access-keys", "list"],
    ],
)
def test_local_only_commands_refuse_an_endpoint(
    qkms: Qkms, home: Path, monkeypatch: pytest.MonkeyPatch, words: list[str]
) -> None:
    result = qkms.fails(252, *words, "--endpoint-url", "http://127.0.0.1:9")
    assert f"`qkms {words[0]}` acts on a local keystore only" in result.stderr
    assert "http://127.0.0.1:9" in result.stderr
    monkeypatch.setenv("QKMS_ENDPOINT_URL", "http://127.0.0.1:9")
    assert "local keystore only" in qkms.fails(252, *words).stderr
    assert not home.exists()  # nothing was made or touched
    assert qkms(*words, "--help").exit_code == 0  # help still reads


def test_key_completion_offers_no_local_keys_when_operations_go_elsewhere(
    qkms: Qkms, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = qkms.new_key()
    assert key in qkms("__complete-keys").stdout.split()
    monkeypatch.setenv("QKMS_ENDPOINT_URL", "http://127.0.0.1:9")
    assert qkms("__complete-keys").stdout == ""
