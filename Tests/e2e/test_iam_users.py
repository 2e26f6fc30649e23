"""IAM users: the life of a user, listing them, and what IAM refuses."""

import datetime

import pytest

from accounts import role, role_session, user_with_key
from harness import DEFAULT_ACCOUNT
from policies import allow, identity, trust_arn
from refusals import refused


def test_create_get_update_delete_a_user(iam):
    created = iam.create_user(UserName="alice", Path="/engineering/", Tags=[{"Key": "team", "Value": "db"}])["User"]
    assert created["Arn"] == f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/engineering/alice"
    assert created["Path"] == "/engineering/"
    assert created["UserId"].startswith("AIDA") and len(created["UserId"]) == 21
    assert created["Tags"] == [{"Key": "team", "Value": "db"}]
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - created["CreateDate"]).total_seconds()) < 60

    fetched = iam.get_user(UserName="alice")["User"]
    assert {k: fetched[k] for k in ("UserName", "UserId", "Arn", "Path", "CreateDate")} == \
        {k: created[k] for k in ("UserName", "UserId", "Arn", "Path", "CreateDate")}

    iam.update_user(UserName="alice", NewUserName="alice2", NewPath="/ops/")
    renamed = iam.get_user(UserName="alice2")["User"]
    assert renamed["UserId"] == created["UserId"]
    assert renamed["Arn"] == f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/ops/alice2"
    with refused("NoSuchEntity", 404, "The user with name alice cannot be found."):
        iam.get_user(UserName="alice")

    iam.delete_user(UserName="alice2")
    with refused("NoSuchEntity", 404, "The user with name alice2 cannot be found."):
        iam.get_user(UserName="alice2")
    with refused("NoSuchEntity", 404, "The user with name alice2 cannot be found."):
        iam.delete_user(UserName="alice2")


def test_user_names_are_unique_regardless_of_case(iam):
    iam.create_user(UserName="Alice")
    with refused("EntityAlreadyExists", 409, "User with name alice already exists."):
        iam.create_user(UserName="alice")
    with refused("EntityAlreadyExists", 409):
        iam.create_user(UserName="ALICE")
    # Lookups ignore case too and answer with the name as created.
    assert iam.get_user(UserName="aLiCe")["User"]["UserName"] == "Alice"
    iam.create_user(UserName="bob")
    with refused("EntityAlreadyExists", 409, "User with name BOB already exists."):
        iam.update_user(UserName="Alice", NewUserName="BOB")
    # Renaming to a different case of the same name is allowed.
    iam.update_user(UserName="Alice", NewUserName="ALICE")
    assert iam.get_user(UserName="alice")["User"]["UserName"] == "ALICE"


def test_list_users_pages_with_max_items_and_marker(iam):
    names = [f"user-{i:02d}" for i in range(7)]
    for name in reversed(names):
        iam.create_user(UserName=name)
    seen, marker, pages = [], None, 0
    while pages < 10:
        page = iam.list_users(MaxItems=3, **({"Marker": marker} if marker else {}))
        pages += 1
        seen += [u["UserName"] for u in page["Users"]]
        assert len(page["Users"]) <= 3
        if not page["IsTruncated"]:
            assert "Marker" not in page
            break
        assert page["Marker"]
        marker = page["Marker"]
    assert pages == 3
    assert seen == names
    # Listings leave tags out, as IAM does.
    assert all("Tags" not in u for u in iam.list_users()["Users"])
    # boto3's paginator drives the same markers.
    paginated = [u["UserName"] for page in iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 2})
                 for u in page["Users"]]
    assert paginated == names


def test_list_users_by_path_prefix(iam):
    iam.create_user(UserName="a", Path="/engineering/db/")
    iam.create_user(UserName="b", Path="/engineering/")
    iam.create_user(UserName="c", Path="/sales/")
    iam.create_user(UserName="d")
    assert [u["UserName"] for u in iam.list_users(PathPrefix="/engineering/")["Users"]] == ["a", "b"]
    assert [u["UserName"] for u in iam.list_users(PathPrefix="/engineering/db/")["Users"]] == ["a"]
    assert [u["UserName"] for u in iam.list_users(PathPrefix="/nobody/")["Users"]] == []
    assert len(iam.list_users()["Users"]) == 4


def test_an_unknown_marker_is_refused(iam):
    with refused("InvalidInput", 400):
        iam.list_users(Marker="not-a-marker-kerbside-issued!")


def test_get_user_without_a_name_as_root_describes_the_root_user(iam):
    user = iam.get_user()["User"]
    assert user["Arn"] == f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"
    assert user["UserId"] == DEFAULT_ACCOUNT


def test_get_user_without_a_name_as_a_user_describes_that_user(iam, boto):
    created, credentials = user_with_key(iam, "alice")
    assert boto("iam", credentials).get_user()["User"]["Arn"] == created["Arn"]


def test_get_user_without_a_name_as_a_role_session_is_refused(iam, boto):
    user, credentials = user_with_key(iam, "alice")
    target = role(iam, "r", trust_arn(user["Arn"]))
    _, session = role_session(boto("sts", credentials), target["Arn"])
    with refused("ValidationError", 400, "Must specify userName when calling with non-User credentials"):
        boto("iam", session).get_user()


def test_user_tags(iam):
    iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "db"}])
    iam.tag_user(UserName="alice", Tags=[{"Key": "cost-center", "Value": "42"}, {"Key": "team", "Value": "platform"}])
    tags = {t["Key"]: t["Value"] for t in iam.list_user_tags(UserName="alice")["Tags"]}
    assert tags == {"team": "platform", "cost-center": "42"}
    iam.untag_user(UserName="alice", TagKeys=["team", "not-there"])
    assert iam.list_user_tags(UserName="alice")["Tags"] == [{"Key": "cost-center", "Value": "42"}]
    assert iam.get_user(UserName="alice")["User"]["Tags"] == [{"Key": "cost-center", "Value": "42"}]
    with refused("InvalidInput", 400, "Duplicate tag keys"):
        iam.tag_user(UserName="alice", Tags=[{"Key": "x", "Value": "1"}, {"Key": "X", "Value": "2"}])
    with refused("NoSuchEntity", 404):
        iam.list_user_tags(UserName="nobody")


def test_more_than_fifty_tags_is_refused(iam):
    iam.create_user(UserName="alice", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    with refused("LimitExceeded", 409):
        iam.tag_user(UserName="alice", Tags=[{"Key": "one-too-many", "Value": "v"}])


def test_user_permissions_boundary(iam):
    boundary = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    iam.create_user(UserName="alice", PermissionsBoundary=boundary)
    assert iam.get_user(UserName="alice")["User"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": boundary}
    assert iam.get_policy(PolicyArn=boundary)["Policy"]["PermissionsBoundaryUsageCount"] == 1
    iam.delete_user_permissions_boundary(UserName="alice")
    assert "PermissionsBoundary" not in iam.get_user(UserName="alice")["User"]
    iam.put_user_permissions_boundary(UserName="alice", PermissionsBoundary="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    assert iam.get_user(UserName="alice")["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"].endswith("/IAMReadOnlyAccess")
    missing = f"arn:aws:iam::{DEFAULT_ACCOUNT}:policy/nope"
    with refused("NoSuchEntity", 404, f"Policy {missing} does not exist or is not attachable."):
        iam.put_user_permissions_boundary(UserName="alice", PermissionsBoundary=missing)


@pytest.mark.parametrize("guard", ["access key", "attached policy", "inline policy", "group membership"])
def test_a_user_with_dependents_cannot_be_deleted(iam, guard):
    iam.create_user(UserName="alice")
    if guard == "access key":
        key = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
        message, release = "must delete access keys first", lambda: iam.delete_access_key(UserName="alice", AccessKeyId=key)
    elif guard == "attached policy":
        arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
        iam.attach_user_policy(UserName="alice", PolicyArn=arn)
        message, release = "must detach all policies first", lambda: iam.detach_user_policy(UserName="alice", PolicyArn=arn)
    elif guard == "inline policy":
        iam.put_user_policy(UserName="alice", PolicyName="inline", PolicyDocument=identity(allow("s3:GetObject")))
        message, release = "must delete policies first", lambda: iam.delete_user_policy(UserName="alice", PolicyName="inline")
    else:
        iam.create_group(GroupName="dbas")
        iam.add_user_to_group(GroupName="dbas", UserName="alice")
        message, release = "must remove user from all groups first", \
            lambda: iam.remove_user_from_group(GroupName="dbas", UserName="alice")
    with refused("DeleteConflict", 409, "Cannot delete entity", message):
        iam.delete_user(UserName="alice")
    assert iam.get_user(UserName="alice")["User"]["UserName"] == "alice"
    release()
    iam.delete_user(UserName="alice")


@pytest.mark.parametrize("name, member", [("alice smith", "userName"), ("a" * 65, "userName"), ("", "userName")])
def test_invalid_user_names_are_validation_errors(boto, name, member):
    iam = boto("iam", validate=False)
    with refused("ValidationError", 400, f"at '{member}' failed to satisfy constraint"):
        iam.create_user(UserName=name)


def test_an_invalid_path_is_a_validation_error(boto):
    with refused("ValidationError", 400, "at 'path' failed to satisfy constraint"):
        boto("iam", validate=False).create_user(UserName="alice", Path="no-slashes")


def test_a_missing_required_member_is_a_validation_error(boto):
    with refused("ValidationError", 400, "userName"):
        boto("iam", validate=False).create_user()


def test_list_users_pages_by_one_hundred_unless_asked(iam, boto):
    for i in range(105):
        iam.create_user(UserName=f"u{i:03d}")
    first = iam.list_users()
    assert len(first["Users"]) == 100 and first["IsTruncated"] is True
    rest = iam.list_users(Marker=first["Marker"])
    assert [u["UserName"] for u in rest["Users"]] == [f"u{i:03d}" for i in range(100, 105)]
    with refused("ValidationError", 400, "maxItems", "less than or equal to 1000"):
        boto("iam", validate=False).list_users(MaxItems=1001)


def test_unicode_tag_values_round_trip(iam):
    tags = [{"Key": "owner", "Value": "Zoë Ångström"}, {"Key": "team name", "Value": "データベース"}]
    iam.create_user(UserName="alice", Tags=tags)
    assert iam.list_user_tags(UserName="alice")["Tags"] == tags


def test_a_validation_message_quoting_xml_characters_still_parses(boto):
    with refused("ValidationError", 400, "Value '<b>&\"' at 'userName'"):
        boto("iam", validate=False).create_user(UserName='<b>&"')
