#!/usr/bin/env python3
"""MySQL-family benchmark: CreateDBInstance (engine mysql) to `available`, password logins per
second through Kerbside's MySQL front door (over TLS and in plaintext) with PyMySQL, and the
memory of an idle instance. Run by `make bench`.

Loopback only, against a Kerbside this script starts in a fresh data dir and stops by its pid;
every wait has a deadline and every loop a count and a time limit. Results print as Markdown."""
import argparse
import ssl
import statistics
import sys
import time
import urllib.request
from pathlib import Path

import pymysql

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_rds import Kerbside, children, cmdline, pss_mb  # noqa: E402

MASTER, PASSWORD = "admin", "Master-Pass-123"
POLL = 0.003
WAIT_LIMIT = 60.0
LOGIN_SECONDS = 3.0
LOGIN_LIMIT = 20_000


def create_until_available(rds, identifier):
    started = time.monotonic()
    rds.create_db_instance(DBInstanceIdentifier=identifier, Engine="mysql", DBInstanceClass="db.t3.micro",
                           AllocatedStorage=20, MasterUsername=MASTER, MasterUserPassword=PASSWORD)
    while time.monotonic() - started < WAIT_LIMIT:
        instance = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
        if instance["DBInstanceStatus"] == "available":
            return time.monotonic() - started, instance
        if instance["DBInstanceStatus"] == "failed":
            sys.exit(f"{identifier} failed: {instance}")
        time.sleep(POLL)
    sys.exit(f"{identifier} was not available within {WAIT_LIMIT} s")


def logins_per_second(address, port, context):
    """Connect, log in, `SELECT 1`, close, in a loop bounded by time and count."""
    count, deadline = 0, time.monotonic() + LOGIN_SECONDS
    started = time.monotonic()
    while time.monotonic() < deadline and count < LOGIN_LIMIT:
        options = dict(host=address, port=port, user=MASTER, password=PASSWORD, connect_timeout=10)
        options.update(ssl=context) if context else options.update(ssl_disabled=True)
        connection = pymysql.connect(**options)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        connection.close()
        count += 1
    return count / (time.monotonic() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kerbside", required=True)
    parser.add_argument("--runs", type=int, default=8)
    arguments = parser.parse_args()
    kerbside = Kerbside(arguments.kerbside)
    try:
        rds = kerbside.client("rds")
        first, _ = create_until_available(rds, "bench-first")
        times = []
        for run in range(arguments.runs):
            took, instance = create_until_available(rds, f"bench-{run}")
            times.append(took)
        hosts = dict(reversed(line.split()) for line in kerbside.get("hosts").decode().splitlines() if line.strip())
        address, port = hosts[instance["Endpoint"]["Address"]], instance["Endpoint"]["Port"]
        ca = kerbside.work / "ca.pem"
        ca.write_bytes(kerbside.get("ca.pem"))
        context = ssl.create_default_context(cafile=str(ca))
        context.check_hostname = False     # reached by address; the name is checked in the e2e suite
        tls = logins_per_second(address, port, context)
        plain = logins_per_second(address, port, None)
        time.sleep(1)
        servers = [pid for pid in children(kerbside.process.pid) if "mariadbd" in cmdline(pid)]
        memory = [pss_mb(pid) for pid in servers]
        print("| MySQL-family measure | Result |")
        print("|---|---|")
        print(f"| CreateDBInstance (mysql) → available, first (template made) | {first * 1000:.0f} ms |")
        print(f"| CreateDBInstance (mysql) → available, median of {len(times)} | {statistics.median(times) * 1000:.0f} ms "
              f"(max {max(times) * 1000:.0f} ms) |")
        print(f"| Password logins through the front door, TLS (PyMySQL, one client) | {tls:.0f}/s |")
        print(f"| Password logins through the front door, plaintext | {plain:.0f}/s |")
        if memory:
            print(f"| Idle MariaDB server (PSS, median of {len(memory)}) | {statistics.median(memory):.0f} MB |")
    finally:
        kerbside.stop()


if __name__ == "__main__":
    main()
