"""Tags: TagResource, UntagResource, ListResourceTags, and the tag rules CreateKey shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qkms_cli.errors import InvalidMarkerException, TagException
from qkms_cli.service import handles
from qkms_cli.service.common import find_key, require_state
from qkms_cli.service.managed import require_customer_managed

if TYPE_CHECKING:
    from qkms_cli.store.keystore import Keystore

# At most 50 tags a key (AWS KMS quotas); ListResourceTags Limit 1..50, default 50.
MAX_TAGS = 50
LIST_TAGS_DEFAULT_LIMIT = 50


def check_new_tags(tags: list[dict[str, str]], existing: set[str]) -> dict[str, str]:
    """The tags as a dict, after AWS's rules: no aws: prefix, no duplicates, at most 50 in all."""
    result: dict[str, str] = {}
    for tag in tags:
        key = tag["TagKey"]
        if key.lower().startswith("aws:"):
            raise TagException("Tags beginning with aws: are reserved")
        if key in result:
            raise TagException(f"Duplicate tag keys: {key}")
        result[key] = tag["TagValue"]
    if len(existing | set(result)) > MAX_TAGS:
        raise TagException(f"Too many tags: a key holds at most {MAX_TAGS}")
    return result


@handles("TagResource")
def tag_resource(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    with keystore.write():
        key = find_key(keystore, request["KeyId"])
        require_customer_managed(keystore, key, "TagResource")
        require_state(keystore, key, "Enabled", "Disabled", "PendingImport")
        tags = check_new_tags(request["Tags"], keystore.tag_keys(key["key_id"]))
        keystore.put_tags(key["key_id"], tags)
    return {}


@handles("UntagResource")
def untag_resource(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    with keystore.write():
        key = find_key(keystore, request["KeyId"])
        require_customer_managed(keystore, key, "UntagResource")
        require_state(keystore, key, "Enabled", "Disabled", "PendingImport")
        keystore.delete_tags(key["key_id"], list(request["TagKeys"]))
    return {}


@handles("ListResourceTags")
def list_resource_tags(keystore: Keystore, request: dict[str, Any]) -> dict[str, Any]:
    key = find_key(keystore, request["KeyId"])
    limit = min(request.get("Limit", LIST_TAGS_DEFAULT_LIMIT), LIST_TAGS_DEFAULT_LIMIT)
    marker = request.get("Marker")
    if marker is not None and not marker:
        raise InvalidMarkerException("Invalid marker: pass a NextMarker from ListResourceTags.")
    rows = keystore.list_tags(key["key_id"], marker, limit + 1)
    page = rows[:limit]
    response: dict[str, Any] = {
        "Tags": [{"TagKey": r["tag_key"], "TagValue": r["tag_value"]} for r in page]
    }
    if len(rows) > limit:
        response["NextMarker"] = page[-1]["tag_key"]
    response["Truncated"] = len(rows) > limit
    return response
