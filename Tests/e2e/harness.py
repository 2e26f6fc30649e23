"""A Kerbside server as one object, and the clients a user points at it.

`Kerbside` starts the binary on a free loopback port with its own data directory, waits for
/_kerbside/health, and stops it with SIGTERM, checking that it exited 0 and left nothing behind.
Clients come from `Clients` (boto3, with the response-shape check on every call) and `AwsCli`
(the AWS CLI as a subprocess, in an environment of its own).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config

import shapes

REPO = Path(__file__).resolve().parents[2]
KERBSIDE_BIN = Path(os.environ.get("KERBSIDE_BIN", REPO / ".build" / "debug" / "kerbside"))
REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"
READY_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    """A port nothing listens on right now (the kernel's pick, so concurrent runs differ)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    """Every process whose parent is `pid`, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces; the parent pid follows it.
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def descendants(pid: int) -> list[int]:
    pending, found = [pid], []
    while pending and len(found) < 10_000:
        children = _children(pending.pop())
        found += children
        pending += children
    return found


def assert_gone(pids: list[int]) -> None:
    """Each of `pids` (servers a crashed Kerbside left) has been stopped by its successor."""
    left = [pid for pid in pids if _alive(pid)]
    assert not left, f"orphaned servers still run: {left}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0); it is gone for our purposes once its state says so.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Kerbside:
    """One `kerbside serve` process on 127.0.0.1."""

    def __init__(self, data_dir: Path, *, strict_credentials: bool = False, log_level: str = "debug",
                 binary: Path = KERBSIDE_BIN):
        self.data_dir = Path(data_dir)
        self.strict_credentials = strict_credentials
        self.log_level = log_level
        self.binary = Path(binary)
        self.process: subprocess.Popen | None = None
        self.port: int | None = None
        self.log_path = self.data_dir.parent / f"{self.data_dir.name}.{os.getpid()}.{id(self)}.log"
        self.exit_code: int | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def log_text(self, tail: int = 8000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except OSError:
            return "(no log)"

    def start(self) -> "Kerbside":
        if not self.binary.exists():
            raise RuntimeError(f"no kerbside binary at {self.binary}; run `swift build` or set KERBSIDE_BIN")
        # Another run may take the port between our pick and the bind; a new pick fixes that.
        for _ in range(3):
            self.port = free_port()
            command = [str(self.binary), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                       "--data-dir", str(self.data_dir), "--log-level", self.log_level]
            if self.strict_credentials:
                command.append("--strict-credentials")
            with open(self.log_path, "ab") as log:
                log.write(f"$ {' '.join(command)}\n".encode())
                log.flush()
                self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                                stdin=subprocess.DEVNULL, cwd=self.data_dir.parent)
            if self._wait_ready(READY_TIMEOUT):
                return self
            if self.process.poll() is None:
                break  # running but not ready: a real failure, not a port race
        log = self.log_text()
        self.kill()
        raise RuntimeError(f"kerbside did not become ready within {READY_TIMEOUT:.0f}s at {self.endpoint}\n"
                           f"--- server log ({self.log_path}) ---\n{log}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.endpoint + "/_kerbside/health", timeout=1) as reply:
                    if reply.status == 200 and json.load(reply).get("status") == "ready":
                        return True
            except (urllib.error.URLError, ConnectionError, OSError, ValueError):
                pass
            time.sleep(0.05)
        return False

    def control(self, method: str, path: str) -> tuple[int, dict]:
        request = urllib.request.Request(self.endpoint + path, method=method, data=b"" if method == "POST" else None)
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return reply.status, json.load(reply)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def health(self) -> dict:
        status, body = self.control("GET", "/_kerbside/health")
        assert status == 200, f"health answered {status}: {body}"
        return body

    def reset(self) -> None:
        status, body = self.control("POST", "/_kerbside/reset")
        assert status == 200 and body == {"status": "reset"}, f"reset answered {status}: {body}"

    def operations(self) -> dict[str, list[str]]:
        status, body = self.control("GET", "/_kerbside/operations")
        assert status == 200, body
        return body

    def stop(self) -> int:
        """SIGTERM to exactly this process; returns its exit code after checking it left no process behind."""
        assert self.process is not None, "not started"
        if self.exit_code is not None:
            return self.exit_code
        children = descendants(self.process.pid)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.exit_code = self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"kerbside (pid {self.process.pid}) did not stop within {STOP_TIMEOUT:.0f}s of SIGTERM\n"
                                 f"--- server log ---\n{self.log_text()}")
        deadline = time.monotonic() + STOP_TIMEOUT
        while time.monotonic() < deadline and any(_alive(pid) for pid in children):
            time.sleep(0.05)
        left = [pid for pid in children if _alive(pid)]
        assert not left, f"kerbside left processes behind: {left}"
        return self.exit_code

    def crash(self) -> list[int]:
        """SIGKILL to Kerbside alone, as a crash would leave it: its database servers run on,
        orphaned. Answers their pids, for `assert_gone` once a new Kerbside took over."""
        servers = [engine["server"]["pid"] for engine in self.health()["engines"]]
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None
        return servers

    def kill(self) -> None:
        """Last resort for a server that would not stop or start: SIGKILL to its pid and its children."""
        if self.process is None or self.process.poll() is not None:
            return
        for pid in descendants(self.process.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.kill()
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass


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


def engine_reachable_dir(prefix: str) -> Path:
    """A fresh folder database servers can pass through: Kerbside runs them as `postgres` when
    it runs as root, and pytest's own temporary folders are closed to other users (0700)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    folder.chmod(0o711)
    return folder
