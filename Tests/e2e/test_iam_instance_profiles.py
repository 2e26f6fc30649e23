"""Instance profiles: one role each, listed by role, and kept from deletion while they hold one."""

from accounts import role
from harness import DEFAULT_ACCOUNT
from policies import trust_services
from refusals import refused

EC2_TRUST = trust_services("ec2.amazonaws.com")


def test_an_instance_profile_holds_one_role(iam):
    role(iam, "app", EC2_TRUST)
    role(iam, "other", EC2_TRUST)
    profile = iam.create_instance_profile(InstanceProfileName="app-profile", Path="/apps/")["InstanceProfile"]
    assert profile["Arn"] == f"arn:aws:iam::{DEFAULT_ACCOUNT}:instance-profile/apps/app-profile"
    assert profile["InstanceProfileId"].startswith("AIPA")
    assert profile["Roles"] == []
    iam.add_role_to_instance_profile(InstanceProfileName="app-profile", RoleName="app")
    held = iam.get_instance_profile(InstanceProfileName="app-profile")["InstanceProfile"]["Roles"]
    assert [r["RoleName"] for r in held] == ["app"]
    assert isinstance(held[0]["AssumeRolePolicyDocument"], dict)
    with refused("LimitExceeded", 409, "InstanceSessionsPerInstanceProfile"):
        iam.add_role_to_instance_profile(InstanceProfileName="app-profile", RoleName="other")
    assert [p["InstanceProfileName"] for p in iam.list_instance_profiles_for_role(RoleName="app")["InstanceProfiles"]] == ["app-profile"]
    assert iam.list_instance_profiles_for_role(RoleName="other")["InstanceProfiles"] == []

    with refused("DeleteConflict", 409, "must remove roles from instance profile first"):
        iam.delete_instance_profile(InstanceProfileName="app-profile")
    with refused("NoSuchEntity", 404):
        iam.remove_role_from_instance_profile(InstanceProfileName="app-profile", RoleName="other")
    iam.remove_role_from_instance_profile(InstanceProfileName="app-profile", RoleName="app")
    iam.delete_instance_profile(InstanceProfileName="app-profile")
    with refused("NoSuchEntity", 404, "Instance Profile app-profile cannot be found."):
        iam.get_instance_profile(InstanceProfileName="app-profile")


def test_instance_profile_names_are_unique_regardless_of_case(iam):
    iam.create_instance_profile(InstanceProfileName="Web")
    with refused("EntityAlreadyExists", 409, "already exists"):
        iam.create_instance_profile(InstanceProfileName="web")


def test_list_instance_profiles_pages_and_filters_by_path(iam):
    for i in range(3):
        iam.create_instance_profile(InstanceProfileName=f"ip{i}", Path="/x/" if i == 1 else "/")
    first = iam.list_instance_profiles(MaxItems=2)
    assert [p["InstanceProfileName"] for p in first["InstanceProfiles"]] == ["ip0", "ip1"] and first["IsTruncated"]
    rest = iam.list_instance_profiles(Marker=first["Marker"])
    assert [p["InstanceProfileName"] for p in rest["InstanceProfiles"]] == ["ip2"] and not rest["IsTruncated"]
    assert [p["InstanceProfileName"] for p in iam.list_instance_profiles(PathPrefix="/x/")["InstanceProfiles"]] == ["ip1"]


def test_instance_profile_tags(iam):
    iam.create_instance_profile(InstanceProfileName="ip", Tags=[{"Key": "a", "Value": "1"}])
    iam.tag_instance_profile(InstanceProfileName="ip", Tags=[{"Key": "b", "Value": "2"}])
    iam.untag_instance_profile(InstanceProfileName="ip", TagKeys=["a"])
    assert iam.list_instance_profile_tags(InstanceProfileName="ip")["Tags"] == [{"Key": "b", "Value": "2"}]
    assert iam.get_instance_profile(InstanceProfileName="ip")["InstanceProfile"]["Tags"] == [{"Key": "b", "Value": "2"}]
    with refused("NoSuchEntity", 404):
        iam.tag_instance_profile(InstanceProfileName="ghost", Tags=[{"Key": "b", "Value": "2"}])
