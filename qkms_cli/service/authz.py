"""The one authorization step of `service.call`: key policies and grants, as AWS KMS applies them.

For every operation: the principal (the caller's ARN, the account's root when none is given), the
action (`kms:<Operation>`, ReEncrypt as kms:ReEncryptFrom and kms:ReEncryptTo) and the KMS keys it
acts on. Account-level actions (CreateKey, ListKeys, ListAliases, GenerateRandom, ...) are allowed
to every principal of the keystore's account, as AWS allows them to a principal whose IAM policy
allows kms:*; qkms has no IAM. A key resource action needs an Allow from the key's policy or from a
grant, and no explicit Deny in the policy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, NamedTuple

from qkms_cli.errors import (
    AccessDeniedException,
    MalformedPolicyDocumentException,
    ParamValidationError,
)
from qkms_cli.service.common import find_key, key_arn, root_arn

if TYPE_CHECKING:
    from qkms_cli.service import policy as policies
    from qkms_cli.service.caller import Caller
    from qkms_cli.store.keystore import Keystore

_PRINCIPAL = re.compile(
    r"^arn:(?P<partition>[a-z][a-z0-9-]*):iam::(?P<account>\d{12}):"
    r"(?P<rest>root|(?P<kind>user|role)/(?:[\w+=,.@-]+/)*(?P<name>[\w+=,.@-]{1,128}))$"
)

# Operations authorized on the account, not on a key (AWS: "Resources: *" in the KMS permissions
# reference; IAM policies only). qkms's own operations that open no key are here too.
ACCOUNT_LEVEL = frozenset(
    {
        "CreateKey",
        "ListKeys",
        "ListAliases",
        "GenerateRandom",
        "ListRetirableGrants",
        "InspectBlob",
        "FillKeyPairPool",
        "DescribeKeyPairPool",
        "ClearKeyPairPool",
    }
)
# The audit trail's operations: the account's root only (the local CLI, or `serve --auth none`).
ROOT_ONLY = frozenset({"ListAuditEvents", "PruneAuditEvents", "VerifyAuditTrail"})
# The grant operation (and the action) each qkms-only keyed operation needs.
_ACTION_OF = {
    "GenerateDataKeyPairs": "GenerateDataKeyPair",
    "SignWithDataKeyPair": "Decrypt",
    "DecryptWithDataKeyPair": "Decrypt",
}
SYMMETRIC = "SYMMETRIC_DEFAULT"
# The calls that remove or replace an alias or a tag (see _target_context).
_REPAIRS = frozenset({"DeleteAlias", "TagResource", "UntagResource"})
# The encryption algorithm an operation uses when the request names none.
_DEFAULT_ALGORITHM = {
    "Encrypt": SYMMETRIC,
    "Decrypt": SYMMETRIC,
    "ReEncryptFrom": SYMMETRIC,
    "ReEncryptTo": SYMMETRIC,
    "GenerateDataKey": SYMMETRIC,
    "GenerateDataKeyWithoutPlaintext": SYMMETRIC,
    "GenerateDataKeyPair": SYMMETRIC,
    "GenerateDataKeyPairWithoutPlaintext": SYMMETRIC,
}


class Target(NamedTuple):
    """One authorization: an action on a key, with the encryption context that applies to it."""

    action: str  # the operation name as grants list it, e.g. "Decrypt", "ReEncryptFrom"
    key: dict[str, Any]
    context: dict[str, str] | None


class Access(NamedTuple):
    """Who called and which keys the call acts on (for the audit event)."""

    principal: str
    key_ids: list[str]


def partition(keystore: Keystore) -> str:
    """The keystore's ARN partition, as its key ARNs show it."""
    return key_arn(keystore, "x").split(":")[1]


def principal_arn(keystore: Keystore, caller: Caller | None) -> str:
    """The caller's principal ARN; the account's root when the caller names none."""
    name = caller.principal if caller is not None else None
    if not name:
        return root_arn(keystore)
    if not _PRINCIPAL.match(name):
        raise ParamValidationError(
            f"Invalid principal {name!r}: use an IAM ARN such as "
            f"arn:{partition(keystore)}:iam::{keystore.account_id}:user/NAME "
            f"(or :root).",
            member="principal",
        )
    return name


def user_name(principal: str) -> str | None:
    match = _PRINCIPAL.match(principal)
    return None if match is None else match["name"]


def is_root(keystore: Keystore, principal: str) -> bool:
    return principal == root_arn(keystore)


def _account_of(principal: str) -> str | None:
    match = _PRINCIPAL.match(principal)
    return None if match is None else match["account"]


def _denied(
    principal: str, action: str, resource: str, explicit: bool, key_id: str
) -> AccessDeniedException:
    why = (
        "with an explicit deny in a resource-based policy"
        if explicit
        else f"because no resource-based policy allows the kms:{action} action"
    )
    error = AccessDeniedException(
        f"User: {principal} is not authorized to perform: kms:{action} on resource: {resource} "
        f"{why}"
    )
    error.key_ids = [key_id]  # type: ignore[attr-defined]  # the audit event's resources
    return error


# -- the step service.call runs ------------------------------------------------------------------


def authorize(
    keystore: Keystore, op: str, request: dict[str, Any], caller: Caller | None
) -> Access:
    """Allow the call, or raise AccessDeniedException (or the error the handler would give)."""
    principal = principal_arn(keystore, caller)
    account = keystore.account_id
    if request.get("GrantTokens"):
        from qkms_cli.service.grants import check_tokens

        check_tokens(keystore, request["GrantTokens"])
    if op in ROOT_ONLY:
        if not is_root(keystore, principal):
            raise AccessDeniedException(
                f"User: {principal} is not authorized to perform: qkms:{op}: the audit trail "
                "is the account root's (the local command line, or qkms serve --auth none)."
            )
        return Access(principal, [])
    if op == "RetireGrant":
        return _retire(keystore, principal, request)
    targets = [] if op in ACCOUNT_LEVEL else _targets(keystore, op, request)
    if op in ACCOUNT_LEVEL or not targets:
        if _account_of(principal) != account:
            raise AccessDeniedException(
                f"User: {principal} is not authorized to perform: kms:{op} on resource: * "
                f"because no identity-based policy allows the kms:{op} action"
            )
    contexts: list[dict[str, Any]] = []

    def context() -> dict[str, Any]:
        """The request's condition keys, worked out only for a key that has a policy."""
        if not contexts:
            contexts.append(_context(keystore, principal, caller, request))
        return contexts[0]

    for target in targets:
        _check(keystore, principal, account, op, request, target, context)
    if op in ("CreateKey", "PutKeyPolicy") and request.get("Policy") is not None:
        key = targets[0].key if targets else None
        lockout_check(keystore, principal, caller, request, key)
    return Access(principal, list(dict.fromkeys(t.key["key_id"] for t in targets)))


def _targets(keystore: Keystore, op: str, request: dict[str, Any]) -> list[Target]:
    """The (action, key, encryption context) pairs the operation must be allowed."""
    action = _ACTION_OF.get(op, op)
    context = request.get("EncryptionContext")
    if op == "Decrypt" and request.get("EncryptionAlgorithm", SYMMETRIC) == SYMMETRIC:
        key = _blob_key(keystore, request["CiphertextBlob"])
        return [] if key is None else [Target(action, key, context)]
    if op in ("SignWithDataKeyPair", "DecryptWithDataKeyPair"):
        key = _blob_key(keystore, request["PrivateKeyCiphertextBlob"])
        return [] if key is None else [Target(action, key, context)]
    if op == "ReEncrypt":
        targets = []
        source = _blob_key(keystore, request["CiphertextBlob"])
        if source is not None:
            targets.append(Target("ReEncryptFrom", source, request.get("SourceEncryptionContext")))
        destination = find_key(keystore, request["DestinationKeyId"])
        targets.append(
            Target("ReEncryptTo", destination, request.get("DestinationEncryptionContext"))
        )
        return targets
    if op in ("CreateAlias", "UpdateAlias"):
        targets = [Target(action, find_key(keystore, request["TargetKeyId"]), None)]
        if op == "UpdateAlias":
            alias = keystore.get_alias(request["AliasName"])
            if alias is not None and alias["key_id"] != targets[0].key["key_id"]:
                current = keystore.get_key(alias["key_id"])
                if current is not None:
                    targets.append(Target(action, current, None))
        return targets
    if op == "DeleteAlias":
        # Unchecked, as the handler removes it: an alias altered outside qkms is deleted on
        # the authority of the key it names now (whoever altered it could delete it anyway).
        alias = keystore.get_alias(request["AliasName"], checked=False)
        current = None if alias is None else keystore.get_key(alias["key_id"])
        return [] if current is None else [Target(action, current, None)]
    if op == "CreateGrant":
        return [Target(action, find_key(keystore, request["KeyId"]), _grant_context(request))]
    if "KeyId" in request:
        return [Target(action, find_key(keystore, request["KeyId"]), context)]
    return []


def _blob_key(keystore: Keystore, data: bytes) -> dict[str, Any] | None:
    """The key a qkms blob names, None when the blob or the key is not there (the handler then
    fails without opening anything)."""
    from qkms_cli.engine import blob

    try:
        header = blob.unpack_header(data)
    except blob.BlobFormatError:
        return None
    return keystore.get_key(header.key_id)


def _grant_context(request: dict[str, Any]) -> dict[str, str] | None:
    constraints = request.get("Constraints") or {}
    merged: dict[str, str] = {}
    for name in ("EncryptionContextEquals", "EncryptionContextSubset"):
        merged.update(constraints.get(name) or {})
    return merged or None


def _context(
    keystore: Keystore, principal: str, caller: Caller | None, request: dict[str, Any]
) -> dict[str, Any]:
    """The request's condition keys (lower case), those of the key added per target."""
    now = keystore.now()
    context: dict[str, Any] = {
        "aws:principalarn": principal,
        "aws:principalaccount": keystore.account_id,
        "kms:calleraccount": keystore.account_id,
        "aws:currenttime": datetime.fromtimestamp(now, tz=timezone.utc),
        "aws:epochtime": str(int(now)),
        "aws:principaltype": "Account" if principal.endswith(":root") else "User",
    }
    name = user_name(principal)
    if name is not None:
        context["aws:username"] = name
    if caller is not None and caller.source_ip:
        context["aws:sourceip"] = caller.source_ip
    if caller is not None and caller.user_agent:
        context["aws:useragent"] = caller.user_agent
    for member, key in (
        ("KeyPairSpec", "kms:datakeypairspec"),
        ("SigningAlgorithm", "kms:signingalgorithm"),
        ("MacAlgorithm", "kms:macalgorithm"),
        ("GranteePrincipal", "kms:granteeprincipal"),
        ("RetiringPrincipal", "kms:retiringprincipal"),
        ("BypassPolicyLockoutSafetyCheck", "kms:bypasspolicylockoutsafetycheck"),
    ):
        if request.get(member) is not None:
            context[key] = request[member]
    if "MessageType" in request or "SigningAlgorithm" in request:
        context["kms:messagetype"] = request.get("MessageType", "RAW")
    if request.get("Operations"):
        context["kms:grantoperations"] = list(request["Operations"])
    constraints = request.get("Constraints") or {}
    for name in ("EncryptionContextEquals", "EncryptionContextSubset"):
        if constraints.get(name) is not None:
            context["kms:grantconstrainttype"] = name
    for member in ("KeyId", "DestinationKeyId", "SourceKeyId"):
        alias = _alias_name(request.get(member))
        if alias is not None:
            context["kms:requestalias"] = alias
            break
    tags = request.get("Tags")
    if tags:
        for tag in tags:
            context[f"aws:requesttag/{tag['TagKey'].lower()}"] = tag["TagValue"]
        context["aws:tagkeys"] = [tag["TagKey"] for tag in tags]
    elif request.get("TagKeys"):
        context["aws:tagkeys"] = list(request["TagKeys"])
    return context


def _alias_name(ref: Any) -> str | None:
    if not isinstance(ref, str):
        return None
    if ref.startswith("alias/"):
        return ref
    if ref.startswith("arn:") and ":alias/" in ref:
        return "alias/" + ref.split(":alias/", 1)[1]
    return None


def _target_context(
    keystore: Keystore,
    base: dict[str, Any],
    target: Target,
    request: dict[str, Any],
    wanted: frozenset[str],
) -> dict[str, Any]:
    """The request's condition keys plus those of this target: its key and its context."""
    key = target.key
    context = dict(base)
    context["kms:keyspec"] = context["kms:customermasterkeyspec"] = key["key_spec"]
    context["kms:keyusage"] = context["kms:customermasterkeyusage"] = key["key_usage"]
    context["kms:keyorigin"] = "AWS_KMS"
    context["kms:multiregion"] = "false"
    algorithm = _algorithm(target.action, request)
    if algorithm is not None:
        context["kms:encryptionalgorithm"] = algorithm
    if target.context:
        for name, value in target.context.items():
            context.setdefault(f"kms:encryptioncontext:{name.lower()}", value)
        context["kms:encryptioncontextkeys"] = list(target.context)
    if target.action in ("ReEncryptFrom", "ReEncryptTo"):
        destination = request.get("DestinationKeyId")
        if destination is not None:
            same = find_key(keystore, destination)["key_id"] == key["key_id"]
            context["kms:reencryptonsamekey"] = "true" if same else "false"
    # An alias or tag altered outside qkms makes the call KeyUnavailableException, except for
    # the calls that remove or replace one: there it is left out, so that it can be removed
    # (leaving one out allows nothing that deleting its row outside qkms would not).
    skip = target.action in _REPAIRS
    if any(k.startswith("aws:resourcetag/") for k in wanted):
        for row in keystore.list_tags(key["key_id"], None, 1000, skip_altered=skip):
            context[f"aws:resourcetag/{row['tag_key'].lower()}"] = row["tag_value"]
    if "kms:resourcealiases" in wanted:
        rows = keystore.list_aliases(key["key_id"], None, 1000, skip_altered=skip)
        aliases = [a["name"] for a in rows]
        if aliases:
            context["kms:resourcealiases"] = aliases
    return context


def _algorithm(action: str, request: dict[str, Any]) -> str | None:
    if action == "ReEncryptFrom":
        return request.get("SourceEncryptionAlgorithm", SYMMETRIC)
    if action == "ReEncryptTo":
        return request.get("DestinationEncryptionAlgorithm", SYMMETRIC)
    return request.get("EncryptionAlgorithm") or _DEFAULT_ALGORITHM.get(action)


def _check(
    keystore: Keystore,
    principal: str,
    account: str,
    op: str,
    request: dict[str, Any],
    target: Target,
    base: Callable[[], dict[str, Any]],
) -> None:
    from qkms_cli.store import policies as stored

    key = target.key
    resource = key_arn(keystore, key["key_id"])
    text = stored.get(keystore, key["key_id"])
    if text is None:
        # The default key policy: the account's root, that is every principal of the account.
        if _account_of(principal) == account:
            return
        decision = None
    else:
        from qkms_cli.service import policy as policies  # only for a key that has a policy

        document = _parse_stored(text, resource)
        context = _target_context(keystore, base(), target, request, document.condition_keys)
        ask = policies.Request(principal, account, f"kms:{target.action}", resource, context)
        decision = policies.evaluate(document, ask)
        if decision == policies.DENY:
            raise _denied(principal, target.action, resource, True, key["key_id"])
        if decision == policies.ALLOW:
            return
    if _granted(keystore, principal, op, request, target):
        return
    raise _denied(principal, target.action, resource, False, key["key_id"])


def _parse_stored(text: str, resource: str) -> policies.Policy:
    from qkms_cli.service import policy as policies

    try:
        return policies.parse(text)
    except MalformedPolicyDocumentException as exc:  # pragma: no cover - checked when put
        raise AccessDeniedException(
            f"The key policy of {resource} cannot be read ({exc.message}); nothing is allowed."
        ) from None


def _granted(
    keystore: Keystore, principal: str, op: str, request: dict[str, Any], target: Target
) -> bool:
    from qkms_cli.service.grants import constraints_hold, narrower
    from qkms_cli.store import grants

    for grant in grants.for_grantee(keystore, target.key["key_id"], principal):
        if target.action not in grant["operations"]:
            continue
        if not constraints_hold(grant["constraints"], target.context):
            continue
        if op == "CreateGrant" and not narrower(grant, request):
            continue
        return True
    return False


def lockout_check(
    keystore: Keystore,
    principal: str,
    caller: Caller | None,
    request: dict[str, Any],
    key: dict[str, Any] | None,
) -> None:
    """Parse the new policy; unless bypassed, refuse one that would stop the caller from ever
    changing it again (AWS's policy lockout safety check)."""
    from qkms_cli.service import policy as policies

    document = policies.parse(request["Policy"])
    if request.get("BypassPolicyLockoutSafetyCheck"):
        return
    resource = key_arn(keystore, key["key_id"] if key else "00000000-0000-0000-0000-000000000000")
    context = _context(keystore, principal, caller, {})
    if key is not None:
        context = _target_context(
            keystore, context, Target("PutKeyPolicy", key, None), {}, document.condition_keys
        )
    ask = policies.Request(principal, keystore.account_id, "kms:PutKeyPolicy", resource, context)
    if policies.evaluate(document, ask) != policies.ALLOW:
        raise MalformedPolicyDocumentException(
            "The new key policy will not allow you to update the key policy in the future."
        )


def _retire(keystore: Keystore, principal: str, request: dict[str, Any]) -> Access:
    """RetireGrant: the grant's retiring principal, its grantee when the grant allows
    RetireGrant, or the account's root (AWS: the account where the grant was made)."""
    from qkms_cli.service.grants import grant_to_retire

    grant = grant_to_retire(keystore, request)
    allowed = (
        is_root(keystore, principal)
        or grant["retiring"] == principal
        or (grant["grantee"] == principal and "RetireGrant" in grant["operations"])
    )
    if not allowed:
        raise AccessDeniedException(
            f"User: {principal} is not authorized to perform: kms:RetireGrant on resource: "
            f"{key_arn(keystore, grant['key_id'])} because it is neither the grant's retiring "
            "principal nor its grantee with the RetireGrant operation"
        )
    return Access(principal, [grant["key_id"]])
