#!/usr/bin/env python3
"""Kerbside's benchmark: request throughput against moto's server, cold start, idle memory.

Run with `make bench` (builds the release binary first). Everything listens on 127.0.0.1 on free
ports; both servers are started here and stopped by their process ids. Results are printed as
Markdown for docs/performance.md.
"""
import argparse
import json
import os
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

WRK_THREADS, WRK_CONNECTIONS = 2, 16


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(url, timeout, method="GET"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=1) as response:
                if response.status < 500:
                    return True
        except Exception:
            time.sleep(0.002)
    return False


class Server:
    def __init__(self, name, argv, port, ready_path, env=None):
        self.name, self.port = name, port
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        if not wait_until(f"http://127.0.0.1:{port}{ready_path}", 30):
            self.stop()
            self.log.seek(0)
            sys.exit(f"{name} did not become ready:\n{self.log.read().decode(errors='replace')}")

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def start_kerbside(binary, port=None, data_dir=None):
    port = port or free_port()
    data_dir = data_dir or tempfile.mkdtemp(prefix="kerbside-bench-")
    return Server("kerbside", [binary, "serve", "--port", str(port), "--data-dir", data_dir, "--log-level", "warning"],
                  port, "/_kerbside/health")


def start_moto():
    port = free_port()
    return Server("moto", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], port, "/moto-api/")


def seed_roles(endpoint, count=10):
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "rds.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    for index in range(count):
        iam.create_role(RoleName=f"bench-role-{index}", AssumeRolePolicyDocument=trust)


def signed_request(endpoint, service, body):
    """A query-protocol POST signed as botocore signs it (wrk replays it unchanged)."""
    request = AWSRequest(method="POST", url=endpoint + "/", data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(Credentials("test", "test"), service, "us-east-1").add_auth(request)
    return request


def wrk_script(request, path):
    headers = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in request.headers.items())
    with open(path, "w") as f:
        f.write(f'wrk.method = "POST"\nwrk.body = "{request.body.decode() if isinstance(request.body, bytes) else request.body}"\n{headers}\n')
        # Count non-2xx answers so a fast stream of errors cannot pass as throughput.
        f.write("done = function(summary, latency, requests) io.write(string.format('errors=%d\\n', summary.errors.status)) end\n")


def run_wrk(endpoint, script, seconds):
    output = subprocess.run(
        ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", script, endpoint + "/"],
        capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def latency(percentile):
        match = re.search(rf"\s{percentile}%\s+([\d.]+)(us|ms|s)", output)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = int(re.search(r"errors=(\d+)", output).group(1))
    return {"rps": rps, "p50": latency(50), "p99": latency(99), "errors": errors}


def cold_start(binary, runs):
    """Milliseconds from spawn to the `Ready.` line, on a fresh, empty data directory each time
    (migrations included), as a container or a CI job starts it."""
    times = []
    for _ in range(runs):
        # Reachable by the database users (a mktemp -d folder is 0700, which Kerbside refuses as root).
        base = Path(tempfile.mkdtemp(prefix="kerbside-cold-", dir="/tmp"))
        base.chmod(0o711)
        started = time.monotonic()
        process = subprocess.Popen([binary, "serve", "--port", str(free_port()), "--data-dir", str(base / "data"),
                                    "--log-level", "warning"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   stdin=subprocess.DEVNULL)
        try:
            ready = False
            while time.monotonic() - started < 10 and not ready:
                if select.select([process.stdout], [], [], 0.5)[0]:
                    line = process.stdout.readline()
                    ready = line.strip() == b"Ready."
                    if not line:
                        break
            if not ready:
                sys.exit("Kerbside did not print Ready. within 10 s")
            times.append((time.monotonic() - started) * 1000)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
            shutil.rmtree(base, ignore_errors=True)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kerbside", required=True, help="path to the release kerbside binary")
    parser.add_argument("--seconds", type=int, default=10, help="duration of each wrk run")
    parser.add_argument("--cold-starts", type=int, default=7)
    args = parser.parse_args()

    workloads = {
        "sts:GetCallerIdentity": ("sts", "Action=GetCallerIdentity&Version=2011-06-15"),
        "iam:ListRoles (10 roles)": ("iam", "Action=ListRoles&Version=2010-05-08"),
    }
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, start in (("kerbside", lambda: start_kerbside(args.kerbside)), ("moto", start_moto)):
            server = start()
            try:
                seed_roles(server.endpoint)
                for workload, (service, body) in workloads.items():
                    script = os.path.join(scratch, f"{name}-{service}.lua")
                    wrk_script(signed_request(server.endpoint, service, body), script)
                    results[(name, workload)] = run_wrk(server.endpoint, script, args.seconds)
                if name == "kerbside":
                    results["idle-rss"] = server.rss_mb()
            finally:
                server.stop()

        idle = start_kerbside(args.kerbside)
        try:
            time.sleep(1)
            fresh_rss = idle.rss_mb()
        finally:
            idle.stop()
    starts = cold_start(args.kerbside, args.cold_starts)

    print(f"\n## Throughput (wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{args.seconds}s, same 2-core machine as the servers)\n")
    print("| Workload | Kerbside req/s | p50 ms | p99 ms | moto req/s | p50 ms | p99 ms | Kerbside / moto |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for workload in workloads:
        k, m = results[("kerbside", workload)], results[("moto", workload)]
        for label, result in (("kerbside", k), ("moto", m)):
            if result["errors"]:
                print(f"WARNING: {label} answered {result['errors']} non-2xx responses on {workload}", file=sys.stderr)
        print(f"| {workload} | {k['rps']:,.0f} | {k['p50']:.2f} | {k['p99']:.2f} | {m['rps']:,.0f} | {m['p50']:.2f} | {m['p99']:.2f} | {k['rps'] / m['rps']:.1f}x |")
    print("\n## Start and memory\n")
    print(f"- Cold start to `Ready.` (fresh data dir, {len(starts)} runs): median {statistics.median(starts):.0f} ms, max {max(starts):.0f} ms")
    print(f"- Idle RSS right after start: {fresh_rss:.1f} MB; after the load runs: {results['idle-rss']:.1f} MB")


if __name__ == "__main__":
    main()
