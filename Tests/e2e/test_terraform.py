"""Terraform's AWS provider against Kerbside: apply, no drift on re-plan, destroy leaves IAM empty.

A plan that shows no changes after apply proves that every resource Terraform reads back parses
and round-trips, which is what a real user's second `terraform apply` depends on.
"""

import pytest

from harness import DEFAULT_ACCOUNT, Credentials
from terraform_runner import terraform_runner


@pytest.fixture
def terraform(tmp_path, endpoint):
    return terraform_runner(tmp_path, endpoint, "iam")


def test_apply_replan_destroy(terraform, iam, boto):
    values = terraform.apply()
    assert values["account_id"] == DEFAULT_ACCOUNT
    assert values["role_arn"] == f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/rds-directory-service-access"

    # What Terraform made is really there, and alice's key works.
    alice = Credentials(values["alice_access_key_id"], values["alice_secret_access_key"])
    assert boto("sts", alice).get_caller_identity()["Arn"] == f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/engineering/alice"
    assert [u["UserName"] for u in iam.get_group(GroupName="dbas")["Users"]] == ["alice"]
    assert [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="rds-directory-service-access")["AttachedPolicies"]] == \
        ["AmazonRDSDirectoryServiceAccess"]
    assert iam.list_role_policies(RoleName="rds-directory-service-access")["PolicyNames"] == ["describe-directories"]
    assert [p["PolicyName"] for p in iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"]] == ["rds-connect"]

    terraform.assert_no_changes()

    terraform.destroy()
    assert iam.list_users()["Users"] == []
    assert iam.list_roles()["Roles"] == []
    assert iam.list_groups()["Groups"] == []
    assert iam.list_policies(Scope="Local")["Policies"] == []
