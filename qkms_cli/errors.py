"""Error classes named after the API's errors, each carrying its code and exit status."""

from __future__ import annotations

# Exit statuses, after aws-cli v2 (awscli/constants.py) as DESIGN.md fixes them.
EXIT_OK = 0
EXIT_USAGE = 252
EXIT_CONFIG = 253
EXIT_API = 254
EXIT_UNEXPECTED = 255
EXIT_INTERRUPTED = 130


class QkmsError(Exception):
    """The root of every error qkms reports on purpose."""

    code = "KMSInternalException"
    exit_code = EXIT_API

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class ParamValidationError(QkmsError):
    """A request that breaks the API model: missing, unknown, mistyped or out-of-range member."""

    code = "ParamValidation"
    exit_code = EXIT_USAGE

    def __init__(
        self, message: str, member: str | None = None, *, client_message: str | None = None
    ) -> None:
        super().__init__(message)
        self.member = member
        # message is what the API answers (AWS's ValidationException text, over HTTP too);
        # client_message what botocore says before sending, which the CLI prints as aws-cli does.
        self.client_message = message if client_message is None else client_message


class CommandLineError(QkmsError):
    """A command line qkms cannot act on, said in aws-cli's words where it has some (exit 252)."""

    code = "CommandLineError"
    exit_code = EXIT_USAGE


class KeystoreError(QkmsError):
    """The keystore or configuration cannot be used: wrong passphrase, corrupt, unreadable."""

    code = "KeystoreError"
    exit_code = EXIT_CONFIG


class ApiError(QkmsError):
    """An error the KMS API itself defines; printed as `An error occurred (Code) ...`."""


def _api(name: str) -> type[ApiError]:
    return type(name, (ApiError,), {"code": name, "__doc__": f"The API's {name}."})


AccessDeniedException = _api("AccessDeniedException")
AlreadyExistsException = _api("AlreadyExistsException")
DependencyTimeoutException = _api("DependencyTimeoutException")
DisabledException = _api("DisabledException")
DryRunOperationException = _api("DryRunOperationException")
IncorrectKeyException = _api("IncorrectKeyException")
InvalidAliasNameException = _api("InvalidAliasNameException")
InvalidArnException = _api("InvalidArnException")
InvalidCiphertextException = _api("InvalidCiphertextException")
InvalidGrantIdException = _api("InvalidGrantIdException")
InvalidGrantTokenException = _api("InvalidGrantTokenException")
InvalidKeyUsageException = _api("InvalidKeyUsageException")
InvalidMarkerException = _api("InvalidMarkerException")
KeyUnavailableException = _api("KeyUnavailableException")
KMSInternalException = _api("KMSInternalException")
KMSInvalidMacException = _api("KMSInvalidMacException")
KMSInvalidSignatureException = _api("KMSInvalidSignatureException")
KMSInvalidStateException = _api("KMSInvalidStateException")
LimitExceededException = _api("LimitExceededException")
MalformedPolicyDocumentException = _api("MalformedPolicyDocumentException")
NotAuthorizedException = _api("NotAuthorizedException")
NotFoundException = _api("NotFoundException")
TagException = _api("TagException")
UnsupportedOperationException = _api("UnsupportedOperationException")
ValidationException = _api("ValidationException")
CloudHsmClusterNotFoundException = _api("CloudHsmClusterNotFoundException")
CustomKeyStoreNotFoundException = _api("CustomKeyStoreNotFoundException")
ExpiredImportTokenException = _api("ExpiredImportTokenException")
IncorrectKeyMaterialException = _api("IncorrectKeyMaterialException")
InvalidImportTokenException = _api("InvalidImportTokenException")
XksProxyUriUnreachableException = _api("XksProxyUriUnreachableException")

# The protocol's own errors (JSON 1.1 and SigV4), answered by `qkms serve` before any operation runs.
IncompleteSignatureException = _api("IncompleteSignatureException")
InvalidSignatureException = _api("InvalidSignatureException")
MissingAuthenticationTokenException = _api("MissingAuthenticationTokenException")
SerializationException = _api("SerializationException")
UnknownOperationException = _api("UnknownOperationException")
UnrecognizedClientException = _api("UnrecognizedClientException")
