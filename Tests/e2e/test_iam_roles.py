"""Roles: trust policies, session limits, descriptions, tags, and deletion guards."""

import json

import pytest

from accounts import role
from harness import DEFAULT_ACCOUNT
from policies import allow, document, identity, trust_account, trust_arn, trust_services
from refusals import refused

RDS_TRUST = trust_services("rds.amazonaws.com", "directoryservice.rds.amazonaws.com")


def test_create_a_role_for_rds_to_reach_directory_service(iam):
    created = role(iam, "rds-directory-service-access-role", RDS_TRUST, Path="/service-role/",
                   Description="Lets RDS join instances to the directory", MaxSessionDuration=7200)
    assert created["Arn"] == f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/service-role/rds-directory-service-access-role"
    assert created["RoleId"].startswith("AROA") and len(created["RoleId"]) == 21
    assert created["MaxSessionDuration"] == 7200
    assert created["Description"] == "Lets RDS join instances to the directory"
    # boto3 hands the trust policy back decoded, equal to what was sent.
    fetched = iam.get_role(RoleName="rds-directory-service-access-role")["Role"]
    assert isinstance(fetched["AssumeRolePolicyDocument"], dict)
    assert fetched["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": ["rds.amazonaws.com", "directoryservice.rds.amazonaws.com"]}
    assert "LastUsedDate" not in fetched.get("RoleLastUsed", {})

    iam.attach_role_policy(RoleName="rds-directory-service-access-role",
                           PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess")
    attached = iam.list_attached_role_policies(RoleName="rds-directory-service-access-role")["AttachedPolicies"]
    assert attached == [{"PolicyName": "AmazonRDSDirectoryServiceAccess",
                         "PolicyArn": "arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess"}]


def test_role_names_are_unique_regardless_of_case(iam):
    role(iam, "DbAdmin", RDS_TRUST)
    with refused("EntityAlreadyExists", 409, "Role with name dbadmin already exists."):
        role(iam, "dbadmin", RDS_TRUST)
    assert iam.get_role(RoleName="DBADMIN")["Role"]["RoleName"] == "DbAdmin"


def test_an_unknown_role(iam):
    with refused("NoSuchEntity", 404, "The role with name ghost cannot be found."):
        iam.get_role(RoleName="ghost")
    with refused("NoSuchEntity", 404, "The role with name ghost cannot be found."):
        iam.delete_role(RoleName="ghost")


def test_list_roles_pages_and_filters_by_path(iam):
    names = [f"role-{i}" for i in range(5)]
    for i, name in enumerate(names):
        role(iam, name, RDS_TRUST, Path="/service-role/" if i < 2 else "/")
    first = iam.list_roles(MaxItems=2)
    assert first["IsTruncated"] is True and [r["RoleName"] for r in first["Roles"]] == names[:2]
    second = iam.list_roles(MaxItems=2, Marker=first["Marker"])
    assert [r["RoleName"] for r in second["Roles"]] == names[2:4]
    third = iam.list_roles(MaxItems=2, Marker=second["Marker"])
    assert [r["RoleName"] for r in third["Roles"]] == names[4:] and third["IsTruncated"] is False
    assert [r["RoleName"] for r in iam.list_roles(PathPrefix="/service-role/")["Roles"]] == names[:2]
    # Listed roles carry their trust policies, decoded.
    assert all(isinstance(r["AssumeRolePolicyDocument"], dict) for r in iam.list_roles()["Roles"])


def test_update_a_roles_session_duration_description_and_trust(iam):
    role(iam, "r", RDS_TRUST)
    iam.update_role(RoleName="r", MaxSessionDuration=43200, Description="long sessions")
    fetched = iam.get_role(RoleName="r")["Role"]
    assert fetched["MaxSessionDuration"] == 43200 and fetched["Description"] == "long sessions"
    described = iam.update_role_description(RoleName="r", Description="short text")["Role"]
    assert described["Description"] == "short text"
    new_trust = trust_account(DEFAULT_ACCOUNT)
    iam.update_assume_role_policy(RoleName="r", PolicyDocument=new_trust)
    assert iam.get_role(RoleName="r")["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"}


@pytest.mark.parametrize("duration, bound", [(3599, "greater than or equal to 3600"), (43201, "less than or equal to 43200")])
def test_max_session_duration_is_bounded(boto, duration, bound):
    iam = boto("iam", validate=False)
    with refused("ValidationError", 400, "maxSessionDuration", bound):
        role(iam, "r", RDS_TRUST, MaxSessionDuration=duration)


def test_a_role_name_with_a_space_is_a_validation_error_naming_the_member(boto):
    with refused("ValidationError", 400, "Value 'db admin' at 'roleName' failed to satisfy constraint",
                 "regular expression pattern"):
        role(boto("iam", validate=False), "db admin", RDS_TRUST)


def test_trust_policies_must_be_well_formed(iam):
    with refused("MalformedPolicyDocument", 400):
        role(iam, "r", "{ this is not json")
    with refused("MalformedPolicyDocument", 400, "Principal"):
        role(iam, "r", document({"Effect": "Allow", "Action": "sts:AssumeRole"}))
    with refused("MalformedPolicyDocument", 400):
        role(iam, "r", document({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                                 "Action": "sts:AssumeRole", "Resource": "*"}))
    role(iam, "r", RDS_TRUST)
    with refused("MalformedPolicyDocument", 400):
        iam.update_assume_role_policy(RoleName="r", PolicyDocument=document({"Effect": "Allow", "Action": "sts:AssumeRole"}))
    with refused("NoSuchEntity", 404):
        iam.update_assume_role_policy(RoleName="not-r", PolicyDocument=RDS_TRUST)


def test_role_tags(iam):
    role(iam, "r", RDS_TRUST, Tags=[{"Key": "env", "Value": "test"}])
    assert iam.get_role(RoleName="r")["Role"]["Tags"] == [{"Key": "env", "Value": "test"}]
    iam.tag_role(RoleName="r", Tags=[{"Key": "owner", "Value": "dba"}])
    assert {t["Key"] for t in iam.list_role_tags(RoleName="r")["Tags"]} == {"env", "owner"}
    iam.untag_role(RoleName="r", TagKeys=["env"])
    assert iam.list_role_tags(RoleName="r")["Tags"] == [{"Key": "owner", "Value": "dba"}]


def test_role_permissions_boundary(iam):
    boundary = "arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess"
    role(iam, "r", RDS_TRUST, PermissionsBoundary=boundary)
    assert iam.get_role(RoleName="r")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary
    iam.delete_role_permissions_boundary(RoleName="r")
    assert "PermissionsBoundary" not in iam.get_role(RoleName="r")["Role"]
    iam.put_role_permissions_boundary(RoleName="r", PermissionsBoundary=boundary)
    assert iam.get_role(RoleName="r")["Role"]["PermissionsBoundary"]["PermissionsBoundaryType"] == "PermissionsBoundaryPolicy"
    with refused("NoSuchEntity", 404):
        role(iam, "r2", RDS_TRUST, PermissionsBoundary=f"arn:aws:iam::{DEFAULT_ACCOUNT}:policy/none")


@pytest.mark.parametrize("guard", ["instance profile", "attached policy", "inline policy"])
def test_a_role_with_dependents_cannot_be_deleted(iam, guard):
    role(iam, "r", RDS_TRUST)
    if guard == "instance profile":
        iam.create_instance_profile(InstanceProfileName="ip")
        iam.add_role_to_instance_profile(InstanceProfileName="ip", RoleName="r")
        message, release = "must remove roles from instance profile first", \
            lambda: iam.remove_role_from_instance_profile(InstanceProfileName="ip", RoleName="r")
    elif guard == "attached policy":
        arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess"
        iam.attach_role_policy(RoleName="r", PolicyArn=arn)
        message, release = "must detach all policies first", lambda: iam.detach_role_policy(RoleName="r", PolicyArn=arn)
    else:
        iam.put_role_policy(RoleName="r", PolicyName="p", PolicyDocument=identity(allow("ds:DescribeDirectories")))
        message, release = "must delete policies first", lambda: iam.delete_role_policy(RoleName="r", PolicyName="p")
    with refused("DeleteConflict", 409, "Cannot delete entity", message):
        iam.delete_role(RoleName="r")
    release()
    iam.delete_role(RoleName="r")
    assert iam.list_roles()["Roles"] == []


def test_a_trust_policy_naming_a_user_is_kept_verbatim(iam):
    iam.create_user(UserName="alice")
    policy = trust_arn(f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/alice",
                       condition={"StringEquals": {"sts:ExternalId": "x y&z=1%"}})
    role(iam, "r", policy)
    assert iam.get_role(RoleName="r")["Role"]["AssumeRolePolicyDocument"] == json.loads(policy)


def test_a_trust_policy_naming_a_user_that_does_not_exist_is_refused(iam):
    ghost = f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/ghost"
    with refused("MalformedPolicyDocument", 400, f'Invalid principal in policy: "AWS":"{ghost}"'):
        role(iam, "r", trust_arn(ghost))
    iam.create_user(UserName="ghost", Path="/haunted/")
    # The path is part of the ARN: the user exists, but not at that ARN.
    with refused("MalformedPolicyDocument", 400, "Invalid principal in policy"):
        role(iam, "r", trust_arn(ghost))
    role(iam, "r", trust_arn(f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/haunted/ghost"))
    missing_role = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/nobody"
    with refused("MalformedPolicyDocument", 400, f'Invalid principal in policy: "AWS":"{missing_role}"'):
        iam.update_assume_role_policy(RoleName="r", PolicyDocument=trust_arn(missing_role))
    # Accounts, account roots and services need no lookup.
    role(iam, "r2", trust_arn("210987654321", "arn:aws:iam::210987654321:root"))
    role(iam, "r3", RDS_TRUST)


def test_descriptions_with_xml_special_characters_round_trip(iam):
    description = 'Tom & Jerry\'s <"role"> for café ñ'
    role(iam, "r", RDS_TRUST, Description=description)
    assert iam.get_role(RoleName="r")["Role"]["Description"] == description
    assert iam.list_roles()["Roles"][0]["Description"] == description


def test_a_pretty_printed_trust_policy_round_trips(iam):
    policy = json.dumps(json.loads(RDS_TRUST), indent=4)
    role(iam, "r", policy)
    assert iam.get_role(RoleName="r")["Role"]["AssumeRolePolicyDocument"] == json.loads(policy)
