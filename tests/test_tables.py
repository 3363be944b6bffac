"""--output table at 80 and 200 columns: exact output; only ARNs and blobs ever fold."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Qkms, arn


def _table(qkms: Qkms, monkeypatch: pytest.MonkeyPatch, columns: int, *args: str) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    result = qkms(*args, "--output", "table")
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture
def key(qkms: Qkms) -> dict[str, str]:
    meta = qkms.ok("keys", "create", "--description", "CI signing key for the release pipeline")
    meta = meta["KeyMetadata"]
    qkms.ok("aliases", "create", "--alias-name", "alias/ci", "--target-key-id", meta["KeyId"])
    return meta


def test_describe_at_80_columns_folds_only_arn_and_digest(
    qkms: Qkms, monkeypatch: pytest.MonkeyPatch, key: dict[str, str]
) -> None:
    out = _table(qkms, monkeypatch, 80, "keys", "describe", "--key-id", "alias/ci")
    a, kmid = key["Arn"], key["CurrentKeyMaterialId"]
    row = "│ {:<21} │ {:<52} │"
    assert out.splitlines() == [
        "KeyMetadata",
        "┌" + "─" * 23 + "┬" + "─" * 54 + "┐",
        row.format("AWSAccountId", "111122223333"),
        row.format("KeyId", key["KeyId"]),
        row.format("Arn", a[:52]),
        row.format("", a[52:]),
        row.format("CreationDate", key["CreationDate"]),
        row.format("Enabled", "True"),
        row.format("Description", "CI signing key for the release pipeline"),
        row.format("KeyUsage", "ENCRYPT_DECRYPT"),
        row.format("KeyState", "Enabled"),
        row.format("Origin", "AWS_KMS"),
        row.format("KeyManager", "CUSTOMER"),
        row.format("CustomerMasterKeySpec", "SYMMETRIC_DEFAULT"),
        row.format("KeySpec", "SYMMETRIC_DEFAULT"),
        row.format("EncryptionAlgorithms", "SYMMETRIC_DEFAULT"),
        row.format("MultiRegion", "False"),
        row.format("CurrentKeyMaterialId", kmid[:52]),
        row.format("", kmid[52:]),
        "└" + "─" * 23 + "┴" + "─" * 54 + "┘",
    ]


def test_describe_at_200_columns_folds_nothing(
    qkms: Qkms, monkeypatch: pytest.MonkeyPatch, key: dict[str, str]
) -> None:
    out = _table(qkms, monkeypatch, 200, "keys", "describe", "--key-id", "alias/ci").splitlines()
    assert out[0] == "KeyMetadata"
    assert f"│ Arn                   │ {key['Arn']:<64} │" in out
    assert len(out) == 18 and all(len(line) == 92 for line in out[1:])


def test_a_list_too_wide_for_80_columns_is_drawn_as_records(
    qkms: Qkms, monkeypatch: pytest.MonkeyPatch, key: dict[str, str]
) -> None:
    other = qkms.new_key()
    qkms.ok("aliases", "create", "--alias-name", "alias/other", "--target-key-id", other)
    aliases = qkms.ok("aliases", "list")["Aliases"]
    out = _table(qkms, monkeypatch, 80, "aliases", "list")
    row = "│ {:<15} │ {:<36} │"
    lines = ["Aliases", "┌" + "─" * 17 + "┬" + "─" * 38 + "┐"]
    for index, alias in enumerate(aliases):
        if index:
            lines.append("├" + "─" * 17 + "┼" + "─" * 38 + "┤")
        lines += [row.format(name, str(alias[name])) for name in alias]
    lines.append("└" + "─" * 17 + "┴" + "─" * 38 + "┘")
    assert out.splitlines() == lines
    assert [a["AliasName"] for a in aliases] == ["alias/ci", "alias/other"]


def test_a_list_that_fits_is_drawn_as_rows_with_whole_headers(
    qkms: Qkms, monkeypatch: pytest.MonkeyPatch, key: dict[str, str]
) -> None:
    aliases = qkms.ok("aliases", "list")["Aliases"]
    out = _table(qkms, monkeypatch, 200, "aliases", "list").splitlines()
    (alias,) = aliases
    widths = [max(len(name), len(str(value))) for name, value in alias.items()]
    header = "┃" + "┃".join(f" {name:<{w}} " for name, w in zip(alias, widths)) + "┃"
    body = "│" + "│".join(f" {v!s:<{w}} " for v, w in zip(alias.values(), widths)) + "│"
    assert out[0] == "Aliases"
    assert out[2] == header and out[4] == body and len(out) == 6
    keys = _table(qkms, monkeypatch, 80, "keys", "list").splitlines()
    k = key["KeyId"]
    assert keys == [
        "Keys",
        "┏" + "━" * 38 + "┳" + "━" * 39 + "┓",
        f"┃ {'KeyId':<36} ┃ {'KeyArn':<37} ┃",
        "┡" + "━" * 38 + "╇" + "━" * 39 + "┩",
        f"│ {k} │ {arn(k)[:37]} │",
        f"│ {'':<36} │ {arn(k)[37:]:<37} │",
        "└" + "─" * 38 + "┴" + "─" * 39 + "┘",
    ]


@pytest.mark.parametrize("columns", [80, 200])
def test_an_empty_list_says_none(
    qkms: Qkms, monkeypatch: pytest.MonkeyPatch, key: dict[str, str], columns: int
) -> None:
    tags = _table(qkms, monkeypatch, columns, "keys", "list-tags", "--key-id", "alias/ci")
    assert tags == "Tags\n(none)\n"
    assert _table(qkms, monkeypatch, columns, "pool", "status") == "Pools\n(none)\n"


def test_titles_are_never_wrapped(qkms: Qkms, monkeypatch: pytest.MonkeyPatch) -> None:
    qkms.ok("keystore", "init")
    out = _table(qkms, monkeypatch, 80, "generate-random", "--number-of-bytes", "64")
    lines = out.splitlines()
    assert lines[0] == "GenerateRandom"
    blob = json.loads(qkms("generate-random", "--number-of-bytes", "1").stdout)
    assert set(blob) == {"Plaintext"}
