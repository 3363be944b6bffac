"""Key policy documents: parsed and checked as AWS KMS does, and evaluated as IAM evaluates them.

Pure functions over dicts: no keystore, no I/O. `authz` gathers the request context and decides.

Evaluation (IAM's policy evaluation logic, for one resource-based policy): every statement whose
Principal, Action, Resource and Condition all match the request applies; an applicable Deny wins;
otherwise an applicable Allow allows; otherwise the answer is an implicit deny (None here), which
a grant may still turn into an allow.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any

from qkms_cli.errors import LimitExceededException, MalformedPolicyDocumentException

# AWS KMS key policy documents hold at most 32 KiB (KMS quotas: "Key policy document size").
MAX_POLICY_BYTES = 32768
VERSIONS = ("2012-10-17", "2008-10-17")
_STATEMENT_KEYS = {
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
}
_ACCOUNT = re.compile(r"^\d{12}$")
_IAM_ARN = re.compile(r"^arn:(?P<partition>[\w-]+):iam::(?P<account>\d{12}):(?P<rest>root|.+)$")
_VARIABLE = re.compile(r"\$\{([^}]*)\}")

ALLOW = "Allow"
DENY = "Deny"

Context = dict[str, Any]  # condition key (lower case) -> str, list[str], bool or datetime


def malformed(message: str) -> MalformedPolicyDocumentException:
    return MalformedPolicyDocumentException(message)


def default_policy(partition: str, account: str) -> str:
    """The key policy AWS KMS gives a key created through the API without one."""
    document = {
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    return json.dumps(document, indent=2)


# -- parsing -------------------------------------------------------------------------------------


class Statement:
    """One statement, normalised: lists everywhere, condition operators parsed."""

    __slots__ = (
        "actions",
        "conditions",
        "effect",
        "negate_action",
        "negate_principal",
        "negate_resource",
        "principals",
        "resources",
        "sid",
    )

    def __init__(self, raw: dict[str, Any], index: int) -> None:
        where = f"Statement {raw.get('Sid') or index + 1}"
        unknown = sorted(set(raw) - _STATEMENT_KEYS)
        if unknown:
            raise malformed(f"{where} has an unknown element: {unknown[0]}.")
        self.sid = raw.get("Sid")
        if self.sid is not None and not isinstance(self.sid, str):
            raise malformed(f"{where}: Sid must be a string.")
        self.effect = raw.get("Effect")
        if self.effect not in (ALLOW, DENY):
            raise malformed(f"{where}: Effect must be Allow or Deny.")
        self.negate_principal, principal = _one_of(raw, "Principal", "NotPrincipal", where)
        self.principals = _principals(principal, where)
        self.negate_action, action = _one_of(raw, "Action", "NotAction", where)
        self.actions = [_action_pattern(a, where) for a in _strings(action, "Action", where)]
        self.negate_resource, resource = _one_of(raw, "Resource", "NotResource", where)
        self.resources = [_glob(r) for r in _strings(resource, "Resource", where)]
        self.conditions = _conditions(raw.get("Condition"), where)


def _one_of(raw: dict[str, Any], name: str, negated: str, where: str) -> tuple[bool, Any]:
    if (name in raw) == (negated in raw):
        raise malformed(f"{where} must have exactly one of {name} and {negated}.")
    return (False, raw[name]) if name in raw else (True, raw[negated])


def _strings(value: Any, what: str, where: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) and v for v in items):
        raise malformed(f"{where}: {what} must be a string or a list of strings.")
    return items


def _principals(value: Any, where: str) -> list[str] | None:
    """None for "*" (everyone); else the AWS principals, each an ARN or an account id."""
    if value == "*":
        return None
    if not isinstance(value, dict) or not value:
        raise malformed(f'{where}: Principal must be "*" or an object such as {{"AWS": "ARN"}}.')
    principals: list[str] = []
    for kind, names in value.items():
        listed = _strings(names, "Principal", where)
        if kind != "AWS":
            if kind not in ("Service", "Federated", "CanonicalUser"):
                raise malformed("Policy contains a statement with one or more invalid principals.")
            continue  # qkms has no services nor federation: such principals match nobody
        for name in listed:
            if name == "*":
                return None
            if not (_ACCOUNT.match(name) or _IAM_ARN.match(name)):
                raise malformed("Policy contains a statement with one or more invalid principals.")
            principals.append(name)
    return principals


def _action_pattern(action: str, where: str) -> re.Pattern[str]:
    if action != "*" and ":" not in action:
        raise malformed(f"{where}: Action {action!r} must be service:Operation, e.g. kms:Decrypt.")
    return _glob(action, ignore_case=True)


def _glob(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """IAM wildcards: * any run of characters, ? any one character."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


class Condition:
    """One (operator, key, values) test of a Condition block."""

    __slots__ = ("base", "if_exists", "key", "negated", "quantifier", "values")

    def __init__(self, operator: str, key: str, values: Any, where: str) -> None:
        self.quantifier = None
        name = operator
        if ":" in name:
            self.quantifier, name = name.split(":", 1)
            if self.quantifier not in ("ForAnyValue", "ForAllValues"):
                raise malformed(f"{where}: unknown condition operator {operator}.")
        self.if_exists = name.endswith("IfExists") and name != "Null"
        if self.if_exists:
            name = name[: -len("IfExists")]
        if name not in _OPERATORS:
            raise malformed(f"{where}: unknown condition operator {operator}.")
        self.base, self.negated = _OPERATORS[name]
        self.key = key.lower()
        items = values if isinstance(values, list) else [values]
        if not items or not all(isinstance(v, (str, bool, int, float)) for v in items):
            raise malformed(f"{where}: the values of {key} must be strings, numbers or booleans.")
        self.values = [_text(v) for v in items]
        if self.quantifier == "ForAllValues" and self.key.startswith("kms:encryptioncontext:"):
            raise malformed(
                "OverlyPermissiveCondition:EncryptionContext: Using the ForAllValues set operator "
                "with a single-valued condition key matches requests without the specified "
                "encryption context or with an unspecified encryption context. To fix, remove "
                "ForAllValues."
            )


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _conditions(block: Any, where: str) -> list[Condition]:
    if block is None:
        return []
    if not isinstance(block, dict):
        raise malformed(f"{where}: Condition must be an object of operators.")
    tests = []
    for operator, keys in block.items():
        if not isinstance(keys, dict) or not keys:
            raise malformed(f"{where}: Condition {operator} must be an object of condition keys.")
        tests += [Condition(operator, key, values, where) for key, values in keys.items()]
    return tests


class Policy:
    """A parsed key policy document."""

    __slots__ = ("condition_keys", "statements", "version")

    def __init__(self, statements: list[Statement], version: str | None) -> None:
        self.statements = statements
        self.version = version
        # The condition keys the policy reads, so the costly ones are looked up only when used.
        self.condition_keys = frozenset(c.key for s in statements for c in s.conditions)


def parse(text: str) -> Policy:
    """Parse and check a key policy; MalformedPolicyDocumentException saying what is wrong."""
    if len(text.encode("utf-8")) > MAX_POLICY_BYTES:
        raise LimitExceededException(
            f"The key policy is larger than the {MAX_POLICY_BYTES} bytes a key policy may hold."
        )
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise malformed(f"The key policy is not valid JSON: {exc}.") from None
    if not isinstance(document, dict):
        raise malformed("The key policy must be a JSON object with a Statement.")
    version = document.get("Version")
    if version is not None and version not in VERSIONS:
        raise malformed(f"The policy Version must be one of {', '.join(VERSIONS)}.")
    unknown = sorted(set(document) - {"Version", "Id", "Statement"})
    if unknown:
        raise malformed(f"The key policy has an unknown element: {unknown[0]}.")
    raw = document.get("Statement")
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(s, dict) for s in raw):
        raise malformed("The key policy must have a Statement: an object or a list of objects.")
    return Policy([Statement(s, i) for i, s in enumerate(raw)], version)


# -- evaluation ----------------------------------------------------------------------------------


class Request:
    """What a policy is asked about: who, which action, on which resource, with which context."""

    __slots__ = ("account", "action", "context", "principal", "resource")

    def __init__(
        self, principal: str, account: str, action: str, resource: str, context: Context
    ) -> None:
        self.principal = principal
        self.account = account
        self.action = action
        self.resource = resource
        self.context = context


def evaluate(policy: Policy, request: Request) -> str | None:
    """ "Deny" (explicit), "Allow", or None (no statement applies: an implicit deny)."""
    allowed = False
    for statement in policy.statements:
        if not _applies(statement, request, policy.version):
            continue
        if statement.effect == DENY:
            return DENY
        allowed = True
    return ALLOW if allowed else None


def _applies(statement: Statement, request: Request, version: str | None) -> bool:
    return (
        _principal_matches(statement, request)
        and _any_match(statement.actions, request.action) != statement.negate_action
        and _any_match(statement.resources, request.resource) != statement.negate_resource
        and all(_condition_holds(c, request.context, version) for c in statement.conditions)
    )


def _any_match(patterns: Iterable[re.Pattern[str]], value: str) -> bool:
    return any(p.fullmatch(value) for p in patterns)


def principal_matches(name: str, principal: str, account: str) -> bool:
    """Whether the policy principal `name` (an ARN or account id) names the caller.

    qkms has no IAM: naming the account (its id or its root ARN) names every principal of the
    account, as if each had an IAM policy allowing kms:* (README, "Access control and audit").
    """
    if name == principal:
        return True
    caller = _IAM_ARN.match(principal)
    if caller is None or caller["account"] != account:
        return False
    if _ACCOUNT.match(name):
        return name == account
    match = _IAM_ARN.match(name)
    if match is None or match["rest"] != "root" or match["account"] != account:
        return False
    return caller["partition"] == match["partition"]


def _principal_matches(statement: Statement, request: Request) -> bool:
    if statement.principals is None:
        matched = True
    else:
        matched = any(
            principal_matches(name, request.principal, request.account)
            for name in statement.principals
        )
    return matched != statement.negate_principal


def _condition_holds(test: Condition, context: Context, version: str | None) -> bool:
    present = test.key in context
    values = test.values
    if version == "2012-10-17":
        values = [_substitute(v, context) for v in values]
    if test.base == "null":
        want_absent = [v.lower() == "true" for v in values]
        return (not present) in want_absent
    if not present:
        if test.quantifier == "ForAllValues":
            return True
        if test.quantifier == "ForAnyValue":
            return False
        return test.if_exists or test.negated
    actual = context[test.key]
    compare = _COMPARE[test.base]
    if isinstance(actual, list):
        results = [any(compare(a, v) for v in values) != test.negated for a in actual]
        if test.quantifier == "ForAllValues":
            return all(results)
        return any(results)
    if test.quantifier == "ForAllValues":
        return any(compare(actual, v) for v in values) != test.negated
    if test.quantifier == "ForAnyValue":
        return any(compare(actual, v) for v in values) != test.negated
    matched = any(compare(actual, v) for v in values)
    return matched != test.negated


def _substitute(value: str, context: Context) -> str:
    """IAM policy variables in a value: ${aws:username}, ${aws:PrincipalArn}, ${*}, ${?}, ${$}."""
    if "${" not in value:
        return value

    def replace(match: re.Match[str]) -> str:
        name = match[1]
        if name in ("*", "?", "$"):
            return name
        found = context.get(name.lower())
        # An unresolvable variable makes the value match nothing (IAM treats it so).
        return found if isinstance(found, str) else "\0unresolved\0"

    return _VARIABLE.sub(replace, value)


# -- condition operators -------------------------------------------------------------------------


def _string_equals(actual: Any, value: str) -> bool:
    return _as_text(actual) == value


def _string_equals_ignore_case(actual: Any, value: str) -> bool:
    return _as_text(actual).casefold() == value.casefold()


def _string_like(actual: Any, value: str) -> bool:
    return _glob(value).fullmatch(_as_text(actual)) is not None


def _arn_like(actual: Any, value: str) -> bool:
    """ArnLike / ArnEquals: each of the six colon-separated parts matched on its own."""
    have = _as_text(actual).split(":", 5)
    want = value.split(":", 5)
    if len(have) != 6 or len(want) != 6:
        return False
    return all(_glob(w).fullmatch(h) for h, w in zip(have, want))


def _bool(actual: Any, value: str) -> bool:
    return _as_text(actual).lower() == value.lower()


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _numeric(test: Callable[[float, float], bool]) -> Callable[[Any, str], bool]:
    def compare(actual: Any, value: str) -> bool:
        have, want = _number(_as_text(actual)), _number(value)
        return have is not None and want is not None and test(have, want)

    return compare


def _date(text: str) -> datetime | None:
    number = _number(text)
    if number is not None:
        return datetime.fromtimestamp(number, tz=timezone.utc)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _dated(test: Callable[[datetime, datetime], bool]) -> Callable[[Any, str], bool]:
    def compare(actual: Any, value: str) -> bool:
        have = actual if isinstance(actual, datetime) else _date(_as_text(actual))
        want = _date(value)
        return have is not None and want is not None and test(have, want)

    return compare


def _ip_address(actual: Any, value: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(_as_text(actual)) in ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


# name -> (comparison, negated)
_OPERATORS: dict[str, tuple[str, bool]] = {
    "StringEquals": ("string", False),
    "StringNotEquals": ("string", True),
    "StringEqualsIgnoreCase": ("string_ci", False),
    "StringNotEqualsIgnoreCase": ("string_ci", True),
    "StringLike": ("like", False),
    "StringNotLike": ("like", True),
    "ArnEquals": ("arn", False),
    "ArnLike": ("arn", False),
    "ArnNotEquals": ("arn", True),
    "ArnNotLike": ("arn", True),
    "Bool": ("bool", False),
    "NumericEquals": ("num_eq", False),
    "NumericNotEquals": ("num_eq", True),
    "NumericLessThan": ("num_lt", False),
    "NumericLessThanEquals": ("num_le", False),
    "NumericGreaterThan": ("num_gt", False),
    "NumericGreaterThanEquals": ("num_ge", False),
    "DateEquals": ("date_eq", False),
    "DateNotEquals": ("date_eq", True),
    "DateLessThan": ("date_lt", False),
    "DateLessThanEquals": ("date_le", False),
    "DateGreaterThan": ("date_gt", False),
    "DateGreaterThanEquals": ("date_ge", False),
    "IpAddress": ("ip", False),
    "NotIpAddress": ("ip", True),
    "Null": ("null", False),
}
_COMPARE: dict[str, Callable[[Any, str], bool]] = {
    "string": _string_equals,
    "string_ci": _string_equals_ignore_case,
    "like": _string_like,
    "arn": _arn_like,
    "bool": _bool,
    "num_eq": _numeric(lambda a, b: a == b),
    "num_lt": _numeric(lambda a, b: a < b),
    "num_le": _numeric(lambda a, b: a <= b),
    "num_gt": _numeric(lambda a, b: a > b),
    "num_ge": _numeric(lambda a, b: a >= b),
    "date_eq": _dated(lambda a, b: a == b),
    "date_lt": _dated(lambda a, b: a < b),
    "date_le": _dated(lambda a, b: a <= b),
    "date_gt": _dated(lambda a, b: a > b),
    "date_ge": _dated(lambda a, b: a >= b),
    "ip": _ip_address,
}
