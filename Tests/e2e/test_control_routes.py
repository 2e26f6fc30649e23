"""Kerbside's own routes: health, reset between tests, and what it serves."""

import pytest

from accounts import role, user_with_key
from policies import trust_services


def test_health_names_the_services(kerbside):
    health = kerbside.health()
    assert health["status"] == "ready"
    assert {"iam", "sts"} <= set(health["services"])
    assert health["version"]


def test_operations_lists_what_is_implemented(kerbside):
    operations = kerbside.operations()
    assert {"AssumeRole", "GetCallerIdentity", "GetSessionToken", "GetAccessKeyInfo"} <= set(operations["sts"])
    assert {"CreateUser", "CreateRole", "AttachRolePolicy", "SimulatePrincipalPolicy"} <= set(operations["iam"])
    assert operations["iam"] == sorted(operations["iam"])


def test_reset_wipes_users_roles_and_policies(kerbside, iam):
    iam.create_user(UserName="alice")
    role(iam, "r", trust_services("rds.amazonaws.com"))
    iam.create_group(GroupName="g")
    iam.add_user_to_group(GroupName="g", UserName="alice")
    status, body = kerbside.control("POST", "/_kerbside/reset")
    assert (status, body) == (200, {"status": "reset"})
    assert iam.list_users()["Users"] == [] and iam.list_roles()["Roles"] == [] and iam.list_groups()["Groups"] == []


@pytest.mark.parametrize("blocker", ["access key", "instance profile"])
def test_reset_wipes_access_keys_and_instance_profiles(kerbside, iam, blocker):
    if blocker == "access key":
        user_with_key(iam, "alice")
    else:
        role(iam, "r", trust_services("ec2.amazonaws.com"))
        iam.create_instance_profile(InstanceProfileName="ip")
        iam.add_role_to_instance_profile(InstanceProfileName="ip", RoleName="r")
    status, body = kerbside.control("POST", "/_kerbside/reset")
    assert (status, body) == (200, {"status": "reset"})


def test_reset_needs_post(kerbside):
    status, _ = kerbside.control("GET", "/_kerbside/reset")
    assert status == 404
