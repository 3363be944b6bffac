"""`qkms pool ...`: pre-generated data key pairs that generate-data-key-pair hands out first."""

from __future__ import annotations

from qkms_cli.cli import LazyGroup
from qkms_cli.cli.commands import CommandSpec

POOL_COMMANDS = {
    "fill": CommandSpec(
        "FillKeyPairPool",
        "Pre-generate data key pairs into the keystore, sealed under the master key.",
        "qkms pool fill --key-pair-spec RSA_2048 --count 4",
    ),
    "status": CommandSpec(
        "DescribeKeyPairPool",
        "Show how many pooled pairs of each KeyPairSpec are left.",
        "qkms pool fill --key-pair-spec ECC_NIST_P256 --count 3 > /dev/null\n"
        "qkms pool status --query 'Pools[].[KeyPairSpec,Available]' --output text",
    ),
    "clear": CommandSpec(
        "ClearKeyPairPool",
        "Remove pooled pairs: of one KeyPairSpec, or all of them.",
        "qkms pool fill --key-pair-spec ECC_NIST_P256 --count 3 > /dev/null\n"
        "qkms pool clear --key-pair-spec ECC_NIST_P256",
    ),
}

HELP = (
    "Pre-generate data key pairs (beyond AWS). generate-data-key-pair takes a pooled pair of its "
    "KeyPairSpec when there is one, each pair once, and generates one otherwise; so a warm pool "
    "makes RSA_4096 as quick as ECC_NIST_P256."
)

pool = LazyGroup(
    "pool",
    help=HELP,
    short_help="Pre-generate data key pairs for generate-data-key-pair to hand out.",
    commands_spec=POOL_COMMANDS,
)
pool.example, pool.example_key = POOL_COMMANDS["status"].example, "pool"
