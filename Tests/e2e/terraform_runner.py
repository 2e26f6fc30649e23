"""Terraform as the tests run it: a copy of one configuration in a temp dir, the AWS provider
from the local mirror only, and an environment with nothing from this machine's AWS setup."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Callable

import pytest

CONFIGURATIONS = Path(__file__).resolve().parent / "terraform"
PLUGIN_MIRROR = Path("/opt/tf-plugins")
TIMEOUT = 300


def terraform_runner(tmp_path: Path, endpoint: str, configuration: str) -> Callable[..., subprocess.CompletedProcess]:
    """`run(*args)` for `terraform` in a copy of terraform/<configuration> (`run.took` holds how
    long each step took); skips the test when terraform or the provider mirror is missing."""
    binary = shutil.which("terraform")
    if binary is None:
        pytest.skip("terraform is not installed")
    if not (PLUGIN_MIRROR / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
        pytest.skip(f"the hashicorp/aws provider is not mirrored at {PLUGIN_MIRROR}")
    workdir = tmp_path / configuration
    shutil.copytree(CONFIGURATIONS / configuration, workdir, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
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
        started = time.monotonic()
        done = subprocess.run([binary, *args], cwd=workdir, env=env, capture_output=True, text=True,
                              timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        run.took[args[0]] = round(time.monotonic() - started, 1)
        return done

    run.took = {}  # seconds each step (apply, plan, destroy…) last took, for the test's report
    return run


def explain(step: str, done: subprocess.CompletedProcess) -> str:
    return f"terraform {step} exited {done.returncode}\n--- stdout ---\n{done.stdout[-6000:]}\n--- stderr ---\n{done.stderr[-6000:]}"
