"""Terraform's AWS provider against Kerbside: apply, no drift on re-plan, destroy leaves IAM empty.

A plan that shows no changes after apply proves that every resource Terraform reads back parses
and round-trips, which is what a real user's second `terraform apply` depends on.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import DEFAULT_ACCOUNT, Credentials

CONFIGURATION = Path(__file__).resolve().parent / "terraform" / "iam"
PLUGIN_MIRROR = Path("/opt/tf-plugins")
TIMEOUT = 300


@pytest.fixture
def terraform(tmp_path, endpoint):
    binary = shutil.which("terraform")
    if binary is None:
        pytest.skip("terraform is not installed")
    if not (PLUGIN_MIRROR / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
        pytest.skip(f"the hashicorp/aws provider is not mirrored at {PLUGIN_MIRROR}")
    workdir = tmp_path / "iam"
    shutil.copytree(CONFIGURATION, workdir, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    cli_config = tmp_path / "terraform.rc"
    cli_config.write_text(f"""
provider_installation {{
  filesystem_mirror {{
    path    = "{PLUGIN_MIRROR}"
    include = ["registry.terraform.io/hashicorp/aws"]
  }}
  direct {{
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }}
}}
""")
    (tmp_path / "aws-config").write_text("")
    keep = ("PATH", "HOME", "LANG", "TMPDIR")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update({
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        "TF_VAR_endpoint": endpoint,
        "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-config"),
        "AWS_EC2_METADATA_DISABLED": "true",
    })

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([binary, *args], cwd=workdir, env=env, capture_output=True, text=True,
                              timeout=TIMEOUT, stdin=subprocess.DEVNULL)

    return run


def explain(step: str, done: subprocess.CompletedProcess) -> str:
    return f"terraform {step} exited {done.returncode}\n--- stdout ---\n{done.stdout[-6000:]}\n--- stderr ---\n{done.stderr[-6000:]}"


def test_apply_replan_destroy(terraform, iam, boto):
    init = terraform("init", "-input=false", "-no-color")
    assert init.returncode == 0, explain("init", init)

    apply = terraform("apply", "-auto-approve", "-input=false", "-no-color")
    assert apply.returncode == 0, explain("apply", apply)

    outputs = terraform("output", "-json")
    assert outputs.returncode == 0, explain("output", outputs)
    values = {name: entry["value"] for name, entry in json.loads(outputs.stdout).items()}
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

    plan = terraform("plan", "-detailed-exitcode", "-input=false", "-no-color")
    assert plan.returncode == 0, explain("plan (expected no changes after apply)", plan)

    # The plan just refreshed everything, so destroy need not read it all again.
    destroy = terraform("destroy", "-auto-approve", "-input=false", "-no-color", "-refresh=false")
    assert destroy.returncode == 0, explain("destroy", destroy)
    assert iam.list_users()["Users"] == []
    assert iam.list_roles()["Roles"] == []
    assert iam.list_groups()["Groups"] == []
    assert iam.list_policies(Scope="Local")["Policies"] == []
