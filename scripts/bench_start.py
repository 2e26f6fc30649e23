#!/usr/bin/env python3
"""What a CI job waits on before and between its tests: a fresh start (an empty data dir, as a
container's) to the `Ready.` line, and the per-test reset (POST /_kerbside/reset) with a
directory and 1, 5 and 10 DB instances running. Run by `make bench`.

Loopback only; every Kerbside this script starts is stopped by its pid; every wait has a
deadline. Results print as Markdown."""
import argparse
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import cold_start  # noqa: E402
from bench_rds import Kerbside, create_directory  # noqa: E402

WAIT_LIMIT = 60.0
PASSWORD = "Master-Pass-123"


def available(rds, identifier):
    deadline = time.monotonic() + WAIT_LIMIT
    while rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]["DBInstanceStatus"] != "available":
        if time.monotonic() > deadline:
            sys.exit(f"{identifier} was not available within {WAIT_LIMIT} s")
        time.sleep(0.01)


def reset_with(kerbside, instances):
    """Seconds one reset takes with a directory and `instances` PostgreSQL instances running."""
    rds = kerbside.client("rds")
    create_directory(kerbside.client("ds"), kerbside.client("ec2"), "corp.example.com")
    for number in range(instances):
        rds.create_db_instance(DBInstanceIdentifier=f"db{number}", Engine="postgres", DBInstanceClass="db.t3.micro",
                               AllocatedStorage=20, MasterUsername="postgres", MasterUserPassword=PASSWORD)
    for number in range(instances):
        available(rds, f"db{number}")
    started = time.monotonic()
    request = urllib.request.Request(kerbside.endpoint + "/_kerbside/reset", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=60) as reply:
        assert reply.status == 200
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kerbside", required=True)
    parser.add_argument("--runs", type=int, default=8)
    arguments = parser.parse_args()
    starts = cold_start(arguments.kerbside, arguments.runs)
    kerbside = Kerbside(arguments.kerbside)
    try:
        resets = {count: statistics.median([reset_with(kerbside, count) for _ in range(3)]) for count in (1, 5, 10)}
    finally:
        kerbside.stop()
    print("| Start and reset | Result | Target |")
    print("|---|---:|---:|")
    print(f"| `kerbside serve` on an empty data dir → `Ready.`, median of {len(starts)} (max) | "
          f"{statistics.median(starts):.0f} ms ({max(starts):.0f} ms) | 300 ms |")
    for count, took in resets.items():
        print(f"| POST /_kerbside/reset with a directory and {count} DB instance{'s' if count > 1 else ''} running, median of 3 | "
              f"{took * 1000:.0f} ms | {'500 ms' if count == 1 else ''} |")


if __name__ == "__main__":
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    main()
