"""Tags: TagResource, UntagResource and ListResourceTags, with AWS's limits and reserved prefix."""

from __future__ import annotations

from pathlib import Path

import pytest

from qkms_cli import service
from qkms_cli.store.keystore import Keystore
from tests.conftest import Qkms, arn

pytestmark = pytest.mark.backends


def error_line(code: str, op: str) -> str:
    return f"An error occurred ({code}) when calling the {op} operation: "


def tags(qkms: Qkms, key: str) -> dict[str, str]:
    listed = qkms.ok("keys", "list-tags", "--key-id", key)["Tags"]
    return {t["TagKey"]: t["TagValue"] for t in listed}


def shorthand(count: int, prefix: str = "k") -> list[str]:
    return [f"TagKey={prefix}{i:02d},TagValue=v{i}" for i in range(count)]


def test_tag_list_and_untag(qkms: Qkms) -> None:
    key = qkms.new_key()
    result = qkms(
        "keys",
        "tag",
        "--key-id",
        key,
        "--tags",
        "TagKey=team,TagValue=payments",
        "TagKey=env,TagValue=prod",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert qkms.ok("keys", "list-tags", "--key-id", key) == {
        "Tags": [
            {"TagKey": "env", "TagValue": "prod"},
            {"TagKey": "team", "TagValue": "payments"},
        ]
    }
    # Tagging an existing key replaces its value; an empty value is allowed.
    qkms.ok("keys", "tag", "--key-id", arn(key), "--tags", "TagKey=env,TagValue=")
    qkms.ok("keys", "tag", "--key-id", key, "--tags", '[{"TagKey": "cost", "TagValue": "42"}]')
    assert tags(qkms, key) == {"cost": "42", "env": "", "team": "payments"}

    assert qkms.ok("keys", "untag", "--key-id", key, "--tag-keys", "env", "cost") is None
    assert tags(qkms, key) == {"team": "payments"}
    # Removing a tag the key does not have is not an error.
    qkms.ok("keys", "untag", "--key-id", key, "--tag-keys", "never-there")
    assert tags(qkms, key) == {"team": "payments"}


def test_tags_given_at_creation(qkms: Qkms) -> None:
    key = qkms.new_key("--tags", "TagKey=owner,TagValue=ci")
    assert tags(qkms, key) == {"owner": "ci"}


def test_tags_belong_to_one_key(qkms: Qkms) -> None:
    first, second = qkms.new_key(), qkms.new_key()
    qkms.ok("keys", "tag", "--key-id", first, "--tags", "TagKey=a,TagValue=1")
    assert tags(qkms, second) == {}


def test_fifty_tags_and_no_more(qkms: Qkms) -> None:
    key = qkms.new_key()
    qkms.ok("keys", "tag", "--key-id", key, "--tags", *shorthand(50))
    assert len(tags(qkms, key)) == 50
    result = qkms.fails(254, "keys", "tag", "--key-id", key, "--tags", "TagKey=extra,TagValue=x")
    assert error_line("TagException", "TagResource") + "Too many tags" in result.stderr
    assert "extra" not in tags(qkms, key)
    # Changing the value of a tag the key has does not add one.
    qkms.ok("keys", "tag", "--key-id", key, "--tags", "TagKey=k00,TagValue=changed")
    assert tags(qkms, key)["k00"] == "changed"
    qkms.ok("keys", "untag", "--key-id", key, "--tag-keys", "k01")
    qkms.ok("keys", "tag", "--key-id", key, "--tags", "TagKey=extra,TagValue=x")
    assert len(tags(qkms, key)) == 50


def test_more_than_fifty_tags_in_one_request(qkms: Qkms) -> None:
    key = qkms.new_key()
    result = qkms.fails(254, "keys", "tag", "--key-id", key, "--tags", *shorthand(51))
    assert error_line("TagException", "TagResource") + "Too many tags" in result.stderr
    assert tags(qkms, key) == {}  # all or nothing
    result = qkms.fails(254, "keys", "create", "--tags", *shorthand(51))
    assert error_line("TagException", "CreateKey") + "Too many tags" in result.stderr
    assert len(qkms.ok("keys", "create", "--tags", *shorthand(50))["KeyMetadata"]["KeyId"]) == 36


@pytest.mark.parametrize("tag_key", ["aws:created-by", "AWS:x", "aws:"])
def test_aws_prefix_is_reserved(qkms: Qkms, tag_key: str) -> None:
    key = qkms.new_key()
    result = qkms.fails(
        254, "keys", "tag", "--key-id", key, "--tags", f"TagKey={tag_key},TagValue=v"
    )
    assert (
        error_line("TagException", "TagResource") + ("Tags beginning with aws: are reserved")
        in result.stderr
    )
    result = qkms.fails(254, "keys", "create", "--tags", f"TagKey={tag_key},TagValue=v")
    assert error_line("TagException", "CreateKey") in result.stderr
    # A key that merely contains "aws:" is the user's.
    qkms.ok("keys", "tag", "--key-id", key, "--tags", "TagKey=my-aws:thing,TagValue=v")


def test_duplicate_tag_keys_in_one_request(qkms: Qkms) -> None:
    key = qkms.new_key()
    result = qkms.fails(
        254,
        "keys",
        "tag",
        "--key-id",
        key,
        "--tags",
        "TagKey=a,TagValue=1",
        "TagKey=a,TagValue=2",
    )
    assert error_line("TagException", "TagResource") + "Duplicate tag keys" in result.stderr
    assert tags(qkms, key) == {}


def test_tag_lengths(qkms: Qkms) -> None:
    key = qkms.new_key()
    longest = f"TagKey={'k' * 128},TagValue={'v' * 256}"
    qkms.ok("keys", "tag", "--key-id", key, "--tags", longest)
    assert tags(qkms, key) == {"k" * 128: "v" * 256}
    for bad in (f"TagKey={'k' * 129},TagValue=v", f"TagKey=k,TagValue={'v' * 257}"):
        result = qkms.fails(252, "keys", "tag", "--key-id", key, "--tags", bad)
        assert "Tags" in result.stderr
    result = qkms.fails(252, "keys", "tag", "--key-id", key, "--tags", "TagKey=,TagValue=v")
    assert "Tags" in result.stderr
    result = qkms.fails(252, "keys", "untag", "--key-id", key, "--tag-keys", "k" * 129)
    assert "TagKeys" in result.stderr
    result = qkms.fails(252, "keys", "tag", "--key-id", key)
    assert "--tags" in result.stderr
    result = qkms.fails(252, "keys", "tag", "--key-id", key, "--tags", "Key=a,Value=b")
    assert "TagKey" in result.stderr


def test_tags_in_each_key_state(qkms: Qkms) -> None:
    key = qkms.new_key("--tags", "TagKey=a,TagValue=1")
    qkms.ok("keys", "disable", "--key-id", key)
    qkms.ok("keys", "tag", "--key-id", key, "--tags", "TagKey=b,TagValue=2")
    qkms.ok("keys", "untag", "--key-id", key, "--tag-keys", "a")
    qkms.ok("keys", "schedule-deletion", "--key-id", key)
    result = qkms.fails(254, "keys", "tag", "--key-id", key, "--tags", "TagKey=c,TagValue=3")
    assert (
        error_line("KMSInvalidStateException", "TagResource") + (f"{arn(key)} is pending deletion.")
        in result.stderr
    )
    result = qkms.fails(254, "keys", "untag", "--key-id", key, "--tag-keys", "b")
    assert error_line("KMSInvalidStateException", "UntagResource") in result.stderr
    # Listing works in every state.
    assert tags(qkms, key) == {"b": "2"}


@pytest.mark.parametrize(
    ("command", "extra", "op"),
    [
        ("tag", ("--tags", "TagKey=a,TagValue=1"), "TagResource"),
        ("untag", ("--tag-keys", "a"), "UntagResource"),
        ("list-tags", (), "ListResourceTags"),
    ],
)
def test_tag_commands_take_every_key_id_form(
    qkms: Qkms, command: str, extra: tuple[str, ...], op: str
) -> None:
    # Issue 2: KeyId takes a key id, key ARN, alias name or alias ARN everywhere (AWS documents
    # only the first two for the tag operations; qkms is more forgiving on purpose).
    key = qkms.new_key()
    qkms.ok("aliases", "create", "--alias-name", "alias/tagged", "--target-key-id", key)
    for form in ("alias/tagged", "arn:verenc:111122223333:alias/tagged", arn(key)):
        assert qkms("keys", command, "--key-id", form, *extra).exit_code == 0
    result = qkms.fails(254, "keys", command, "--key-id", "alias/missing", *extra)
    assert error_line("NotFoundException", op) in result.stderr
    missing = "00000000-0000-4000-8000-000000000000"
    result = qkms.fails(254, "keys", command, "--key-id", missing, *extra)
    assert error_line("NotFoundException", op) + f"Key '{arn(missing)}' does not exist" in (
        result.stderr
    )


def test_list_tags_pages(qkms: Qkms) -> None:
    key = qkms.new_key()
    qkms.ok("keys", "tag", "--key-id", key, "--tags", *shorthand(5))
    everything = qkms.ok("keys", "list-tags", "--key-id", key)["Tags"]
    assert [t["TagKey"] for t in everything] == ["k00", "k01", "k02", "k03", "k04"]
    assert qkms.ok("keys", "list-tags", "--key-id", key, "--page-size", "2") == {"Tags": everything}
    first = qkms.ok("keys", "list-tags", "--key-id", key, "--max-items", "3")
    assert first["Tags"] == everything[:3]
    rest = qkms.ok("keys", "list-tags", "--key-id", key, "--starting-token", first["NextToken"])
    assert rest["Tags"] == everything[3:]


def test_list_tags_pages_in_the_api(home: Path) -> None:
    keystore = Keystore.open(home)
    try:
        key = service.call(keystore, "CreateKey", {})["KeyMetadata"]["KeyId"]
        new = [{"TagKey": f"t{i}", "TagValue": str(i)} for i in range(3)]
        service.call(keystore, "TagResource", {"KeyId": key, "Tags": new})
        first = service.call(keystore, "ListResourceTags", {"KeyId": key, "Limit": 2})
        assert first == {"Tags": new[:2], "NextMarker": first["NextMarker"], "Truncated": True}
        rest = service.call(
            keystore, "ListResourceTags", {"KeyId": key, "Limit": 2, "Marker": first["NextMarker"]}
        )
        assert rest == {"Tags": new[2:], "Truncated": False}
    finally:
        keystore.close()
