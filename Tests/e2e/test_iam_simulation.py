"""The policy simulator: the decisions the one evaluator makes, asked before relying on them."""

from harness import DEFAULT_ACCOUNT
from policies import allow, deny, identity
from refusals import refused

DB_USER = f"arn:aws:rds-db:us-east-1:{DEFAULT_ACCOUNT}:dbuser:db-ABCDEFGHIJ/alice"


def decisions(answer) -> dict[tuple[str, str], str]:
    return {(r["EvalActionName"], r["EvalResourceName"]): r["EvalDecision"] for r in answer["EvaluationResults"]}


def test_simulate_custom_policy_allows_denies_and_defaults_to_deny(iam):
    policies = [identity(allow(["rds-db:connect", "rds:Describe*"], "*")),
                identity(deny("rds:DescribeDBSnapshots"))]
    answer = iam.simulate_custom_policy(PolicyInputList=policies,
                                        ActionNames=["rds-db:connect", "rds:DescribeDBInstances",
                                                     "rds:DescribeDBSnapshots", "rds:DeleteDBInstance"])
    assert decisions(answer) == {
        ("rds-db:connect", "*"): "allowed",
        ("rds:DescribeDBInstances", "*"): "allowed",
        ("rds:DescribeDBSnapshots", "*"): "explicitDeny",
        ("rds:DeleteDBInstance", "*"): "implicitDeny",
    }


def test_simulate_custom_policy_with_resources_and_conditions(iam):
    policy = identity(allow("rds-db:connect", DB_USER, condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}}))
    other = DB_USER.replace("/alice", "/bob")
    answer = iam.simulate_custom_policy(
        PolicyInputList=[policy], ActionNames=["rds-db:connect"], ResourceArns=[DB_USER, other],
        ContextEntries=[{"ContextKeyName": "aws:RequestedRegion", "ContextKeyType": "string",
                         "ContextKeyValues": ["us-east-1"]}])
    assert decisions(answer) == {("rds-db:connect", DB_USER): "allowed", ("rds-db:connect", other): "implicitDeny"}
    elsewhere = iam.simulate_custom_policy(
        PolicyInputList=[policy], ActionNames=["rds-db:connect"], ResourceArns=[DB_USER],
        ContextEntries=[{"ContextKeyName": "aws:RequestedRegion", "ContextKeyType": "string",
                         "ContextKeyValues": ["eu-west-1"]}])
    assert decisions(elsewhere) == {("rds-db:connect", DB_USER): "implicitDeny"}


def test_a_permissions_boundary_caps_a_custom_policy(iam):
    answer = iam.simulate_custom_policy(
        PolicyInputList=[identity(allow("*"))],
        PermissionsBoundaryPolicyInputList=[identity(allow("ds:Describe*"))],
        ActionNames=["ds:DescribeDirectories", "ds:DeleteDirectory"])
    assert decisions(answer) == {("ds:DescribeDirectories", "*"): "allowed", ("ds:DeleteDirectory", "*"): "implicitDeny"}


def test_simulate_principal_policy_gathers_user_group_and_attached_policies(iam):
    iam.create_user(UserName="alice")
    iam.create_group(GroupName="dbas")
    iam.add_user_to_group(GroupName="dbas", UserName="alice")
    iam.put_group_policy(GroupName="dbas", PolicyName="connect", PolicyDocument=identity(allow("rds-db:connect")))
    iam.attach_user_policy(UserName="alice", PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess")
    iam.put_user_policy(UserName="alice", PolicyName="no-unauthorize", PolicyDocument=identity(deny("ds:UnauthorizeApplication")))
    answer = iam.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/alice",
        ActionNames=["rds-db:connect", "ds:AuthorizeApplication", "ds:UnauthorizeApplication", "rds:CreateDBInstance"])
    assert decisions(answer) == {
        ("rds-db:connect", "*"): "allowed",
        ("ds:AuthorizeApplication", "*"): "allowed",
        ("ds:UnauthorizeApplication", "*"): "explicitDeny",
        ("rds:CreateDBInstance", "*"): "implicitDeny",
    }


def test_simulate_principal_policy_for_a_role_with_a_boundary(iam):
    iam.create_role(RoleName="admin", AssumeRolePolicyDocument=identity(
        {"Effect": "Allow", "Principal": {"Service": "rds.amazonaws.com"}, "Action": "sts:AssumeRole"}),
        PermissionsBoundary="arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess")
    iam.attach_role_policy(RoleName="admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    answer = iam.simulate_principal_policy(PolicySourceArn=f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/admin",
                                           ActionNames=["rds:DescribeDBInstances", "rds:DeleteDBInstance"])
    assert decisions(answer) == {("rds:DescribeDBInstances", "*"): "allowed", ("rds:DeleteDBInstance", "*"): "implicitDeny"}


def test_simulate_principal_policy_pages_its_results(iam):
    iam.create_user(UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="p", PolicyDocument=identity(allow("ds:*")))
    actions = [f"ds:Action{i}" for i in range(5)]
    arn = f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/alice"
    first = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=actions, MaxItems=3)
    assert first["IsTruncated"] is True and len(first["EvaluationResults"]) == 3
    rest = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=actions, Marker=first["Marker"])
    assert len(rest["EvaluationResults"]) == 2 and rest["IsTruncated"] is False
    assert {r["EvalActionName"] for r in first["EvaluationResults"] + rest["EvaluationResults"]} == set(actions)


def test_simulating_an_unknown_principal(iam):
    with refused("NoSuchEntity", 404):
        iam.simulate_principal_policy(PolicySourceArn=f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/ghost", ActionNames=["s3:GetObject"])


def test_simulating_a_malformed_policy(iam):
    with refused("MalformedPolicyDocument", 400):
        iam.simulate_custom_policy(PolicyInputList=["{nope"], ActionNames=["s3:GetObject"])


def test_simulation_results_page_in_the_order_asked(iam):
    actions = ["ds:Zeta", "ds:Alpha", "ds:Mu", "ds:Beta"]
    policy = [identity(allow("ds:*"))]
    seen, marker = [], None
    for _ in range(5):
        page = iam.simulate_custom_policy(PolicyInputList=policy, ActionNames=actions, MaxItems=1,
                                          **({"Marker": marker} if marker else {}))
        seen += [r["EvalActionName"] for r in page["EvaluationResults"]]
        if not page["IsTruncated"]:
            break
        marker = page["Marker"]
    assert seen == actions
