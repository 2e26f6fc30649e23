"""The README's walk-through runs as written: its shell blocks after "Use it", in order, in one
bash with `set -e`, against this suite's Kerbside (its endpoint in place of 127.0.0.1:4566),
with the real AWS CLI, kinit, psql and mariadb. So the README cannot drift from the code."""

from __future__ import annotations

import os
import re
import subprocess

from harness import REPO

README = REPO / "README.md"


def walk_through() -> str:
    text = README.read_text()
    text = text[text.index("## Use it"):]
    return "\n".join(re.findall(r"```sh\n(.*?)```", text, flags=re.S))


def test_the_readme_walk_through_runs_as_written(endpoint, tmp_path):
    script = walk_through().replace("http://127.0.0.1:4566", endpoint)
    assert "<" not in re.sub(r"<<<|2>&1|> [\w.]+|\$\(<", "", script), "a placeholder is left in the README's commands"
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8",
                   "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}
    done = subprocess.run(["bash", "-c", "set -euo pipefail\n" + script], cwd=tmp_path, env=environment,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"the README's commands stopped ({done.returncode}):\n{done.stderr[-4000:]}\n{done.stdout[-2000:]}"
    # The logins it shows: alice over GSSAPI, app with an IAM token, admin on MariaDB.
    lines = [line.strip() for line in done.stdout.splitlines()]
    assert "alice@CORP.EXAMPLE.COM" in lines and "app" in lines, done.stdout[-2000:]
    assert any(line.startswith("8.0.42") and "admin@" in line for line in lines), done.stdout[-2000:]
