"""Managed policies (AWS's and the account's), their versions, attachments, and inline policies."""

import json

import pytest

from harness import DEFAULT_ACCOUNT
from policies import allow, document, identity
from refusals import refused

AWS_POLICY = "arn:aws:iam::aws:policy/"
RDS_DS_ACCESS = AWS_POLICY + "service-role/AmazonRDSDirectoryServiceAccess"
READ_DIRECTORIES = identity(allow(["ds:DescribeDirectories", "ds:ListAuthorizedApplications"]))


def customer_policy(iam, name: str, doc: str = READ_DIRECTORIES, **extra) -> dict:
    return iam.create_policy(PolicyName=name, PolicyDocument=doc, **extra)["Policy"]


def test_the_aws_managed_policy_rds_needs_for_directory_service(iam):
    policy = iam.get_policy(PolicyArn=RDS_DS_ACCESS)["Policy"]
    assert policy["PolicyName"] == "AmazonRDSDirectoryServiceAccess"
    assert policy["Path"] == "/service-role/"
    assert policy["IsAttachable"] is True
    version = iam.get_policy_version(PolicyArn=RDS_DS_ACCESS, VersionId=policy["DefaultVersionId"])["PolicyVersion"]
    assert version["IsDefaultVersion"] is True
    statements = version["Document"]["Statement"]
    actions = {action for statement in statements if statement["Effect"] == "Allow"
               for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])}
    assert {"ds:DescribeDirectories", "ds:AuthorizeApplication", "ds:UnauthorizeApplication",
            "ds:GetAuthorizedApplicationDetails"} <= actions
    versions = iam.list_policy_versions(PolicyArn=RDS_DS_ACCESS)["Versions"]
    assert [v["VersionId"] for v in versions] == [policy["DefaultVersionId"]]


@pytest.mark.parametrize("arn", [AWS_POLICY + "AdministratorAccess", AWS_POLICY + "ReadOnlyAccess",
                                 AWS_POLICY + "AmazonRDSFullAccess", RDS_DS_ACCESS])
def test_aws_managed_policies_are_listed(iam, arn):
    listed = {p["Arn"]: p for page in iam.get_paginator("list_policies").paginate(Scope="AWS") for p in page["Policies"]}
    assert arn in listed
    assert iam.get_policy(PolicyArn=arn)["Policy"]["Arn"] == arn
    assert listed[arn]["Arn"] == arn


def test_aws_managed_policies_cannot_be_changed(iam):
    admin = AWS_POLICY + "AdministratorAccess"
    with refused("UnmodifiableEntity", 400):
        iam.delete_policy(PolicyArn=admin)
    with refused("UnmodifiableEntity", 400):
        iam.create_policy_version(PolicyArn=admin, PolicyDocument=identity(allow("s3:*")))


def test_a_customer_policy_and_its_versions(iam):
    policy = customer_policy(iam, "read-directories", Path="/db/", Description="Directory reads",
                             Tags=[{"Key": "team", "Value": "db"}])
    assert policy["Arn"] == f"arn:aws:iam::{DEFAULT_ACCOUNT}:policy/db/read-directories"
    assert policy["DefaultVersionId"] == "v1" and policy["AttachmentCount"] == 0
    assert policy["PolicyId"].startswith("ANPA")
    arn = policy["Arn"]
    fetched = iam.get_policy(PolicyArn=arn)["Policy"]
    assert fetched["Description"] == "Directory reads"
    assert fetched["Tags"] == [{"Key": "team", "Value": "db"}]
    v1 = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert v1["Document"] == json.loads(READ_DIRECTORIES)

    v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=identity(allow("ds:*")), SetAsDefault=True)["PolicyVersion"]
    assert v2["VersionId"] == "v2" and v2["IsDefaultVersion"] is True
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v2"
    v3 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=identity(allow("ds:Get*")))["PolicyVersion"]
    assert v3["VersionId"] == "v3" and v3["IsDefaultVersion"] is False
    versions = {v["VersionId"]: v["IsDefaultVersion"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]}
    assert versions == {"v1": False, "v2": True, "v3": False}

    iam.set_default_policy_version(PolicyArn=arn, VersionId="v3")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    with refused("DeleteConflict", 409, "Cannot delete the default version of a policy."):
        iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
    iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
    with refused("NoSuchEntity", 404, "v1"):
        iam.get_policy_version(PolicyArn=arn, VersionId="v1")
    with refused("NoSuchEntity", 404):
        iam.set_default_policy_version(PolicyArn=arn, VersionId="v9")


def test_a_policy_has_at_most_five_versions(iam):
    arn = customer_policy(iam, "p")["Arn"]
    for _ in range(4):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=READ_DIRECTORIES)
    with refused("LimitExceeded", 409, "A managed policy can have up to 5 versions"):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=READ_DIRECTORIES)
    iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    assert iam.create_policy_version(PolicyArn=arn, PolicyDocument=READ_DIRECTORIES)["PolicyVersion"]["VersionId"] == "v6"


def test_policy_names_are_unique_in_the_account(iam):
    customer_policy(iam, "ReadDirectories")
    with refused("EntityAlreadyExists", 409, "A policy called readdirectories already exists."):
        customer_policy(iam, "readdirectories")


def test_a_policy_with_versions_or_attachments_cannot_be_deleted(iam):
    arn = customer_policy(iam, "p")["Arn"]
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=READ_DIRECTORIES)
    with refused("DeleteConflict", 409, "more than one version"):
        iam.delete_policy(PolicyArn=arn)
    iam.delete_policy_version(PolicyArn=arn, VersionId="v2")

    iam.create_user(UserName="alice")
    iam.attach_user_policy(UserName="alice", PolicyArn=arn)
    with refused("DeleteConflict", 409, "Cannot delete a policy attached to entities."):
        iam.delete_policy(PolicyArn=arn)
    iam.detach_user_policy(UserName="alice", PolicyArn=arn)
    iam.delete_policy(PolicyArn=arn)
    with refused("NoSuchEntity", 404, f"Policy {arn} was not found."):
        iam.get_policy(PolicyArn=arn)


def test_list_policies_scope_paging_path_and_only_attached(iam):
    for name in ("p-c", "p-a", "p-b"):
        customer_policy(iam, name, Path="/db/" if name != "p-b" else "/")
    local = iam.list_policies(Scope="Local")["Policies"]
    assert [p["PolicyName"] for p in local] == ["p-a", "p-b", "p-c"]
    first = iam.list_policies(Scope="Local", MaxItems=2)
    assert first["IsTruncated"] is True and [p["PolicyName"] for p in first["Policies"]] == ["p-a", "p-b"]
    second = iam.list_policies(Scope="Local", MaxItems=2, Marker=first["Marker"])
    assert [p["PolicyName"] for p in second["Policies"]] == ["p-c"] and second["IsTruncated"] is False
    assert [p["PolicyName"] for p in iam.list_policies(Scope="Local", PathPrefix="/db/")["Policies"]] == ["p-a", "p-c"]
    assert {p["PolicyName"] for p in iam.list_policies(PathPrefix="/service-role/")["Policies"]} >= {"AmazonRDSDirectoryServiceAccess"}

    all_policies = [p for page in iam.get_paginator("list_policies").paginate(PaginationConfig={"PageSize": 4})
                    for p in page["Policies"]]
    assert {"p-a", "p-b", "p-c", "AdministratorAccess"} <= {p["PolicyName"] for p in all_policies}
    assert len(all_policies) == len({p["Arn"] for p in all_policies})

    iam.create_role(RoleName="r", AssumeRolePolicyDocument=document(
        {"Effect": "Allow", "Principal": {"Service": "rds.amazonaws.com"}, "Action": "sts:AssumeRole"}))
    iam.attach_role_policy(RoleName="r", PolicyArn=RDS_DS_ACCESS)
    attached = iam.list_policies(OnlyAttached=True)["Policies"]
    assert [(p["PolicyName"], p["AttachmentCount"]) for p in attached] == [("AmazonRDSDirectoryServiceAccess", 1)]


@pytest.mark.parametrize("kind", ["user", "group", "role"])
def test_attach_list_and_detach_managed_policies(iam, kind):
    noun = kind.capitalize()
    name_key = f"{noun}Name"
    if kind == "user":
        iam.create_user(UserName="p1")
    elif kind == "group":
        iam.create_group(GroupName="p1")
    else:
        iam.create_role(RoleName="p1", AssumeRolePolicyDocument=document(
            {"Effect": "Allow", "Principal": {"Service": "rds.amazonaws.com"}, "Action": "sts:AssumeRole"}))
    attach = getattr(iam, f"attach_{kind}_policy")
    detach = getattr(iam, f"detach_{kind}_policy")
    list_attached = getattr(iam, f"list_attached_{kind}_policies")
    customer = customer_policy(iam, "mine")["Arn"]
    attach(**{name_key: "p1"}, PolicyArn=RDS_DS_ACCESS)
    attach(**{name_key: "p1"}, PolicyArn=customer)
    attach(**{name_key: "p1"}, PolicyArn=customer)  # again: no change
    listed = list_attached(**{name_key: "p1"})["AttachedPolicies"]
    assert listed == [{"PolicyName": "AmazonRDSDirectoryServiceAccess", "PolicyArn": RDS_DS_ACCESS},
                      {"PolicyName": "mine", "PolicyArn": customer}]
    assert [p["PolicyName"] for p in list_attached(**{name_key: "p1"}, PathPrefix="/service-role/")["AttachedPolicies"]] == \
        ["AmazonRDSDirectoryServiceAccess"]
    page = list_attached(**{name_key: "p1"}, MaxItems=1)
    assert page["IsTruncated"] is True and len(page["AttachedPolicies"]) == 1
    assert iam.get_policy(PolicyArn=customer)["Policy"]["AttachmentCount"] == 1

    entities = iam.list_entities_for_policy(PolicyArn=customer)
    found = {"user": [u["UserName"] for u in entities["PolicyUsers"]],
             "group": [g["GroupName"] for g in entities["PolicyGroups"]],
             "role": [r["RoleName"] for r in entities["PolicyRoles"]]}
    assert found == {k: (["p1"] if k == kind else []) for k in found}
    filtered = iam.list_entities_for_policy(PolicyArn=customer, EntityFilter="Role" if kind != "role" else "User")
    assert not filtered["PolicyUsers"] and not filtered["PolicyGroups"] and not filtered["PolicyRoles"]

    detach(**{name_key: "p1"}, PolicyArn=customer)
    with refused("NoSuchEntity", 404, f"Policy {customer} was not found."):
        detach(**{name_key: "p1"}, PolicyArn=customer)
    missing = f"arn:aws:iam::{DEFAULT_ACCOUNT}:policy/ghost"
    with refused("NoSuchEntity", 404, f"Policy {missing} does not exist or is not attachable."):
        attach(**{name_key: "p1"}, PolicyArn=missing)


def test_at_most_ten_managed_policies_per_user(iam):
    iam.create_user(UserName="alice")
    for i in range(10):
        iam.attach_user_policy(UserName="alice", PolicyArn=customer_policy(iam, f"p{i}")["Arn"])
    eleventh = customer_policy(iam, "p10")["Arn"]
    with refused("LimitExceeded", 409, "Cannot exceed quota for PoliciesPerUser: 10"):
        iam.attach_user_policy(UserName="alice", PolicyArn=eleventh)
    assert len(iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"]) == 10


@pytest.mark.parametrize("kind", ["user", "group", "role"])
def test_inline_policies(iam, kind):
    noun = kind.capitalize()
    name_key = f"{noun}Name"
    if kind == "user":
        iam.create_user(UserName="p1")
    elif kind == "group":
        iam.create_group(GroupName="p1")
    else:
        iam.create_role(RoleName="p1", AssumeRolePolicyDocument=document(
            {"Effect": "Allow", "Principal": {"Service": "rds.amazonaws.com"}, "Action": "sts:AssumeRole"}))
    put = getattr(iam, f"put_{kind}_policy")
    get = getattr(iam, f"get_{kind}_policy")
    listing = getattr(iam, f"list_{kind}_policies")
    delete = getattr(iam, f"delete_{kind}_policy")
    doc = identity(allow("rds-db:connect", f"arn:aws:rds-db:us-east-1:{DEFAULT_ACCOUNT}:dbuser:db-ABC/alice"))
    put(**{name_key: "p1"}, PolicyName="connect", PolicyDocument=doc)
    put(**{name_key: "p1"}, PolicyName="another", PolicyDocument=READ_DIRECTORIES)
    fetched = get(**{name_key: "p1"}, PolicyName="connect")
    assert fetched[name_key] == "p1" and fetched["PolicyName"] == "connect"
    assert fetched["PolicyDocument"] == json.loads(doc)
    assert listing(**{name_key: "p1"})["PolicyNames"] == ["another", "connect"]
    page = listing(**{name_key: "p1"}, MaxItems=1)
    assert page["PolicyNames"] == ["another"] and page["IsTruncated"] is True
    assert listing(**{name_key: "p1"}, Marker=page["Marker"])["PolicyNames"] == ["connect"]
    # Putting under the same name replaces the document.
    put(**{name_key: "p1"}, PolicyName="connect", PolicyDocument=READ_DIRECTORIES)
    assert get(**{name_key: "p1"}, PolicyName="connect")["PolicyDocument"] == json.loads(READ_DIRECTORIES)
    delete(**{name_key: "p1"}, PolicyName="connect")
    with refused("NoSuchEntity", 404, "connect"):
        get(**{name_key: "p1"}, PolicyName="connect")
    with refused("NoSuchEntity", 404):
        delete(**{name_key: "p1"}, PolicyName="connect")


def test_a_policy_document_survives_characters_that_need_encoding(iam):
    iam.create_user(UserName="alice")
    doc = identity(allow("s3:GetObject", "arn:aws:s3:::bucket/a b+c&d=e%f/ü/*",
                         condition={"StringLike": {"s3:prefix": ["home/${aws:username}/*", "x\"y"]}}))
    iam.put_user_policy(UserName="alice", PolicyName="odd", PolicyDocument=doc)
    assert iam.get_user_policy(UserName="alice", PolicyName="odd")["PolicyDocument"] == json.loads(doc)


@pytest.mark.parametrize("doc, fragment", [
    ("{ not json", ""),
    (document({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}), "principal"),
    (document({"Effect": "Allow", "Action": "s3:*"}), ""),
    (document({"Effect": "Perhaps", "Action": "s3:*", "Resource": "*"}), ""),
    (json.dumps({"Version": "2012-10-17"}), ""),
])
def test_malformed_identity_policies_are_refused(iam, doc, fragment):
    iam.create_user(UserName="alice")
    with refused("MalformedPolicyDocument", 400, fragment):
        customer_policy(iam, "bad", doc)
    with refused("MalformedPolicyDocument", 400, fragment):
        iam.put_user_policy(UserName="alice", PolicyName="bad", PolicyDocument=doc)
    assert iam.list_policies(Scope="Local")["Policies"] == []


def test_a_policy_over_the_size_limit_is_refused(iam):
    big = identity(*[allow(f"s3:GetObject{i:04d}", f"arn:aws:s3:::bucket-{i:04d}/*") for i in range(150)])
    with refused("LimitExceeded", 409):
        customer_policy(iam, "big", big)


def test_policy_tags(iam):
    arn = customer_policy(iam, "p")["Arn"]
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    iam.untag_policy(PolicyArn=arn, TagKeys=["a"])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    with refused("NoSuchEntity", 404):
        iam.list_policy_tags(PolicyArn=f"arn:aws:iam::{DEFAULT_ACCOUNT}:policy/ghost")


def test_list_policy_versions_pages_newest_first(iam):
    arn = customer_policy(iam, "p")["Arn"]
    for _ in range(4):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=READ_DIRECTORIES)
    everything = [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]]
    assert everything == ["v5", "v4", "v3", "v2", "v1"]
    seen, marker = [], None
    for _ in range(5):
        page = iam.list_policy_versions(PolicyArn=arn, MaxItems=2, **({"Marker": marker} if marker else {}))
        seen += [v["VersionId"] for v in page["Versions"]]
        if not page["IsTruncated"]:
            break
        marker = page["Marker"]
    assert seen == everything


def test_a_users_inline_policies_share_2048_characters(iam):
    iam.create_user(UserName="alice")
    statements = [allow(f"s3:GetObject{i:03d}", f"arn:aws:s3:::bucket-{i:03d}/*") for i in range(12)]
    iam.put_user_policy(UserName="alice", PolicyName="first", PolicyDocument=identity(*statements))
    with refused("LimitExceeded", 409, "Maximum policy size of 2048 bytes exceeded for user alice"):
        iam.put_user_policy(UserName="alice", PolicyName="second", PolicyDocument=identity(*statements))
    # A role has more room (10,240).
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=document(
        {"Effect": "Allow", "Principal": {"Service": "rds.amazonaws.com"}, "Action": "sts:AssumeRole"}))
    iam.put_role_policy(RoleName="r", PolicyName="first", PolicyDocument=identity(*statements))
    iam.put_role_policy(RoleName="r", PolicyName="second", PolicyDocument=identity(*statements))
