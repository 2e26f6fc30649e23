"""The AWS CLI, as a user types it, against Kerbside (subprocesses with their own environment)."""

import json

from harness import DEFAULT_ACCOUNT, Credentials
from policies import trust_arn


def test_a_user_story_through_the_cli(aws, tmp_path):
    created = aws("iam", "create-user", "--user-name", "alice", "--path", "/engineering/")
    assert created.code == 0, created.stderr
    assert created.json["User"]["Arn"] == f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/engineering/alice"

    key = aws("iam", "create-access-key", "--user-name", "alice")
    assert key.code == 0, key.stderr
    alice = Credentials.of_access_key(key.json["AccessKey"])
    assert alice.access_key.startswith("AKIA")

    identity = aws("sts", "get-caller-identity", credentials=alice)
    assert identity.code == 0, identity.stderr
    assert identity.json["Arn"] == created.json["User"]["Arn"]

    trust_file = tmp_path / "trust.json"
    trust_file.write_text(trust_arn(created.json["User"]["Arn"]))
    made = aws("iam", "create-role", "--role-name", "db-admin", "--assume-role-policy-document", f"file://{trust_file}",
               "--max-session-duration", "7200")
    assert made.code == 0, made.stderr
    assert made.json["Role"]["AssumeRolePolicyDocument"] == json.loads(trust_file.read_text())

    attached = aws("iam", "attach-role-policy", "--role-name", "db-admin",
                   "--policy-arn", "arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess")
    assert attached.code == 0 and attached.stdout.strip() == "", attached.stderr
    listed = aws("iam", "list-attached-role-policies", "--role-name", "db-admin")
    assert [p["PolicyName"] for p in listed.json["AttachedPolicies"]] == ["AmazonRDSDirectoryServiceAccess"]

    assumed = aws("sts", "assume-role", "--role-arn", made.json["Role"]["Arn"], "--role-session-name", "cli",
                  "--duration-seconds", "7200", credentials=alice)
    assert assumed.code == 0, assumed.stderr
    assert assumed.json["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{DEFAULT_ACCOUNT}:assumed-role/db-admin/cli"
    session = Credentials.of_access_key(assumed.json["Credentials"])
    who = aws("sts", "get-caller-identity", credentials=session)
    assert who.code == 0, who.stderr
    assert who.json["UserId"] == f"{made.json['Role']['RoleId']}:cli"


def test_refusals_exit_255_with_the_error_code(aws, tmp_path):
    assert aws("iam", "create-user", "--user-name", "alice").code == 0
    again = aws("iam", "create-user", "--user-name", "ALICE")
    assert again.code == 255
    assert "EntityAlreadyExists" in again.stderr and "already exists" in again.stderr

    missing = aws("iam", "get-role", "--role-name", "ghost")
    assert missing.code == 255 and "NoSuchEntity" in missing.stderr and "ghost" in missing.stderr

    trust_file = tmp_path / "trust.json"
    trust_file.write_text(trust_arn(f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/alice"))
    assert aws("iam", "create-role", "--role-name", "r", "--assume-role-policy-document", f"file://{trust_file}").code == 0
    as_root = aws("sts", "assume-role", "--role-arn", f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/r", "--role-session-name", "root-try")
    assert as_root.code == 255
    assert "AccessDenied" in as_root.stderr and "Roles may not be assumed by root accounts" in as_root.stderr

    bad_policy = aws("iam", "put-user-policy", "--user-name", "alice", "--policy-name", "p", "--policy-document", "{nope")
    assert bad_policy.code == 255 and "MalformedPolicyDocument" in bad_policy.stderr


def test_the_cli_pages_through_everything(aws, iam):
    for i in range(7):
        iam.create_group(GroupName=f"g{i}")
    listed = aws("iam", "list-groups", "--page-size", "2")
    assert listed.code == 0, listed.stderr
    assert [g["GroupName"] for g in listed.json["Groups"]] == [f"g{i}" for i in range(7)]
    capped = aws("iam", "list-groups", "--max-items", "3")
    assert len(capped.json["Groups"]) == 3 and capped.json.get("NextToken")


def test_the_cli_uses_a_twelve_digit_key_as_another_account(aws):
    who = aws("sts", "get-caller-identity", credentials=Credentials("210987654321", "x"))
    assert who.code == 0, who.stderr
    assert who.json["Account"] == "210987654321"
