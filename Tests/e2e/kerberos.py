"""A Kerberos client for tests: Kerbside's krb5.conf, a credential cache of its own, and the real
MIT tools (`kinit`, `kvno`, `klist`). Nothing under /etc is read."""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.code == 0


class KerberosClient:
    def __init__(self, endpoint: str, workdir: Path):
        if shutil.which("kinit") is None:
            pytest.fail("kinit is not installed (krb5-user); make test installs it")
        self.endpoint = endpoint
        self.workdir = workdir
        self.config = workdir / "krb5.conf"
        self.refresh()

    def refresh(self) -> str:
        """Fetches GET /_kerbside/krb5.conf, as a user would after creating a directory."""
        with urllib.request.urlopen(f"{self.endpoint}/_kerbside/krb5.conf", timeout=10) as response:
            text = response.read().decode()
        self.config.write_text(text)
        return text

    def environment(self, cache: str) -> dict[str, str]:
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "KRB5_CONFIG": str(self.config),
                "KRB5CCNAME": f"FILE:{self.workdir / ('cc-' + cache)}"}

    def _run(self, args: list[str], cache: str, stdin: str | None = None) -> Outcome:
        result = subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=20, env=self.environment(cache))
        return Outcome(result.returncode, result.stdout, result.stderr)

    def kinit(self, principal: str, password: str, cache: str | None = None) -> Outcome:
        return self._run(["kinit", principal], cache or principal, stdin=password + "\n")

    def kvno(self, service: str, cache: str) -> Outcome:
        return self._run(["kvno", service], cache)

    def klist(self, cache: str) -> Outcome:
        return self._run(["klist"], cache)
