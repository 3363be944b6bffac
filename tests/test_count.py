"""`--count N` on the data-key-pair commands: N distinct, valid pairs in one call, as a list."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from qkms_cli.cli.progress import ProgressBar
from qkms_cli.engine import parallel
from tests.conftest import Qkms, public_half, unb64
from tests.test_pool import check_pair

PAIR_MEMBERS = {"PrivateKeyCiphertextBlob", "PublicKey", "KeyId", "KeyPairSpec", "KeyMaterialId"}


@pytest.mark.parametrize(
    ("command", "spec", "count"),
    [
        ("generate-data-key-pair", "ECC_NIST_P256", 5),
        ("generate-data-key-pair", "ECC_NIST_EDWARDS25519", 3),
        # Enough RSA work to be spread over worker processes on a multi-core machine.
        ("generate-data-key-pair-without-plaintext", "RSA_2048", 6),
    ],
)
def test_count_returns_n_distinct_valid_pairs(
    qkms: Qkms, command: str, spec: str, count: int
) -> None:
    key = qkms.new_key()
    pairs = qkms.ok(
        command,
        "--key-id",
        key,
        "--key-pair-spec",
        spec,
        "--encryption-context",
        "Purpose=Batch",
        "--count",
        str(count),
    )
    assert isinstance(pairs, list) and len(pairs) == count
    for pair in pairs:
        assert set(pair) == PAIR_MEMBERS
        assert pair["KeyPairSpec"] == spec
        assert pair["KeyId"].endswith(key)
    assert len({p["PublicKey"] for p in pairs}) == count
    assert len({p["PrivateKeyCiphertextBlob"] for p in pairs}) == count
    for pair in pairs:
        opened = qkms.ok(
            "decrypt",
            "--ciphertext-blob",
            pair["PrivateKeyCiphertextBlob"],
            "--encryption-context",
            "Purpose=Batch",
        )
        assert public_half(unb64(opened["Plaintext"])) == unb64(pair["PublicKey"])


def test_count_one_is_a_list_of_one(qkms: Qkms) -> None:
    key = qkms.new_key()
    pairs = qkms.ok(
        "generate-data-key-pair",
        "--key-id",
        key,
        "--key-pair-spec",
        "ECC_NIST_P384",
        "--count",
        "1",
    )
    assert len(pairs) == 1
    check_pair(qkms, pairs[0])


def test_count_takes_pooled_pairs_first(qkms: Qkms) -> None:
    key = qkms.new_key()
    qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", "2")
    pairs = qkms.ok(
        "generate-data-key-pair",
        "--key-id",
        key,
        "--key-pair-spec",
        "ECC_NIST_P256",
        "--count",
        "5",
    )
    assert len({p["PublicKey"] for p in pairs}) == 5
    assert qkms.ok("pool", "status") == {"Pools": []}
    for pair in pairs:
        check_pair(qkms, pair)


def test_count_works_with_query_and_text(qkms: Qkms) -> None:
    key = qkms.new_key()
    result = qkms(
        "generate-data-key-pair",
        "--key-id",
        key,
        "--key-pair-spec",
        "ECC_NIST_P256",
        "--count",
        "3",
        "--query",
        "[].PublicKey",
        "--output",
        "text",
    )
    assert result.exit_code == 0, result.stderr
    assert len(set(result.stdout.split())) == 3
    assert result.stderr == ""  # no progress bar when stderr is not a terminal


def test_count_writes_numbered_files(qkms: Qkms, tmp_path: Path) -> None:
    key = qkms.new_key()
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    pairs = qkms.ok(
        "generate-data-key-pair",
        "--key-id",
        key,
        "--key-pair-spec",
        "ECC_NIST_P256",
        "--count",
        "10",
        "--public-key-out",
        str(tmp_path / "pub.der"),
        "--private-key-ciphertext-out",
        str(tmp_path / "pair.enc"),
    )
    assert len(pairs) == 10 and all("PublicKey" not in p for p in pairs)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        [f"pub.{i:02d}.der" for i in range(1, 11)] + [f"pair.{i:02d}.enc" for i in range(1, 11)]
    )
    publics = {(tmp_path / f"pub.{i:02d}.der").read_bytes() for i in range(1, 11)}
    assert len(publics) == 10
    opened = qkms.ok("decrypt", "--ciphertext-blob", f"fileb://{tmp_path / 'pair.03.enc'}")
    assert public_half(unb64(opened["Plaintext"])) == (tmp_path / "pub.03.der").read_bytes()


@pytest.mark.parametrize("count", ["0", "10001", "many"])
def test_count_out_of_range_is_a_usage_error(qkms: Qkms, count: str) -> None:
    key = qkms.new_key()
    qkms.fails(
        252,
        "generate-data-key-pair",
        "--key-id",
        key,
        "--key-pair-spec",
        "RSA_4096",
        "--count",
        count,
    )


def test_count_checks_the_key_before_generating(qkms: Qkms) -> None:
    qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", "1")
    result = qkms.fails(
        254,
        "generate-data-key-pair",
        "--key-id",
        "alias/missing",
        "--key-pair-spec",
        "ECC_NIST_P256",
        "--count",
        "3",
    )
    assert "(NotFoundException)" in result.stderr
    result = qkms.fails(
        254,
        "generate-data-key-pair",
        "--key-id",
        qkms.new_key(),
        "--key-pair-spec",
        "SM2",
        "--count",
        "3",
    )
    assert "(UnsupportedOperationException)" in result.stderr
    assert qkms.ok("pool", "status")["Pools"] == [{"KeyPairSpec": "ECC_NIST_P256", "Available": 1}]


def test_engine_spreads_rsa_over_workers_and_reports_progress() -> None:
    seen: list[int] = []
    pairs = parallel.generate_pairs("RSA_2048", 6, workers=2, progress=seen.append)
    assert len({public for public, _private in pairs}) == 6
    assert seen[-1] == 6 and seen == sorted(seen)
    for public, private in pairs:
        assert public_half(private) == public


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_only_on_a_terminal_once_the_work_is_long() -> None:
    now = [0.0]
    quiet = ProgressBar(io.StringIO(), "RSA_4096 pairs", clock=lambda: now[0])
    terminal = Terminal()
    bar = ProgressBar(terminal, "RSA_4096 pairs", clock=lambda: now[0])
    bar(1, 8)  # early: nothing yet
    assert terminal.getvalue() == ""
    now[0] = 2.0
    for done in range(2, 8):
        bar(done, 8)
        quiet(done, 8)
    bar.close()
    quiet.close()
    assert "RSA_4096 pairs" in terminal.getvalue()
