"""One private `kerbside serve` process, and what a test needs from it.

`Kerbside` starts the binary (`KERBSIDE_BIN`, else `kerbside` on PATH) on a free loopback port
with its own data directory, waits for /_kerbside/health, and stops exactly that process with
SIGTERM, checking it exited and left no process behind. Around it: boto3 clients pointed at it,
its krb5.conf and CA certificate, `kinit` into a ticket cache of the test's own, and logins to a
DB instance with `psql` or PyMySQL, by the endpoint's name over verified TLS.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

READY_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0
REGION = "us-east-1"


def free_port() -> int:
    """A port nothing listens on right now (the kernel's pick, so concurrent runs differ)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def engine_reachable_dir(prefix: str) -> Path:
    """A fresh folder database servers can pass through: Kerbside runs them as `postgres` or
    `mysql` when it runs as root, and `mktemp -d` folders (pytest's among them) are 0700."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    folder.chmod(0o711)
    return folder


def binary() -> Path:
    named = os.environ.get("KERBSIDE_BIN") or shutil.which("kerbside")
    if not named:
        raise RuntimeError("no kerbside binary: put `kerbside` on PATH or name it in KERBSIDE_BIN")
    return Path(named)


def children(pid: int) -> list[int]:
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
        below = children(pending.pop())
        found += below
        pending += below
    return found


def alive(pid: int) -> bool:
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
    """One `kerbside serve` process on 127.0.0.1, with its own data directory."""

    def __init__(self, data_dir: Path, *, strict_credentials: bool = False, log_level: str = "info",
                 binary_path: Path | None = None, arguments: tuple[str, ...] = ()):
        self.data_dir = Path(data_dir)
        self.arguments = tuple(arguments)   # more `kerbside serve` options
        self.strict_credentials = strict_credentials
        self.log_level = log_level
        self.binary = Path(binary_path) if binary_path else binary()
        self.process: subprocess.Popen | None = None
        self.port: int | None = None
        self.log_path = self.data_dir.parent / f"{self.data_dir.name}.{os.getpid()}.{id(self)}.log"
        self.exit_code: int | None = None
        self.work = self.data_dir.parent / f"{self.data_dir.name}-client"

    # --- the process ------------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    def log_text(self, tail: int = 8000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except OSError:
            return "(no log)"

    def start(self) -> "Kerbside":
        if not self.binary.exists():
            raise RuntimeError(f"no kerbside binary at {self.binary}")
        self.work.mkdir(parents=True, exist_ok=True)
        # Another run may take the port between our pick and the bind; a new pick fixes that.
        for _ in range(3):
            self.port = free_port()
            command = [str(self.binary), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                       "--data-dir", str(self.data_dir), "--log-level", self.log_level]
            if self.strict_credentials:
                command.append("--strict-credentials")
            command += self.arguments
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
            time.sleep(0.02)
        return False

    def control(self, method: str, path: str) -> tuple[int, dict]:
        request = urllib.request.Request(self.endpoint + path, method=method, data=b"" if method == "POST" else None)
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return reply.status, json.load(reply)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def fetch(self, path: str) -> bytes:
        with urllib.request.urlopen(self.endpoint + path, timeout=10) as reply:
            return reply.read()

    def health(self) -> dict:
        status, body = self.control("GET", "/_kerbside/health")
        assert status == 200, f"health answered {status}: {body}"
        return body

    def reset(self) -> None:
        """Back to an empty Kerbside: every directory, DB instance and cluster gone, servers stopped."""
        status, body = self.control("POST", "/_kerbside/reset")
        assert status == 200 and body == {"status": "reset"}, f"reset answered {status}: {body}"

    def stop(self) -> int:
        """SIGTERM to exactly this process; answers its exit code once it and everything it
        started are gone."""
        assert self.process is not None, "not started"
        if self.exit_code is not None:
            return self.exit_code
        started = descendants(self.process.pid)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.exit_code = self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"kerbside (pid {self.process.pid}) did not stop within {STOP_TIMEOUT:.0f}s of SIGTERM\n"
                                 f"--- server log ---\n{self.log_text()}")
        deadline = time.monotonic() + STOP_TIMEOUT
        while time.monotonic() < deadline and any(alive(pid) for pid in started):
            time.sleep(0.05)
        left = [pid for pid in started if alive(pid)]
        assert not left, f"kerbside left processes behind: {left}"
        return self.exit_code

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
        self.process.wait(timeout=STOP_TIMEOUT)

    # --- what a test uses -------------------------------------------------------------------

    def client(self, service: str, access_key: str = "test", secret_key: str = "test", token: str | None = None,
               region: str = REGION):
        """A boto3 client of this Kerbside (the account's root user, unless given other keys)."""
        import boto3
        return boto3.client(service, endpoint_url=self.endpoint, region_name=region, aws_access_key_id=access_key,
                            aws_secret_access_key=secret_key, aws_session_token=token)

    @property
    def environment(self) -> dict[str, str]:
        """What the AWS CLI and the Kerberos tools need to use this Kerbside."""
        return {"AWS_ENDPOINT_URL": self.endpoint, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                "AWS_DEFAULT_REGION": REGION, "KRB5_CONFIG": str(self.krb5_conf)}

    @property
    def krb5_conf(self) -> Path:
        """The krb5.conf naming every realm Kerbside runs (rewritten as directories come and go)."""
        return Path(self.health()["krb5Config"])

    @property
    def ca_path(self) -> Path:
        """Kerbside's CA certificate, which signs every DB endpoint's certificate."""
        path = self.work / "ca.pem"
        if not path.exists():
            path.write_bytes(self.fetch("/_kerbside/ca.pem"))
        return path

    def address(self, name: str) -> str:
        """The loopback address an endpoint name stands for (as /_kerbside/hosts lists it)."""
        for line in self.fetch("/_kerbside/hosts").decode().splitlines():
            fields = line.split()
            if len(fields) >= 2 and name in fields[1:]:
                return fields[0]
        raise KeyError(f"Kerbside has no endpoint named {name}")

    def kinit(self, principal: str, password: str, cache: str | None = None) -> dict[str, str]:
        """`kinit principal` with the password, into a ticket cache of this test run's own (the
        user's own tickets are left alone); answers the environment that uses it."""
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "KRB5_CONFIG": str(self.krb5_conf),
                       "KRB5CCNAME": f"FILE:{self.work / ('cc-' + (cache or principal))}"}
        done = subprocess.run(["kinit", principal], input=password + "\n", env=environment, capture_output=True, text=True,
                              timeout=30)
        if done.returncode != 0:
            raise RuntimeError(f"kinit {principal} failed: {done.stderr.strip()}")
        return environment

    def psql(self, instance: dict, sql: str, user: str, password: str | None = None, database: str = "postgres",
             kerberos: dict[str, str] | None = None) -> str:
        """Runs `sql` with psql on a PostgreSQL DB instance (a DescribeDBInstances entry), by its
        endpoint name over verified TLS; a password (or IAM token), or the environment `kinit`
        answered for a Kerberos login. Answers psql's output (unaligned, no headers)."""
        name, port = instance["Endpoint"]["Address"], instance["Endpoint"]["Port"]
        target = (f"host={name} hostaddr={self.address(name)} port={port} dbname={database} user='{user}' "
                  f"sslmode=verify-full sslrootcert={self.ca_path} connect_timeout=10")
        environment = dict(kerberos or {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "KRB5_CONFIG": str(self.krb5_conf)})
        environment["PGPASSFILE"] = "/dev/null"
        if password is not None:
            environment["PGPASSWORD"] = password
        done = subprocess.run(["psql", target, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql], env=environment,
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise RuntimeError(f"psql as {user} on {name}: {done.stderr.strip()}")
        return done.stdout.strip()

    def connect_mysql(self, instance: dict, user: str, password: str, database: str | None = None):
        """A PyMySQL connection to a MySQL-family DB instance or cluster member over verified TLS
        (`pip install pytest-kerbside[mysql]`). It dials the endpoint's address, which the
        server's certificate carries beside its names."""
        import ssl

        import pymysql
        name, port = instance["Endpoint"]["Address"], instance["Endpoint"]["Port"]
        context = ssl.create_default_context(cafile=str(self.ca_path))
        return pymysql.connect(host=self.address(name), port=port, user=user, password=password, database=database,
                               ssl=context, connect_timeout=10)
