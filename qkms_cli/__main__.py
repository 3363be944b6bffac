"""Allow `python -m qkms_cli`."""

from qkms_cli.cli import main

main()
