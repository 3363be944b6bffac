"""`keystore rekey` and `keystore verify` cover the key-pair pool's sealed private keys too."""

from __future__ import annotations

import pytest

from tests.conftest import Qkms

pytestmark = pytest.mark.backends

OLD = "old passphrase"
NEW = "new passphrase"


def test_rekey_and_verify_cover_the_key_pair_pool(
    qkms: Qkms, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QKMS_MASTER_KEY", raising=False)  # a passphrase keystore, this one
    monkeypatch.setenv("QKMS_PASSPHRASE", OLD)
    qkms.ok("keystore", "init")
    key = qkms.new_key()
    qkms.ok("pool", "fill", "--key-pair-spec", "ECC_NIST_P256", "--count", "3")
    assert qkms.ok("keystore", "verify")["PooledPairsChecked"] == 3
    monkeypatch.setenv("QKMS_NEW_PASSPHRASE", NEW)
    assert qkms.ok("keystore", "rekey")["PooledPairsRewrapped"] == 3
    monkeypatch.setenv("QKMS_PASSPHRASE", NEW)
    assert qkms.ok("keystore", "verify")["PooledPairsChecked"] == 3
    pair = qkms.ok("generate-data-key-pair", "--key-id", key, "--key-pair-spec", "ECC_NIST_P256")
    qkms.ok("decrypt", "--ciphertext-blob", pair["PrivateKeyCiphertextBlob"])
    assert qkms.ok("keystore", "verify")["PooledPairsChecked"] == 2
