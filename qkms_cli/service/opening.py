"""Opening the keystore a command line names: the home's, or a shared one (--store)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore


def open_keystore(
    home: str | None,
    *,
    store_url: str | None = None,
    prompt: Callable[..., Any] | None = None,
    create: bool = True,
) -> Keystore:
    """service.open_keystore, for the keystore named by store_url too: a shared keystore's URL
    (--store), "" for the home whatever $QKMS_STORE says (--home), None to let $QKMS_STORE
    decide (as Keystore.open's store)."""
    from qkms_cli.store.keystore import Keystore
    from qkms_cli.store.master import Credentials

    return Keystore.open(
        home, credentials=Credentials.from_env(prompt=prompt), create=create, store=store_url
    )


def check_store_url(url: str) -> None:
    """KeystoreError (253) unless --store's url names a shared keystore qkms can try to reach."""
    from qkms_cli.store.keystore import check_shared

    check_shared(url, "--store")
