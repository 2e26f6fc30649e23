"""Terraform as the tests run it: a copy of one configuration in a temp dir, the AWS provider
from the local mirror only, and an environment with nothing from this machine's AWS setup."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

CONFIGURATIONS = Path(__file__).resolve().parent / "terraform"
PLUGIN_MIRROR = Path("/opt/tf-plugins")
TIMEOUT = 300


def terraform_runner(tmp_path: Path, endpoint: str, configuration: str, shared: tuple[str, ...] = ()) -> "Terraform":
    """Terraform in a copy of terraform/<configuration>, with terraform/shared/provider.tf (the
    provider pointed at Kerbside) and the other shared files named (`directory`: the default VPC,
    the role RDS joins directories with and a Microsoft AD); skips the test when terraform or the
    provider mirror is missing."""
    binary = shutil.which("terraform")
    if binary is None:
        pytest.skip("terraform is not installed")
    if not (PLUGIN_MIRROR / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
        pytest.skip(f"the hashicorp/aws provider is not mirrored at {PLUGIN_MIRROR}")
    workdir = tmp_path / configuration
    shutil.copytree(CONFIGURATIONS / configuration, workdir, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    for name in ("provider", *shared):
        shutil.copy(CONFIGURATIONS / "shared" / f"{name}.tf", workdir / f"shared_{name}.tf")
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
    return Terraform(binary, workdir, env)


class Terraform:
    """One configuration's steps, as a user runs them: `apply` (after init), a plan that must show
    no changes, `destroy`; `took` holds how long each step last took, for the test's report."""

    def __init__(self, binary: str, workdir: Path, env: dict[str, str]):
        self.binary, self.workdir, self.env = binary, workdir, env
        self.took: dict[str, float] = {}

    def __call__(self, *args: str) -> subprocess.CompletedProcess:
        started = time.monotonic()
        done = subprocess.run([self.binary, *args], cwd=self.workdir, env=self.env, capture_output=True, text=True,
                              timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        self.took[args[0]] = round(time.monotonic() - started, 1)
        return done

    def step(self, *args: str, purpose: str = "") -> subprocess.CompletedProcess:
        done = self(*args)
        assert done.returncode == 0, explain(f"{args[0]}{purpose}", done)
        return done

    def apply(self) -> dict:
        """init and apply; answers the configuration's outputs."""
        self.step("init", "-input=false", "-no-color")
        self.step("apply", "-auto-approve", "-input=false", "-no-color")
        outputs = self.step("output", "-json")
        return {name: entry["value"] for name, entry in json.loads(outputs.stdout).items()}

    def assert_no_changes(self) -> None:
        """A plan right after apply: Kerbside reads back what Terraform wrote (exit code 0, not 2)."""
        self.step("plan", "-detailed-exitcode", "-input=false", "-no-color", purpose=" (expected no changes after apply)")

    def destroy(self) -> None:
        # The plan just refreshed everything, so destroy need not read it all again.
        self.step("destroy", "-auto-approve", "-input=false", "-no-color", "-refresh=false")


def explain(step: str, done: subprocess.CompletedProcess) -> str:
    return f"terraform {step} exited {done.returncode}\n--- stdout ---\n{done.stdout[-6000:]}\n--- stderr ---\n{done.stderr[-6000:]}"
