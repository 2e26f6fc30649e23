"""A Kerbside server as one object, and the clients a user points at it.

`Kerbside` is pytest-kerbside's (clients/python, installed by `make test`): the binary on a free
loopback port with its own data directory, ready once /_kerbside/health says so, stopped with
SIGTERM, checked to have exited 0 and left nothing behind.
Clients come from `Clients` (boto3, with the response-shape check on every call) and `AwsCli`
(the AWS CLI as a subprocess, in an environment of its own).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config

import shapes
from pytest_kerbside.server import Kerbside as FixtureKerbside
from pytest_kerbside.server import alive

REPO = Path(__file__).resolve().parents[2]
KERBSIDE_BIN = Path(os.environ.get("KERBSIDE_BIN", REPO / ".build" / "debug" / "kerbside"))
REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"


def assert_gone(pids: list[int]) -> None:
    """Each of `pids` (servers a crashed Kerbside left) has been stopped by its successor."""
    left = [pid for pid in pids if alive(pid)]
    assert not left, f"orphaned servers still run: {left}"


class Kerbside(FixtureKerbside):
    """pytest-kerbside's private Kerbside, debug-logged, with what the suite does to it besides:
    clients that check every response against the model, a crash."""

    def __init__(self, data_dir: Path, *, strict_credentials: bool = False, log_level: str = "debug",
                 binary: Path = KERBSIDE_BIN, arguments: tuple[str, ...] = ()):
        super().__init__(data_dir, strict_credentials=strict_credentials, log_level=log_level, binary_path=binary,
                         arguments=arguments)

    def operations(self) -> dict[str, list[str]]:
        status, body = self.control("GET", "/_kerbside/operations")
        assert status == 200, body
        return body

    def client(self, service: str):
        """A boto3 client of this server (one attempt per call, responses checked against the model)."""
        return Clients(self.endpoint)(service)

    def crash(self) -> list[int]:
        """SIGKILL to Kerbside alone, as a crash would leave it: its database servers run on,
        orphaned. Answers their pids, for `assert_gone` once a new Kerbside took over."""
        servers = [engine["server"]["pid"] for engine in self.health()["engines"]]
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None
        return servers


# One boto3 session for every client: it loads the service models once. Creating clients from
# it is not thread-safe, hence the lock.
_shared_session = boto3.session.Session()
_session_lock = threading.Lock()

# Accounts the suite's clients have used, so a workaround can reach every one of them.
accounts_used: set[str] = {DEFAULT_ACCOUNT}


def account_of_key(access_key: str) -> str | None:
    return access_key if len(access_key) == 12 and access_key.isdigit() else None


@dataclass(frozen=True)
class Credentials:
    access_key: str = "test"
    secret_key: str = "test"
    token: str | None = None

    @classmethod
    def of_access_key(cls, key: dict) -> "Credentials":
        """From CreateAccessKey's `AccessKey` or an STS `Credentials` structure."""
        return cls(key["AccessKeyId"], key["SecretAccessKey"], key.get("SessionToken"))


ROOT = Credentials()


class Clients:
    """boto3 clients for one endpoint; each checks every response against the botocore model."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint

    def __call__(self, service: str, credentials: Credentials = ROOT, *, validate: bool = True,
                 endpoint: str | None = None, region: str = REGION):
        if account := account_of_key(credentials.access_key):
            accounts_used.add(account)
        with _session_lock:
            client = _shared_session.client(
                service, endpoint_url=endpoint or self.endpoint, region_name=region,
                aws_access_key_id=credentials.access_key, aws_secret_access_key=credentials.secret_key,
                aws_session_token=credentials.token,
                config=Config(retries={"total_max_attempts": 1}, parameter_validation=validate,
                              connect_timeout=5, read_timeout=30))
            shapes.watch(client)
        return client


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self):
        return json.loads(self.stdout) if self.stdout.strip() else None


class AwsCli:
    """The AWS CLI as a user runs it, but with nothing from this machine's configuration."""

    def __init__(self, endpoint: str, workdir: Path):
        self.endpoint = endpoint
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.config_file = self.workdir / "config"
        self.credentials_file = self.workdir / "credentials"
        self.config_file.write_text("")
        self.credentials_file.write_text("")

    def environment(self, credentials: Credentials) -> dict[str, str]:
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV")
        env = {name: os.environ[name] for name in keep if name in os.environ}
        env.update({
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": credentials.access_key,
            "AWS_SECRET_ACCESS_KEY": credentials.secret_key,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_CONFIG_FILE": str(self.config_file),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.credentials_file),
            "AWS_PAGER": "",
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_EC2_METADATA_DISABLED": "true",
        })
        if credentials.token:
            env["AWS_SESSION_TOKEN"] = credentials.token
        return env

    def __call__(self, *args: str, credentials: Credentials = ROOT, timeout: float = 60) -> CliResult:
        # AWS CLI v1 pins RDS in us-east-1 to https://rds.amazonaws.com over AWS_ENDPOINT_URL (its
        # overridesslcommonname customization); only --endpoint-url wins, so pass it as users must.
        command = ["aws", "--endpoint-url", self.endpoint, *args, "--output", "json"]
        done = subprocess.run(command, env=self.environment(credentials), cwd=self.workdir, capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return CliResult(done.returncode, done.stdout, done.stderr)


def temp_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
