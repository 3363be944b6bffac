"""aws-cli pagination for the List* commands: markers followed, --max-items, NextToken, --no-paginate."""

from __future__ import annotations

import base64
import json

import pytest

from tests.conftest import Qkms

pytestmark = pytest.mark.backends


def _keys(qkms: Qkms, n: int) -> list[str]:
    return sorted(qkms.new_key() for _ in range(n))


def test_all_pages_are_followed_by_default(qkms: Qkms) -> None:
    keys = _keys(qkms, 5)
    listing = qkms.ok("keys", "list", "--page-size", "2")
    assert set(listing) == {"Keys"}  # no NextMarker or Truncated, as aws-cli merges pages
    assert [k["KeyId"] for k in listing["Keys"]] == keys


@pytest.mark.parametrize("max_items", [1, 2, 3, 4])
def test_max_items_and_starting_token_cover_every_item_once(qkms: Qkms, max_items: int) -> None:
    keys = _keys(qkms, 5)
    seen: list[str] = []
    token: list[str] = []
    for _ in range(10):
        page = qkms.ok("keys", "list", "--page-size", "2", "--max-items", str(max_items), *token)
        seen.extend(k["KeyId"] for k in page["Keys"])
        assert len(page["Keys"]) <= max_items
        if "NextToken" not in page:
            break
        token = ["--starting-token", page["NextToken"]]
    assert seen == keys


def test_next_token_is_botocores(qkms: Qkms) -> None:
    _keys(qkms, 3)
    page = qkms.ok("keys", "list", "--max-items", "1")
    token = json.loads(base64.b64decode(page["NextToken"]))
    assert token == {"Marker": None, "boto_truncate_amount": 1}
    page = qkms.ok("keys", "list", "--max-items", "2", "--page-size", "2")
    assert json.loads(base64.b64decode(page["NextToken"])) == {"Marker": page["Keys"][1]["KeyId"]}


def test_no_paginate_returns_one_raw_page(qkms: Qkms) -> None:
    keys = _keys(qkms, 3)
    page = qkms.ok("keys", "list", "--no-paginate", "--page-size", "2")
    assert [k["KeyId"] for k in page["Keys"]] == keys[:2]
    assert page["Truncated"] is True and page["NextMarker"] == keys[1]
    rest = qkms.ok("list-keys", "--no-paginate", "--marker", page["NextMarker"])
    assert [k["KeyId"] for k in rest["Keys"]] == keys[2:] and rest["Truncated"] is False


def test_limit_and_marker_by_hand_mean_one_call(qkms: Qkms) -> None:
    _keys(qkms, 3)
    page = qkms.ok("keys", "list", "--limit", "1")
    assert len(page["Keys"]) == 1 and page["Truncated"] is True


def test_text_output_ends_with_the_next_token(qkms: Qkms) -> None:
    _keys(qkms, 3)
    lines = qkms("keys", "list", "--max-items", "2", "--output", "text").stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["KEYS", "KEYS", "NEXTTOKEN"]


def test_aliases_tags_and_rotations_paginate(qkms: Qkms) -> None:
    key = qkms.new_key()
    for i in range(4):
        qkms.ok("aliases", "create", "--alias-name", f"alias/p{i}", "--target-key-id", key)
        qkms.ok("keys", "tag", "--key-id", key, "--tags", f"TagKey=t{i},TagValue=v{i}")
    for _ in range(3):
        qkms.ok("keys", "rotate", "--key-id", key)
    aliases = qkms.ok("aliases", "list", "--page-size", "1")
    assert [a["AliasName"] for a in aliases["Aliases"]] == [f"alias/p{i}" for i in range(4)]
    first = qkms.ok("list-aliases", "--key-id", key, "--max-items", "3", "--page-size", "2")
    rest = qkms.ok("list-aliases", "--key-id", key, "--starting-token", first["NextToken"])
    assert len(first["Aliases"]) == 3 and [a["AliasName"] for a in rest["Aliases"]] == ["alias/p3"]
    tags = qkms.ok("keys", "list-tags", "--key-id", key, "--page-size", "3")
    assert [t["TagKey"] for t in tags["Tags"]] == ["t0", "t1", "t2", "t3"]
    first = qkms.ok("list-resource-tags", "--key-id", key, "--max-items", "2")
    assert len(first["Tags"]) == 2 and "NextToken" in first
    rotations = qkms.ok("keys", "list-rotations", "--key-id", key, "--page-size", "1")
    assert len(rotations["Rotations"]) == 3 and "NextMarker" not in rotations
    first = qkms.ok("list-key-rotations", "--key-id", key, "--max-items", "2", "--page-size", "1")
    rest = qkms.ok(
        "keys", "list-rotations", "--key-id", key, "--starting-token", first["NextToken"]
    )
    assert len(first["Rotations"]) + len(rest["Rotations"]) == 3


def test_a_bad_starting_token_is_a_usage_error(qkms: Qkms) -> None:
    result = qkms.fails(252, "keys", "list", "--starting-token", "not-a-token")
    assert "--starting-token" in result.stderr and "NextToken" in result.stderr


def test_help_shows_paging_options_and_hides_the_raw_ones(qkms: Qkms) -> None:
    text = qkms("keys", "list", "--help").stdout
    for flag in ("--page-size", "--max-items", "--starting-token", "--no-paginate"):
        assert flag in text
    assert "--marker" not in text and "--limit" not in text
