#!/usr/bin/env python3
"""Directory benchmark: CreateMicrosoftAD to Active, users created per second through ds-data,
kinit latency, and what 20 directories at once cost (processes, RSS). Run by `make bench`.
Everything runs on 127.0.0.1 against a Kerbside this script starts and stops."""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import free_port, wait_until  # noqa: E402

PASSWORD = "Sup3r-Secret-Pass!"


def clients(endpoint):
    config = Config(retries={"total_max_attempts": 1})
    make = lambda name: boto3.client(name, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                                     aws_secret_access_key="test", config=config)
    return make("ds"), make("ds-data"), make("ec2")


def subnets(ec2):
    by_zone = {}
    for subnet in ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]:
        by_zone.setdefault(subnet["AvailabilityZone"], subnet["SubnetId"])
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    return vpc, sorted(by_zone.values())[:2]


def create_active(ds, vpc, subnet_ids, name):
    started = time.monotonic()
    directory_id = ds.create_microsoft_ad(Name=name, Password=PASSWORD, Edition="Standard",
                                          VpcSettings={"VpcId": vpc, "SubnetIds": subnet_ids})["DirectoryId"]
    returned = time.monotonic()
    deadline = started + 30
    while ds.describe_directories(DirectoryIds=[directory_id])["DirectoryDescriptions"][0]["Stage"] != "Active":
        if time.monotonic() > deadline:
            sys.exit(f"{directory_id} did not become Active")
        time.sleep(0.002)
    return directory_id, (returned - started) * 1000, (time.monotonic() - started) * 1000


def kdc_processes(server_pid):
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "cmdline").read_bytes().split(b"\0")[0].endswith(b"krb5kdc"):
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kerbside", required=True)
    parser.add_argument("--users", type=int, default=200)
    args = parser.parse_args()

    port = free_port()
    data = tempfile.mkdtemp(prefix="kerbside-bench-ds-")
    server = subprocess.Popen([args.kerbside, "serve", "--port", str(port), "--data-dir", data, "--log-level", "warning"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        endpoint = f"http://127.0.0.1:{port}"
        if not wait_until(f"{endpoint}/_kerbside/health", 10):
            sys.exit("Kerbside did not start")
        ds, dsdata, ec2 = clients(endpoint)
        vpc, subnet_ids = subnets(ec2)
        baseline_kdcs = set(kdc_processes(server.pid))

        timings = [create_active(ds, vpc, subnet_ids, f"bench{index}.example.com") for index in range(5)]
        directory_id = timings[0][0]
        ds.enable_directory_data_access(DirectoryId=directory_id)
        started = time.monotonic()
        for index in range(args.users):
            dsdata.create_user(DirectoryId=directory_id, SAMAccountName=f"user{index}")
        users_per_second = args.users / (time.monotonic() - started)
        ds.reset_user_password(DirectoryId=directory_id, UserName="user0", NewPassword="Bench-Mark-Pass-1")

        config = Path(data) / "client-krb5.conf"
        import urllib.request
        config.write_bytes(urllib.request.urlopen(f"{endpoint}/_kerbside/krb5.conf").read())
        kinit_ms = []
        for attempt in range(20):
            cache = Path(data) / f"cc{attempt}"
            began = time.monotonic()
            result = subprocess.run(["kinit", "user0@BENCH0.EXAMPLE.COM"], input="Bench-Mark-Pass-1\n", text=True, capture_output=True,
                                    env={"PATH": os.environ["PATH"], "KRB5_CONFIG": str(config), "KRB5CCNAME": f"FILE:{cache}"})
            kinit_ms.append((time.monotonic() - began) * 1000)
            if result.returncode != 0:
                sys.exit(f"kinit failed: {result.stderr}")

        for index in range(5, 20):
            create_active(ds, vpc, subnet_ids, f"bench{index}.example.com")
        kdcs = [pid for pid in kdc_processes(server.pid) if pid not in baseline_kdcs]
        kdc_rss = sum(rss_mb(pid) for pid in kdcs)

        returned = [t[1] for t in timings]
        active = [t[2] for t in timings]
        print("\n## Directories (release build, 2 cores)\n")
        print(f"- CreateMicrosoftAD answered in: median {statistics.median(returned):.0f} ms")
        print(f"- CreateMicrosoftAD to Stage Active (first 5 directories): median {statistics.median(active):.0f} ms, max {max(active):.0f} ms")
        print(f"- ds-data CreateUser, sequential: {users_per_second:.0f} users/s ({args.users} users)")
        print(f"- kinit (password, TCP, new cache), 20 runs: median {statistics.median(kinit_ms):.0f} ms, max {max(kinit_ms):.0f} ms")
        print(f"- 20 directories at once: {len(kdcs)} krb5kdc processes, {kdc_rss:.0f} MB RSS in all "
              f"({kdc_rss / max(len(kdcs), 1):.1f} MB each); Kerbside itself {rss_mb(server.pid):.0f} MB")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
