"""Groups: membership, listing, renaming, and what keeps a group from being deleted."""

import pytest

from harness import DEFAULT_ACCOUNT
from policies import allow, identity
from refusals import refused


def test_a_group_and_its_members(iam):
    group = iam.create_group(GroupName="dbas", Path="/teams/")["Group"]
    assert group["Arn"] == f"arn:aws:iam::{DEFAULT_ACCOUNT}:group/teams/dbas"
    assert group["GroupId"].startswith("AGPA")
    for name in ("carol", "alice", "bob"):
        iam.create_user(UserName=name)
        iam.add_user_to_group(GroupName="dbas", UserName=name)
    iam.add_user_to_group(GroupName="dbas", UserName="alice")  # adding twice is fine
    answer = iam.get_group(GroupName="dbas")
    assert answer["Group"]["GroupName"] == "dbas"
    assert [u["UserName"] for u in answer["Users"]] == ["alice", "bob", "carol"]
    assert answer["IsTruncated"] is False

    first = iam.get_group(GroupName="dbas", MaxItems=2)
    assert first["IsTruncated"] and len(first["Users"]) == 2
    rest = iam.get_group(GroupName="dbas", Marker=first["Marker"])
    assert [u["UserName"] for u in rest["Users"]] == ["carol"]

    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="bob")["Groups"]] == ["dbas"]
    iam.remove_user_from_group(GroupName="dbas", UserName="bob")
    assert iam.list_groups_for_user(UserName="bob")["Groups"] == []
    with refused("NoSuchEntity", 404, "The user with name bob cannot be found in group dbas."):
        iam.remove_user_from_group(GroupName="dbas", UserName="bob")


def test_group_names_are_unique_regardless_of_case(iam):
    iam.create_group(GroupName="DBAs")
    with refused("EntityAlreadyExists", 409, "Group with name dbas already exists."):
        iam.create_group(GroupName="dbas")


def test_list_groups_pages_and_filters_by_path(iam):
    for i in range(5):
        iam.create_group(GroupName=f"g{i}", Path="/a/" if i % 2 else "/b/")
    page = iam.list_groups(MaxItems=2)
    assert page["IsTruncated"] and [g["GroupName"] for g in page["Groups"]] == ["g0", "g1"]
    page = iam.list_groups(MaxItems=2, Marker=page["Marker"])
    assert [g["GroupName"] for g in page["Groups"]] == ["g2", "g3"]
    page = iam.list_groups(MaxItems=2, Marker=page["Marker"])
    assert [g["GroupName"] for g in page["Groups"]] == ["g4"] and not page["IsTruncated"]
    assert [g["GroupName"] for g in iam.list_groups(PathPrefix="/a/")["Groups"]] == ["g1", "g3"]


def test_rename_a_group_keeps_its_members(iam):
    iam.create_group(GroupName="dbas")
    iam.create_user(UserName="alice")
    iam.add_user_to_group(GroupName="dbas", UserName="alice")
    iam.update_group(GroupName="dbas", NewGroupName="database-admins", NewPath="/teams/")
    group = iam.get_group(GroupName="database-admins")
    assert group["Group"]["Path"] == "/teams/"
    assert [u["UserName"] for u in group["Users"]] == ["alice"]
    with refused("NoSuchEntity", 404, "The group with name dbas cannot be found."):
        iam.get_group(GroupName="dbas")
    iam.create_group(GroupName="other")
    with refused("EntityAlreadyExists", 409):
        iam.update_group(GroupName="other", NewGroupName="DATABASE-ADMINS")


def test_a_user_joins_at_most_ten_groups(iam):
    iam.create_user(UserName="alice")
    for i in range(10):
        iam.create_group(GroupName=f"g{i}")
        iam.add_user_to_group(GroupName=f"g{i}", UserName="alice")
    iam.create_group(GroupName="g10")
    with refused("LimitExceeded", 409, "GroupsPerUser"):
        iam.add_user_to_group(GroupName="g10", UserName="alice")


@pytest.mark.parametrize("guard", ["members", "attached policy", "inline policy"])
def test_a_group_with_dependents_cannot_be_deleted(iam, guard):
    iam.create_group(GroupName="dbas")
    if guard == "members":
        iam.create_user(UserName="alice")
        iam.add_user_to_group(GroupName="dbas", UserName="alice")
        message, release = "must remove users from group first", \
            lambda: iam.remove_user_from_group(GroupName="dbas", UserName="alice")
    elif guard == "attached policy":
        arn = "arn:aws:iam::aws:policy/AmazonRDSFullAccess"
        iam.attach_group_policy(GroupName="dbas", PolicyArn=arn)
        message, release = "must detach all policies first", lambda: iam.detach_group_policy(GroupName="dbas", PolicyArn=arn)
    else:
        iam.put_group_policy(GroupName="dbas", PolicyName="p", PolicyDocument=identity(allow("rds:*")))
        message, release = "must delete policies first", lambda: iam.delete_group_policy(GroupName="dbas", PolicyName="p")
    with refused("DeleteConflict", 409, message):
        iam.delete_group(GroupName="dbas")
    release()
    iam.delete_group(GroupName="dbas")
    with refused("NoSuchEntity", 404, "The group with name dbas cannot be found."):
        iam.delete_group(GroupName="dbas")


def test_membership_of_unknown_users_and_groups(iam):
    iam.create_group(GroupName="dbas")
    with refused("NoSuchEntity", 404, "The user with name ghost cannot be found."):
        iam.add_user_to_group(GroupName="dbas", UserName="ghost")
    iam.create_user(UserName="alice")
    with refused("NoSuchEntity", 404, "The group with name ghosts cannot be found."):
        iam.add_user_to_group(GroupName="ghosts", UserName="alice")
    with refused("NoSuchEntity", 404):
        iam.list_groups_for_user(UserName="ghost")


def test_an_empty_group_lists_no_users(iam):
    iam.create_group(GroupName="empty")
    answer = iam.get_group(GroupName="empty")
    assert answer["Users"] == [] and answer["IsTruncated"] is False
