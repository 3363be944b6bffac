"""qkms: a local key management service with the KMS API, in a command-line tool."""

__version__ = "0.1.0"
